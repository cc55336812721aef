import { afterEach, describe, expect, it } from 'vitest';
import { cacheInfo } from '../../main/services/cache/info';
import { writeMeta } from '../../main/services/cache/meta';
import { migrate } from '../../main/services/cache/migrate';
import { createWriter } from '../../main/services/cache/writer';
import { emptyEncryptedDb } from './migrations/helpers';

describe('cache info', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('counts the stored rows under the tables names, and gives the connection its page cache back after counting in a small one', () => {
    fixture = emptyEncryptedDb();
    const { db } = fixture;
    migrate(db, 't');
    writeMeta(db, { tenantId: 't', region: 'us', createdAt: '', createdByVersion: '0' });
    createWriter(db).write({
      processEvents: [1, 2, 3].map((report) => ({ DeviceId: `d${report % 2}`, ReportId: report, Timestamp: '2026-11-27T00:00:00Z' })),
      networkEvents: [{ DeviceId: 'd9', ReportId: 1, Timestamp: '2026-11-27T00:00:00Z' }],
    });
    // A reader's cache (engine.ts): counting must not leave it at the small size it counts in.
    db.pragma('cache_size=-131072');
    const info = cacheInfo(db, fixture.file, true);
    expect(info.rowCounts).toMatchObject({ process_events: 3, network_events: 1, file_events: 0, device_info: 0 });
    expect(db.pragma('cache_size', { simple: true })).toBe(-131072);
  });
});
