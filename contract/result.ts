import type { OutpostErrorData } from './errors';

/** What crosses every process boundary: errors travel as data, never as thrown objects. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: OutpostErrorData };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: OutpostErrorData): Result<T> {
  return { ok: false, error };
}
