import type { EventBus } from '../../router/events';
import { policyState, purgeExpired } from '../policy/guard';
import type { Workspace } from '../workspace/workspace';
import { wipeTenant } from './wipe-tenant';

const HOUR = 3_600_000;

/**
 * While Outpost runs, every hour: each open cache is held to its policy again (a licence
 * may have run out, or rows aged past retention since it was opened).
 */
export function startRetentionTicker(workspace: Workspace, events: EventBus, everyMs = HOUR): () => void {
  const tick = async () => {
    for (const profile of await workspace.profiles().catch(() => [])) {
      if (!workspace.isOpen(profile.name)) continue;
      const cache = await workspace.cache(profile.name).catch(() => null);
      if (!cache) continue;
      const state = await policyState(cache, profile);
      if (state.lifecycle.state === 'wipe') {
        await workspace.close(profile.name);
        await wipeTenant({ home: workspace.home, keychain: workspace.keychain, profile, reason: state.lifecycle.reason });
        events.emit('app.notice', { level: 'warning', message: `Tenant ${profile.name} was wiped: its policy ended the cache.` });
        continue;
      }
      await purgeExpired(cache, state);
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
