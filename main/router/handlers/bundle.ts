import type { AppContext } from '../../app-context';
import { openBundle, sealBundle } from '../../services/bundle';
import { exportSource, importTarget } from '../../services/bundle/transfer';
import { ageIdentity, fingerprintOf, signingKey, trustedSigners } from '../../services/identity';
import type { Handlers } from '../router';

type BundleHandlers = Pick<Handlers, 'bundle.export' | 'bundle.import'>;

/** `outpost bundle export|import` for the window: the same services, the workspace's keychain. */
export function bundleHandlers(context: AppContext): BundleHandlers {
  const { workspace } = context;
  return {
    'bundle.export': async ({ tenant, file, to, scope }) => {
      const signer = await signingKey(workspace.keychain);
      const flags = { groups: scope?.groups, machines: scope?.machines, days: scope?.days, severity: scope?.severities, status: scope?.statuses };
      const upgrade = workspace.announceUpgrade(tenant);
      const source = await exportSource({ home: workspace.home, keychain: workspace.keychain, tenant, flags, onUpgrade: upgrade.onUpgrade }).finally(upgrade.finished);
      const sealTo = to.kind === 'recipient' ? { recipient: to.recipient } : { passphrase: to.passphrase };
      let sealed;
      try {
        sealed = await sealBundle({ file, header: source.header, rows: source.rows, to: sealTo, signer });
      } catch (error) {
        await source.close();
        throw error;
      }
      const signerFingerprint = fingerprintOf(signer.publicKey);
      await source.finish({ bundleId: sealed.bundleId, counts: sealed.counts, signerFingerprint, file, sealedFor: to.kind });
      return { file, bundleId: sealed.bundleId, bytes: sealed.bytes, counts: sealed.counts, signer: signerFingerprint };
    },
    'bundle.import': async ({ file, passphrase, tenant }) => {
      const keychain = workspace.keychain;
      const target = await importTarget({ home: workspace.home, keychain, tenant });
      const opened = await openBundle({
        file,
        passphrase,
        identity: await ageIdentity(keychain),
        trustedSigners: (await trustedSigners(keychain)).map((signer) => signer.signingKey),
        expect: target.expect,
      });
      try {
        // The import's transaction needs the writer: close this tenant's cache in the window first.
        const profile = (await workspace.profiles()).find((p) => p.tenantId.toLowerCase() === opened.header.tenantId.toLowerCase());
        if (profile) await workspace.close(profile.name);
        const upgrade = workspace.announceUpgrade(profile?.name ?? opened.header.tenantId);
        return await target.merge(opened, { onUpgrade: upgrade.onUpgrade }).finally(upgrade.finished);
      } finally {
        await opened.close();
      }
    },
  };
}
