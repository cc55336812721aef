import { protocol } from 'electron';
import { RENDERER_SECURITY_HEADERS } from '../security/csp';
import { readRendererFile } from '../server/static-files';
import { APP_SCHEME } from './window-options';

/** Must run before the app is ready: the scheme behaves like https (standard, secure). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Serves the built renderer under app://outpost with the same CSP as browser mode. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = (await readRendererFile(rendererDir, url.pathname)) ??
      (url.pathname.startsWith('/assets/') ? null : await readRendererFile(rendererDir, '/'));
    if (!file) return new Response('not found', { status: 404, headers: RENDERER_SECURITY_HEADERS });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': file.contentType },
    });
  });
}
