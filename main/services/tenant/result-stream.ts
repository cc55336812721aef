import type { Readable } from 'node:stream';
import { HuntingAnswerSplitter, type AnswerRow } from './hunting-answer';

/**
 * The rows of an advanced-hunting answer (`{"Schema": [...], "Results": [...]}`) in batches
 * as they arrive, so a 100 MB answer is never held as text and as objects at once.
 * A body cut off mid-stream or malformed JSON rejects the iteration (see hunting-answer.ts).
 */
export async function* huntingRows(body: Readable, batchSize = 1000): AsyncGenerator<AnswerRow[]> {
  const splitter = new HuntingAnswerSplitter();
  for await (const chunk of body) {
    splitter.write(chunk as Uint8Array);
    while (splitter.rows.length >= batchSize) yield splitter.take(batchSize);
  }
  if ((body as Readable & { aborted?: boolean }).aborted) throw new Error('the answer ended before its JSON did');
  splitter.end();
  if (splitter.rows.length > 0) yield splitter.take();
}
