import type { Migration } from './migration';
import { migration0001 } from './0001-initial';

/** Every migration, in order. Append only; a shipped migration is never edited. */
export const migrations: readonly Migration[] = [migration0001];

export const latestSchemaVersion = migrations.length;
export type { Migration } from './migration';
