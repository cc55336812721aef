import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
const THEME_KEY = 'outpost.theme';

interface PreferencesState {
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
}

function stored(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** The theme is an attribute on <html>, which the stylesheet reads: no inline style is needed under the CSP. */
export function applyTheme(theme: ThemeChoice): void {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
}

/** The analyst's own settings, kept in this browser profile (no tenant data). */
export const usePreferences = create<PreferencesState>((set) => ({
  theme: stored(),
  setTheme(theme) {
    try {
      window.localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Storage may be refused; the choice then lasts for this page only.
    }
    applyTheme(theme);
    set({ theme });
  },
}));

/** The theme in effect: the analyst's choice, or the system's. */
export const selectEffectiveTheme = (state: PreferencesState): 'light' | 'dark' =>
  state.theme !== 'system' ? state.theme : window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
