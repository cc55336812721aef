import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { huntingRows } from '../../main/services/tenant/result-stream';

async function rows(...chunks: string[]): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const batch of huntingRows(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push(...batch);
  return out;
}

describe('hunting answer stream', () => {
  it('yields Results rows across chunk boundaries, ignoring Schema', async () => {
    expect(await rows('{"Schema":[{"Name":"A","Type":"Int"}],"Results":[{"A":1},{"A"', ':2}]}')).toEqual([{ A: 1 }, { A: 2 }]);
  });

  it('keeps an 18-digit ReportId exact (a number would round it)', async () => {
    const [row] = await rows('{"Schema":[],"Results":[{"ReportId":100000000000000123,"Small":42,"F":1.5}]}');
    expect(row).toEqual({ ReportId: '100000000000000123', Small: 42, F: 1.5 });
  });

  it('rejects a body cut off mid-stream and malformed JSON', async () => {
    await expect(rows('{"Schema":[],"Results":[{"A":1},{"A":')).rejects.toThrow();
    await expect(rows('{"Schema":[],"Results":[{"A":1}]]}')).rejects.toThrow();
    await expect(rows('not json')).rejects.toThrow();
  });
});
