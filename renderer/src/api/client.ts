import type { OutpostApi } from '../../../contract';
import { createHttpTransport } from './http-transport';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    outpost?: OutpostApi;
  }
}

let api: OutpostApi | null = null;

/** The one way the renderer reaches main: the preload's bridge, or HTTP in browser mode. */
export function outpost(): OutpostApi {
  api ??= window.outpost ?? createHttpTransport();
  return api;
}
