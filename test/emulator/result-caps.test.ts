// The result caps are checked before anything is sent, so an oversized answer is a
// clean 400. The 124 MB cap needs rows larger than 100,000 rows can reach in a test,
// so the caps are shrunk here; the documented values are the defaults.
import { describe, expect, it } from 'vitest';
import { TenantView } from '../../emulator/access';
import { DOCUMENTED_CAPS, runHunting } from '../../emulator/api/hunting';
import { ApiError } from '../../emulator/http';
import { Tenant } from '../../emulator/tenant/tenant';

const anchorMs = Date.UTC(2026, 10, 20);
const tenant = new Tenant({ seed: 1, scale: 'small', anchorMs });
const view = new TenantView(tenant, { kind: 'app' });
const now = anchorMs + 10 * 3_600_000;

function refusal(query: string, caps: { maxRows: number; maxBytes: number }): ApiError {
  try {
    runHunting(query, view, now, 30, caps);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('hunting result caps', () => {
  it('are the documented 100,000 rows and 124 MB by default', () => {
    expect(DOCUMENTED_CAPS).toEqual({ maxRows: 100_000, maxBytes: 124 * 1024 * 1024 });
  });

  it('refuse a result over the byte cap, counting the whole JSON body', async () => {
    const query = 'DeviceProcessEvents | take 50';
    const fits = runHunting(query, view, now, 30);
    let sent = '';
    await fits.stream({ write: async (s) => void (sent += s) });
    expect(Buffer.byteLength(sent)).toBe(fits.byteLength);
    expect((JSON.parse(sent) as { Results: unknown[] }).Results).toHaveLength(50);
    const e = refusal(query, { maxRows: 100_000, maxBytes: fits.byteLength - 1 });
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/exceeds the size limit of/);
    expect(() => runHunting(query, view, now, 30, { maxRows: 100_000, maxBytes: fits.byteLength })).not.toThrow();
  });

  it('refuse a result over the row cap', () => {
    const e = refusal('DeviceProcessEvents | take 50', { maxRows: 49, maxBytes: DOCUMENTED_CAPS.maxBytes });
    expect(e.message).toMatch(/exceeds the limit of 49 rows/);
  });

  it('stream the same body whether the rows were kept from measuring or regenerated', async () => {
    const query = 'DeviceFileEvents | order by Timestamp asc, ReportId asc';
    const bodies: string[] = [];
    for (const keepBytes of [Number.MAX_SAFE_INTEGER, 0]) {
      const answer = runHunting(query, view, now, 30, { ...DOCUMENTED_CAPS, keepBytes });
      const chunks: string[] = [];
      await answer.stream({ write: async (s) => void chunks.push(s) });
      const body = chunks.join('');
      expect(Buffer.byteLength(body)).toBe(answer.byteLength);
      expect((JSON.parse(body) as { Results: unknown[] }).Results).toHaveLength(answer.rowCount);
      bodies.push(body);
    }
    expect(bodies[1]).toBe(bodies[0]);
  });
});
