import { createHash } from 'node:crypto';

/**
 * The audit log's chain: each entry's hash covers its sequence number, its content and the
 * hash before it, so an edit, a deletion or a reordering breaks every hash after it.
 */
export const GENESIS = '0'.repeat(64);

export const auditActions = [
  'sign-in', 'sign-out', 'sync', 'view', 'search', 'export', 'import', 'purge', 'rekey', 'wipe', 'lock', 'unlock',
  'note', 'tag', 'policy',
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: unknown;
}

export interface ChainedEntry extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Canonical JSON: keys sorted, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function auditHash(seq: number, prevHash: string, entry: AuditEntry): string {
  const body = canonical({ seq, at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, detail: entry.detail ?? null });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export function chainNext(tail: { seq: number; hash: string } | null, entry: AuditEntry): ChainedEntry {
  const seq = (tail?.seq ?? 0) + 1;
  const prevHash = tail?.hash ?? GENESIS;
  return { ...entry, seq, prevHash, hash: auditHash(seq, prevHash, entry) };
}

export type ChainVerdict =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; brokenAt: number; reason: string };

/** Walks the chain in seq order; the first entry that does not follow from the one before is named. */
export function verifyChain(entries: Iterable<ChainedEntry>, anchor?: { seq: number; hash: string } | null): ChainVerdict {
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS };
  let count = 0;
  for (const entry of entries) {
    count++;
    if (entry.seq !== previous.seq + 1) return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${previous.seq + 1} is missing or out of order` };
    if (entry.prevHash !== previous.hash) return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} does not follow entry ${previous.seq}` };
    if (auditHash(entry.seq, entry.prevHash, entry) !== entry.hash) return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} was altered` };
    previous = entry;
  }
  if (anchor && (anchor.seq !== previous.seq || anchor.hash !== previous.hash)) {
    return { ok: false, entries: count, brokenAt: previous.seq + 1, reason: `the log ends at entry ${previous.seq}, but entry ${anchor.seq} was written` };
  }
  return { ok: true, entries: count, head: previous.hash };
}
