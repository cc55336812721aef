import { OutpostError } from '../../../contract';

/**
 * Microsoft's clouds and geos for Defender for Endpoint (mde-api.md): where a tenant signs
 * in and where its API lives. A tenant's geo is fixed when it is provisioned, so the
 * region recorded with a cache never changes; another region means another cache.
 */
export const clouds = ['commercial', 'gcc', 'gcc-high', 'dod'] as const;
export type Cloud = (typeof clouds)[number];

export const geos = ['us', 'eu', 'uk', 'au', 'swa', 'ina'] as const;
export type Geo = (typeof geos)[number];

export interface Region {
  /** e.g. "commercial-eu", "gcc", "gcc-high", "dod": recorded in the cache at creation. */
  id: string;
  cloud: Cloud;
  geo: Geo | null;
  /** Entra ID authority host. */
  loginHost: string;
  /** The API host Outpost calls by default. */
  apiHost: string;
  /** Every documented API host of this region (current and older names). */
  apiHosts: readonly string[];
  /** The token audience's `.default` scope. */
  apiScope: string;
}

const commercialScope = 'https://api.securitycenter.microsoft.com/.default';
const legacyGeoHost: Partial<Record<Geo, string>> = {
  us: 'api-us.securitycenter.microsoft.com',
  eu: 'api-eu.securitycenter.microsoft.com',
  uk: 'api-uk.securitycenter.microsoft.com',
  au: 'api-au.securitycenter.microsoft.com',
};

export function regionOf(cloud: Cloud, geo: Geo | null = null): Region {
  switch (cloud) {
    case 'commercial': {
      if (geo === null) {
        return {
          id: 'commercial',
          cloud,
          geo,
          loginHost: 'login.microsoftonline.com',
          apiHost: 'api.security.microsoft.com',
          apiHosts: ['api.security.microsoft.com', 'api.securitycenter.microsoft.com'],
          apiScope: commercialScope,
        };
      }
      const current = `${geo}.api.security.microsoft.com`;
      const legacy = legacyGeoHost[geo];
      return {
        id: `commercial-${geo}`,
        cloud,
        geo,
        loginHost: 'login.microsoftonline.com',
        apiHost: current,
        apiHosts: legacy ? [current, legacy] : [current],
        apiScope: commercialScope,
      };
    }
    case 'gcc':
      return {
        id: 'gcc',
        cloud,
        geo: null,
        loginHost: 'login.microsoftonline.com',
        apiHost: 'api-gcc.securitycenter.microsoft.us',
        apiHosts: ['api-gcc.securitycenter.microsoft.us'],
        apiScope: 'https://api-gcc.securitycenter.microsoft.us/.default',
      };
    case 'gcc-high':
    case 'dod':
      return {
        id: cloud,
        cloud,
        geo: null,
        loginHost: 'login.microsoftonline.us',
        apiHost: 'api-gov.securitycenter.microsoft.us',
        apiHosts: ['api-gov.securitycenter.microsoft.us'],
        apiScope: 'https://api-gov.securitycenter.microsoft.us/.default',
      };
  }
}

/** Every documented region, for checking a host against the others. */
export function allRegions(): Region[] {
  return [regionOf('commercial'), ...geos.map((geo) => regionOf('commercial', geo)), regionOf('gcc'), regionOf('gcc-high'), regionOf('dod')];
}

const loginHosts = new Set(['login.microsoftonline.com', 'login.microsoftonline.us']);

/**
 * A host may serve a region when it is one of that region's documented hosts, or when it
 * is no documented Microsoft host at all (a private endpoint an administrator named, or
 * the emulator). A documented host of another region or cloud is always refused: evidence
 * of an EU tenant never travels to a US endpoint by a typo.
 */
export function assertHostInRegion(region: Region, kind: 'api' | 'login', host: string): void {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const own = kind === 'api' ? region.apiHosts : [region.loginHost];
  if (own.includes(name)) return;
  const documented = kind === 'api' ? allRegions().flatMap((r) => r.apiHosts) : [...loginHosts];
  if (documented.includes(name) || /(^|\.)security(center)?\.microsoft\.(com|us)$/.test(name)) {
    throw new OutpostError(
      'REGION_MISMATCH',
      `${host} is not a ${kind === 'api' ? 'Defender API' : 'sign-in'} host of region ${region.id}. A tenant's region is fixed; add a new tenant profile for another region.`,
    );
  }
}
