import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/repo';

const eslint = new ESLint({ cwd: repoRoot });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'outpost/process-boundaries').map((m) => m.message);
}

describe('process boundaries (lint)', () => {
  const refused: Array<[string, string, string]> = [
    ['renderer/src/x.ts', "import fs from 'node:fs';", 'no Node built-in'],
    ['renderer/src/x.ts', "import { spawn } from 'child_process';", 'no Node built-in'],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';", 'never electron'],
    ['renderer/src/x.ts', "import { createRouter } from '../../main/router/router';", 'may not import from main'],
    ['renderer/src/x.ts', "export * from '../../preload/preload';", 'may not import from preload'],
    ['renderer/src/x.ts', "const m = await import('node:os');", 'no Node built-in'],
    ['preload/x.ts', "import path from 'node:path';", 'no Node built-ins'],
    ['preload/x.ts', "import { z } from 'zod';", 'only the contract and electron'],
    ['preload/x.ts', "import { createRouter } from '../main/router/router';", 'only the contract and electron'],
    ['main/services/x.ts', "import { app } from 'electron';", 'only main/shell/ may import electron'],
    ['main/router/x.ts', "import { BrowserWindow } from 'electron';", 'only main/shell/ may import electron'],
    ['main/services/sync/x.ts', "import { startEmulator } from '../../../emulator';", 'only the CLI starts it'],
    ['contract/x.ts', "import fs from 'node:fs';", 'only zod'],
    ['contract/x.ts', "import { createRouter } from '../main/router/router';", 'may not import from other layers'],
    ['emulator/x.ts', "import { createRouter } from '../main/router/router';", 'independent of the client'],
    ['main/services/cache/x.ts', "import { timelineKinds } from '../../../contract/schemas/investigate';", 'the cache worker loads no zod'],
    ['main/services/cache/x.ts', "import { z } from 'zod';", 'the cache worker loads no zod'],
  ];

  it.each(refused)('%s: %s is refused', async (file, code, why) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.join('\n')).toContain(why);
  });

  const allowed: Array<[string, string]> = [
    ['main/shell/x.ts', "import { app } from 'electron';"],
    ['preload/x.ts', "import { contextBridge } from 'electron';\nimport { isRequestChannel } from '../contract/channel-names';"],
    ['renderer/src/x.ts', "import { create } from 'zustand';\nimport type { OutpostApi } from '../../contract';"],
    ['main/services/x.ts', "import fs from 'node:fs';\nimport { OutpostError } from '../../contract';"],
    ['main/cli/x.ts', "import { startEmulator } from '../../emulator';"],
    ['contract/x.ts', "import { z } from 'zod';\nimport type { Result } from './result';"],
    ['main/services/cache/x.ts', "import type { ListName } from '../../../contract/schemas/investigate';\nimport { type TimelineKind } from '../../../contract/schemas/investigate';\nimport { pageRows } from '../../../contract/pages';"],
  ];

  it.each(allowed)('%s: %s is allowed', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});

describe('process boundaries (typecheck)', () => {
  const dir = mkdtempSync(path.join(repoRoot, 'node_modules', '.outpost-boundaries-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renderer code that uses Node does not compile under the renderer tsconfig', async () => {
    const config = path.join(dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: path.join(repoRoot, 'tsconfig.web.json'),
        compilerOptions: { composite: false, noEmit: true, emitDeclarationOnly: false, declaration: false, tsBuildInfoFile: null },
        include: [path.join(repoRoot, 'test/fixtures/boundaries/renderer-reads-disk.ts')],
      }),
    );
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const outcome = await promisify(execFile)(process.execPath, [tsc, '-p', config]).then(
      () => ({ failed: false, output: '' }),
      (error: { stdout?: string }) => ({ failed: true, output: error.stdout ?? '' }),
    );
    expect(outcome.failed).toBe(true);
    expect(outcome.output).toMatch(/Cannot find module 'node:fs'|Cannot find name 'process'/);
  });
});
