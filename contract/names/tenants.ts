/** Tenants, sign-in, sync, policy, wipe, audit and lock: the online half and its guard rails. */
export const tenantRequestNames = [
  'tenants.list',
  'tenants.addDemo',
  'tenants.signIn',
  'tenants.signOut',
  'sync.start',
  'sync.cancel',
  'sync.status',
  'cache.wipe',
  'audit.list',
  'audit.verify',
  'audit.export',
  'session.lock',
  'session.unlock',
  'session.activity',
] as const;

export const tenantEventNames = ['sync.progress', 'sync.finished', 'signin.prompt', 'session.locked', 'cache.upgrading'] as const;
