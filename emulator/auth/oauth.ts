// Entra ID sign-in at /{tenantId}/oauth2/v2.0/: device code, authorization code with
// PKCE, refresh tokens that rotate, client credentials; OpenID discovery and JWKS in
// the shapes @azure/msal-node reads. Everything a real client sends is accepted
// (x-client-* headers and parameters, client_info, claims) and ignored where unused.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../faults';
import { escapeHtml, parseForm, readBody, sendJson, sendRaw } from '../http';
import type { TenantIdentity } from '../tenant/directory';
import { findUser } from '../tenant/directory';
import type { TenantUser } from '../tenant/types';
import { EntraError, sendEntraError } from './entra-errors';
import { consentPage, deliver, deviceLoginPage, openIdConfiguration } from './pages';
import { OIDC_SCOPES, type ScopeRequest, parseScopes } from './scopes';
import { type AuthorizeRequest, type DeviceCodeGrant, GrantStore, isLoopbackRedirect, newUserCode, opaque, pkceS256 } from './grants';
import { type Principal, type TokenService } from './tokens';

export interface SignInOptions {
  baseUrl: string;
  identity: TenantIdentity;
  users: readonly TenantUser[];
  tokens: TokenService;
  faults: Faults;
  /** Approve every device code and authorization request as this user. */
  autoApprove: TenantUser | null;
  deviceCodeIntervalSeconds: number;
  deviceCodeLifetimeSeconds: number;
}

export class SignIn {
  readonly grants = new GrantStore();

  constructor(private readonly o: SignInOptions) {}

  private get tenantId(): string {
    return this.o.identity.tenantId;
  }

  /** Approve a pending device code as `user` (the consent page or a test does this). */
  approve(userCode: string, userName: string, decision: 'approve' | 'decline' = 'approve'): void {
    const grant = this.grants.byUserCode(userCode);
    if (!grant) throw new Error(`no pending sign-in with code ${userCode}`);
    const user = findUser(this.o.users, userName);
    if (!user) throw new Error(`no user '${userName}' in the tenant`);
    if (grant.state !== 'pending') throw new Error(`the sign-in with code ${userCode} is already ${grant.state}`);
    grant.state = decision === 'approve' ? 'approved' : 'declined';
    grant.user = user;
  }

