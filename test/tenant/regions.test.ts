import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertHostInRegion, regionOf } from '../../main/services/tenant/clouds';
import { endpointsOf, getProfile, listProfiles, saveProfile, TenantProfile } from '../../main/services/tenant/profiles';

const base = { name: 'contoso', tenantId: '00000000-0000-0000-0000-000000000001', clientId: 'c', createdAt: '2026-11-26T00:00:00Z' };

describe('clouds and regions', () => {
  it('derives the documented hosts for each cloud and geo', () => {
    expect(regionOf('commercial', 'eu')).toMatchObject({ id: 'commercial-eu', loginHost: 'login.microsoftonline.com', apiHost: 'eu.api.security.microsoft.com' });
    expect(regionOf('commercial', 'eu').apiHosts).toContain('api-eu.securitycenter.microsoft.com');
    expect(regionOf('gcc')).toMatchObject({ loginHost: 'login.microsoftonline.com', apiHost: 'api-gcc.securitycenter.microsoft.us' });
    expect(regionOf('gcc-high')).toMatchObject({ loginHost: 'login.microsoftonline.us', apiHost: 'api-gov.securitycenter.microsoft.us' });
    expect(regionOf('dod').apiScope).toBe('https://api-gov.securitycenter.microsoft.us/.default');
    expect(regionOf('commercial').apiScope).toBe('https://api.securitycenter.microsoft.com/.default');
  });

  it('refuses an API host of another region or cloud', () => {
    const eu = regionOf('commercial', 'eu');
    expect(() => assertHostInRegion(eu, 'api', 'us.api.security.microsoft.com')).toThrow(expect.objectContaining({ code: 'REGION_MISMATCH' }));
    expect(() => assertHostInRegion(eu, 'api', 'api-gov.securitycenter.microsoft.us')).toThrow(expect.objectContaining({ code: 'REGION_MISMATCH' }));
    expect(() => assertHostInRegion(regionOf('gcc-high'), 'login', 'login.microsoftonline.com')).toThrow(expect.objectContaining({ code: 'REGION_MISMATCH' }));
    expect(() => assertHostInRegion(eu, 'api', 'api-eu.securitycenter.microsoft.com')).not.toThrow();
    // A private endpoint that is no documented Microsoft host is the administrator's to name.
    expect(() => assertHostInRegion(eu, 'api', 'mde-proxy.contoso.eu:8443')).not.toThrow();
  });
});

describe('tenant profiles', () => {
  const home = () => mkdtempSync(path.join(os.tmpdir(), 'outpost-profiles-'));

  it('saves, lists and reads a profile; its endpoints follow from cloud and geo', async () => {
    const dir = home();
    await saveProfile(dir, { ...base, cloud: 'commercial', geo: 'uk' });
    const profile = await getProfile(dir, 'contoso');
    expect(endpointsOf(profile)).toMatchObject({ authority: `https://login.microsoftonline.com/${base.tenantId}`, apiBase: 'https://uk.api.security.microsoft.com' });
    expect((await listProfiles(dir)).map((p) => p.name)).toEqual(['contoso']);
  });

  it('refuses a profile pointed at a host of another region, writing nothing', async () => {
    const dir = home();
    await expect(saveProfile(dir, { ...base, cloud: 'commercial', geo: 'eu', apiHost: 'api-us.securitycenter.microsoft.com' })).rejects.toMatchObject({ code: 'REGION_MISMATCH' });
    expect(await listProfiles(dir)).toEqual([]);
  });

  it('refuses a region change of an existing profile: another region is another cache', async () => {
    const dir = home();
    await saveProfile(dir, { ...base, cloud: 'commercial', geo: 'eu' });
    await expect(saveProfile(dir, { ...base, cloud: 'commercial', geo: 'us' }, { replace: true })).rejects.toMatchObject({ code: 'REGION_MISMATCH' });
    await expect(saveProfile(dir, { ...base, cloud: 'commercial', geo: 'eu' })).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
  });

  it('refuses unknown tenants and malformed profiles with stable codes', async () => {
    const dir = home();
    await expect(getProfile(dir, 'nope')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    await expect(saveProfile(dir, { ...base, name: '../etc', cloud: 'commercial', geo: null })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(() => TenantProfile.parse({ ...base, cloud: 'mars', geo: null })).toThrow();
  });
});
