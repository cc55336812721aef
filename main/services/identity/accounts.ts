/**
 * The keychain accounts this laptop's identity lives under (service "Outpost"). The trust
 * store is there too, not on disk: an attacker who can only write files must not be able
 * to add a signer whose bundles this laptop would then accept.
 */
export const identityAccounts = {
  /** The age X25519 secret key, `AGE-SECRET-KEY-1...`: opens bundles sealed to this laptop. */
  age: 'identity:age',
  /** The Ed25519 signing key, as a private JWK: signs the bundles this workstation exports. */
  signing: 'identity:signing',
  /** The exporters this laptop accepts bundles from, as JSON. */
  trustedSigners: 'trust:signers',
} as const;
