import { describe, expect, it } from 'vitest';
import { OutpostError } from '../../contract';
import { memoryKeychain } from '../../main/services/keychain';
import { createAppContext } from '../../main/app-context';
import { createHandlers } from '../../main/router/handlers';
import { createRouter, type Handlers } from '../../main/router/router';

const origin = { transport: 'test' } as const;

function router(overrides: Partial<Handlers> = {}, sink: (channel: string, error: unknown) => void = () => undefined) {
  const context = createAppContext('browser', { env: { OUTPOST_HOME: '/tmp/outpost-router-test' }, keychain: memoryKeychain() });
  return createRouter({ ...createHandlers(context), ...overrides }, sink);
}

describe('router', () => {
  it('answers a valid request with ok and the handler value', async () => {
    const result = await router().dispatch('app.ping', { nonce: 'n-1' }, origin);
    expect(result.ok).toBe(true);
    expect(result.ok && result.value).toMatchObject({ nonce: 'n-1' });
  });

  it('refuses an unknown channel with UNKNOWN_CHANNEL', async () => {
    const result = await router().dispatch('fs.readFile', { path: '/etc/passwd' }, origin);
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.stringContaining('fs.readFile') } });
  });

  it('refuses a channel name that is not a string, and prototype keys', async () => {
    for (const channel of [42, null, '__proto__', 'constructor', 'toString']) {
      const result = await router().dispatch(channel, {}, origin);
      expect(result.ok === false && result.error.code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('validates the request at runtime: wrong types and unknown keys are BAD_REQUEST', async () => {
    const wrongType = await router().dispatch('app.ping', { nonce: 7 }, origin);
    expect(wrongType.ok === false && wrongType.error.code).toBe('BAD_REQUEST');
    expect(wrongType.ok === false && wrongType.error.message).toContain('nonce');
    const extraKey = await router().dispatch('app.info', { evil: true }, origin);
    expect(extraKey.ok === false && extraKey.error.code).toBe('BAD_REQUEST');
    const tooLong = await router().dispatch('app.ping', { nonce: 'x'.repeat(500) }, origin);
    expect(tooLong.ok === false && tooLong.error.code).toBe('BAD_REQUEST');
  });

  it('carries an OutpostError across as data with its stable code', async () => {
    const result = await router({
      'app.ping': () => {
        throw new OutpostError('CACHE_LOCKED', 'The cache is locked; unlock it to continue.');
      },
    }).dispatch('app.ping', { nonce: 'x' }, origin);
    expect(result).toEqual({ ok: false, error: { code: 'CACHE_LOCKED', message: 'The cache is locked; unlock it to continue.' } });
  });

  it('hides the message of an unexpected error (it may hold tenant data) and reports INTERNAL', async () => {
    const seen: string[] = [];
    const result = await router(
      {
        'app.ping': () => {
          throw new Error('secret evidence: powershell -enc AAAA');
        },
      },
      (channel) => seen.push(channel),
    ).dispatch('app.ping', { nonce: 'x' }, origin);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.code).toBe('INTERNAL');
    expect(JSON.stringify(result)).not.toContain('powershell');
    expect(seen).toEqual(['app.ping']);
  });
});
