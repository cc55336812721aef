import type Sqlite from 'better-sqlite3-multiple-ciphers';
import { chainNext } from '../audit/chain';
import type { Db } from './engine';
import type { AuditRecord, CacheBatch, WriteSummary } from './records';

const prepared = new WeakMap<Db, Record<string, Sqlite.Statement>>();

function statements(db: Db): Record<string, Sqlite.Statement> {
  let found = prepared.get(db);
  if (!found) {
    found = {
      audit: db.prepare('INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      auditTail: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      addNote: db.prepare('INSERT INTO notes (entity_type, entity_key, body, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      editNote: db.prepare('UPDATE notes SET body = ?, author = coalesce(?, author), updated_at = ? WHERE id = ? RETURNING rowid'),
      addTag: db.prepare('INSERT INTO tags (entity_type, entity_key, tag, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      removeTag: db.prepare('DELETE FROM tags WHERE entity_type = ? AND entity_key = ? AND tag = ?'),
    };
    prepared.set(db, found);
  }
  return found;
}

/**
 * Chains audit entries onto the log, inside the caller's write transaction, so two processes
 * can never fork the chain and an entry commits with the change it records. Returns the new head.
 */
export function appendAudit(db: Db, entries: readonly AuditRecord[]): { seq: number; hash: string } | null {
  const s = statements(db) as Record<'audit' | 'auditTail', Sqlite.Statement>;
  let tail = (s.auditTail.get() as { seq: number; hash: string } | undefined) ?? null;
  for (const entry of entries) {
    const detail = entry.detail === undefined ? null : JSON.parse(JSON.stringify(entry.detail)) as unknown;
    const chained = chainNext(tail, { at: entry.at, actor: entry.actor ?? null, action: entry.action, target: entry.target ?? null, detail });
    s.audit.run(chained.seq, chained.at, chained.actor, chained.action, chained.target, detail === null ? null : JSON.stringify(detail), chained.prevHash, chained.hash);
    tail = chained;
  }
  return tail && { seq: tail.seq, hash: tail.hash };
}

/** What the analyst writes (notes, tags) and the audit trail: rare, small, same transaction. */
export function writeAnalystData(db: Db, batch: CacheBatch, summary: WriteSummary, at: string, search: Sqlite.Statement): void {
  if (!batch.audit?.length && !batch.notes?.length && !batch.tags?.length) return;
  const s = statements(db) as Record<'addNote' | 'editNote' | 'addTag' | 'removeTag', Sqlite.Statement>;
  if (batch.audit?.length) {
    summary.written.audit_log = batch.audit.length;
    summary.auditHead = appendAudit(db, batch.audit) ?? undefined;
  }
  for (const note of batch.notes ?? []) {
    let rowid: number;
    if (note.id === undefined) {
      rowid = Number(s.addNote.run(note.entityType, note.entityKey, note.body, note.author ?? null, at, at).lastInsertRowid);
      summary.noteIds.push(rowid);
    } else {
      const edited = s.editNote.get(note.body, note.author ?? null, at, note.id) as { rowid: number } | undefined;
      if (!edited) continue;
      rowid = edited.rowid;
    }
    search.run(rowid * 16 + 11, note.body);
  }
  if (batch.notes?.length) summary.written.notes = batch.notes.length;
  for (const tag of batch.tags ?? []) {
    if (tag.remove) s.removeTag.run(tag.entityType, tag.entityKey, tag.tag);
    else s.addTag.run(tag.entityType, tag.entityKey, tag.tag, at);
  }
  if (batch.tags?.length) summary.written.tags = batch.tags.length;
}
