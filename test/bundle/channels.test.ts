import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestChannels } from '../../contract';
import type { AppContext } from '../../main/app-context';
import { bundleHandlers } from '../../main/router/handlers/bundle';
import { openTenantCache } from '../../main/services/cache';
import { identityPublic, trustSigner } from '../../main/services/identity';
import { memoryKeychain } from '../../main/services/keychain';
import { saveProfile } from '../../main/services/tenant/profiles';
import { Workspace } from '../../main/services/workspace/workspace';
import { checksums, homeDir } from './transfer-helpers';

describe('bundle.export and bundle.import channels', () => {
  it('export from one window, import in another, through the contract schemas', { timeout: 180_000 }, async () => {
    const tenantId = randomUUID();
    const a = new Workspace(homeDir('window-a'), memoryKeychain());
    const b = new Workspace(homeDir('window-b'), memoryKeychain());
    await saveProfile(a.home, { name: 'field', tenantId, cloud: 'gcc-high', geo: null, clientId: 'app', createdAt: new Date().toISOString() });
    const cache = await openTenantCache({ home: a.home, keychain: a.keychain, tenantId, region: 'gcc-high', create: true });
    await cache.write({
      machines: [{ id: 'm1', computerDnsName: 'ws1', lastSeen: new Date().toISOString(), ipAddresses: [{ ipAddress: '10.0.0.1' }], machineTags: ['x'] }],
      processEvents: [{ Timestamp: new Date().toISOString(), DeviceId: 'm1', ReportId: 1, FileName: 'a.exe' }],
    });
    await cache.close();
    await trustSigner(b.keychain, (await identityPublic(a.keychain)).signingKey);

    const file = join(homeDir('window-file'), 'field.outpost');
    const exportRequest = requestChannels['bundle.export'].request.parse({ tenant: 'field', file, to: { kind: 'passphrase', passphrase: 'pw pw pw' } });
    const exported = await bundleHandlers({ workspace: a } as unknown as AppContext)['bundle.export'](exportRequest as never, {} as never);
    expect(requestChannels['bundle.export'].response.parse(exported).counts).toEqual({ machines: 1, processEvents: 1 });

    const importRequest = requestChannels['bundle.import'].request.parse({ file, passphrase: 'pw pw pw' });
    const imported = await bundleHandlers({ workspace: b } as unknown as AppContext)['bundle.import'](importRequest as never, {} as never);
    expect(requestChannels['bundle.import'].response.parse(imported)).toMatchObject({ tenant: 'field', created: true, tenantId });
    expect((await checksums(b, tenantId))!.process_events!.rows).toBe(1);
    expect((await b.profile('field')).cloud).toBe('gcc-high');
  });
});
