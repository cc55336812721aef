import { useState } from 'react';
import { useRequest } from '../api/call';
import { groupNames } from '../components/CommandPalette';
import { EntityLink, entityTypeNames } from '../components/Link';
import { PagedList } from '../components/PagedList';
import { ErrorNote, formatTime, Loading, text } from '../components/Status';
import { useNavigation } from '../stores/navigation';

export function MachinesPage({ tenant, query }: { tenant: string; query: URLSearchParams }) {
  const navigate = useNavigation((s) => s.navigate);
  const prefix = query.get('q') ?? '';
  return (
    <article>
      <header className="entity-header">
        <h2 tabIndex={-1} data-testid="page-title">
          Machines
        </h2>
      </header>
      <label className="filter-row">
        Name starts with
        <input type="search" defaultValue={prefix} onKeyDown={(e) => {
          if (e.key === 'Enter') navigate({ page: 'machines', query: new URLSearchParams(e.currentTarget.value ? { q: e.currentTarget.value } : {}) }, { replace: true });
        }} />
      </label>
      <PagedList
        tenant={tenant}
        list="machines"
        listKey={prefix}
        label="Machines"
        size="tall"
        rowKey={(r) => String(r.id)}
        onOpen={(r) => navigate({ page: 'machine', id: String(r.id), query: new URLSearchParams() })}
        columns={[
          { id: 'name', header: 'Name', width: 'minmax(14rem, 2fr)', render: (r) => <EntityLink entity={{ type: 'machine', key: text(r.id) }} label={text(r.computer_dns_name)} /> },
          { id: 'os', header: 'OS', width: '9rem', render: (r) => `${text(r.os_platform)} ${text(r.version)}` },
          { id: 'group', header: 'Device group', width: '10rem', render: (r) => text(r.rbac_group_name) },
          { id: 'risk', header: 'Risk', width: '6rem', render: (r) => text(r.risk_score) },
          { id: 'exposure', header: 'Exposure', width: '7rem', render: (r) => text(r.exposure_level) },
          { id: 'ip', header: 'Last IP', width: '9rem', render: (r) => text(r.last_ip_address) },
          { id: 'seen', header: 'Last seen', width: '13rem', render: (r) => formatTime(r.last_seen) },
        ]}
        empty="No machines in the cache yet."
      />
    </article>
  );
}

export function SearchPage({ tenant, q }: { tenant: string; q: string }) {
  const navigate = useNavigation((s) => s.navigate);
  const [value, setValue] = useState(q);
  const results = useRequest('investigate.search', q.trim() ? { tenant, text: q.trim(), limit: 200 } : null);
  return (
    <article>
      <header className="entity-header">
        <h2 tabIndex={-1} data-testid="page-title">
          Search
        </h2>
      </header>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate({ page: 'search', q: value });
        }}
      >
        <label>
          Search the cache
          <input type="search" value={value} onChange={(e) => setValue(e.target.value)} aria-label="Search the cache" />
        </label>
        <button type="submit">Search</button>
      </form>
      {results.error ? <ErrorNote error={results.error} /> : null}
      {results.loading ? <Loading what="results" /> : null}
      {results.data?.groups.map((g) => (
        <section key={g.group} className="page-section" aria-label={groupNames[g.group] ?? g.group} data-testid={`search-group-${g.group}`}>
          <h3>
            {groupNames[g.group] ?? g.group} ({g.hits.length})
          </h3>
          <ul className="link-list">
            {g.hits.map((hit) => (
              <li key={`${hit.entity.type}:${hit.entity.key}`}>
                <EntityLink entity={hit.entity} label={hit.label} /> {hit.detail ? <span className="muted">{hit.detail}</span> : null}
                {g.group === 'note' ? <span className="muted"> on a {entityTypeNames[hit.entity.type].toLowerCase()}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {results.data && results.data.groups.length === 0 ? <p className="muted">Nothing in the cache matches.</p> : null}
    </article>
  );
}
