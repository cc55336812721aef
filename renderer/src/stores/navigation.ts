import { create } from 'zustand';
import { hrefOf, parseRoute, type Route } from '../lib/routes';

interface NavigationState {
  route: Route;
  href: string;
  /** Push (or replace) a page onto the browser history; back and forward come from popstate. */
  navigate(to: Route | string, options?: { replace?: boolean }): void;
  /** Re-read the address bar (popstate, first load). */
  sync(): void;
}

const current = () => window.location.pathname + window.location.search;

/** Where the analyst is: the page, as a deep link in the History API, so reload and back/forward work. */
export const useNavigation = create<NavigationState>((set) => ({
  route: parseRoute(window.location.pathname, window.location.search),
  href: current(),
  navigate(to, options) {
    const href = typeof to === 'string' ? to : hrefOf(to);
    if (href !== current()) {
      if (options?.replace) window.history.replaceState(null, '', href);
      else window.history.pushState(null, '', href);
    }
    const url = new URL(href, window.location.origin);
    set({ route: parseRoute(url.pathname, url.search), href });
    // Land at the top of a new page, and move focus to its heading for keyboard and screen-reader users.
    if (!options?.replace) {
      window.scrollTo?.(0, 0);
      queueMicrotask(() => document.querySelector<HTMLElement>('main h2')?.focus());
    }
  },
  sync() {
    set({ route: parseRoute(window.location.pathname, window.location.search), href: current() });
  },
}));

export function startNavigation(): () => void {
  const onPop = () => useNavigation.getState().sync();
  window.addEventListener('popstate', onPop);
  return () => window.removeEventListener('popstate', onPop);
}

export const selectPage = (state: NavigationState) => state.route.page;
