import { useState, type FormEvent } from 'react';
import type { EntityRefData } from '../../../contract/schemas/investigate';
import { call, useRequest } from '../api/call';
import { ErrorNote, formatTime } from './Status';

/** Tags and notes on any entity, kept in the encrypted cache; each change is audited. */
export function Annotations({ tenant, entity }: { tenant: string; entity: EntityRefData }) {
  const annotations = useRequest('investigate.annotations', { tenant, entity });
  const [tag, setTag] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | null>(null);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
      annotations.reload();
    } catch (error) {
      setFailure({ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  const addTag = (event: FormEvent) => {
    event.preventDefault();
    const value = tag.trim();
    if (!value) return;
    void run(async () => {
      await call('investigate.setTag', { tenant, entity, tag: value, present: true });
      setTag('');
    });
  };
  const addNote = (event: FormEvent) => {
    event.preventDefault();
    const value = note.trim();
    if (!value) return;
    void run(async () => {
      await call('investigate.addNote', { tenant, entity, body: value });
      setNote('');
    });
  };
  const tags = annotations.data?.tags ?? [];
  const notes = annotations.data?.notes ?? [];
  return (
    <section className="annotations" aria-label="Tags and notes" data-testid="annotations">
      {annotations.error ? <ErrorNote error={annotations.error} /> : null}
      {failure ? <p role="alert" className="error-note">{failure.message}</p> : null}
      <div className="tags" aria-label="Tags">
        {tags.map((t) => (
          <span key={t} className="tag" data-testid="tag">
            {t}
            <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`} disabled={busy} onClick={() => void run(() => call('investigate.setTag', { tenant, entity, tag: t, present: false }))}>
              ×
            </button>
          </span>
        ))}
        <form onSubmit={addTag} className="inline-form">
          <label>
            <span className="visually-hidden">New tag</span>
            <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="Add a tag" maxLength={64} aria-label="New tag" />
          </label>
          <button type="submit" disabled={busy || !tag.trim()}>
            Tag
          </button>
        </form>
      </div>
      <ol className="notes" aria-label="Notes">
        {notes.map((n) => (
          <li key={n.id} className="note" data-testid="note">
            <p>{n.body}</p>
            <span className="muted">
              {n.author ?? 'analyst'}, {formatTime(n.createdAt)}
            </span>
          </li>
        ))}
      </ol>
      <form onSubmit={addNote} className="note-form">
        <label htmlFor={`note-${entity.type}`}>Add a note</label>
        <textarea id={`note-${entity.type}`} value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={20_000} />
        <button type="submit" disabled={busy || !note.trim()}>
          Save note
        </button>
      </form>
    </section>
  );
}
