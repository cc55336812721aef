// Which scopes a token request may ask for: the Defender API resource (any of its hosts'
// identifiers) and the OpenID scopes.
import { EntraError } from './entra-errors';

export const RESOURCE_PREFIXES = [
  'https://api.securitycenter.microsoft.com/',
  'https://api.security.microsoft.com/',
  'https://securitycenter.onmicrosoft.com/windowsatpservice/',
  'https://api-gcc.securitycenter.microsoft.us/',
  'https://api-gov.securitycenter.microsoft.us/',
];
export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export interface ScopeRequest {
  resource: string[];
  oidc: Set<string>;
}

export function parseScopes(raw: string | undefined): ScopeRequest {
  const all = (raw ?? '').split(/\s+/).filter(Boolean);
  const resource: string[] = [];
  const oidc = new Set<string>();
  for (const s of all) {
    if (OIDC_SCOPES.has(s)) oidc.add(s);
    else if (RESOURCE_PREFIXES.some((p) => s.toLowerCase().startsWith(p))) resource.push(s);
    else throw new EntraError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${s}' does not exist.`);
  }
  if (!resource.length) {
    throw new EntraError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. Ask for ${RESOURCE_PREFIXES[0]}.default.`);
  }
  return { resource, oidc };
}
