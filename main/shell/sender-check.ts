import { isAppUrl } from './window-options';

/** The parts of Electron's WebContents and WebFrameMain the check reads (plain data, testable). */
export interface SenderContents {
  id: number;
  mainFrame: unknown;
}
export interface SenderFrame {
  url: string;
}

/**
 * A request is answered only when it comes from our window's main frame showing our own
 * origin: not from an iframe, not from a page the window was somehow navigated to.
 */
export function isTrustedSender(sender: SenderContents, frame: SenderFrame | null, window: { id: number } | null): boolean {
  if (!frame || !window || sender.id !== window.id) return false;
  if (frame !== sender.mainFrame) return false;
  return isAppUrl(frame.url);
}
