/**
 * Stable error codes. A code, once shipped, keeps its meaning: tests, scripts and the
 * UI branch on it. The message is for a person and may change.
 */
export const errorCodes = [
  // transport and contract
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'INTERNAL',
  // keychain
  'KEYCHAIN_UNAVAILABLE',
  'KEYCHAIN_LOCKED',
  'KEY_MISSING',
  // cache
  'CACHE_NOT_FOUND',
  'CACHE_EXISTS',
  'CACHE_WRONG_KEY',
  'CACHE_TAMPERED',
  'CACHE_CORRUPT',
  'CACHE_WRONG_TENANT',
  'CACHE_TOO_NEW',
  'CACHE_DISK_FULL',
  'CACHE_LOCKED',
  'CACHE_READ_ONLY',
  'CACHE_CLOSED',
  // tenant profiles, sign-in and sync
  'TENANT_NOT_FOUND',
  'TENANT_EXISTS',
  'REGION_MISMATCH',
  'INSECURE_ENDPOINT',
  'CERTIFICATE_UNTRUSTED',
  'SIGN_IN_REQUIRED',
  'SIGN_IN_DECLINED',
  'SIGN_IN_EXPIRED',
  'API_ERROR',
  'API_THROTTLED',
  'API_FORBIDDEN',
  'LICENSE_LAPSED',
  'NETWORK',
  'SYNC_CANCELLED',
  'SYNC_DISABLED',
  'SCOPE_EMPTY',
  'UNSUPPORTED_TABLE',
  // policy, wipe, audit, bundles
  'POLICY_INVALID',
  'AUDIT_BROKEN',
  'BUNDLE_INVALID',
  'BUNDLE_TAMPERED',
  'BUNDLE_UNTRUSTED_SIGNER',
  'BUNDLE_EXPIRED',
  'BUNDLE_WRONG_RECIPIENT',
  'BUNDLE_WRONG_PASSPHRASE',
  'NOT_FOUND',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface OutpostErrorData {
  code: ErrorCode;
  message: string;
}

/**
 * The one error type services throw. It carries a stable code and a message a person can
 * act on, and never a secret: messages are shown in the UI, printed by the CLI and logged.
 */
export class OutpostError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutpostError';
    this.code = code;
  }

  toData(): OutpostErrorData {
    return { code: this.code, message: this.message };
  }
}

export function isOutpostError(value: unknown): value is OutpostError {
  return value instanceof OutpostError;
}
