import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the browser-mode server: only a page this server handed out, on this
 * loopback port, holding this launch's token. Host and Origin are checked so a DNS
 * rebinding page (evil.example resolving to 127.0.0.1) is refused even before the token.
 */
export interface Guard {
  readonly token: string;
  readonly cookieName: string;
  /** null when the request may proceed, else the status and a reason. */
  check(request: IncomingMessage, url: URL): { status: 401 | 403; reason: string } | null;
  /** The token came in the query string: the response should set the cookie. */
  tokenFromQuery(url: URL): boolean;
}

export function createGuard(token: string, port: number): Guard {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((host) => `http://${host}`));
  const cookieName = `outpost_${port}`;
  const expected = Buffer.from(token, 'utf8');

  const matches = (candidate: string | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return {
    token,
    cookieName,
    check(request, url) {
      const host = request.headers.host;
      if (!host || !allowedHosts.has(host)) return { status: 403, reason: 'host not allowed' };
      const origin = request.headers.origin;
      if (origin !== undefined && !allowedOrigins.has(origin)) return { status: 403, reason: 'origin not allowed' };
      if (request.headers['sec-fetch-site'] === 'cross-site') return { status: 403, reason: 'cross-site request' };
      const fromHeader = bearer(request.headers.authorization);
      const fromCookie = readCookie(request.headers.cookie, cookieName);
      const fromQuery = url.searchParams.get('token') ?? undefined;
      if (matches(fromHeader) || matches(fromCookie) || matches(fromQuery)) return null;
      return { status: 401, reason: 'token required' };
    },
    tokenFromQuery(url) {
      return matches(url.searchParams.get('token') ?? undefined);
    },
  };
}

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
