// The API front door: authenticate, apply faults and rate limits in the order the
// real service would meet them, route, and send the answer (streamed for hunting).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TenantView, type Viewer } from '../access';
import type { Principal, TokenService } from '../auth/tokens';
import type { CallKind, Faults } from '../faults';
import { ApiError, apiErrorBody, readBody } from '../http';
import type { RateLimiter } from '../limits';
import { POLICY_PATH, type TenantPolicy } from '../policy';
import type { Lookups } from '../tenant/lookups';
import type { Tenant } from '../tenant/tenant';
import { entityCall } from './entities';
import { type BodySink, parseHuntingBody, runHunting } from './hunting';

export interface ApiDeps {
  tenant: Tenant;
  lookups: Lookups;
  tokens: TokenService;
  faults: Faults;
  limiter: RateLimiter;
  baseUrl: string;
  pageSize: number;
  /** The tenant's data clock (anchor and the 30-day hunting window). */
  nowMs: () => number;
  policy: () => TenantPolicy;
}

/** Thrown inside a body writer once a cut-body fault has dropped the connection. */
class ConnectionCut extends Error {}

function callKind(path: string): CallKind {
  const p = path.toLowerCase();
  if (p === '/api/advancedqueries/run') return 'hunting';
  if (p === POLICY_PATH) return 'policy';
  return 'entity';
}

function viewerOf(p: Principal): Viewer {
  return p.kind === 'app' ? { kind: 'app' } : { kind: 'user', user: p.user };
}

function callerKey(p: Principal): string {
  return p.kind === 'app' ? `app:${p.appObjectId}` : `user:${p.user.oid}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Wait until the socket takes more, or closes; leaves no listeners behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** A sink over the response that honours back-pressure and the body faults. */
function bodySink(res: ServerResponse, cutAfter: number | null, malformed: boolean): BodySink {
  let sent = 0;
  let first = true;
  return {
    async write(text: string) {
      if (first && malformed) text = text.replace(/^\{/, '{,');
      first = false;
      let buf = Buffer.from(text, 'utf8');
      if (cutAfter !== null && sent + buf.length > cutAfter) {
        buf = buf.subarray(0, Math.max(0, cutAfter - sent));
        if (buf.length) await new Promise<void>((resolve) => res.write(buf, () => resolve()));
        res.socket?.destroy();
        throw new ConnectionCut();
      }
      sent += buf.length;
      if (!res.write(buf)) {
        await drained(res);
        if (res.destroyed) throw new ConnectionCut();
      }
    },
  };
}

export async function handleApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const target = randomUUID();
  const kind = callKind(url.pathname);
  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    const body = apiErrorBody(code, message, target);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };
  try {
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const challenge = { 'WWW-Authenticate': `Bearer authorization_uri="${deps.baseUrl}/${deps.tenant.identity.tenantId}/oauth2/v2.0/authorize", error="invalid_token"` };
    if (!auth) return fail(401, 'Unauthorized', 'Authorization has been denied for this request: no bearer token.', challenge);
    const check = await deps.tokens.verify(auth[1]!);
    if (!check.ok) return fail(401, 'Unauthorized', check.message, challenge);
    if (kind !== 'policy' && deps.faults.fires('license-lapsed', kind)) {
      return fail(403, 'Forbidden', "The tenant's Microsoft Defender for Endpoint license has expired or been suspended.");
    }
    if (deps.faults.fires('expired-token', kind)) return fail(401, 'Unauthorized', 'The access token has expired', challenge);
    if (kind !== 'policy') {
      const verdict = deps.limiter.check(callerKey(check.principal), kind === 'hunting' ? 'hunting' : 'entity');
      if (!verdict.allowed) return fail(429, 'TooManyRequests', verdict.message, { 'Retry-After': String(verdict.retryAfterSeconds) });
    }
    const throttle = deps.faults.fires('throttle', kind);
    if (throttle) {
      const after = throttle.options.retryAfterSeconds ?? 1;
      return fail(429, 'TooManyRequests', `API calls quota exceeded! Please try again in ${after} seconds.`, { 'Retry-After': String(after) });
    }
    if (deps.faults.fires('server-error', kind)) return fail(500, 'InternalServerError', 'An unexpected error occurred. Retry the request.');
    const slow = deps.faults.fires('slow', kind);
    if (slow) await sleep(slow.options.delayMs ?? 2000);

    const view = new TenantView(deps.tenant, viewerOf(check.principal));
    const cut = deps.faults.fires('cut-body', kind);
    const malformed = !!deps.faults.fires('malformed-json', kind);
    const sink = bodySink(res, cut ? (cut.options.afterBytes ?? 512) : null, malformed);
    const json = { 'Content-Type': 'application/json; charset=utf-8', 'OData-Version': '4.0', 'request-id': target };

    if (kind === 'hunting') {
      if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', 'Use POST for /api/advancedqueries/run');
      const answer = runHunting(parseHuntingBody(await readBody(req)), view, deps.nowMs(), 30);
      res.writeHead(200, json);
      await answer.stream(sink);
      res.end();
      return;
    }
    if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `Use GET for ${url.pathname}`);
    const value = kind === 'policy'
      ? deps.policy()
      : entityCall({ url, baseUrl: deps.baseUrl, pageSize: deps.pageSize, view, lookups: deps.lookups }, url.pathname.split('/').filter(Boolean).slice(1));
    const body = JSON.stringify(value);
    res.writeHead(200, { ...json, 'Content-Length': String(Buffer.byteLength(body) + (malformed ? 1 : 0)) });
    await sink.write(body);
    res.end();
  } catch (e) {
    if (e instanceof ConnectionCut) return;
    if (e instanceof ApiError) {
      if (res.headersSent) return void res.destroy();
      return fail(e.status, e.code, e.message, e.headers);
    }
    if (res.headersSent) return void res.destroy();
    fail(500, 'InternalServerError', `The emulator failed: ${(e as Error).message}`);
  }
}
