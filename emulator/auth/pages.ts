// The pages and documents of the sign-in service: OpenID discovery, the consent and
// device-login pages, and the hand-off of an authorization answer to the app.
import type { ServerResponse } from 'node:http';
import { escapeHtml, sendRaw } from '../http';
import type { TenantUser } from '../tenant/types';

/** OpenID discovery metadata in the shape Entra ID serves and @azure/msal-node reads. */
export function openIdConfiguration(baseUrl: string, tenant: string, issuer: string): Record<string, unknown> {
const base = `${baseUrl}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/openid/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    code_challenge_methods_supported: ['S256'],
  };
}

/**
 * Hand the authorization answer to the app's loopback redirect URI: a 302 with the
 * fields in the query, or (response_mode=form_post, which MSAL uses for the system
 * browser) a page that posts them there at once.
 */
export function deliver(res: ServerResponse, redirectUri: string, mode: 'query' | 'form_post', fields: Record<string, string>): void {
  if (mode === 'form_post') {
    const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
    sendRaw(res, 200, `<!doctype html><html><head><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form></body></html>`, 'text/html; charset=utf-8');
    return;
  }
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
  res.writeHead(302, { Location: target.toString() });
  res.end();
}

export function consentPage(users: readonly TenantUser[], action: string, requestId: string): string {
  const options = users.map((u) => `<option value="${escapeHtml(u.name)}">${escapeHtml(u.displayName)} — ${escapeHtml(u.upn)}</option>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to the emulated tenant</title></head><body>
<h1>Outpost tenant emulator</h1><p>An application wants to read Defender for Endpoint data as you.</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="request" value="${requestId}">
<label>Sign in as <select name="user">${options}</select></label>
<button name="decision" value="approve">Accept</button> <button name="decision" value="decline">Cancel</button></form></body></html>`;
}

export function deviceLoginPage(users: readonly TenantUser[]): string {
  const options = users.map((u) => `<option value="${escapeHtml(u.name)}">${escapeHtml(u.displayName)}</option>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Enter code</title></head><body><h1>Enter code</h1>
<form method="post"><input name="user_code" autofocus> <select name="user">${options}</select>
<button name="decision" value="approve">Sign in</button> <button name="decision" value="decline">Decline</button></form></body></html>`;
}
