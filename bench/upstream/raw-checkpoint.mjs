#!/usr/bin/env node
// What the encrypted ingest would gain from a checkpoint that copies the WAL's ciphertext as
// it is. A measurement for a change we would ask of SQLite3 Multiple Ciphers, never shipped.
//
// Why: SQLite3 Multiple Ciphers encrypts each WAL frame with the page's own key and number
// (sqlite3mcPagerCodec, mode 6, as the file's pages), yet its checkpoint decrypts every frame
// (mcReadWal) and encrypts it again (mcWriteMainDb). A frame's ciphertext is already valid at
// that page of the file, so the copy could move bytes. A tampered frame then stays tampered (a
// reader's HMAC check refuses it) instead of failing the copy.
//
// How: a detached worktree of HEAD whose node_modules links to this one's, except the cipher
// package, copied and patched (three edits in its amalgamation) and built from source. With
// MC_RAW_COPY set, a checkpoint on that thread copies frames raw; unset, the same binary does
// what the stock library does. Then `npm run bench -- --only ingest --json`, alternating
// unset / set, prints each run's ratio. Valid for the SQLCipher scheme without a legacy WAL
// (what Outpost's caches use); a real change would check the codec instead of a variable.
//
// node bench/upstream/raw-checkpoint.mjs [runs per side, default 3]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number(process.argv[2] ?? 3);
const cipher = 'better-sqlite3-multiple-ciphers';
const tree = mkdtempSync(path.join(os.tmpdir(), 'outpost-raw-checkpoint-'));

/** Replaces the one occurrence of `anchor` (the amalgamation has CRLF lines; anchors are single lines). */
function edit(text, anchor, replacement) {
  const at = text.indexOf(anchor);
  if (at < 0 || text.indexOf(anchor, at + 1) >= 0) throw new Error(`the amalgamation changed: "${anchor}" is not there exactly once`);
  return text.slice(0, at) + replacement + text.slice(at + anchor.length);
}

/**
 * Renames the library's `name` to `<name>Coded` and puts in front of it a function of the same
 * signature that does `raw` instead while a checkpoint copies raw (both hooks share one signature).
 */
function divert(text, name, raw, eol) {
  const signature = (fn) => `static int ${fn}(sqlite3_file* pFile, const void* buffer, int count, sqlite3_int64 offset)`;
  const coded = `${name}Coded`;
  return edit(text, signature(name), [
    `${signature(coded)};`,
    signature(name),
    `{ return mcRawCopy ? ${raw} : ${coded}(pFile, buffer, count, offset); }`,
    signature(coded),
  ].join(eol));
}

function patch(file) {
  const eol = '\r\n';
  let text = readFileSync(file, 'latin1');
  text = edit(text, 'static int walCheckpoint(', `static __thread int mcRawCopy = 0;${eol}static int walCheckpoint(`);
  text = edit(text, 'rc = sqlite3OsRead(pWal->pWalFd, zBuf, szPage, iOffset);',
    'mcRawCopy = getenv("MC_RAW_COPY")!=0; rc = sqlite3OsRead(pWal->pWalFd, zBuf, szPage, iOffset); if( rc!=SQLITE_OK ) mcRawCopy = 0;');
  text = edit(text, 'rc = sqlite3OsWrite(pWal->pDbFd, zBuf, szPage, iOffset);', 'rc = sqlite3OsWrite(pWal->pDbFd, zBuf, szPage, iOffset); mcRawCopy = 0;');
  text = divert(text, 'mcReadWal', 'SQLITE_OK', eol);
  text = divert(text, 'mcWriteMainDb', 'REALFILE(pFile)->pMethods->xWrite(REALFILE(pFile), buffer, count, offset)', eol);
  writeFileSync(file, text, 'latin1');
}

function bench(raw) {
  const env = { ...process.env };
  if (raw) env.MC_RAW_COPY = '1';
  else delete env.MC_RAW_COPY;
  const run = spawnSync('npm', ['run', 'bench', '--', '--only', 'ingest', '--json'], { cwd: tree, env, encoding: 'utf8' });
  const line = run.stdout.split('\n').find((text) => text.startsWith('{') && text.includes('"ingest encrypted'));
  if (!line) throw new Error(`the bench printed no ingest row:\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(line);
  const perCpu = /per CPU-second[^;]*\(ratio ([\d.]+)\)/.exec(result.detail)?.[1];
  return { raw, encrypted: result.value, plaintext: result.baseline, ratio: result.ratio, perCpuRatio: Number(perCpu) };
}

try {
  execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: root, stdio: 'inherit' });
  const modules = path.join(tree, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    if (name !== cipher && name !== '.cache') symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  cpSync(path.join(root, 'node_modules', cipher), path.join(modules, cipher), { recursive: true });
  patch(path.join(modules, cipher, 'deps', 'sqlite3', 'sqlite3.c'));
  execFileSync('npx', ['--yes', 'node-gyp', 'rebuild', '--release'], { cwd: path.join(modules, cipher), stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < runs; i++) {
    for (const raw of [false, true]) console.log(JSON.stringify(bench(raw)));
  }
} finally {
  spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'inherit' });
  rmSync(tree, { recursive: true, force: true });
}
