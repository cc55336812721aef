import { useCallback, useEffect, useRef, useState } from 'react';
import type { OutpostErrorData, RequestChannel, RequestOf, ResponseOf } from '../../../contract';
import { outpost } from './client';

/** An error answered by main, with its stable code. */
export class OutpostCallError extends Error {
  constructor(readonly data: OutpostErrorData) {
    super(data.message);
  }
  get code(): string {
    return this.data.code;
  }
}

/** One request through the contract; an error answer becomes a thrown OutpostCallError. */
export async function call<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await outpost().invoke(channel, request);
  if (!result.ok) throw new OutpostCallError(result.error);
  return result.value;
}

export interface Loaded<T> {
  data: T | null;
  error: OutpostErrorData | null;
  loading: boolean;
  reload(): void;
}

/** Fetches when the request changes (by value); null skips. The newest request wins. */
export function useRequest<C extends RequestChannel>(channel: C, request: RequestOf<C> | null): Loaded<ResponseOf<C>> {
  const [state, setState] = useState<{ data: ResponseOf<C> | null; error: OutpostErrorData | null; loading: boolean }>({ data: null, error: null, loading: request !== null });
  const [generation, setGeneration] = useState(0);
  const key = request === null ? null : JSON.stringify(request);
  const latest = useRef(0);
  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    call(channel, JSON.parse(key) as RequestOf<C>).then(
      (data) => ticket === latest.current && setState({ data, error: null, loading: false }),
      (error: unknown) =>
        ticket === latest.current &&
        setState({ data: null, error: error instanceof OutpostCallError ? error.data : { code: 'INTERNAL', message: String(error) }, loading: false }),
    );
  }, [channel, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export interface Paged<Row> {
  rows: Row[];
  hasMore: boolean;
  loading: boolean;
  error: OutpostErrorData | null;
  loadMore(): void;
}

/**
 * A list read page by page as the analyst scrolls: `fetchPage` gets the cursor the last page
 * returned (an offset or a keyset position) and never the whole list. Resets when `resetKey` changes.
 */
export function usePaged<Row, Cursor>(resetKey: string | null, fetchPage: (cursor: Cursor | null) => Promise<{ rows: Row[]; next: Cursor | null }>): Paged<Row> {
  const [state, setState] = useState<{ rows: Row[]; next: Cursor | null; done: boolean; loading: boolean; error: OutpostErrorData | null }>({
    rows: [], next: null, done: false, loading: false, error: null,
  });
  const generation = useRef(0);
  const inFlight = useRef(false);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((cursor: Cursor | null, reset: boolean) => {
    const ticket = generation.current;
    inFlight.current = true;
    setState((s) => ({ ...s, loading: true, error: null, ...(reset ? { rows: [], next: null, done: false } : {}) }));
    fetchRef.current(cursor).then(
      (page) => {
        if (ticket !== generation.current) return;
        inFlight.current = false;
        setState((s) => ({ rows: reset ? page.rows : [...s.rows, ...page.rows], next: page.next, done: page.next === null, loading: false, error: null }));
      },
      (error: unknown) => {
        if (ticket !== generation.current) return;
        inFlight.current = false;
        setState((s) => ({ ...s, loading: false, done: true, error: error instanceof OutpostCallError ? error.data : { code: 'INTERNAL', message: String(error) } }));
      },
    );
  }, []);

  useEffect(() => {
    generation.current++;
    inFlight.current = false;
    if (resetKey !== null) load(null, true);
  }, [resetKey, load]);

  const stateRef = useRef(state);
  stateRef.current = state;
  const loadMore = useCallback(() => {
    const s = stateRef.current;
    if (inFlight.current || s.done || s.next === null) return;
    load(s.next, false);
  }, [load]);

  return { rows: state.rows, hasMore: !state.done, loading: state.loading, error: state.error, loadMore };
}
