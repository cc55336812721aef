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

describe('hunting answer stream: where rows end', () => {
  const answer = '{"Schema":[{"Name":"A","Type":"String"}],"Results":[{"A":"a \\"quoted\\" {brace} [x], \\\\","N":{"x":[1,{"y":2}]}},{"A":"ü€😀","B":null}],"Stats":{"ExecutionTime":1}}';

  it('gives the same rows whatever the chunk size, strings with brackets, escapes and multi-byte characters included', async () => {
    const whole = JSON.parse(answer) as { Results: unknown[] };
    const bytes = Buffer.from(answer);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const out: unknown[] = [];
      for await (const batch of huntingRows(Readable.from(chunks), 1)) out.push(...batch);
      expect(out, `chunks of ${size} bytes`).toEqual(whole.Results);
    }
  });

  it('keeps big integers exact only where they are integers: not inside strings, not fractions, negative ones too', async () => {
    const [row] = await rows('{"Results":[{"R":-123456789012345678,"S":"id 123456789012345678","F":0.1234567890123456,"E":1234567890123456e2,"L":[9007199254740993,1]}]}');
    expect(row).toEqual({ R: '-123456789012345678', S: 'id 123456789012345678', F: 0.1234567890123456, E: 1234567890123456e2, L: ['9007199254740993', 1] });
  });

  it('an empty answer is no rows; a body with no Results is no rows', async () => {
    expect(await rows('{"Schema":[],"Results":[]}')).toEqual([]);
    expect(await rows('{"Schema":[]}')).toEqual([]);
  });

  it('refuses what is not a row list: trailing or missing commas, scalars, a cut-off frame', async () => {
    await expect(rows('{"Results":[{"A":1},]}')).rejects.toThrow(/not valid JSON/);
    await expect(rows('{"Results":[{"A":1}', ' {"A":2}]}')).rejects.toThrow(/comma/);
    await expect(rows('{"Results":[{"A":1},,{"A":2}]}')).rejects.toThrow(/not valid JSON/);
    await expect(rows('{"Results":[1,2]}')).rejects.toThrow(/other than a row|not an object/);
    await expect(rows('{"Results":[{"A":1}],"Stats":{')).rejects.toThrow(/ended/);
    await expect(rows('{"Results":[{"A":1}],"Stats":x}')).rejects.toThrow(/not valid JSON/);
    await expect(rows('[{"A":1}]')).rejects.toThrow(/not an object/);
  });
});
