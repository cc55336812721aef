// A minimal client for the emulator tests: HTTPS trusting only the run's CA, sign-in
// as a named user (device code) or as the app (client credentials), API calls.
import { Agent, fetch } from 'undici';
import type { RunningEmulator } from '../../emulator/index';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class EmulatorClient {
  readonly agent: Agent;

  constructor(readonly emu: RunningEmulator) {
    this.agent = new Agent({ connect: { ca: emu.caCertPem } });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
    const res = await fetch(path.startsWith('http') ? path : `${this.emu.url}${path}`, { ...init, dispatcher: this.agent, redirect: 'manual' });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { status: res.status, headers: res.headers as unknown as Headers, body, text };
  }

  form(path: string, fields: Record<string, string>): Promise<Answer<Record<string, unknown>>> {
    return this.raw(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }) as Promise<Answer<Record<string, unknown>>>;
  }

  /** Sign in as a user through the device-code flow, approving in-process. */
  async signIn(user: string): Promise<string> {
    const reg = this.emu.registration;
    const scope = `${reg.scope} offline_access openid profile`;
    const code = await this.form(`/${reg.tenantId}/oauth2/v2.0/devicecode`, { client_id: reg.publicClientId, scope });
    if (code.status !== 200) throw new Error(`devicecode: ${code.text}`);
    this.emu.approve(String(code.body.user_code), user);
    const token = await this.form(`/${reg.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: reg.publicClientId, device_code: String(code.body.device_code),
    });
    if (token.status !== 200) throw new Error(`token: ${token.text}`);
    return String(token.body.access_token);
  }

  async appToken(): Promise<string> {
    const reg = this.emu.registration;
    const token = await this.form(`/${reg.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials', client_id: reg.confidentialClientId, client_secret: reg.confidentialClientSecret, scope: reg.scope,
    });
    if (token.status !== 200) throw new Error(`token: ${token.text}`);
    return String(token.body.access_token);
  }

  get<T = Record<string, unknown>>(token: string, path: string): Promise<Answer<T>> {
    return this.raw(path, { headers: { authorization: `Bearer ${token}` } }) as Promise<Answer<T>>;
  }

  hunt<T = { Schema: { Name: string; Type: string }[]; Results: Record<string, unknown>[] }>(token: string, query: string): Promise<Answer<T>> {
    return this.raw('/api/advancedqueries/run', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Query: query }),
    }) as Promise<Answer<T>>;
  }

  /** Follow @odata.nextLink to the end. */
  async all<T = Record<string, unknown>>(token: string, path: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: Answer<{ value: T[]; '@odata.nextLink'?: string }> = await this.get(token, next);
      if (page.status !== 200) throw new Error(`${next}: ${page.status} ${page.text}`);
      out.push(...page.body.value);
      next = page.body['@odata.nextLink'];
    }
    return out;
  }
}

/** Limits high enough that a test's own traffic never meets them. */
export const RELAXED_LIMITS = { entityPerMinute: 100_000, entityPerHour: 100_000, huntingPerMinute: 100_000, huntingPerHour: 100_000 };

/** A fixed data clock, so the generated tenant is the same on every run. */
export const FIXED_NOW = () => new Date('2026-11-20T15:30:00.000Z');
