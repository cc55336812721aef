import {
  ConfidentialClientApplication,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
  type ICachePlugin,
} from '@azure/msal-node';
import { OutpostError } from '../../../contract';
import type { Keychain } from '../keychain';
import type { HttpsClient } from './https-client';
import { msalNetwork } from './msal-network';
import type { TenantEndpoints, TenantProfile } from './profiles';

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresInSeconds: number;
}

export type SignInMethod = 'device-code' | 'browser' | 'client-credentials';

/** Keychain accounts: the token cache (no access tokens) and the app's client secret. */
export const tokenAccount = (profile: string) => `tokens:${profile}`;
export const clientSecretAccount = (profile: string) => `client-secret:${profile}`;

/**
 * Everything the keychain holds that lets this machine into the tenant: the refresh token and
 * an app registration's secret. Sign-out and a wipe forget both; a secret left behind would
 * let the next `sync --client-credentials` in without anyone signing in again.
 */
export async function forgetSignIn(keychain: Keychain, profile: string): Promise<void> {
  await keychain.delete(tokenAccount(profile));
  await keychain.delete(clientSecretAccount(profile));
}

interface StoredSignIn {
  method: SignInMethod;
  /** MSAL's serialized cache, without its AccessToken section. */
  cache: string;
}

/**
 * Sign-in to one tenant with MSAL (Microsoft's own library for Entra ID). Refresh tokens
 * live in the keychain; access tokens only in this object's memory. A refresh token that
 * was revoked or expired becomes SIGN_IN_REQUIRED, which the UI and CLI answer with a clean
 * sign-in prompt.
 */
export class TenantSignIn {
  private stored: StoredSignIn | null | undefined;
  private publicApp: PublicClientApplication | null = null;
  private appOnly: ConfidentialClientApplication | null = null;
  private account: AccountInfo | null = null;
  /** The last HTTPS failure under MSAL (untrusted certificate, no network), reported as itself. */
  private transportError: OutpostError | null = null;

  constructor(
    private readonly profile: TenantProfile,
    private readonly endpoints: TenantEndpoints,
    private readonly http: HttpsClient,
    private readonly keychain: Keychain,
  ) {}

  private get scopes(): string[] {
    return [this.endpoints.apiScope];
  }

  private config(clientId: string, plugin?: ICachePlugin): Configuration {
    const authorityHost = new URL(this.endpoints.authority).host;
    return {
      auth: { clientId, authority: this.endpoints.authority, knownAuthorities: [authorityHost] },
      cache: plugin ? { cachePlugin: plugin } : {},
      system: {
        networkClient: msalNetwork(this.http, (error) => {
          if (error instanceof OutpostError) this.transportError = error;
        }),
        // MSAL's logs may carry account names: keep them out of every log.
        loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
      },
    };
  }

  private async load(): Promise<StoredSignIn | null> {
    if (this.stored === undefined) {
      const text = await this.keychain.get(tokenAccount(this.profile.name));
      this.stored = text ? (JSON.parse(text) as StoredSignIn) : null;
    }
    return this.stored;
  }

  private async persist(method: SignInMethod, serializedCache: string): Promise<void> {
    const cache = JSON.parse(serializedCache) as Record<string, unknown>;
    cache.AccessToken = {}; // access tokens never leave memory
    this.stored = { method, cache: JSON.stringify(cache) };
    await this.keychain.set(tokenAccount(this.profile.name), JSON.stringify(this.stored));
  }

  private async userApp(): Promise<PublicClientApplication> {
    if (this.publicApp) return this.publicApp;
    const stored = await this.load();
    // The whole cache, access tokens included, lives in this variable only; the keychain
    // gets it without them. MSAL expects the plugin to load the cache on every access.
    let inMemory = stored?.method !== 'client-credentials' ? (stored?.cache ?? '') : '';
    const plugin: ICachePlugin = {
      beforeCacheAccess: async (context) => {
        if (inMemory) context.tokenCache.deserialize(inMemory);
      },
      afterCacheAccess: async (context) => {
        if (!context.cacheHasChanged) return;
        inMemory = context.tokenCache.serialize();
        await this.persist(this.stored?.method === 'browser' ? 'browser' : 'device-code', inMemory);
      },
    };
    this.publicApp = new PublicClientApplication(this.config(this.profile.clientId, plugin));
    return this.publicApp;
  }

