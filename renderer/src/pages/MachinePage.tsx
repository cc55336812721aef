import { useMemo } from 'react';
import type { RequestOf, ResponseOf } from '../../../contract';
import { pageRows } from '../../../contract/pages';
import { timelineKinds, type TimelineCursorData, type TimelineKind } from '../../../contract/schemas/investigate';
import { call, usePaged, useRequest } from '../api/call';
import { accountCell, alertColumns, remoteCell } from '../components/columns';
import { EntityFrame, Section } from '../components/EntityFrame';
import { Facts } from '../components/Facts';
import { Histogram } from '../components/Histogram';
import { EntityLink } from '../components/Link';
import { PagedList, type Row } from '../components/PagedList';
import { ProcessTreeView } from '../components/ProcessTreeView';
import { ErrorNote, formatTime, Loading, text } from '../components/Status';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { useNavigation } from '../stores/navigation';

type TimelineFilter = NonNullable<RequestOf<'investigate.timeline'>['filter']>;

export function timelineFilterFromQuery(query: URLSearchParams): TimelineFilter {
  const kinds = (query.get('kinds') ?? '').split(',').filter((k): k is TimelineKind => (timelineKinds as readonly string[]).includes(k));
  const filter: TimelineFilter = { kinds, actionTypes: (query.get('action') ?? '').split(',').filter(Boolean) };
  if (query.get('from')) filter.from = query.get('from')!;
  if (query.get('to')) filter.to = query.get('to')!;
  if (query.get('q')) filter.text = query.get('q')!;
  return filter;
}

const toLocalInput = (iso: string | undefined) => (iso ? iso.slice(0, 16) : '');
const fromLocalInput = (value: string) => (value ? `${value}:00Z` : null);

const timelineColumns = (select: (row: Row) => void): Column<Row>[] => [
  { id: 'time', header: 'Time (UTC)', width: '14rem', render: (r) => formatTime(r.timestamp) },
  { id: 'kind', header: 'Kind', width: '6rem', render: (r) => text(r.kind) },
  { id: 'action', header: 'Action', width: '11rem', render: (r) => text(r.action_type) },
  {
    id: 'target', header: 'Entity', width: 'minmax(12rem, 2fr)',
    render: (r) =>
      r.kind === 'network' ? remoteCell(r) : r.kind === 'logon' ? accountCell(r) : r.sha1 ? <EntityLink entity={{ type: 'file', key: text(r.sha1) }} label={text(r.target)} /> : text(r.target),
  },
  { id: 'detail', header: 'Detail', width: 'minmax(12rem, 3fr)', render: (r) => <span title={text(r.detail)}>{text(r.detail)}</span> },
  {
    id: 'by', header: 'Initiated by', width: 'minmax(10rem, 1.5fr)',
    render: (r) =>
      typeof r.initiating_process_id === 'number' && r.initiating_process_creation_time ? (
        <button type="button" className="link-button" onClick={() => select(r)} aria-label={`Show the process tree of ${text(r.initiating_process_file_name)} (${r.initiating_process_id})`}>
          {text(r.initiating_process_file_name)} ({r.initiating_process_id})
        </button>
      ) : (
        text(r.initiating_process_file_name)
      ),
  },
];

