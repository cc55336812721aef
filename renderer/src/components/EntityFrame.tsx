import { lazy, Suspense, useId, useState, type ReactNode } from 'react';
import type { EntityRefData } from '../../../contract/schemas/investigate';
import { Annotations } from './Annotations';
import { entityTypeNames } from './Link';

// The graph (cytoscape, most of the bundle's weight) is loaded the first time an analyst asks
// for it, so every page's first paint does not parse it.
const EntityGraph = lazy(async () => ({ default: (await import('./EntityGraph')).EntityGraph }));

/** The frame of every entity page: type, name, tags and notes, the graph on demand, then the page's sections. */
export function EntityFrame({ tenant, entity, title, subtitle, children }: { tenant: string; entity: EntityRefData; title: string; subtitle?: ReactNode; children: ReactNode }) {
  const [graph, setGraph] = useState(false);
  return (
    <article className="entity-page" data-entity-type={entity.type}>
      <header className="entity-header">
        <span className="entity-type">{entityTypeNames[entity.type]}</span>
        <h2 tabIndex={-1} data-testid="page-title">
          {title}
        </h2>
        {subtitle ? <div className="entity-subtitle">{subtitle}</div> : null}
        <div className="entity-actions">
          <button type="button" aria-pressed={graph} onClick={() => setGraph((g) => !g)}>
            {graph ? 'Hide graph' : 'Show graph'}
          </button>
        </div>
      </header>
      <Annotations tenant={tenant} entity={entity} />
      {graph ? (
        <Suspense fallback={<p role="status">Loading the graph…</p>}>
          <EntityGraph tenant={tenant} entity={entity} />
        </Suspense>
      ) : null}
      {children}
    </article>
  );
}

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = useId();
  return (
    <section className="page-section" aria-labelledby={id} data-testid={testId}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}
