import { OutpostError } from '../../../contract';
import { maxRecordBytes, type BundleInnerHeader, type BundleRow } from './format';

/** Lines are batched into chunks of about this size: one JSON.stringify per row, not one write. */
const batchChars = 256 * 1024;

/**
 * The payload's plaintext, as newline-delimited JSON chunks: the inner header, the rows,
 * and an end record whose counts let the importer tell a complete payload from a short one.
 */
export async function* payloadRecords(
  header: BundleInnerHeader,
  rows: AsyncIterable<BundleRow> | Iterable<BundleRow>,
  counts: Map<string, number>,
): AsyncGenerator<Uint8Array> {
  let batch = `${JSON.stringify({ h: header })}\n`;
  for await (const { table, row } of rows) {
    if (typeof table !== 'string' || table.length === 0 || typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new OutpostError('BAD_REQUEST', 'A bundle row needs a table name and an object; the export was stopped and no bundle was written.');
    }
    counts.set(table, (counts.get(table) ?? 0) + 1);
    batch += `${JSON.stringify({ t: table, r: row })}\n`;
    if (batch.length >= batchChars) {
      yield Buffer.from(batch, 'utf8');
      batch = '';
    }
  }
  batch += `${JSON.stringify({ end: { counts: Object.fromEntries(counts) } })}\n`;
  yield Buffer.from(batch, 'utf8');
}

/**
 * Splits a byte stream into lines without holding more than one line plus one chunk.
 * Splitting on byte 0x0A is safe for UTF-8: it never occurs inside a multi-byte character.
 */
export async function* splitLines(source: AsyncIterable<Uint8Array>, damaged: (why: string) => Error): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  for await (const bytes of source) {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1) {
      if (parts.length > 0) {
        parts.push(chunk.subarray(start, newline));
        yield Buffer.concat(parts).toString('utf8');
        parts = [];
        partBytes = 0;
      } else {
        yield chunk.toString('utf8', start, newline);
      }
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      // Copied: the decompressor may reuse the chunk's memory for its next output.
      parts.push(Buffer.from(chunk.subarray(start)));
      partBytes += chunk.length - start;
      if (partBytes > maxRecordBytes) throw damaged('a record in it is larger than any row can be');
    }
  }
  if (partBytes > 0) throw damaged('its contents end in the middle of a record');
}
