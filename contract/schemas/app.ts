import { z } from 'zod';
import type { appEventNames, appRequestNames } from '../names/app';
import type { RequestSpec } from './spec';

const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  startedAt: z.string(),
});

export const appRequests = {
  /** Who answers: the app's name, version and transport. */
  'app.info': { request: z.object({}).strict(), response: AppInfo },
  /** A round trip through the router, for the shell's health check and the e2e tests. */
  'app.ping': {
    request: z.object({ nonce: z.string().min(1).max(128) }).strict(),
    response: z.object({ nonce: z.string(), answeredAt: z.string() }),
  },
} as const satisfies Record<(typeof appRequestNames)[number], RequestSpec>;

export const appEvents = {
  /** Something the analyst should see even when no request is waiting (e.g. a lock). */
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const satisfies Record<(typeof appEventNames)[number], z.ZodType>;