  async signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal?: AbortSignal): Promise<void> {
    const app = await this.userApp();
    const request = {
      scopes: this.scopes,
      deviceCodeCallback: (response: { userCode: string; verificationUri: string; message: string; expiresIn: number }) =>
        onPrompt({ userCode: response.userCode, verificationUri: response.verificationUri, message: response.message, expiresInSeconds: response.expiresIn }),
      cancel: false,
    };
    signal?.addEventListener('abort', () => (request.cancel = true), { once: true });
    this.stored = { method: 'device-code', cache: '' };
    const result = await app.acquireTokenByDeviceCode(request).catch((error: unknown) => Promise.reject(this.failure(error)));
    this.remember(result);
  }

  async signInWithBrowser(openBrowser: (url: string) => Promise<void>): Promise<void> {
    const app = await this.userApp();
    this.stored = { method: 'browser', cache: '' };
    const result = await app
      .acquireTokenInteractive({
        scopes: this.scopes,
        openBrowser,
        successTemplate: '<h1>Signed in to Outpost.</h1><p>You can close this tab.</p>',
        errorTemplate: '<h1>Sign-in failed.</h1><p>Return to Outpost to try again.</p>',
      })
      .catch((error: unknown) => Promise.reject(this.failure(error)));
    this.remember(result);
  }

  /** Unattended pre-staging: the app registration's secret, kept in the keychain. */
  async signInWithClientCredentials(clientSecret?: string): Promise<void> {
    if (!this.profile.appClientId) {
      throw new OutpostError('BAD_REQUEST', `Tenant ${this.profile.name} has no app client id for client credentials; add one to the profile.`);
    }
    if (clientSecret) await this.keychain.set(clientSecretAccount(this.profile.name), clientSecret);
    this.stored = { method: 'client-credentials', cache: '' };
    await this.keychain.set(tokenAccount(this.profile.name), JSON.stringify(this.stored));
    await this.accessToken(true);
  }

  /** An access token for the API; refreshes silently, or asks for a new sign-in. */
  async accessToken(forceRefresh = false): Promise<string> {
    const stored = await this.load();
    if (!stored) throw new OutpostError('SIGN_IN_REQUIRED', `Sign in to tenant ${this.profile.name} first (\`outpost login --tenant ${this.profile.name}\`).`);
    if (stored.method === 'client-credentials') return this.appToken(forceRefresh);
    const app = await this.userApp();
    this.account ??= (await app.getTokenCache().getAllAccounts())[0] ?? null;
    if (!this.account) throw new OutpostError('SIGN_IN_REQUIRED', `The sign-in to tenant ${this.profile.name} has ended; sign in again.`);
    const result = await app
      .acquireTokenSilent({ account: this.account, scopes: this.scopes, forceRefresh })
      .catch((error: unknown) => Promise.reject(this.failure(error, true)));
    return result.accessToken;
  }

  private async appToken(forceRefresh: boolean): Promise<string> {
    const secret = await this.keychain.get(clientSecretAccount(this.profile.name));
    if (!secret || !this.profile.appClientId) {
      throw new OutpostError('SIGN_IN_REQUIRED', `No client secret for tenant ${this.profile.name} in the keychain; run \`outpost login --client-credentials\`.`);
    }
    if (!this.appOnly) {
      const config = this.config(this.profile.appClientId);
      this.appOnly = new ConfidentialClientApplication({ ...config, auth: { ...config.auth, clientSecret: secret } });
    }
    const result = await this.appOnly
      .acquireTokenByClientCredential({ scopes: this.scopes, skipCache: forceRefresh })
      .catch((error: unknown) => Promise.reject(this.failure(error)));
    if (!result) throw new OutpostError('SIGN_IN_REQUIRED', 'The tenant issued no token for the app registration.');
    return result.accessToken;
  }

  async signedIn(): Promise<SignInMethod | null> {
    return (await this.load())?.method ?? null;
  }

  async signOut(): Promise<void> {
    this.stored = null;
    this.account = null;
    this.publicApp = null;
    this.appOnly = null;
    await forgetSignIn(this.keychain, this.profile.name);
  }

  private failure(error: unknown, silent = false): OutpostError {
    const transport = this.transportError;
    this.transportError = null;
    if (transport && ['CERTIFICATE_UNTRUSTED', 'INSECURE_ENDPOINT', 'NETWORK'].includes(transport.code)) return transport;
    return signInError(error, silent);
  }

  private remember(result: AuthenticationResult | null): void {
    if (!result) throw new OutpostError('SIGN_IN_REQUIRED', 'The sign-in returned no token.');
    this.account = result.account;
  }
}

/** MSAL's errors, in Outpost's stable codes; the message says what to do next. */
export function signInError(error: unknown, silent = false): OutpostError {
  if (error instanceof OutpostError) return error;
  const code = (error as { errorCode?: string }).errorCode ?? '';
  const text = `${code} ${(error as { errorMessage?: string }).errorMessage ?? (error instanceof Error ? error.message : '')}`;
  if (/authorization_declined|access_denied/.test(text)) return new OutpostError('SIGN_IN_DECLINED', 'The sign-in was declined.');
  if (/expired_token|code_expired/.test(text)) return new OutpostError('SIGN_IN_EXPIRED', 'The sign-in code expired before it was approved; start again.');
  if (silent || /invalid_grant|interaction_required|no_tokens_found|refresh_token/.test(text)) {
    return new OutpostError('SIGN_IN_REQUIRED', 'The tenant no longer accepts this sign-in (revoked or expired); sign in again.');
  }
  if (/CERTIFICATE_UNTRUSTED|INSECURE_ENDPOINT|NETWORK/.test(text)) return new OutpostError('NETWORK', 'Cannot reach the sign-in endpoint.');
  return new OutpostError('SIGN_IN_REQUIRED', `The sign-in failed (${code || 'unknown error'}); try again.`);
}
