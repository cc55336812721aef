import { useState } from 'react';
import type { ResponseOf } from '../../../contract';
import { call, usePaged } from '../api/call';
import { EntityLink, entityTypeNames } from '../components/Link';
import { ErrorNote, formatTime } from '../components/Status';

type CaseEntity = ResponseOf<'investigate.case'>['entities'][number];

/** Hands the export to the browser as a download: nothing is written by Outpost itself. */
export function offerDownload(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The case: every tagged or annotated entity with its notes, and the explicit, audited export. */
export function CasePage({ tenant }: { tenant: string }) {
  const [format, setFormat] = useState<'json' | 'html'>('html');
  const [pseudonymize, setPseudonymize] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const paged = usePaged<CaseEntity, number>(tenant, async (offset) => {
    const start = offset ?? 0;
    const page = await call('investigate.case', { tenant, limit: 200, offset: start });
    return { rows: page.entities, next: page.hasMore ? start + page.entities.length : null };
  });
  const exportCase = async () => {
    setFailure(null);
    setStatus('Exporting…');
    try {
      const result = await call('investigate.export', { tenant, format, pseudonymize });
      offerDownload(result.fileName, result.mimeType, result.content);
      setStatus(`Exported ${result.entities} entities as ${result.fileName}; the export is recorded in the audit log.`);
    } catch (error) {
      setStatus(null);
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <article>
      <header className="entity-header">
        <h2 tabIndex={-1} data-testid="page-title">
          Case
        </h2>
        <span className="muted">Entities you tagged or wrote notes on.</span>
      </header>
      <form
        className="export-form"
        aria-label="Export the case"
        onSubmit={(e) => {
          e.preventDefault();
          void exportCase();
        }}
      >
        <fieldset>
          <legend>Format</legend>
          <label>
            <input type="radio" name="format" value="html" checked={format === 'html'} onChange={() => setFormat('html')} /> HTML report
          </label>
          <label>
            <input type="radio" name="format" value="json" checked={format === 'json'} onChange={() => setFormat('json')} /> JSON
          </label>
        </fieldset>
        <label>
          <input type="checkbox" checked={pseudonymize} onChange={(e) => setPseudonymize(e.target.checked)} /> Pseudonymize host and account names
        </label>
        <button type="submit" data-testid="export-case">
          Export case
        </button>
        <p role="status" className="muted" data-testid="export-status">
          {status}
        </p>
        {failure ? <p role="alert" className="error-note">{failure}</p> : null}
      </form>
      {paged.error ? <ErrorNote error={paged.error} /> : null}
      <ul className="case-list" aria-label="Case entities">
        {paged.rows.map((item) => (
          <li key={`${item.entity.type}:${item.entity.key}`} className="case-entity" data-testid="case-entity">
            <EntityLink entity={item.entity} label={item.label} showType />
            {item.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
            <ul className="notes">
              {item.notes.map((n) => (
                <li key={n.id} className="note">
                  {n.body} <span className="muted">— {n.author ?? 'analyst'}, {formatTime(n.createdAt)}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {paged.hasMore && !paged.loading ? (
        <button type="button" onClick={paged.loadMore}>
          More
        </button>
      ) : null}
      {!paged.loading && !paged.hasMore && paged.rows.length === 0 ? (
        <p className="muted">Nothing tagged yet. Tag an entity ({Object.values(entityTypeNames).join(', ').toLowerCase()}) on its page to add it to the case.</p>
      ) : null}
    </article>
  );
}
