import type { ReactNode } from 'react';
import { formatTime, text } from './Status';

/** Name/value pairs in a definition list; empty values are left out. */
export function Facts({ items, label }: { items: Array<[string, ReactNode | unknown]>; label: string }) {
  const shown = items.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return (
    <dl className="facts" aria-label={label}>
      {shown.map(([name, value]) => (
        <div key={name} className="fact">
          <dt>{name}</dt>
          <dd>{typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? formatTime(value) : typeof value === 'object' ? (value as ReactNode) : text(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
