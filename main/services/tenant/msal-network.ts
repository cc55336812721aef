import type { INetworkModule, NetworkRequestOptions } from '@azure/msal-node';
import { readText, type HttpsClient } from './https-client';

type NetworkResponse<T> = Awaited<ReturnType<INetworkModule['sendGetRequestAsync']>> & { body: T };

/**
 * MSAL's HTTP goes through Outpost's HTTPS client, so sign-in obeys the same rules as the
 * API calls: HTTPS only, certificates verified, the profile's extra CA and nothing else.
 */
export function msalNetwork(http: HttpsClient, onTransportError: (error: unknown) => void = () => undefined): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    // MSAL wraps what the network throws in its own error; keep ours so sign-in can say why.
    const answer = await http.request({ method, url, headers: options?.headers ?? {}, body: options?.body, timeoutMs: 60_000 }).catch((error: unknown) => {
      onTransportError(error);
      throw error;
    });
    const text = await readText(answer.body, 4 * 1024 * 1024);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers[name] = String(value);
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_response', error_description: `The sign-in endpoint answered ${answer.status} with a body that is not JSON.` };
    }
    return { status: answer.status, headers, body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
