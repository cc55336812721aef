import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../main/shell/sender-check';

describe('IPC sender check', () => {
  const mainFrame = { url: 'app://outpost/alerts' };
  const window = { id: 7 };
  const sender = { id: 7, mainFrame };

  it('answers the main frame of our window showing our origin', () => {
    expect(isTrustedSender(sender, mainFrame, window)).toBe(true);
  });

  it('refuses a subframe, another window, a foreign origin, or no frame', () => {
    expect(isTrustedSender(sender, { url: 'app://outpost/' }, window)).toBe(false);
    expect(isTrustedSender({ id: 8, mainFrame }, mainFrame, window)).toBe(false);
    const navigated = { url: 'https://evil.example/' };
    expect(isTrustedSender({ id: 7, mainFrame: navigated }, navigated, window)).toBe(false);
    expect(isTrustedSender(sender, null, window)).toBe(false);
    expect(isTrustedSender(sender, mainFrame, null)).toBe(false);
  });
});
