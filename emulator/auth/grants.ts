// The sign-in state the emulator keeps between calls: pending device codes, consent
// requests, authorization codes and refresh tokens (which rotate on every use).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { TenantUser } from '../tenant/types';

export interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  expiresAtMs: number;
  intervalSeconds: number;
  lastPollMs: number | null;
  state: 'pending' | 'approved' | 'declined' | 'redeemed';
  user: TenantUser | null;
}

export interface AuthorizeRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  /** How the answer reaches the redirect URI: a 302 with a query, or a form POST. */
  responseMode: 'query' | 'form_post';
}

export interface CodeGrant {
  request: AuthorizeRequest;
  user: TenantUser;
  expiresAtMs: number;
  used: boolean;
}

export interface RefreshGrant {
  user: TenantUser;
  clientId: string;
  scopes: string[];
  expiresAtMs: number;
  status: 'live' | 'used' | 'revoked';
}

const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ23456789';

export function newUserCode(): string {
  let s = '';
  for (let i = 0; i < 9; i++) s += USER_CODE_LETTERS[randomInt(USER_CODE_LETTERS.length)];
  return s;
}

export function opaque(bytes = 48): string {
  return randomBytes(bytes).toString('base64url');
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Loopback redirect URIs only: http://localhost:PORT or http://127.0.0.1:PORT, any path. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1') && !u.username && !u.password && !u.hash;
  } catch {
    return false;
  }
}

export class GrantStore {
  readonly deviceCodes = new Map<string, DeviceCodeGrant>();
  readonly userCodes = new Map<string, string>();
  readonly authorizeRequests = new Map<string, AuthorizeRequest>();
  readonly codes = new Map<string, CodeGrant>();
  readonly refreshTokens = new Map<string, RefreshGrant>();

  byUserCode(userCode: string): DeviceCodeGrant | undefined {
    const deviceCode = this.userCodes.get(userCode.replace(/[\s-]/g, '').toUpperCase());
    return deviceCode ? this.deviceCodes.get(deviceCode) : undefined;
  }

  issueRefreshToken(user: TenantUser, clientId: string, scopes: string[]): string {
    const token = `0.${opaque(96)}`;
    this.refreshTokens.set(token, { user, clientId, scopes, expiresAtMs: Date.now() + 90 * 86_400_000, status: 'live' });
    return token;
  }

  /** Revoke every refresh token (of one user, or everyone's). */
  revokeRefreshTokens(user?: TenantUser): number {
    let n = 0;
    for (const g of this.refreshTokens.values()) {
      if (g.status === 'live' && (!user || g.user.oid === user.oid)) {
        g.status = 'revoked';
        n++;
      }
    }
    return n;
  }
}