function Timeline({ tenant, deviceId, query }: { tenant: string; deviceId: string; query: URLSearchParams }) {
  const navigate = useNavigation((s) => s.navigate);
  const filter = useMemo(() => timelineFilterFromQuery(query), [query]);
  const paged = usePaged<Row, TimelineCursorData>(JSON.stringify({ tenant, deviceId, filter }), async (after) => {
    // A page is about three screens of rows; each row is a read of its own page of the cache
    // (a machine's events are spread over its sync answers), so 200 made a first visit ~2x slower.
    const page = await call('investigate.timeline', { tenant, deviceId, filter, after, limit: pageRows });
    return { rows: page.rows, next: page.next };
  });
  // The chart counts every event of the machine (tens of milliseconds on a busy one): asked for
  // once the first rows are in, so it never holds a reader the timeline's first page waits for.
  const firstPageIn = paged.rows.length > 0 || !paged.hasMore || paged.error !== null;
  const histogram = useRequest('investigate.histogram', firstPageIn ? { tenant, deviceId, filter, buckets: 120 } : null);
  const update = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(query);
    for (const [name, value] of Object.entries(change)) {
      if (value === null || value === '') next.delete(name);
      else next.set(name, value);
    }
    navigate({ page: 'machine', id: deviceId, query: next }, { replace: true });
  };
  const selectProcess = (r: Row) => update({ process: `${String(r.initiating_process_id)}|${String(r.initiating_process_creation_time)}` });
  const kinds = new Set(filter.kinds);
  return (
    <Section title="Device timeline" testId="timeline">
      <div className="filters" role="group" aria-label="Filter the timeline">
        <fieldset className="facet">
          <legend>Event type</legend>
          {timelineKinds.map((kind) => (
            <button key={kind} type="button" className="chip" aria-pressed={kinds.has(kind)} onClick={() => {
              const next = new Set(kinds);
              if (next.has(kind)) next.delete(kind);
              else next.add(kind);
              update({ kinds: [...next].join(',') });
            }}>
              {kind}
            </button>
          ))}
        </fieldset>
        <div className="filter-row">
          <label>
            Action
            <select value={filter.actionTypes?.[0] ?? ''} onChange={(e) => update({ action: e.target.value })}>
              <option value="">any</option>
              {(histogram.data?.actionTypes ?? []).map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            From (UTC)
            <input type="datetime-local" value={toLocalInput(filter.from)} onChange={(e) => update({ from: fromLocalInput(e.target.value) })} />
          </label>
          <label>
            To (UTC)
            <input type="datetime-local" value={toLocalInput(filter.to)} onChange={(e) => update({ to: fromLocalInput(e.target.value) })} />
          </label>
          <label>
            Text
            <input type="search" defaultValue={filter.text ?? ''} aria-label="Filter events by text (Enter to apply)" data-testid="timeline-text" onKeyDown={(e) => {
              if (e.key === 'Enter') update({ q: e.currentTarget.value });
            }} />
          </label>
          {query.get('from') || query.get('to') ? (
            <button type="button" onClick={() => update({ from: null, to: null })}>
              Whole range
            </button>
          ) : null}
        </div>
      </div>
      {histogram.data ? (
        <Histogram from={histogram.data.from} bucketMs={histogram.data.bucketMs} counts={histogram.data.counts} onPick={(from, to) => update({ from, to })} />
      ) : null}
      {paged.error ? <ErrorNote error={paged.error} /> : null}
      <VirtualTable
        label="Device timeline"
        rows={paged.rows}
        columns={timelineColumns(selectProcess)}
        rowKey={(r) => `${String(r.kind)}|${String(r.report_id)}|${String(r.timestamp)}`}
        hasMore={paged.hasMore}
        loading={paged.loading}
        loadMore={paged.loadMore}
        onOpen={(r) => (typeof r.initiating_process_id === 'number' ? selectProcess(r) : undefined)}
        empty="No event matches these filters."
        size="tall"
        testId="timeline-table"
      />
    </Section>
  );
}

function SelectedProcess({ tenant, deviceId, selected }: { tenant: string; deviceId: string; selected: string }) {
  const [pid, ...rest] = selected.split('|');
  const tree = useRequest('investigate.processTree', { tenant, deviceId, processId: Number(pid), creationTime: rest.join('|') });
  return (
    <Section title="Process tree" testId="machine-process-tree">
      {tree.error ? <ErrorNote error={tree.error} /> : null}
      {tree.data ? <ProcessTreeView tree={tree.data} label="Process tree" /> : tree.loading ? <Loading what="the process tree" /> : <p className="muted">The cache holds no record of this process.</p>}
    </Section>
  );
}

/**
 * A machine: details, its alerts, who logged on, its device timeline with an activity chart,
 * and a process tree on demand. The timeline is asked for at once, beside the details, not
 * after them: the first rows are what the analyst came for.
 */
