// The benchmark suite: `npm run bench [-- --events N] [--json] [--skip a,b] [--only a,b]`.
// Parts: ingest, queries, open, purge, wipe, sync, browser. See README "Performance".
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBrowser, browserRows } from './browser';
import { benchIngest } from './ingest';
import { benchOpen, benchPurge, benchWipe } from './lifecycle';
import { benchTenant, dataSpan } from './lib/data';
import { benchKeychain } from './lib/keychain';
import { formatTable, type BenchRow } from './lib/report';
import { benchQueries, sampleKeys } from './queries';
import { benchSync } from './sync';

interface Args {
  events: number;
  json: boolean;
  parts: Set<string>;
  iterations: number;
}

const allParts = ['ingest', 'queries', 'open', 'purge', 'wipe', 'sync', 'browser'];

function parseArgs(argv: string[]): Args {
  let events = 1_000_000;
  let json = false;
  let only: string[] | null = null;
  let skip: string[] = [];
  let iterations = 200;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--events') events = Number(value().replaceAll('_', ''));
    else if (arg.startsWith('--events=')) events = Number(arg.slice(9).replaceAll('_', ''));
    else if (arg === '--json') json = true;
    else if (arg === '--only') only = value().split(',');
    else if (arg === '--skip') skip = value().split(',');
    else if (arg === '--iterations') iterations = Number(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: npm run bench -- [--events N] [--json] [--only ${allParts.join(',')}] [--skip ...] [--iterations N]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isFinite(events) || events < 1000) throw new Error('--events must be at least 1000');
  const parts = new Set((only ?? allParts).filter((part) => !skip.includes(part)));
  for (const part of parts) if (!allParts.includes(part)) throw new Error(`unknown part ${part}; parts: ${allParts.join(', ')}`);
  return { events, json, parts, iterations };
}

const args = parseArgs(process.argv.slice(2));
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const rows: BenchRow[] = [];
const emit = (...list: BenchRow[]) => {
  for (const r of list) {
    rows.push(r);
    if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    log(`${r.name}: ${r.value ?? 'n/a'} ${r.unit}${r.ratio !== undefined ? ` (ratio ${r.ratio})` : ''} ${r.met ? 'met' : 'NOT MET'}`);
  }
};

const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-'));
const tenantId = 'bench-tenant';
const { keychain, name: keychainName } = await benchKeychain();
const scaleLabel = args.events >= 5_000_000 ? ` @${args.events / 1_000_000}M` : '';
const idleTarget = args.events >= 5_000_000 ? 10 : 5;
log(`${args.events.toLocaleString('en-US')} events; ${os.cpus().length} CPUs; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; keychain: ${keychainName}; home ${home}`);

try {
  const needsCache = ['ingest', 'queries', 'open', 'purge', 'wipe'].some((part) => args.parts.has(part));
  if (needsCache) {
    const tenant = benchTenant(args.events);
    log('ingest: writing the plaintext and the encrypted cache');
    const ingest = await benchIngest({ tenant, home, tenantId, keychain, log });
    if (args.parts.has('ingest')) emit(...ingest.rows);
    let client: typeof ingest.encrypted | undefined = ingest.encrypted;
    if (args.parts.has('queries')) {
      const samples = sampleKeys(tenant);
      log('queries: pivots and search');
      emit(...(await benchQueries({ client, samples, events: ingest.events, iterations: args.iterations, log, scaleLabel, idleTarget })));
    }
    if (args.parts.has('open') || args.parts.has('purge')) {
      await client.close();
      client = undefined;
    }
    if (args.parts.has('open')) emit(await benchOpen({ home, tenantId, keychain, keychainName }));
    if (args.parts.has('purge')) {
      const span = dataSpan(tenant);
      const cutoff = new Date(span.from + (span.to - span.from) / 3).toISOString();
      emit(await benchPurge({ home, tenantId, keychain, cutoff }));
    }
    if (args.parts.has('wipe')) emit(await benchWipe({ home, tenantId, keychain, client }));
    else await client?.close();
  }
  const guarded = async (names: string[], target: string[], run: () => Promise<BenchRow[]>) => {
    try {
      emit(...(await run()));
    } catch (error) {
      log(`${names.join(', ')} failed: ${(error as Error).stack ?? String(error)}`);
      emit(...names.map((name, i) => ({ name, value: null, unit: '', target: target[i]!, met: false, detail: `not measured: ${(error as Error).message.split('\n')[0]}` })));
    }
  };
  if (args.parts.has('sync')) await guarded(['sync end-to-end over HTTPS', 'sync peak RSS (client process)'], ['>= 15000 events/s', '<= 400 MB'], async () => (await benchSync({ events: args.events, keychainName, here: path.dirname(fileURLToPath(import.meta.url)), log })));
  if (args.parts.has('browser')) {
    await guarded(browserRows.map((r) => r.name), browserRows.map((r) => r.target),
      () => benchBrowser({ events: args.events, keychain, keychainName, root: process.cwd(), log }));
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

// With --json the rows are on stdout, one per line, and the table goes to stderr.
if (args.json) process.stderr.write(`\n${formatTable(rows)}\n`);
else process.stdout.write(`${formatTable(rows)}\n`);
const missed = rows.filter((r) => !r.met).length;
log(`${rows.length} benchmarks, ${rows.length - missed} met`);
