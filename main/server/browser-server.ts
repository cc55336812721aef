import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { EventEnvelope } from '../../contract';
import type { EventBus } from '../router/events';
import type { Router } from '../router/router';
import { RENDERER_SECURITY_HEADERS } from '../security/csp';
import { createGuard, type Guard } from './guard';
import { readRendererFile } from './static-files';

export interface BrowserServerOptions {
  router: Router;
  events: EventBus;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface BrowserServer {
  /** The URL to open: it carries this launch's token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Browser mode: the same router as the Electron shell, served on loopback only. Every
 * request, API or asset, must carry this launch's 256-bit token (query, Bearer header, or
 * the HttpOnly cookie set when the tokened URL is first opened).
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = randomBytes(32).toString('hex');
  const rendererDir = path.resolve(options.rendererDir);
  const streams = new Set<ServerResponse>();
  // Known once the port is: the guard checks Host and Origin against it.
  const guarded: { guard: Guard | null } = { guard: null };

  const server = http.createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const guard = guarded.guard;
    if (!guard) return send(response, 503, 'text/plain; charset=utf-8', 'starting');
    const refusal = guard.check(request, url);
    if (refusal) return send(response, refusal.status, 'text/plain; charset=utf-8', `${refusal.status}: ${refusal.reason}`);

    if (url.pathname === '/api/invoke') {
      if (request.method !== 'POST') return send(response, 405, 'text/plain; charset=utf-8', 'POST only');
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        return send(response, 415, 'text/plain; charset=utf-8', 'application/json only');
      }
      const body = await readBody(request);
      let envelope: { channel?: unknown; request?: unknown };
      try {
        envelope = body === null ? {} : (JSON.parse(body) as typeof envelope);
      } catch {
        envelope = {};
      }
      if (body === null || typeof envelope !== 'object' || envelope === null) {
        return sendJson(response, { ok: false, error: { code: 'BAD_REQUEST', message: 'The request body is not a JSON envelope.' } });
      }
      const result = await options.router.dispatch(envelope.channel, envelope.request, { transport: 'browser' });
      return sendJson(response, result);
    }

    if (url.pathname === '/api/events') {
      response.writeHead(200, {
        ...RENDERER_SECURITY_HEADERS,
        'Content-Type': 'text/event-stream; charset=utf-8',
        Connection: 'keep-alive',
      });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'GET only');
    const file = (await readRendererFile(rendererDir, url.pathname)) ??
      // client-side routes (deep links) all load the app shell
      (url.pathname.startsWith('/assets/') ? null : await readRendererFile(rendererDir, '/'));
    if (!file) return send(response, 404, 'text/plain; charset=utf-8', 'not found');
    const extra: Record<string, string> = {};
    if (guard.tokenFromQuery(url)) {
      extra['Set-Cookie'] = `${guard.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    send(response, 200, file.contentType, file.body, extra);
  }

  const unsubscribe = options.events.subscribe((envelope: EventEnvelope) => {
    const frame = `data: ${JSON.stringify(envelope)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guarded.guard = createGuard(token, port);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    async close() {
      unsubscribe();
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): void {
  response.writeHead(status, { ...RENDERER_SECURITY_HEADERS, ...extra, 'Content-Type': contentType });
  response.end(body);
}

function sendJson(response: ServerResponse, value: unknown): void {
  send(response, 200, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
