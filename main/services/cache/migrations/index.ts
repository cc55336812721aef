import type { Migration } from './migration';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-pivot-indexes';
import { migration0003 } from './0003-key-machines';
import { migration0004 } from './0004-event-bounds';
import { migration0005 } from './0005-url-indexes';
import { migration0006 } from './0006-machine-numbers';

/** Every migration, in order. Append only; a shipped migration is never edited. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006];

export const latestSchemaVersion = migrations.length;
export type { Migration } from './migration';
