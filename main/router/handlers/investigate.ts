import { OutpostError } from '../../../contract';
import type { AppContext } from '../../app-context';
import { actor, recordAudit } from '../../services/audit/audit';
import type { CacheClient } from '../../services/cache';
import { exportCase } from '../../services/export';
import { assertReadable, policyState } from '../../services/policy/guard';
import type { Handlers } from '../router';

type InvestigateChannel =
  | 'investigate.alerts'
  | 'investigate.alertFacets'
  | 'investigate.alert'
  | 'investigate.machine'
  | 'investigate.timeline'
  | 'investigate.histogram'
  | 'investigate.processTree'
  | 'investigate.entity'
  | 'investigate.list'
  | 'investigate.search'
  | 'investigate.graph'
  | 'investigate.annotations'
  | 'investigate.addNote'
  | 'investigate.setTag'
  | 'investigate.case'
  | 'investigate.export';

/** The offline half: every read goes to a reader thread of the tenant's cache, so a running sync never blocks it. */
export function investigateHandlers(context: AppContext): Pick<Handlers, InvestigateChannel> {
  // The lifecycle (offline maximum, licence) is read at most every 30 s per tenant, not per pivot.
  const checked = new Map<string, number>();
  const cache = async (tenant: string): Promise<CacheClient> => {
    // A locked session has closed its caches and dropped their keys: no read reopens them.
    if (context.lock.locked) throw new OutpostError('CACHE_LOCKED', 'Outpost is locked. Unlock it to continue.');
    const client = await context.workspace.cache(tenant);
    if ((checked.get(tenant) ?? 0) < Date.now() - 30_000) {
      assertReadable(await policyState(client, await context.workspace.profile(tenant)));
      checked.set(tenant, Date.now());
    }
    return client;
  };
  const found = <T>(value: T | null, what: string): T => {
    if (value === null) throw new OutpostError('NOT_FOUND', `The cache has no ${what}.`);
    return value;
  };
  return {
    'investigate.alerts': async ({ tenant, ...p }) => (await cache(tenant)).query('invAlerts', p),
    'investigate.alertFacets': async ({ tenant, ...p }) => (await cache(tenant)).query('invAlertFacets', p),
    'investigate.alert': async ({ tenant, id }) => found(await (await cache(tenant)).query('invAlert', { id }), `alert ${id}`),
    'investigate.machine': async ({ tenant, id }) => found(await (await cache(tenant)).query('invMachine', { id }), `machine ${id}`),
    'investigate.timeline': async ({ tenant, ...p }) => (await cache(tenant)).query('invTimeline', p),
    'investigate.histogram': async ({ tenant, ...p }) => (await cache(tenant)).query('invHistogram', p),
    'investigate.processTree': async ({ tenant, ...p }) => (await cache(tenant)).query('invProcessTree', p),
    'investigate.entity': async ({ tenant, entity }) => (await cache(tenant)).query('invEntity', { entity }),
    'investigate.list': async ({ tenant, ...p }) => (await cache(tenant)).query('invList', p),
    'investigate.search': async ({ tenant, ...p }) => (await cache(tenant)).query('invSearch', p) as never,
    'investigate.graph': async ({ tenant, ...p }) => (await cache(tenant)).query('invGraph', p),
    'investigate.annotations': async ({ tenant, entity }) => (await cache(tenant)).query('invAnnotations', { entity }),
    'investigate.addNote': async ({ tenant, entity, body }) => {
      const client = await cache(tenant);
      const summary = await client.write({ notes: [{ entityType: entity.type, entityKey: entity.key, body, author: actor() }] });
      // The note's text stays out of the audit log: it may hold what the analyst suspects.
      await recordAudit(client, 'note', `${entity.type}:${entity.key}`, { added: true });
      return { id: summary.noteIds[0] ?? 0 };
    },
    'investigate.setTag': async ({ tenant, entity, tag, present }) => {
      const client = await cache(tenant);
      await client.write({ tags: [{ entityType: entity.type, entityKey: entity.key, tag, remove: !present }] });
      await recordAudit(client, 'tag', `${entity.type}:${entity.key}`, { tag, present });
      return { tags: (await client.query('invAnnotations', { entity })).tags };
    },
    'investigate.case': async ({ tenant, ...p }) => (await cache(tenant)).query('invCase', p),
    'investigate.export': async ({ tenant, format, pseudonymize }) => {
      const client = await cache(tenant);
      const result = await exportCase(client, { tenant, format, pseudonymize, appVersion: context.version });
      await recordAudit(client, 'export', `case:${tenant}`, { format, pseudonymized: pseudonymize, entities: result.entities, bytes: result.content.length, sha256: result.sha256 });
      return { fileName: result.fileName, mimeType: result.mimeType, content: result.content, entities: result.entities };
    },
  };
}
