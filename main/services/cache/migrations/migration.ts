import type Sqlite from 'better-sqlite3-multiple-ciphers';

type Database = Sqlite.Database;

/** One schema step. `up` runs inside a transaction; the runner sets user_version. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}
