import type Sqlite from 'better-sqlite3-multiple-ciphers';

type Database = Sqlite.Database;

/**
 * One schema step. `up` runs inside a transaction; the runner sets user_version. A step that
 * takes long on a big cache says how far it is (`progress`, 0 to 1) as it goes.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database, progress?: (fraction: number) => void): void;
}
