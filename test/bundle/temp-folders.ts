import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const folders: string[] = [];

// Registered on the suite of the test file importing this module: its folders go when it ends
// (npm test also gives the whole run its own TMPDIR). The kill tests' child scripts import the
// helpers outside any test file, where there is no suite: their caller's file removes them.
try {
  afterAll(() => {
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
} catch {
  // a child process
}

/** A folder of its own under the temp folder, removed when the test file ends. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}
