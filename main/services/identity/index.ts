export { identityAccounts } from './accounts';
export { ageIdentity, signingKey, identityPublic } from './identity';
export type { AgeIdentity, IdentityPublic } from './identity';
export { fingerprintOf, signingKeyBytes, signingKeyText, verifyingKey } from './signing-key';
export type { SigningKey } from './signing-key';
export { trustSigner, trustedSigners, untrustSigner } from './trust';
export type { TrustedSigner } from './trust';
