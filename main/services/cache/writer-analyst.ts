import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type { Db } from './engine';
import type { CacheBatch, WriteSummary } from './records';

const prepared = new WeakMap<Db, Record<string, Sqlite.Statement>>();

function statements(db: Db): Record<string, Sqlite.Statement> {
  let found = prepared.get(db);
  if (!found) {
    found = {
      audit: db.prepare('INSERT INTO audit_log (at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      addNote: db.prepare('INSERT INTO notes (entity_type, entity_key, body, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      editNote: db.prepare('UPDATE notes SET body = ?, author = coalesce(?, author), updated_at = ? WHERE id = ? RETURNING rowid'),
      addTag: db.prepare('INSERT INTO tags (entity_type, entity_key, tag, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      removeTag: db.prepare('DELETE FROM tags WHERE entity_type = ? AND entity_key = ? AND tag = ?'),
    };
    prepared.set(db, found);
  }
  return found;
}

/** What the analyst writes (notes, tags) and the audit trail: rare, small, same transaction. */
export function writeAnalystData(db: Db, batch: CacheBatch, summary: WriteSummary, at: string, search: Sqlite.Statement): void {
  if (!batch.audit?.length && !batch.notes?.length && !batch.tags?.length) return;
  const s = statements(db) as Record<'audit' | 'addNote' | 'editNote' | 'addTag' | 'removeTag', Sqlite.Statement>;
  for (const entry of batch.audit ?? []) {
    s.audit.run(entry.at, entry.actor ?? null, entry.action, entry.target ?? null, entry.detail === undefined ? null : JSON.stringify(entry.detail), entry.prevHash, entry.hash);
  }
  if (batch.audit?.length) summary.written.audit_log = batch.audit.length;
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
