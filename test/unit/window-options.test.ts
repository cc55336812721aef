import { describe, expect, it } from 'vitest';
import { isAppUrl, mainWindowOptions } from '../../main/shell/window-options';

describe('main window options', () => {
  const options = mainWindowOptions('/app/preload.cjs');
  const prefs = options.webPreferences ?? {};

  it('isolates and sandboxes the renderer, with no Node integration anywhere', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and webviews off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('loads the given preload and nothing else', () => {
    expect(prefs.preload).toBe('/app/preload.cjs');
    expect(Object.keys(prefs)).not.toContain('additionalArguments');
  });
});

describe('app origin', () => {
  it('accepts only app://outpost', () => {
    expect(isAppUrl('app://outpost/')).toBe(true);
    expect(isAppUrl('app://outpost/machines/1')).toBe(true);
    expect(isAppUrl('app://evil/')).toBe(false);
    expect(isAppUrl('https://outpost/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
