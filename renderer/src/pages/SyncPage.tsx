import { useEffect, useState } from 'react';
import type { EventOf } from '../../../contract';
import { severities } from '../../../contract/schemas/investigate';
import { useRequest } from '../api/call';
import { Link } from '../components/Link';
import { ErrorNote, formatTime } from '../components/Status';
import { selectCurrentTenant, useSession } from '../stores/session';
import { formatEta, selectOnline, selectPercent, useSync, type SyncScope } from '../stores/sync';

const phases = ['policy', 'machines', 'alerts', 'logon-users', 'hunting', 'files'] as const;

/** Presentational: the live progress of a running sync. */
export function SyncProgressView({ phase, detail, done, expected, rate, etaSeconds, percent, rowsWritten, onCancel }: {
  phase: string;
  detail: string | null;
  done: number;
  expected: number | null;
  rate: number;
  etaSeconds: number | null;
  percent: number | null;
  rowsWritten: number;
  onCancel(): void;
}) {
  return (
    <div className="sync-progress" data-testid="sync-progress">
      <label htmlFor="sync-bar">
        {phase}
        {detail ? ` · ${detail}` : ''}: {done.toLocaleString()}
        {expected ? ` of ${expected.toLocaleString()}` : ''}
      </label>
      <progress id="sync-bar" max={100} value={percent ?? undefined} aria-valuetext={percent === null ? 'working' : `${percent}%`} />
      <p className="muted" role="status">
        {rate.toLocaleString(undefined, { maximumFractionDigits: 0 })} per second · about {formatEta(etaSeconds)} left · {rowsWritten.toLocaleString()} rows written
      </p>
      <button type="button" onClick={onCancel}>
        Cancel sync
      </button>
    </div>
  );
}

/** Scope picker, live progress with rate and ETA, cancel, and the last sync of each phase. */
/** How the last sync ended, and the scope's names nothing answered to (a quiet gap otherwise). */
export function SyncFinished({ finished }: { finished: EventOf<'sync.finished'> }) {
  return (
    <>
      <p role="status" data-testid="sync-finished">
        {finished.ok ? 'The last sync finished.' : `The last sync stopped: ${finished.error?.message ?? 'unknown error'}`}
      </p>
      {finished.unmatched.length > 0 ? (
        <div role="alert" data-testid="sync-unmatched">
          <p>Nothing was synced for these names in the scope: no machine the sign-in can see answers to them. Check their spelling.</p>
          <ul>
            {finished.unmatched.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

export function SyncPage() {
  const tenant = useSession((s) => s.tenant);
  const summary = useSession(selectCurrentTenant);
  const tenants = useSession((s) => s.tenants);
  const addDemo = useSession((s) => s.addDemo);
  const sync = useSync();
  const online = useSync(selectOnline);
  const percent = useSync(selectPercent);
  const facets = useRequest('investigate.alertFacets', tenant && summary?.hasCache ? { tenant } : null);
  const [days, setDays] = useState(30);
  const [groups, setGroups] = useState<string[]>([]);
  const [machines, setMachines] = useState('');
  const [chosenSeverities, setChosenSeverities] = useState<string[]>([]);

  useEffect(() => {
    if (tenant) void sync.refresh(tenant);
  }, [tenant, sync.refresh]);

  const start = async () => {
    if (!tenant) return;
    const scope: SyncScope = {
      days,
      groups,
      machines: machines.split(/[\s,]+/).filter(Boolean),
      severities: chosenSeverities as SyncScope['severities'],
      statuses: [],
    };
    await sync.start(tenant, scope);
  };
  const status = sync.status;
  const progress = sync.progress;
  return (
    <article>
      <header className="entity-header">
        <h2 tabIndex={-1} data-testid="page-title">
          Sync
        </h2>
        <span className={online ? 'online' : 'offline'}>{online ? 'Online: the tenant can be reached' : 'Offline: working from the cache'}</span>
      </header>
      {tenants && tenants.length === 0 ? (
        <p>
          No tenant yet.{' '}
          <button type="button" onClick={() => void addDemo()}>
            Add the demo tenant
          </button>
        </p>
      ) : null}
      {sync.error ? <ErrorNote error={sync.error} /> : null}
      {sync.running && progress ? (
        <SyncProgressView {...progress} percent={percent} onCancel={() => tenant && void sync.cancel(tenant)} />
      ) : sync.running ? (
        <p role="status">Starting the sync…</p>
      ) : null}
      {sync.finished ? <SyncFinished finished={sync.finished} /> : null}
      <form
        className="scope-form"
        aria-label="Sync scope"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <fieldset>
          <legend>Scope</legend>
          <label>
            Days of telemetry
            <input type="number" min={1} max={30} value={days} onChange={(e) => setDays(Math.max(1, Math.min(30, Number(e.target.value) || 30)))} />
          </label>
          <fieldset>
            <legend>Device groups (none chosen: every group you may see)</legend>
            {(facets.data?.group ?? []).map((g) => (
              <label key={g.value}>
                <input type="checkbox" checked={groups.includes(g.value)} onChange={(e) => setGroups(e.target.checked ? [...groups, g.value] : groups.filter((x) => x !== g.value))} /> {g.value}
              </label>
            ))}
          </fieldset>
          <label>
            Machines (names or ids, comma separated; empty: all)
            <input type="text" value={machines} onChange={(e) => setMachines(e.target.value)} />
          </label>
          <fieldset>
            <legend>Alert severities (none chosen: all)</legend>
            {severities.map((s) => (
              <label key={s}>
                <input type="checkbox" checked={chosenSeverities.includes(s)} onChange={(e) => setChosenSeverities(e.target.checked ? [...chosenSeverities, s] : chosenSeverities.filter((x) => x !== s))} /> {s}
              </label>
            ))}
          </fieldset>
        </fieldset>
        <button type="submit" disabled={!tenant || sync.running} data-testid="start-sync">
          Sync now
        </button>
        {tenant && summary?.signedIn === false ? (
          <p className="muted" data-testid="signed-out-note">
            Not signed in to {tenant}:{' '}
            {summary.demo ? 'the demo tenant signs in again by itself at the next sync.' : <>sign in again under <Link to={{ page: 'settings' }}>Settings</Link> to sync.</>}
          </p>
        ) : null}
      </form>
      {status ? (
        <section className="page-section" aria-label="Last sync">
          <h3>Last sync by phase</h3>
          <table className="plain-table">
            <thead>
              <tr>
                <th scope="col">Phase</th>
                <th scope="col">Last completed (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {[...new Set([...phases, ...Object.keys(status.lastSync)])].map((phase) => (
                <tr key={phase}>
                  <td>{phase}</td>
                  <td>{status.lastSync[phase] ? formatTime(status.lastSync[phase]) : 'never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>In the cache</h3>
          <table className="plain-table">
            <tbody>
              {Object.entries(status.rowCounts).map(([table, count]) => (
                <tr key={table}>
                  <td>{table}</td>
                  <td>{count.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            Retention {status.policy.retentionDays} days · licence {status.policy.licenseState} · {status.lifecycle.banner ?? status.lifecycle.state}
          </p>
          {status.lastError ? <p role="alert" className="error-note">Last error: {status.lastError.message}</p> : null}
        </section>
      ) : null}
    </article>
  );
}
