import { useMemo } from 'react';
import type { RequestOf } from '../../../contract';
import { alertSortKeys } from '../../../contract/schemas/investigate';
import { call, usePaged, useRequest } from '../api/call';
import { alertColumns } from '../components/columns';
import type { Row } from '../components/PagedList';
import { ErrorNote } from '../components/Status';
import { VirtualTable } from '../components/VirtualTable';
import { entityRoute } from '../lib/routes';
import { useNavigation } from '../stores/navigation';

type Filter = NonNullable<RequestOf<'investigate.alerts'>['filter']>;
type SortKey = (typeof alertSortKeys)[number];

const list = (query: URLSearchParams, name: string) => (query.get(name) ?? '').split(',').filter((v) => v !== '');
const facetParams = { severity: 'severities', status: 'statuses', category: 'categories', group: 'groups' } as const;

export function filterFromQuery(query: URLSearchParams): { filter: Filter; sort: { by: SortKey; dir: 'asc' | 'desc' } } {
  const by = (alertSortKeys as readonly string[]).includes(query.get('sort') ?? '') ? (query.get('sort') as SortKey) : 'time';
  const filter: Filter = { severities: list(query, 'severity'), statuses: list(query, 'status'), categories: list(query, 'category'), groups: list(query, 'group') };
  if (query.get('from')) filter.from = query.get('from')!;
  if (query.get('to')) filter.to = query.get('to')!;
  if (query.get('q')) filter.text = query.get('q')!;
  return { filter, sort: { by, dir: query.get('dir') === 'asc' ? 'asc' : 'desc' } };
}

/** The alerts queue: facets with counts, sorting, a text filter; the list is paged in SQL and virtualized. */
export function AlertsPage({ tenant, query }: { tenant: string; query: URLSearchParams }) {
  const navigate = useNavigation((s) => s.navigate);
  const { filter, sort } = useMemo(() => filterFromQuery(query), [query]);
  const facets = useRequest('investigate.alertFacets', { tenant, filter });
  const key = JSON.stringify({ tenant, filter, sort });
  const paged = usePaged<Row, number>(key, async (offset) => {
    const start = offset ?? 0;
    const page = await call('investigate.alerts', { tenant, filter, sort, limit: 100, offset: start });
    return { rows: page.rows, next: start + page.rows.length < page.total ? start + page.rows.length : null };
  });

  const update = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(query);
    for (const [name, value] of Object.entries(change)) {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    }
    navigate({ page: 'alerts', query: next }, { replace: true });
  };
  const toggle = (param: string, value: string) => {
    const values = new Set(list(query, param));
    if (values.has(value)) values.delete(value);
    else values.add(value);
    update({ [param]: [...values].join(',') || null });
  };

  return (
    <article>
      <header className="entity-header">
        <h2 tabIndex={-1} data-testid="page-title">
          Alerts
        </h2>
        <span className="muted" data-testid="alert-total" role="status">
          {facets.data ? `${facets.data.total} alerts` : ''}
        </span>
      </header>
      {facets.error ? <ErrorNote error={facets.error} /> : null}
      <div className="filters" role="group" aria-label="Filter alerts">
        {(Object.keys(facetParams) as Array<keyof typeof facetParams>).map((facet) => (
          <fieldset key={facet} className="facet">
            <legend>{facet === 'group' ? 'Device group' : facet[0]!.toUpperCase() + facet.slice(1)}</legend>
            {(facets.data?.[facet] ?? []).map((f) => {
              const on = list(query, facet).includes(f.value);
              return (
                <button key={f.value} type="button" className="chip" aria-pressed={on} onClick={() => toggle(facet, f.value)} data-testid={`facet-${facet}`}>
                  {f.value || '(none)'} <span className="count">{f.count}</span>
                </button>
              );
            })}
          </fieldset>
        ))}
        <div className="filter-row">
          <label>
            Text
            <input type="search" defaultValue={filter.text ?? ''} onKeyDown={(e) => {
              if (e.key === 'Enter') update({ q: e.currentTarget.value });
            }} aria-label="Filter by title, machine or threat (Enter to apply)" />
          </label>
          <label>
            From (UTC)
            <input type="date" value={(filter.from ?? '').slice(0, 10)} onChange={(e) => update({ from: e.target.value ? `${e.target.value}T00:00:00Z` : null })} />
          </label>
          <label>
            To (UTC)
            <input type="date" value={(filter.to ?? '').slice(0, 10)} onChange={(e) => update({ to: e.target.value ? `${e.target.value}T23:59:59Z` : null })} />
          </label>
          <label>
            Sort by
            <select value={sort.by} onChange={(e) => update({ sort: e.target.value })}>
              {alertSortKeys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Order
            <select value={sort.dir} onChange={(e) => update({ dir: e.target.value })}>
              <option value="desc">descending</option>
              <option value="asc">ascending</option>
            </select>
          </label>
        </div>
      </div>
      {paged.error ? <ErrorNote error={paged.error} /> : null}
      <VirtualTable
        label="Alerts"
        rows={paged.rows}
        columns={alertColumns}
        rowKey={(r) => String(r.id)}
        hasMore={paged.hasMore}
        loading={paged.loading}
        loadMore={paged.loadMore}
        onOpen={(r) => navigate(entityRoute({ type: 'alert', key: String(r.id) }))}
        empty="No alert matches these filters."
        size="tall"
        testId="alerts-table"
      />
    </article>
  );
}
