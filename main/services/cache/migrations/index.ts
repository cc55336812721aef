import type { Migration } from './migration';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-pivot-indexes';

/** Every migration, in order. Append only; a shipped migration is never edited. */
export const migrations: readonly Migration[] = [migration0001, migration0002];

export const latestSchemaVersion = migrations.length;
export type { Migration } from './migration';