export function MachinePage({ tenant, id, query }: { tenant: string; id: string; query: URLSearchParams }) {
  const { data, error, loading } = useRequest('investigate.machine', { tenant, id });
  const selected = query.get('process');
  const m = data?.machine;
  return (
    <EntityFrame tenant={tenant} entity={{ type: 'machine', key: id }} title={m ? text(m.computer_dns_name) || id : id} subtitle={m ? `${text(m.os_platform)} ${text(m.version)} · ${text(m.rbac_group_name)}` : undefined}>
      {error ? <ErrorNote error={error} /> : data ? <MachineDetails tenant={tenant} id={id} data={data} /> : loading ? <Loading what="the machine" /> : <p className="muted">The cache has no record of this machine beyond its events.</p>}
      {selected ? <SelectedProcess tenant={tenant} deviceId={id} selected={selected} /> : null}
      <Timeline tenant={tenant} deviceId={id} query={query} />
    </EntityFrame>
  );
}

type MachineData = NonNullable<ResponseOf<'investigate.machine'>>;

function MachineDetails({ tenant, id, data }: { tenant: string; id: string; data: MachineData }) {
  const navigate = useNavigation((s) => s.navigate);
  const m = data.machine;
  return (
    <>
      <Facts
        label="Machine details"
        items={[
          ['OS', `${text(m.os_platform)} ${text(m.version)} (build ${text(m.os_build)}, ${text(m.os_architecture)})`],
          ['Device group', m.rbac_group_name],
          ['Risk', m.risk_score],
          ['Exposure', m.exposure_level],
          ['Value', m.device_value],
          ['Health', m.health_status],
          ['Onboarding', m.onboarding_status],
          ['Last IP', m.last_ip_address ? <EntityLink entity={{ type: 'ip', key: text(m.last_ip_address) }} /> : null],
          ['External IP', m.last_external_ip_address ? <EntityLink entity={{ type: 'ip', key: text(m.last_external_ip_address) }} /> : null],
          ['IP addresses', data.ipAddresses.map((ip) => text(ip.ip_address)).join(', ')],
          ['Tags', data.tags.join(', ')],
          ['First seen', m.first_seen],
          ['Last seen', m.last_seen],
          ['Events in cache', data.eventCount],
          ['Alerts', data.alertCount],
        ]}
      />
      <Section title={`Alerts (${data.alertCount})`} testId="machine-alerts">
        <PagedList tenant={tenant} list="machineAlerts" listKey={id} label="Alerts on this machine" columns={alertColumns} rowKey={(r) => String(r.id)} empty="No alerts." onOpen={(r) => navigate({ page: 'alert', id: String(r.id) })} />
      </Section>
      <Section title="Logged-on users" testId="machine-users">
        {data.logonUsersAsked ? (
          <p className="muted" data-testid="machine-users-asked">
            As the tenant answered {data.logonUsersAsked.at ? `at ${formatTime(data.logonUsersAsked.at)}` : 'at an earlier sync'}; asked again once the machine is seen six hours
            later. Each logon is in the timeline as it happened.
          </p>
        ) : null}
        <PagedList
          tenant={tenant}
          list="machineLogonUsers"
          listKey={id}
          label="Logged-on users"
          columns={[
            { id: 'account', header: 'Account', width: 'minmax(12rem, 2fr)', render: accountCell },
            { id: 'types', header: 'Logon types', width: '12rem', render: (r) => text(r.logon_types) },
            { id: 'admin', header: 'Domain admin', width: '8rem', render: (r) => (r.is_domain_admin ? 'yes' : '') },
            { id: 'first', header: 'First seen', width: '13rem', render: (r) => formatTime(r.first_seen) },
            { id: 'last', header: 'Last seen', width: '13rem', render: (r) => formatTime(r.last_seen) },
          ]}
          empty={data.logonUsersAsked ? 'The tenant named no logged-on users.' : 'None in the cache: no sync of this cache has asked the tenant for this machine yet (a sync asks up to 1,000 machines; a bundle carries users, not when they were asked).'}
        />
      </Section>
    </>
  );
}
