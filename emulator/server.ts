// Start the emulator: generate the tenant, make the TLS material, listen on 127.0.0.1
// over HTTPS only, and route sign-in and API calls.
import { writeFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api/dispatch';
import { SignIn } from './auth/oauth';
import { TokenService } from './auth/tokens';
import { Faults, type FaultSwitch } from './faults';
import { GroundTruth } from './ground-truth';
import { apiErrorBody } from './http';
import { DOCUMENTED_LIMITS, RateLimiter, type RateLimits } from './limits';
import { DEFAULT_POLICY, type TenantPolicy, applyPolicy } from './policy';
import { type AnswerKey, type TenantRegistration, answerKeyOf, registrationOf } from './registration';
import { findUser } from './tenant/directory';
import { Lookups } from './tenant/lookups';
import { type Scale, Tenant } from './tenant/tenant';
import { createTls } from './tls';
import { utcMidnight } from './time';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  seed?: number;
  scale?: Scale;
  /** Write the per-run CA certificate (PEM) here. */
  caOut?: string;
  /** Approve every device-code and authorization request as this user (short name or UPN). */
  autoApprove?: string;
  /** Access-token lifetime; 3,600 s by default, as Entra ID issues them. */
  tokenLifetimeSeconds?: number;
  /** The tenant's data clock: the anchor (its UTC midnight) and the 30-day hunting window. Tokens, limits and polling use the wall clock. */
  now?: () => Date;
  limits?: Partial<RateLimits>;
  /** Entity page size before @odata.nextLink (10,000 as documented; tests lower it). */
  pageSize?: number;
  /** Device-code polling interval in seconds (5 as Entra ID answers; tests lower it). */
  deviceCodeIntervalSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
  policy?: Partial<TenantPolicy>;
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  url: string;
  caCertPem: string;
  registration: TenantRegistration;
  faults: FaultSwitch;
  answerKey(): AnswerKey;
  groundTruth: GroundTruth;
  /** Approve (or decline) a pending device code as a user, as the verification page does. */
  approve(userCode: string, user: string, decision?: 'approve' | 'decline'): void;
  /** Revoke refresh tokens (one user's, or everyone's); returns how many. */
  revokeRefreshTokens(user?: string): number;
  policy(): TenantPolicy;
  setPolicy(change: Partial<TenantPolicy>): TenantPolicy;
  close(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = opts.now ?? (() => new Date());
  const seed = opts.seed ?? 1;
  const tenant = new Tenant({ seed, scale: opts.scale ?? 'small', anchorMs: utcMidnight(now()) });
  const lookups = new Lookups(tenant);
  const autoApprove = opts.autoApprove ? findUser(tenant.users, opts.autoApprove) : null;
  if (opts.autoApprove && !autoApprove) {
    throw new Error(`--auto-approve: no user '${opts.autoApprove}'; users: ${tenant.users.map((u) => u.name).join(', ')}`);
  }
  let policy = applyPolicy(DEFAULT_POLICY, opts.policy ?? {});
  const faults = new Faults(seed);
  const tls = await createTls();
  if (opts.caOut) await writeFile(opts.caOut, tls.caCertPem, { mode: 0o644 });

  let route: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer({ key: tls.keyPem, cert: tls.certPem, keepAlive: true }, (req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(apiErrorBody('InternalServerError', (e as Error).message));
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const tenantId = tenant.identity.tenantId;
  const tokens = await TokenService.create({ issuer: `${url}/${tenantId}/v2.0`, tenantId, lifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600, users: tenant.users });
  const signIn = new SignIn({
    baseUrl: url, identity: tenant.identity, users: tenant.users, tokens, faults, autoApprove: autoApprove ?? null,
    deviceCodeIntervalSeconds: opts.deviceCodeIntervalSeconds ?? 5, deviceCodeLifetimeSeconds: opts.deviceCodeLifetimeSeconds ?? 900,
  });
  const limiter = new RateLimiter({ ...DOCUMENTED_LIMITS, ...opts.limits });
  const effectivePolicy = (): TenantPolicy =>
    faults.isOn('license-lapsed', 'policy') && (policy.licenseState === 'active' || policy.licenseState === 'grace') ? { ...policy, licenseState: 'expired' } : policy;
  const apiDeps = { tenant, lookups, tokens, faults, limiter, baseUrl: url, pageSize: opts.pageSize ?? 10_000, nowMs: () => now().getTime(), policy: effectivePolicy };

  route = async (req, res) => {
    const reqUrl = new URL(req.url ?? '/', url);
    if (reqUrl.pathname.toLowerCase().startsWith('/api/')) return handleApi(apiDeps, req, res, reqUrl);
    if (await signIn.handle(req, res, reqUrl)) return;
    const body = apiErrorBody('NotFound', `No resource at ${reqUrl.pathname}`);
    res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  };

  return {
    url,
    caCertPem: tls.caCertPem,
    registration: registrationOf(tenant, url),
    faults,
    answerKey: () => answerKeyOf(tenant),
    groundTruth: new GroundTruth(tenant, lookups, () => now().getTime()),
    approve: (userCode, user, decision = 'approve') => signIn.approve(userCode, user, decision),
    revokeRefreshTokens: (user) => {
      const u = user ? findUser(tenant.users, user) : undefined;
      if (user && !u) throw new Error(`no user '${user}' in the tenant`);
      return signIn.grants.revokeRefreshTokens(u);
    },
    policy: effectivePolicy,
    setPolicy: (change) => (policy = applyPolicy(policy, change)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The demo tenant's registration without starting a server. */
export function describeDemoTenant(opts: { seed?: number; scale?: Scale; now?: () => Date } = {}): TenantRegistration {
  const now = opts.now ?? (() => new Date());
  return registrationOf(new Tenant({ seed: opts.seed ?? 1, scale: opts.scale ?? 'small', anchorMs: utcMidnight(now()) }), null);
}
