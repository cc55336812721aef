import { useEffect, useState } from 'react';
import type { OutpostErrorData, ResponseOf } from '../../../contract';
import { outpost } from '../api/client';
import { useSession } from '../stores/session';

type AuditEntry = ResponseOf<'audit.list'>[number];
type Verdict = ResponseOf<'audit.verify'>;

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The tenant's audit log: newest last, verifiable, exportable as JSON Lines. */
export function AuditLogSection({ tenant }: { tenant: string }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [failure, setFailure] = useState<OutpostErrorData | null>(null);

  const load = async () => {
    const result = await outpost().invoke('audit.list', { tenant, afterSeq: 0, limit: 1000 });
    if (result.ok) setEntries(result.value);
    else setFailure(result.error);
  };
  useEffect(() => {
    void load();
  }, [tenant]);

  const verify = async () => {
    const result = await outpost().invoke('audit.verify', { tenant });
    if (result.ok) setVerdict(result.value);
    else setFailure(result.error);
  };
  const exportLog = async () => {
    const result = await outpost().invoke('audit.export', { tenant });
    if (!result.ok) return setFailure(result.error);
    download(`outpost-audit-${tenant}.jsonl`, result.value.jsonl, 'application/jsonl');
    await load();
  };

  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">Audit log</h3>
      <p>
        <button type="button" onClick={() => void verify()} data-testid="audit-verify">
          Verify the chain
        </button>{' '}
        <button type="button" onClick={() => void exportLog()}>
          Export as JSON Lines
        </button>
      </p>
      {verdict ? (
        <p role="status" data-testid="audit-verdict" className={verdict.ok ? 'ok-note' : 'error-note'}>
          {verdict.ok ? `Intact: ${verdict.entries} entries, each following from the one before.` : `Broken at entry ${verdict.brokenAt}: ${verdict.reason}.`}
        </p>
      ) : null}
      {failure ? <p role="alert" className="error-note">{failure.message}</p> : null}
      <table className="audit-table" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">On</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq}>
              <td>{entry.seq}</td>
              <td>{entry.at}</td>
              <td>{entry.actor}</td>
              <td>{entry.action}</td>
              <td>{entry.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Wipe, with the tenant's name typed as confirmation: the key goes first, then the files. */
export function WipeSection({ tenant }: { tenant: string }) {
  const [typed, setTyped] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const wipe = async () => {
    const result = await outpost().invoke('cache.wipe', { tenant, confirm: typed });
    if (!result.ok) return setFailure(result.error.message);
    setOutcome(`Wiped: ${result.value.bytesRemoved} bytes removed; a receipt was kept.`);
    setTyped('');
    await useSession.getState().loadTenants();
  };
  return (
    <section aria-labelledby="wipe-title" className="danger-zone">
      <h3 id="wipe-title">Wipe this tenant's cache</h3>
      <p>Destroys the cache's key in the keychain, then its files. Nothing of it can be recovered; sync again to rebuild it.</p>
      <label>
        Type <strong>{tenant}</strong> to confirm{' '}
        <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="Tenant name to confirm the wipe" data-testid="wipe-confirm" />
      </label>{' '}
      <button type="button" className="danger" disabled={typed !== tenant} onClick={() => void wipe()} data-testid="wipe">
        Wipe
      </button>
      {outcome ? <p role="status">{outcome}</p> : null}
      {failure ? <p role="alert" className="error-note">{failure}</p> : null}
    </section>
  );
}

/** A device code to enter at the sign-in page, when a sync needs the analyst to sign in. */
export function SignInPrompt() {
  const [prompt, setPrompt] = useState<{ tenant: string; userCode: string; verificationUri: string } | null>(null);
  useEffect(() => {
    const stopPrompt = outpost().on('signin.prompt', (event) => setPrompt(event));
    const stopFinished = outpost().on('sync.finished', () => setPrompt(null));
    return () => {
      stopPrompt();
      stopFinished();
    };
  }, []);
  if (!prompt) return null;
  return (
    <aside className="signin-prompt" role="status" data-testid="signin-prompt">
      To sign in to {prompt.tenant}, open <a href={prompt.verificationUri} target="_blank" rel="noreferrer">{prompt.verificationUri}</a> and enter the code{' '}
      <strong>{prompt.userCode}</strong>.{' '}
      <button type="button" onClick={() => setPrompt(null)}>
        Dismiss
      </button>
    </aside>
  );
}

/**
 * While a cache written by an older Outpost is upgraded at its first open: the open waits on
 * it (about 25 s a million events), and the analyst should know why the page does.
 */
export function UpgradeNotice() {
  const [upgrading, setUpgrading] = useState<Record<string, { from: number; to: number; percent?: number }>>({});
  useEffect(
    () =>
      outpost().on('cache.upgrading', (event) =>
        setUpgrading((current) => {
          const next = { ...current };
          if (event.done) delete next[event.tenant];
          else next[event.tenant] = { from: event.from, to: event.to, percent: event.percent };
          return next;
        }),
      ),
    [],
  );
  const tenants = Object.keys(upgrading);
  if (tenants.length === 0) return null;
  return (
    <aside className="upgrade-notice" role="status" data-testid="upgrade-notice">
      {tenants.map((tenant) => {
        const { from, to, percent } = upgrading[tenant]!;
        return (
          <p key={tenant}>
            Upgrading the cache of <strong>{tenant}</strong> to this version of Outpost (schema {from} to {to}){percent ? `: ${percent}% done` : ''}. This
            happens once after an update; a large cache takes a few minutes, and its pages open when it is done.
          </p>
        );
      })}
    </aside>
  );
}

/** The licence or offline state of the current tenant, on every page while it matters. */
export function LifecycleBanner() {
  const tenants = useSession((s) => s.tenants);
  const tenant = useSession((s) => s.tenant);
  const banner = tenants?.find((t) => t.name === tenant)?.lifecycle?.banner ?? null;
  return banner ? (
    <div className="lifecycle-banner" role="alert" data-testid="lifecycle-banner">
      {banner}
    </div>
  ) : null;
}
