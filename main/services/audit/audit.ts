import { readFile } from 'node:fs/promises';
import type { AuditRecord, CacheClient } from '../cache';
import { auditAnchorFile } from '../cache';
import { verifyChain, type AuditAction, type ChainedEntry, type ChainVerdict } from './chain';

/** Who did it: the OS user running Outpost (no tenant data). */
export function actor(): string {
  return process.env.USER ?? process.env.USERNAME ?? 'analyst';
}

/** One audit entry, as the writer chains it into whatever transaction it is part of. */
export function auditEntry(action: AuditAction, target: string | null, detail: unknown = null): AuditRecord {
  return { at: new Date().toISOString(), actor: actor(), action, target, detail };
}

/** Appends one audit entry; the writer chains it inside its transaction. */
export async function recordAudit(cache: Pick<CacheClient, 'write'>, action: AuditAction, target: string | null, detail: unknown = null): Promise<void> {
  await cache.write({ audit: [auditEntry(action, target, detail)] });
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

function toEntry(row: AuditRow): ChainedEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Every entry in order, read in pages so a long log never sits in memory twice. */
export async function* auditEntries(cache: Pick<CacheClient, 'query'>): AsyncGenerator<ChainedEntry> {
  let after = 0;
  for (;;) {
    const rows = (await cache.query('auditLog', { afterSeq: after, limit: 1000 })) as unknown as AuditRow[];
    if (rows.length === 0) return;
    for (const row of rows) yield toEntry(row);
    after = rows.at(-1)!.seq;
  }
}

async function readAnchor(databaseFile: string): Promise<{ seq: number; hash: string } | null> {
  try {
    const [seq, hash] = (await readFile(auditAnchorFile(databaseFile), 'utf8')).trim().split(' ');
    return { seq: Number(seq), hash: hash ?? '' };
  } catch {
    return null;
  }
}

/** Walks the whole chain and compares its end with the anchor beside the file. */
export async function verifyAudit(cache: Pick<CacheClient, 'query' | 'path'>): Promise<ChainVerdict> {
  const entries: ChainedEntry[] = [];
  for await (const entry of auditEntries(cache)) entries.push(entry);
  return verifyChain(entries, await readAnchor(cache.path));
}

/** The log as JSON Lines, one entry a line, with its hashes so it can be verified elsewhere. */
export async function exportAuditJsonl(cache: Pick<CacheClient, 'query'>): Promise<{ jsonl: string; entries: number }> {
  const lines: string[] = [];
  for await (const entry of auditEntries(cache)) lines.push(JSON.stringify(entry));
  return { jsonl: lines.length ? `${lines.join('\n')}\n` : '', entries: lines.length };
}
