// Access, ID and refresh tokens. Access tokens are RS256 JWTs signed with a key made
// for this run, published at the JWKS endpoint so a client can verify them if it likes.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, errors as joseErrors, type JWK } from 'jose';
import type { TenantUser } from '../tenant/types';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export const API_AUDIENCE = 'https://api.securitycenter.microsoft.com';

/** Delegated permissions the public client is granted; app roles for the confidential one. */
export const DELEGATED_SCOPES = ['Alert.Read', 'Machine.Read', 'AdvancedQuery.Read', 'File.Read', 'Ip.Read', 'Url.Read', 'User.Read'];
export const APP_ROLES = ['Alert.Read.All', 'Machine.Read.All', 'AdvancedQuery.Read.All', 'File.Read.All', 'Ip.Read.All', 'Url.Read.All', 'User.Read.All'];

export type Principal =
  | { kind: 'user'; user: TenantUser; clientId: string }
  | { kind: 'app'; appObjectId: string; clientId: string };

export type TokenCheck =
  | { ok: true; principal: Principal; claims: Record<string, unknown> }
  | { ok: false; reason: 'expired' | 'invalid'; message: string };

export class TokenService {
  private constructor(
    private readonly privateKey: SigningKey,
    private readonly publicKey: SigningKey,
    private readonly publicJwk: JWK,
    readonly kid: string,
    readonly issuer: string,
    readonly tenantId: string,
    readonly lifetimeSeconds: number,
    private readonly users: readonly TenantUser[],
  ) {}

  static async create(opts: { issuer: string; tenantId: string; lifetimeSeconds: number; users: readonly TenantUser[] }): Promise<TokenService> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    return new TokenService(privateKey, publicKey, jwk, kid, opts.issuer, opts.tenantId, opts.lifetimeSeconds, opts.users);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  private sign(claims: Record<string, unknown>, audience: string, lifetimeSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  accessToken(principal: Principal): Promise<string> {
    const common = { tid: this.tenantId, appid: principal.clientId, azp: principal.clientId, ver: '1.0' };
    if (principal.kind === 'app') {
      return this.sign({ ...common, oid: principal.appObjectId, sub: principal.appObjectId, idtyp: 'app', roles: APP_ROLES }, API_AUDIENCE, this.lifetimeSeconds);
    }
    const u = principal.user;
    return this.sign(
      { ...common, oid: u.oid, sub: u.oid, upn: u.upn, unique_name: u.upn, name: u.displayName, idtyp: 'user', scp: DELEGATED_SCOPES.join(' ') },
      API_AUDIENCE,
      this.lifetimeSeconds,
    );
  }

  idToken(user: TenantUser, clientId: string, nonce?: string): Promise<string> {
    return this.sign(
      { tid: this.tenantId, oid: user.oid, sub: user.oid, preferred_username: user.upn, name: user.displayName, ver: '2.0', ...(nonce ? { nonce } : {}) },
      clientId,
      3600,
    );
  }

  async verify(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, audience: API_AUDIENCE, algorithms: ['RS256'] });
      const clientId = String(payload.appid ?? '');
      if (Array.isArray(payload.roles)) {
        return { ok: true, principal: { kind: 'app', appObjectId: String(payload.oid), clientId }, claims: payload };
      }
      const user = this.users.find((u) => u.oid === payload.oid);
      if (!user || typeof payload.scp !== 'string') return { ok: false, reason: 'invalid', message: 'The token names no known user or permission' };
      return { ok: true, principal: { kind: 'user', user, clientId }, claims: payload };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired', message: 'The access token has expired' };
      return { ok: false, reason: 'invalid', message: `The access token is not valid: ${(e as Error).message}` };
    }
  }
}
