import { z } from 'zod';
import type { tenantEventNames, tenantRequestNames } from '../names/tenants';
import type { RequestSpec } from './spec';

const tenantName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i);
const forTenant = z.object({ tenant: tenantName }).strict();

export const Lifecycle = z.object({
  state: z.enum(['open', 'read-only', 'locked', 'wipe']),
  reason: z.string().nullable(),
  banner: z.string().nullable(),
  daysLeft: z.number().nullable(),
});

export const TenantSummary = z.object({
  name: z.string(),
  tenantId: z.string(),
  region: z.string(),
  demo: z.boolean(),
  hasCache: z.boolean(),
  lastSyncAt: z.string().nullable(),
  lifecycle: Lifecycle.nullable(),
  /** A refresh token is in the keychain (it may still have expired); null when the keychain could not be read. */
  signedIn: z.boolean().nullable(),
});

export const SyncScopeSchema = z
  .object({
    groups: z.array(z.string().min(1).max(256)).max(500).default([]),
    machines: z.array(z.string().min(1).max(256)).max(10_000).default([]),
    days: z.number().int().min(1).max(30).default(30),
    severities: z.array(z.enum(['UnSpecified', 'Informational', 'Low', 'Medium', 'High'])).default([]),
    statuses: z.array(z.enum(['Unknown', 'New', 'InProgress', 'Resolved'])).default([]),
  })
  .strict();

export const SyncProgressSchema = z.object({
  tenant: z.string(),
  phase: z.enum(['policy', 'machines', 'alerts', 'logon-users', 'hunting', 'files', 'done']),
  detail: z.string().nullable(),
  done: z.number(),
  expected: z.number().nullable(),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  retries: z.number(),
  throttledSeconds: z.number(),
  rowsWritten: z.number(),
});

export const EffectivePolicySchema = z.object({
  retentionDays: z.number(),
  maxOfflineDays: z.number(),
  licenseState: z.enum(['active', 'grace', 'suspended', 'expired']),
  graceEndsAt: z.string().nullable(),
  wipeOnSignOut: z.boolean(),
  idleLockMinutes: z.number(),
  lockOnBlur: z.boolean(),
  wipeWhenOfflineTooLong: z.boolean(),
});

const AuditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.unknown(),
  hash: z.string(),
});

export const tenantRequests = {
  'tenants.list': { request: z.object({}).strict(), response: z.array(TenantSummary) },
  /** The built-in demo tenant (served by the emulator), one click away on first run. */
  'tenants.addDemo': { request: z.object({}).strict(), response: TenantSummary },
  /** Starts a sign-in; the device code arrives as a signin.prompt event. */
  'tenants.signIn': {
    request: z.object({ tenant: tenantName, method: z.enum(['device-code', 'browser']).default('device-code') }).strict(),
    response: z.object({ signedIn: z.boolean() }),
  },
  /** Forgets the refresh token; the cache stays readable offline unless `wipe`, or the tenant's policy, erases it. */
  'tenants.signOut': {
    request: z.object({ tenant: tenantName, wipe: z.boolean() }).strict(),
    response: z.object({ wiped: z.boolean(), policyRequiresWipe: z.boolean() }),
  },
  'sync.start': {
    request: z.object({ tenant: tenantName, scope: SyncScopeSchema.optional() }).strict(),
    response: z.object({ started: z.boolean() }),
  },
  'sync.cancel': { request: forTenant, response: z.object({ cancelled: z.boolean() }) },
  'sync.status': {
    request: forTenant,
    response: z.object({
      tenant: z.string(),
      running: z.boolean(),
      progress: SyncProgressSchema.nullable(),
      scope: SyncScopeSchema.nullable(),
      lastSync: z.record(z.string(), z.string()),
      rowCounts: z.record(z.string(), z.number()),
      policy: EffectivePolicySchema,
      lifecycle: Lifecycle,
      lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
  /** Cryptographic erase; `confirm` must repeat the tenant name. */
  'cache.wipe': {
    request: z.object({ tenant: tenantName, confirm: z.string() }).strict(),
    response: z.object({ tenantIdHash: z.string(), at: z.string(), reason: z.string(), bytesRemoved: z.number() }),
  },
  'audit.list': {
    request: z.object({ tenant: tenantName, afterSeq: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: z.array(AuditEntrySchema),
  },
  'audit.verify': {
    request: forTenant,
    response: z.object({ ok: z.boolean(), entries: z.number(), brokenAt: z.number().nullable(), reason: z.string().nullable() }),
  },
  /** The whole log as JSON Lines (an export, itself recorded). */
  'audit.export': { request: forTenant, response: z.object({ jsonl: z.string(), entries: z.number() }) },
  /** Closes every cache and drops its key from memory. */
  'session.lock': { request: z.object({}).strict(), response: z.object({ locked: z.boolean() }) },
  /** Reads the keychain again. */
  'session.unlock': { request: z.object({}).strict(), response: z.object({ locked: z.boolean() }) },
  /** The analyst is active (keys, pointer): pushes the idle lock back. `blur` on a screened workstation locks. */
  'session.activity': { request: z.object({ kind: z.enum(['input', 'blur', 'focus']) }).strict(), response: z.object({ locked: z.boolean() }) },
} as const satisfies Record<(typeof tenantRequestNames)[number], RequestSpec>;

export const tenantEvents = {
  'sync.progress': SyncProgressSchema,
  'sync.finished': z.object({
    tenant: z.string(),
    ok: z.boolean(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    /** The scope's names no machine answered to ('group Finanse'): most likely mistyped. */
    unmatched: z.array(z.string()).default([]),
  }),
  'signin.prompt': z.object({ tenant: z.string(), userCode: z.string(), verificationUri: z.string(), message: z.string() }),
  'session.locked': z.object({ locked: z.boolean(), reason: z.string() }),
  /** A cache written by an older Outpost is upgraded at its first open (`done` false), then opens (`done` true, also on failure). */
  'cache.upgrading': z.object({ tenant: z.string(), from: z.number().int(), to: z.number().int(), done: z.boolean(), percent: z.number().int().min(1).max(100).optional() }),
} as const satisfies Record<(typeof tenantEventNames)[number], z.ZodType>;
