import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * An Outpost bundle, one file, byte by byte:
 *
 *   magic       "OUTPOST-BUNDLE 1\n"                       17 bytes, plaintext
 *   payload     an age v1 file (X25519 recipient or scrypt)  C bytes
 *   envelope    UTF-8 JSON, see BundleEnvelope               E bytes, plaintext
 *   E           u32 big-endian                               4 bytes
 *   tag         "OPBSIG1\n"                                  8 bytes
 *   signature   Ed25519 over signatureMessage(SHA-512 of every byte before it)   64 bytes
 *
 * The envelope comes after the payload because the row counts it carries are known only
 * once every row has been sealed; writing it last keeps sealing a single streaming pass.
 * It holds only what a laptop needs to refuse a bundle before decrypting it; the tenant id
 * appears there only as a salted hash (tenantTag). Everything else the importer needs
 * (tenant id, scope, policy) is the payload's first record, so it is as confidential as
 * the rows. Row counts and region stay readable: the file size already says how much.
 *
 * The decrypted payload is deflate-compressed newline-delimited JSON:
 *   {"h": BundleInnerHeader}    first line
 *   {"t": table, "r": row}      one line per row
 *   {"end": {"counts": {...}}}  last line
 */
export const formatVersion = 1;
export const magic = Buffer.from(`OUTPOST-BUNDLE ${formatVersion}\n`, 'ascii');
export const magicPrefix = Buffer.from('OUTPOST-BUNDLE ', 'ascii');
export const signatureTag = Buffer.from('OPBSIG1\n', 'ascii');
export const signatureBytes = 64;
/** envelope length + tag + signature */
export const trailerBytes = 4 + signatureTag.length + signatureBytes;
/** An envelope is a few hundred bytes; anything near this is not one of ours. */
export const maxEnvelopeBytes = 1 << 20;
/** One record per line; a longer line is a damaged or hostile payload, not a row. */
export const maxRecordBytes = 64 << 20;

/** Domain-separated, so an Outpost signing key can never be tricked into signing a bundle digest for another purpose. */
export function signatureMessage(digest: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`outpost-bundle/${formatVersion} signature\n`, 'ascii'), digest]);
}

/** Lets a laptop check "is this my tenant?" without the file naming the tenant to whoever finds it. */
export function tenantTag(bundleId: string, tenantId: string): string {
  return createHash('sha256')
    .update(`outpost-bundle/${formatVersion} tenant\0${bundleId}\0${tenantId.trim().toLowerCase()}`)
    .digest('base64url');
}

export const TenantPolicy = z.object({
  retentionDays: z.number().int().positive(),
  licenseState: z.enum(['active', 'grace', 'suspended', 'expired']),
  graceEndsAt: z.string().datetime().nullable(),
  maxOfflineDays: z.number().positive(),
  idleLockMinutes: z.number().int().positive().optional(),
  wipeOnSignOut: z.boolean().optional(),
});
export type TenantPolicy = z.infer<typeof TenantPolicy>;

const Counts = z.record(z.string().min(1), z.number().int().nonnegative());
const Instant = z.string().datetime();
const SignerText = z.string().startsWith('ed25519:');

export const BundleOrigin = z.strictObject({
  name: z.string().min(1).max(64),
  cloud: z.string().min(1),
  geo: z.string().min(1).nullable(),
  clientId: z.string().min(1).max(128),
});
export type BundleOrigin = z.infer<typeof BundleOrigin>;

/** The plaintext part, read before anything is decrypted. */
export const BundleEnvelope = z.strictObject({
  format: z.literal(formatVersion),
  bundleId: z.string().min(16),
  createdAt: Instant,
  expiresAt: Instant,
  region: z.string().min(1),
  tenantTag: z.string().min(1),
  sealedFor: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('recipient'), recipient: z.string().startsWith('age1') }),
    z.strictObject({ kind: z.literal('passphrase') }),
  ]),
  signer: SignerText,
  counts: Counts,
  payloadBytes: z.number().int().positive(),
});
export type BundleEnvelope = z.infer<typeof BundleEnvelope>;

/** The payload's first record: what only the intended laptop may read. */
export const BundleInnerHeader = z.strictObject({
  format: z.literal(formatVersion),
  bundleId: z.string().min(16),
  tenantId: z.string().min(1),
  region: z.string().min(1),
  scope: z.record(z.string(), z.unknown()),
  policy: TenantPolicy,
  createdAt: Instant,
  expiresAt: Instant,
  signer: SignerText,
  /** The exporter's profile, so an importing laptop can create the tenant under the same name. */
  origin: BundleOrigin.optional(),
  /** When the exporter last synced with the tenant: offline age keeps counting from there. */
  lastSyncAt: Instant.nullable().optional(),
});
export type BundleInnerHeader = z.infer<typeof BundleInnerHeader>;

export const EndRecord = z.strictObject({ end: z.strictObject({ counts: Counts }) });

/** What the exporter supplies; the bundle id, dates and signer are filled in when sealing. */
export interface BundleHeaderInput {
  tenantId: string;
  region: string;
  scope: Record<string, unknown>;
  policy: TenantPolicy;
  createdAt?: Date;
  /** Defaults to createdAt + policy.maxOfflineDays, and never later than a grace period's end. */
  expiresAt?: Date;
  origin?: BundleOrigin;
  lastSyncAt?: string | null;
}

/** The authenticated header as an importer sees it. */
export interface BundleHeader {
  formatVersion: number;
  bundleId: string;
  tenantId: string;
  region: string;
  scope: Record<string, unknown>;
  policy: TenantPolicy;
  createdAt: string;
  expiresAt: string;
  /** Rows per table, as sealed; the importer can size its progress bar from it. */
  counts: Record<string, number>;
  /** The exporting workstation's signing key, `ed25519:...`. */
  signer: string;
  sealedFor: 'recipient' | 'passphrase';
  origin: BundleOrigin | null;
  lastSyncAt: string | null;
}

export interface BundleRow {
  table: string;
  row: Record<string, unknown>;
}