  /** Handle a sign-in request; false when the path is not a sign-in path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean);
    try {
      if (parts[0] === 'common' && parts[1] === 'discovery' && parts[2] === 'instance') {
        const host = new URL(this.o.baseUrl).host;
        sendJson(res, 200, {
          tenant_discovery_endpoint: `${this.o.baseUrl}/${this.tenantId}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        });
        return true;
      }
      if (parts[0] === 'devicelogin') {
        await this.deviceLogin(req, res);
        return true;
      }
      const tenant = parts[0];
      if (!tenant) return false;
      const rest = parts.slice(1).join('/');
      const known = ['v2.0/.well-known/openid-configuration', '.well-known/openid-configuration', 'discovery/v2.0/keys', 'discovery/keys',
        'oauth2/v2.0/devicecode', 'oauth2/v2.0/token', 'oauth2/v2.0/authorize', 'oauth2/v2.0/logout'];
      if (!known.includes(rest)) return false;
      if (tenant !== this.tenantId && tenant !== 'organizations' && tenant !== 'common') {
        throw new EntraError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      }
      switch (rest) {
        case 'v2.0/.well-known/openid-configuration':
        case '.well-known/openid-configuration':
          sendJson(res, 200, openIdConfiguration(this.o.baseUrl, this.tenantId, this.o.tokens.issuer));
          return true;
        case 'discovery/v2.0/keys':
        case 'discovery/keys':
          sendJson(res, 200, this.o.tokens.jwks());
          return true;
        case 'oauth2/v2.0/logout':
          sendRaw(res, 200, '<!doctype html><title>Signed out</title><p>You have signed out of the emulated tenant.</p>', 'text/html; charset=utf-8');
          return true;
        case 'oauth2/v2.0/devicecode':
          await this.deviceCode(req, res);
          return true;
        case 'oauth2/v2.0/token':
          await this.token(req, res);
          return true;
        case 'oauth2/v2.0/authorize':
          await this.authorize(req, res, url);
          return true;
      }
      return false;
    } catch (e) {
      if (e instanceof EntraError) {
        sendEntraError(res, e, this.o.baseUrl);
        return true;
      }
      throw e;
    }
  }

  private async form(req: IncomingMessage): Promise<Record<string, string>> {
    if (req.method !== 'POST') throw new EntraError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    return parseForm(await readBody(req));
  }

  private requireClient(clientId: string | undefined, kind: 'public' | 'any'): void {
    const { publicClientId, confidentialClientId } = this.o.identity;
    if (!clientId) throw new EntraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    if (clientId !== publicClientId && clientId !== confidentialClientId) {
      throw new EntraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'.`);
    }
    if (kind === 'public' && clientId !== publicClientId) {
      throw new EntraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
  }

  private async deviceCode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = await this.form(req);
    this.requireClient(f.client_id, 'public');
    const scopes = parseScopes(f.scope);
    const grant: DeviceCodeGrant = {
      deviceCode: opaque(), userCode: newUserCode(), clientId: f.client_id!, scopes: [...scopes.resource, ...scopes.oidc],
      expiresAtMs: Date.now() + this.o.deviceCodeLifetimeSeconds * 1000, intervalSeconds: this.o.deviceCodeIntervalSeconds,
      lastPollMs: null, state: 'pending', user: null,
    };
    if (this.o.autoApprove) {
      grant.state = 'approved';
      grant.user = this.o.autoApprove;
    }
    this.grants.deviceCodes.set(grant.deviceCode, grant);
    this.grants.userCodes.set(grant.userCode, grant.deviceCode);
    const verificationUri = `${this.o.baseUrl}/devicelogin`;
    sendJson(res, 200, {
      user_code: grant.userCode,
      device_code: grant.deviceCode,
      verification_uri: verificationUri,
      expires_in: this.o.deviceCodeLifetimeSeconds,
      interval: grant.intervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${grant.userCode} to authenticate.`,
    });
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = await this.form(req);
    // Faults aimed at the token endpoint (target 'token' or 'all'), for sign-in retry tests.
    const slow = this.o.faults.fires('slow', 'token');
    if (slow) await new Promise((r) => setTimeout(r, slow.options.delayMs ?? 2000));
    const throttle = this.o.faults.fires('throttle', 'token');
    if (throttle) {
      const after = String(throttle.options.retryAfterSeconds ?? 1);
      res.setHeader('Retry-After', after);
      throw new EntraError(429, 'temporarily_unavailable', 50196, `The server is throttling this client. Retry after ${after} seconds.`);
    }
    if (this.o.faults.fires('server-error', 'token')) {
      throw new EntraError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.');
    }
    // A client_secret_basic Authorization header is as good as form fields.
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      f.client_id ??= decodeURIComponent(id ?? '');
      f.client_secret ??= decodeURIComponent(secret ?? '');
    }
    switch (f.grant_type) {
      case 'urn:ietf:params:oauth:grant-type:device_code':
      case 'device_code':
        return this.redeemDeviceCode(f, res);
      case 'authorization_code':
        return this.redeemCode(f, res);
      case 'refresh_token':
        return this.redeemRefreshToken(f, res);
      case 'client_credentials':
        return this.clientCredentials(f, res);
      default:
        throw new EntraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${f.grant_type ?? ''}'.`);
    }
  }

  private async userTokens(user: TenantUser, clientId: string, scopes: string[], f: Record<string, string>, nonce?: string | null): Promise<Record<string, unknown>> {
    const principal: Principal = { kind: 'user', user, clientId };
    const resource = scopes.filter((s) => !OIDC_SCOPES.has(s));
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: resource.join(' '),
      expires_in: this.o.tokens.lifetimeSeconds,
      ext_expires_in: this.o.tokens.lifetimeSeconds,
      access_token: await this.o.tokens.accessToken(principal),
    };
    if (scopes.includes('offline_access')) body.refresh_token = this.grants.issueRefreshToken(user, clientId, scopes);
    if (scopes.includes('openid')) body.id_token = await this.o.tokens.idToken(user, clientId, nonce ?? undefined);
    if (f.client_info === '1' || scopes.includes('openid')) {
      body.client_info = Buffer.from(JSON.stringify({ uid: user.oid, utid: this.tenantId })).toString('base64url');
    }
    return body;
  }

  private async redeemDeviceCode(f: Record<string, string>, res: ServerResponse): Promise<void> {
    this.requireClient(f.client_id, 'public');
    const grant = f.device_code ? this.grants.deviceCodes.get(f.device_code) : undefined;
    if (!grant || grant.clientId !== f.client_id || grant.state === 'redeemed') {
      throw new EntraError(400, 'bad_verification_code', 70000, 'The device code is not valid: it is unknown, belongs to another application, or was already used.');
    }
    const now = Date.now();
    if (now > grant.expiresAtMs) {
      throw new EntraError(400, 'expired_token', 70020, 'The device code has expired. Start the sign-in again.');
    }
    const last = grant.lastPollMs;
    grant.lastPollMs = now;
    // RFC 8628: polling faster than the interval earns slow_down (with a little slack for timers).
    if (last !== null && now - last < grant.intervalSeconds * 1000 - 200) {
      throw new EntraError(400, 'slow_down', 70016, `Polling too fast: wait at least ${grant.intervalSeconds} seconds between requests.`);
    }
    if (grant.state === 'pending') {
      throw new EntraError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
    }
    if (grant.state === 'declined') {
      throw new EntraError(400, 'authorization_declined', 70019, 'The user declined the sign-in request.');
    }
    grant.state = 'redeemed';
    sendJson(res, 200, await this.userTokens(grant.user!, grant.clientId, grant.scopes, f), { 'Cache-Control': 'no-store' });
  }

  private async redeemCode(f: Record<string, string>, res: ServerResponse): Promise<void> {
    this.requireClient(f.client_id, 'any');
    const grant = f.code ? this.grants.codes.get(f.code) : undefined;
    if (!grant || grant.used) throw new EntraError(400, 'invalid_grant', 70008, 'The provided authorization code is not valid or has already been used.');
    if (Date.now() > grant.expiresAtMs) throw new EntraError(400, 'invalid_grant', 70008, 'The provided authorization code has expired.');
    if (grant.request.clientId !== f.client_id) throw new EntraError(400, 'invalid_grant', 70002, 'The authorization code was issued to another application.');
    if (grant.request.redirectUri !== f.redirect_uri) {
      throw new EntraError(400, 'invalid_grant', 50011, `The redirect URI '${f.redirect_uri ?? ''}' does not match the one used in the authorization request.`);
    }
    if (!f.code_verifier || pkceS256(f.code_verifier) !== grant.request.codeChallenge) {
      throw new EntraError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    grant.used = true;
    sendJson(res, 200, await this.userTokens(grant.user, f.client_id!, grant.request.scopes, f, grant.request.nonce), { 'Cache-Control': 'no-store' });
  }

  private async redeemRefreshToken(f: Record<string, string>, res: ServerResponse): Promise<void> {
    this.requireClient(f.client_id, 'any');
    const grant = f.refresh_token ? this.grants.refreshTokens.get(f.refresh_token) : undefined;
    if (!grant) throw new EntraError(400, 'invalid_grant', 9002313, 'Invalid request. The refresh token is malformed or not valid.');
    if (this.o.faults.fires('revoked-refresh-token', 'token')) grant.status = 'revoked';
    if (grant.status === 'revoked') {
      throw new EntraError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
    }
    if (grant.status === 'used') {
      throw new EntraError(400, 'invalid_grant', 70000, 'The provided grant is invalid or malformed: this refresh token was already used and has been replaced.');
    }
    if (Date.now() > grant.expiresAtMs) throw new EntraError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');
    if (grant.clientId !== f.client_id) throw new EntraError(400, 'invalid_grant', 70000, 'The refresh token was issued to another application.');
    grant.status = 'used';
    // A refresh may ask for a subset of the original scopes; keep offline_access so it rotates.
    const asked = f.scope ? parseScopes(f.scope) : null;
    const scopes = asked ? [...asked.resource, ...asked.oidc, 'offline_access'] : grant.scopes;
    sendJson(res, 200, await this.userTokens(grant.user, grant.clientId, [...new Set(scopes)], f), { 'Cache-Control': 'no-store' });
  }

  private async clientCredentials(f: Record<string, string>, res: ServerResponse): Promise<void> {
    const { confidentialClientId, confidentialClientSecret, appObjectId } = this.o.identity;
    this.requireClient(f.client_id, 'any');
    if (f.client_id !== confidentialClientId) {
      throw new EntraError(400, 'unauthorized_client', 700016, 'The public client cannot use client credentials.');
    }
    if (f.client_secret !== confidentialClientSecret) {
      throw new EntraError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    }
    const scopes = parseScopes(f.scope);
    if (scopes.resource.some((s) => !s.endsWith('/.default'))) {
      throw new EntraError(400, 'invalid_scope', 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
    }
    sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: this.o.tokens.lifetimeSeconds,
      ext_expires_in: this.o.tokens.lifetimeSeconds,
      access_token: await this.o.tokens.accessToken({ kind: 'app', appObjectId, clientId: confidentialClientId }),
    }, { 'Cache-Control': 'no-store' });
  }

  private async authorize(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'POST') return this.consentDecision(req, res);
    const q = Object.fromEntries(url.searchParams);
    this.requireClient(q.client_id, 'any');
    if (!q.redirect_uri || !isLoopbackRedirect(q.redirect_uri)) {
      // Never redirect to an unregistered address: show the error instead.
      throw new EntraError(400, 'invalid_request', 50011, `The redirect URI '${q.redirect_uri ?? ''}' is not registered: use a loopback address http://localhost:PORT or http://127.0.0.1:PORT.`);
    }
    const responseMode = q.response_mode === 'form_post' ? 'form_post' : 'query';
    const redirectError = (error: string, description: string) =>
      deliver(res, q.redirect_uri!, responseMode, { error, error_description: description, ...(q.state ? { state: q.state } : {}) });
    if (q.response_type !== 'code') return redirectError('unsupported_response_type', 'AADSTS700054: Only response_type=code is supported.');
    if (!q.code_challenge || q.code_challenge_method !== 'S256') {
      return redirectError('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange with the S256 method is required.');
    }
    let scopes: ScopeRequest;
    try {
      scopes = parseScopes(q.scope);
    } catch (e) {
      return redirectError('invalid_scope', (e as Error).message);
    }
    const request: AuthorizeRequest = {
      id: randomUUID(), clientId: q.client_id!, redirectUri: q.redirect_uri, scopes: [...scopes.resource, ...scopes.oidc],
      state: q.state ?? null, nonce: q.nonce ?? null, codeChallenge: q.code_challenge, responseMode,
    };
    if (this.o.autoApprove) return this.finishAuthorize(res, request, this.o.autoApprove, 'approve');
    this.grants.authorizeRequests.set(request.id, request);
    sendRaw(res, 200, consentPage(this.o.users, url.pathname, request.id), 'text/html; charset=utf-8', { 'X-Outpost-Consent-Request': request.id });
  }

  private async consentDecision(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = parseForm(await readBody(req));
    const request = f.request ? this.grants.authorizeRequests.get(f.request) : undefined;
    if (!request) throw new EntraError(400, 'invalid_request', 90014, 'The consent request is unknown or already answered.');
    const user = findUser(this.o.users, f.user ?? '');
    if (!user) throw new EntraError(400, 'invalid_request', 50034, `The user account '${f.user ?? ''}' does not exist in the tenant.`);
    this.grants.authorizeRequests.delete(request.id);
    this.finishAuthorize(res, request, user, f.decision === 'decline' ? 'decline' : 'approve');
  }

  private finishAuthorize(res: ServerResponse, request: AuthorizeRequest, user: TenantUser, decision: 'approve' | 'decline'): void {
    const fields: Record<string, string> = {};
    if (decision === 'decline') {
      fields.error = 'access_denied';
      fields.error_description = 'AADSTS65004: User declined to consent to access the app.';
    } else {
      const code = opaque(64);
      this.grants.codes.set(code, { request, user, expiresAtMs: Date.now() + 10 * 60_000, used: false });
      fields.code = code;
      fields.client_info = Buffer.from(JSON.stringify({ uid: user.oid, utid: this.tenantId })).toString('base64url');
    }
    if (request.state) fields.state = request.state;
    deliver(res, request.redirectUri, request.responseMode, fields);
  }

  /** The verification page of the device-code flow: enter the code, pick a user, accept. */
  private async deviceLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      const f = parseForm(await readBody(req));
      try {
        this.approve(f.user_code ?? '', f.user ?? '', f.decision === 'decline' ? 'decline' : 'approve');
      } catch (e) {
        sendRaw(res, 400, `<!doctype html><p>${escapeHtml((e as Error).message)}</p>`, 'text/html; charset=utf-8');
        return;
      }
      sendRaw(res, 200, '<!doctype html><p>You have signed in to the emulated tenant. You may close this window.</p>', 'text/html; charset=utf-8');
      return;
    }
    sendRaw(res, 200, deviceLoginPage(this.o.users), 'text/html; charset=utf-8');
  }
}
