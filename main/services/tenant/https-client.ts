import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import tls from 'node:tls';
import { OutpostError } from '../../../contract';

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as a stream, so a 100 MB hunting result is parsed as it arrives. */
  body: IncomingMessage;
}

export interface HttpsRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

const certificateErrors = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The only way Outpost talks to a tenant: HTTPS, certificates always verified against the
 * system's roots plus, when a profile names one, an extra CA (a private endpoint or the
 * emulator). There is no switch that turns verification off.
 */
export class HttpsClient {
  private readonly agent: https.Agent;

  constructor(extraCaPem?: string) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: extraCaPem ? [...tls.rootCertificates, extraCaPem] : undefined,
      rejectUnauthorized: true,
    });
  }

  request(request: HttpsRequest): Promise<HttpsAnswer> {
    const url = new URL(request.url);
    if (url.protocol !== 'https:') {
      return Promise.reject(new OutpostError('INSECURE_ENDPOINT', `Refusing ${url.protocol}//${url.host}: Outpost talks to tenants over HTTPS only.`));
    }
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { method: request.method, agent: this.agent, headers: request.headers, timeout: request.timeoutMs ?? 210_000 },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => reject(describeNetworkError(error, url)));
      req.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function describeNetworkError(error: NodeJS.ErrnoException, url: URL): OutpostError {
  if (error.code && certificateErrors.has(error.code)) {
    return new OutpostError(
      'CERTIFICATE_UNTRUSTED',
      `The certificate of ${url.host} is not trusted (${error.code}). Outpost never skips verification; add the endpoint's CA to the tenant profile if it is a private endpoint.`,
    );
  }
  return new OutpostError('NETWORK', `Cannot reach ${url.host} (${error.code ?? 'network error'}).`, { cause: error });
}

/** Reads a whole (small) body: OAuth answers and entity pages. */
export async function readText(body: IncomingMessage, limitBytes = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new OutpostError('API_ERROR', 'The answer is larger than Outpost accepts for this call.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
