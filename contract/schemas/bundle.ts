import { z } from 'zod';
import type { bundleRequestNames } from '../names/bundle';
import type { RequestSpec } from './spec';

const tenantName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i);
/** A path on this machine (the window has no file system of its own; main reads and writes it). */
const filePath = z.string().min(1).max(4096);
const Counts = z.record(z.string(), z.number());

export const bundleRequests = {
  /** Seals the tenant's cache (or the scoped part of it) to one laptop's age recipient, or to a passphrase. */
  'bundle.export': {
    request: z
      .object({
        tenant: tenantName,
        file: filePath,
        to: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('recipient'), recipient: z.string().startsWith('age1').max(200) }).strict(),
          z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }).strict(),
        ]),
        scope: z
          .object({
            groups: z.array(z.string().min(1).max(256)).max(500).optional(),
            machines: z.array(z.string().min(1).max(256)).max(10_000).optional(),
            days: z.number().int().min(1).max(30).optional(),
            severities: z.array(z.string().max(32)).max(10).optional(),
            statuses: z.array(z.string().max(32)).max(10).optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    response: z.object({ file: z.string(), bundleId: z.string(), bytes: z.number(), counts: Counts, signer: z.string() }),
  },
  /** Verifies a bundle (signature, trusted signer, expiry, region, tenant), then merges it in one transaction. */
  'bundle.import': {
    request: z.object({ file: filePath, passphrase: z.string().min(1).max(1024).optional(), tenant: tenantName.optional() }).strict(),
    response: z.object({
      tenant: z.string(),
      tenantId: z.string(),
      created: z.boolean(),
      bundleId: z.string(),
      signer: z.string(),
      counts: Counts,
      changed: Counts,
      unchanged: z.number(),
    }),
  },
} as const satisfies Record<(typeof bundleRequestNames)[number], RequestSpec>;
