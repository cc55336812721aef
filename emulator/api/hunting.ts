// POST /api/advancedqueries/run. The result is measured first (rows and bytes, against
// the documented 100,000-row and 124 MB caps, so an oversized result is a clean 400),
// then streamed out in batches; a large result is regenerated rather than held.
import type { TenantView } from '../access';
import { ApiError } from '../http';
import { QueryError } from '../kql/errors';
import { MAX_RESULT_ROWS, planQuery } from '../kql/execute';
import { parseQuery } from '../kql/parser';

export const MAX_RESULT_BYTES = 124 * 1024 * 1024;
// An answer is serialized once, while it is measured, and kept for the stream: the cap
// (124 MB) bounds what is kept, and a sync asks one answer at a time. Generating it a second
// time for the stream had doubled the emulator's share of a sync benchmark's CPU.
const KEEP_BYTES = MAX_RESULT_BYTES;
const BATCH_BYTES = 256 * 1024;

/** Where the streamed body goes; `write` resolves when the socket can take more. */
export interface BodySink {
  write(text: string): Promise<void>;
}

export interface HuntingAnswer {
  /** Writes the whole JSON body. */
  stream(sink: BodySink): Promise<void>;
  rowCount: number;
  byteLength: number;
}

export function parseHuntingBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ApiError(400, 'InvalidRequestBody', 'The request body is not valid JSON: send {"Query": "<KQL>"}');
  }
  const query = (parsed as { Query?: unknown } | null)?.Query;
  if (typeof query !== 'string') throw new ApiError(400, 'MissingRequiredParameter', 'The request body must contain a "Query" string');
  return query;
}

/** The documented result caps; tests may shrink them to reach them cheaply. */
export interface ResultCaps {
  maxRows: number;
  maxBytes: number;
  /** Results up to this size are kept from the measuring pass; larger ones are regenerated. */
  keepBytes?: number;
}

export const DOCUMENTED_CAPS: ResultCaps = { maxRows: MAX_RESULT_ROWS, maxBytes: MAX_RESULT_BYTES };

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${n.toLocaleString('en-US')} bytes`;
}

export function runHunting(queryText: string, view: TenantView, nowMs: number, windowDays: number, caps: ResultCaps = DOCUMENTED_CAPS): HuntingAnswer {
  let plan;
  try {
    plan = planQuery(parseQuery(queryText), { tenant: view.tenant, machines: view.machineIndexes(), nowMs, windowDays });
  } catch (e) {
    if (e instanceof QueryError) throw new ApiError(400, e.code, e.message);
    throw e;
  }
  const head = `{"Schema":${JSON.stringify(plan.schema)},"Results":[`;
  const tail = ']}';
  // First pass: measure, keeping the serialized rows while they are small.
  let rowCount = 0;
  let bytes = Buffer.byteLength(head) + tail.length;
  // Kept as ~256 KB pieces (the stream's write size), not a string per row.
  let kept: string[] | null = [];
  let piece = head;
  try {
    for (const rows of plan.chunks()) {
      for (const row of rows) {
        const json = JSON.stringify(row);
        rowCount++;
        bytes += Buffer.byteLength(json) + (rowCount > 1 ? 1 : 0);
        if (rowCount > caps.maxRows) {
          throw new ApiError(400, 'BadRequest', `Query result exceeds the limit of ${caps.maxRows.toLocaleString('en-US')} rows. Narrow the time range, filter by device, or add take.`);
        }
        if (bytes > caps.maxBytes) {
          throw new ApiError(400, 'BadRequest', `Query result exceeds the size limit of ${formatBytes(caps.maxBytes)}. Project fewer columns or narrow the query.`);
        }
        if (kept) {
          piece += rowCount > 1 ? `,${json}` : json;
          if (piece.length >= BATCH_BYTES) {
            kept.push(piece);
            piece = '';
          }
          if (bytes > (caps.keepBytes ?? KEEP_BYTES)) kept = null;
        }
      }
    }
  } catch (e) {
    if (e instanceof QueryError) throw new ApiError(400, e.code, e.message);
    throw e;
  }
  if (kept) kept.push(piece + tail);
  const keptPieces = kept;
  return {
    rowCount,
    byteLength: bytes,
    async stream(sink) {
      if (keptPieces) {
        for (const part of keptPieces) await sink.write(part);
        return;
      }
      let batch = head;
      let first = true;
      for (const rows of plan.chunks()) {
        for (const row of rows) {
          const json = JSON.stringify(row);
          batch += first ? json : `,${json}`;
          first = false;
          if (batch.length >= BATCH_BYTES) {
            await sink.write(batch);
            batch = '';
          }
        }
      }
      await sink.write(batch + tail);
    },
  };
}
