import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ResponseOf } from '../../../contract';
import { call } from '../api/call';
import { entityRoute } from '../lib/routes';
import { useNavigation } from '../stores/navigation';
import { useSelection } from '../stores/selection';
import { useSession } from '../stores/session';
import { entityTypeNames } from './Link';

type Groups = ResponseOf<'investigate.search'>['groups'];
type Hit = Groups[number]['hits'][number];

export const groupNames: Record<string, string> = {
  machine: 'Machines', alert: 'Alerts', file: 'Files', process: 'Processes', ip: 'IP addresses', domain: 'Domains', url: 'URLs', account: 'Accounts', note: 'Notes',
};

export interface PaletteViewProps {
  query: string;
  groups: Groups;
  active: number;
  busy: boolean;
  onQuery(query: string): void;
  onKey(event: KeyboardEvent<HTMLInputElement>): void;
  onOpen(hit: Hit): void;
  onClose(): void;
}

/** The palette as plain props: an input and results grouped by entity type, as a listbox. */
export function PaletteView({ query, groups, active, busy, onQuery, onKey, onOpen, onClose }: PaletteViewProps) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  let index = -1;
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Search the cache">
        <input
          ref={input}
          role="combobox"
          aria-expanded={groups.length > 0}
          aria-controls="palette-results"
          aria-activedescendant={active >= 0 ? `palette-hit-${active}` : undefined}
          aria-label="Search for a hash, IP, host, account or command line"
          placeholder="Hash, IP, host, account or command-line fragment…"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={onKey}
        />
        <div id="palette-results" role="listbox" aria-label="Results" className="palette-results" aria-busy={busy}>
          {groups.map((g) => (
            <div key={g.group} role="group" aria-label={groupNames[g.group] ?? g.group}>
              <div className="palette-group" aria-hidden="true">
                {groupNames[g.group] ?? g.group}
              </div>
              {g.hits.map((hit) => {
                index++;
                const mine = index;
                return (
                  <div
                    key={`${hit.entity.type}:${hit.entity.key}`}
                    id={`palette-hit-${mine}`}
                    role="option"
                    aria-selected={mine === active}
                    className={mine === active ? 'palette-hit palette-active' : 'palette-hit'}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      onOpen(hit);
                    }}
                  >
                    <span className="entity-type">{entityTypeNames[hit.entity.type]}</span> {hit.label}
                    {hit.detail ? <span className="palette-detail">{hit.detail}</span> : null}
                  </div>
                );
              })}
            </div>
          ))}
          {query.trim() && !busy && groups.length === 0 ? <p className="muted">Nothing in the cache matches.</p> : null}
        </div>
        <p className="muted palette-help">↑↓ to choose, Enter to open, Ctrl+Enter for all results, Esc to close</p>
      </div>
    </div>
  );
}

/** Ctrl+K or /: type, press Enter, land on the entity. Search runs on the cache's FTS index. */
export function CommandPalette() {
  const tenant = useSession((s) => s.tenant);
  const close = useSelection((s) => s.closePalette);
  const navigate = useNavigation((s) => s.navigate);
  const [query, setQuery] = useState('');
  const [groups, setGroups] = useState<Groups>([]);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const ticket = useRef(0);

  useEffect(() => {
    const text = query.trim();
    if (!tenant || text === '') {
      setGroups([]);
      return;
    }
    const mine = ++ticket.current;
    setBusy(true);
    const timer = setTimeout(() => {
      call('investigate.search', { tenant, text, limit: 40 }).then(
        (result) => {
          if (mine !== ticket.current) return;
          setGroups(result.groups);
          setActive(0);
          setBusy(false);
        },
        () => mine === ticket.current && (setGroups([]), setBusy(false)),
      );
    }, 120);
    return () => clearTimeout(timer);
  }, [query, tenant]);

  const hits = groups.flatMap((g) => g.hits);
  const open = (hit: Hit) => {
    close();
    navigate(entityRoute(hit.entity));
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const hit = hits[active];
      if (hit && !event.ctrlKey) open(hit);
      else if (query.trim()) {
        close();
        navigate({ page: 'search', q: query.trim() });
      }
    }
  };
  return <PaletteView query={query} groups={groups} active={hits.length ? active : -1} busy={busy} onQuery={setQuery} onKey={onKey} onOpen={open} onClose={close} />;
}
