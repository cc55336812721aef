import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutpostError } from '../../../contract';
import { migrate } from '../../../main/services/cache/migrate';
import { latestSchemaVersion, migrations } from '../../../main/services/cache/migrations';
import { repoRoot } from '../helpers';
import { emptyEncryptedDb } from './helpers';

describe('the migrations', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture?.remove());

  it('are numbered 1..n, one file each, and each has its own test', () => {
    const folder = path.join(repoRoot, 'main/services/cache/migrations');
    const files = readdirSync(folder).filter((name) => /^\d{4}-.*\.ts$/.test(name)).sort();
    expect(files.length).toBe(migrations.length);
    migrations.forEach((migration, index) => {
      expect(migration.version).toBe(index + 1);
      expect(files[index]).toBe(`${String(migration.version).padStart(4, '0')}-${migration.name}.ts`);
    });
    const tests = readdirSync(path.join(repoRoot, 'test/cache/migrations'));
    for (const file of files) expect(tests).toContain(file.replace(/\.ts$/, '.test.ts'));
  });

  it('take an empty cache to the current version, and a second run changes nothing', () => {
    fixture = emptyEncryptedDb();
    expect(migrate(fixture.db, 't')).toBe(latestSchemaVersion);
    const schema = fixture.db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all();
    expect(migrate(fixture.db, 't')).toBe(latestSchemaVersion);
    expect(fixture.db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schema);
  });

  it('refuse a cache written by a newer Outpost (CACHE_TOO_NEW) and leave it as it was', () => {
    fixture = emptyEncryptedDb();
    migrate(fixture.db, 't');
    fixture.db.pragma(`user_version=${latestSchemaVersion + 1}`);
    let error: OutpostError | undefined;
    try {
      migrate(fixture.db, 't');
    } catch (caught) {
      error = caught as OutpostError;
    }
    expect(error?.code).toBe('CACHE_TOO_NEW');
    expect(error?.message).toMatch(/Update Outpost/);
    expect(fixture.db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion + 1);
  });

  it('roll a failing migration back whole', () => {
    fixture = emptyEncryptedDb();
    const broken = [...migrations, { version: migrations.length + 1, name: 'broken', up: (db: typeof fixture.db) => db.exec('CREATE TABLE half (x); SELECT * FROM nowhere;') }];
    expect(() => migrate(fixture.db, 't', broken.length, broken)).toThrow();
    expect(fixture.db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    expect(fixture.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
  });
});
