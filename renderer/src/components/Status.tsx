import type { OutpostErrorData } from '../../../contract';
import { Link } from './Link';

/** Why a page cannot show its data, with the way forward where there is one. */
export function ErrorNote({ error }: { error: OutpostErrorData }) {
  const hint =
    error.code === 'CACHE_NOT_FOUND' || error.code === 'TENANT_NOT_FOUND' ? (
      <> <Link to={{ page: 'sync' }}>Open the sync panel</Link> to fill the cache.</>
    ) : error.code === 'CACHE_CLOSED' || error.code === 'CACHE_LOCKED' ? (
      <> The session is locked; unlock it to continue.</>
    ) : null;
  return (
    <p role="alert" className="error-note" data-code={error.code}>
      {error.message}
      {hint}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function formatTime(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  return value.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1Z');
}

export const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
