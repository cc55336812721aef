import type { OutpostApi, RequestChannel, RequestOf, ResponseOf, Result } from '../../contract';

type Answer = (request: unknown) => unknown;

/** A stand-in for window.outpost: answers per channel, and remembers every request. */
export function fakeApi(answers: Partial<Record<RequestChannel, Answer>>) {
  const calls: Array<{ channel: RequestChannel; request: unknown }> = [];
  const api: OutpostApi = {
    async invoke<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      calls.push({ channel, request });
      const answer = answers[channel];
      if (!answer) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no fake for ${channel}` } };
      return { ok: true, value: answer(request) as ResponseOf<C> };
    },
    on: () => () => undefined,
  };
  return { api, calls };
}

export function install(api: OutpostApi): void {
  window.outpost = api;
}
