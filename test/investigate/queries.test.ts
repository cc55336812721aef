import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerKey } from '../../emulator';
import type { CacheClient } from '../../main/services/cache';
import { demoCache, type DemoCache } from './demo-cache';

let demo: DemoCache;
let cache: CacheClient;
let key: AnswerKey;

beforeAll(async () => {
  demo = await demoCache();
  cache = demo.cache;
  key = demo.answerKey;
}, 180_000);
afterAll(async () => demo?.close());

const story = (id: string) => {
  const found = key.stories.find((s) => s.id === id);
  if (!found) throw new Error(`no story ${id}`);
  return found;
};

describe('alerts queue', () => {
  it('filters, sorts and pages in SQL, with a total and facets that add up', async () => {
    const all = await cache.query('invAlerts', { limit: 500 });
    expect(all.total).toBeGreaterThan(10);
    const high = await cache.query('invAlerts', { filter: { severities: ['High'] }, limit: 500 });
    expect(high.rows.every((row) => row.severity === 'High')).toBe(true);
    const facets = await cache.query('invAlertFacets', { filter: { severities: ['High'] } });
    expect(facets.total).toBe(high.total);
    // The severity facet ignores its own filter, so the other severities still show their counts.
    expect(facets.severity.reduce((sum, f) => sum + f.count, 0)).toBe(all.total);
    expect(facets.group.reduce((sum, f) => sum + f.count, 0)).toBe(high.total);
    const bySeverity = await cache.query('invAlerts', { sort: { by: 'severity', dir: 'desc' }, limit: 500 });
    const rank = (s: unknown) => ['UnSpecified', 'Informational', 'Low', 'Medium', 'High'].indexOf(String(s));
    const ranks = bySeverity.rows.map((row) => rank(row.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    const first = await cache.query('invAlerts', { limit: 5, offset: 0 });
    const second = await cache.query('invAlerts', { limit: 5, offset: 5 });
    expect(new Set([...first.rows, ...second.rows].map((row) => row.id)).size).toBe(10);
    const oneGroup = facets.group[0]!.value;
    const grouped = await cache.query('invAlerts', { filter: { groups: [oneGroup] }, limit: 500 });
    expect(grouped.rows.every((row) => row.rbac_group_name === oneGroup)).toBe(true);
  });
});

describe('each attack story, from its alerts to the file, the machines, the C2 and back', () => {
  it('alert pages carry MITRE techniques, evidence, related entities and the process tree', async () => {
    for (const s of key.stories) {
      for (const alertId of s.alertIds) {
        const alert = await cache.query('invAlert', { id: alertId });
        expect(alert, `alert ${alertId} of ${s.id}`).not.toBeNull();
        expect(alert!.techniques.length).toBeGreaterThan(0);
        expect(alert!.evidence.length).toBeGreaterThan(0);
        expect(alert!.related.some((r) => r.entity.type === 'machine' && s.machineIds.includes(r.entity.key))).toBe(true);
      }
    }
    // The phishing alert's story shows Outlook -> Word -> PowerShell -> csc, the processes the key names.
    const phishing = story('phishing');
    const first = await cache.query('invAlert', { id: phishing.alertIds[0]! });
    const names = JSON.stringify(first!.story.map((tree) => tree.root));
    for (const p of phishing.processes.filter((p) => p.machineId === first!.alert.machine_id)) expect(names).toContain(p.fileName);
    expect(names).toContain('OUTLOOK.EXE');
  });

  it('the malicious file: prevalence in the cache and every machine that ran it', async () => {
    const malicious = story('malicious-file');
    const sha1 = malicious.sha1s[0]!;
    const facts = await cache.query('invEntity', { entity: { type: 'file', key: sha1 } });
    expect(facts.found).toBe(true);
    expect(Number(facts.facts.cache_machines)).toBeGreaterThanOrEqual(malicious.machineIds.length);
    const machines = await cache.query('invList', { list: 'fileMachines', key: sha1, limit: 100 });
    const ids = machines.rows.map((row) => row.device_id);
    for (const machineId of malicious.machineIds) expect(ids).toContain(machineId);
    const alerts = await cache.query('invList', { list: 'fileAlerts', key: sha1, limit: 100 });
    expect(alerts.rows.length).toBeGreaterThan(0);
  });

  it('the C2 IP and domain: which machines connected, when and by which process', async () => {
    const beaconing = story('beaconing');
    const connections = await cache.query('invList', { list: 'ipConnections', key: key.c2.primaryIp, limit: 200 });
    const machines = new Set(connections.rows.map((row) => row.device_id));
    for (const machineId of beaconing.machineIds) expect(machines.has(machineId)).toBe(true);
    expect(connections.rows.every((row) => typeof row.initiating_process_file_name === 'string' && typeof row.first_seen === 'string')).toBe(true);
    const domain = await cache.query('invList', { list: 'domainConnections', key: key.c2.primaryDomain, limit: 200 });
    expect(new Set(domain.rows.map((row) => row.device_id)).size).toBeGreaterThanOrEqual(beaconing.machineIds.length);
    const url = await cache.query('invEntity', { entity: { type: 'url', key: key.c2.stagerUrl } });
    expect(url.found).toBe(true);
  });

  it('the account: machines logged on to, processes and alerts', async () => {
    const lateral = story('lateral-movement');
    const machines = await cache.query('invList', { list: 'accountMachines', key: 'fabrikam\\svc-backup', limit: 100 });
    const ids = machines.rows.map((row) => row.device_id);
    for (const machineId of lateral.machineIds) expect(ids).toContain(machineId);
    const alerts = await cache.query('invList', { list: 'accountAlerts', key: '\\svc-backup', limit: 100 });
    for (const alertId of lateral.alertIds) expect(alerts.rows.map((row) => row.id)).toContain(alertId);
  });

  it('the entity graph links the file to its machines and the C2', async () => {
    const sha1 = story('malicious-file').sha1s[0]!;
    const graph = await cache.query('invGraph', { entity: { type: 'file', key: sha1 }, perRelation: 20 });
    const keys = graph.neighbours.map((n) => n.entity.key);
    expect(keys).toContain(key.c2.primaryIp);
    expect(keys).toContain(key.c2.primaryDomain);
    for (const machineId of story('malicious-file').machineIds) expect(keys).toContain(machineId);
  });
});

describe('device timeline', () => {
  it('keyset pages walk every event once, newest first, and the histogram counts them all', async () => {
    const machineId = story('phishing').machineIds[0]!;
    const machine = await cache.query('invMachine', { id: machineId });
    const seen: string[] = [];
    let after = null;
    let times: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const page: Awaited<ReturnType<typeof cache.query<'invTimeline'>>> = await cache.query('invTimeline', { deviceId: machineId, after, limit: 37 });
      seen.push(...page.rows.map((row) => `${row.kind}|${row.report_id}|${row.timestamp}`));
      times.push(...page.rows.map((row) => String(row.timestamp)));
      if (!page.next) break;
      after = page.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(machine!.eventCount);
    expect(times).toEqual([...times].sort().reverse());
    const histogram = await cache.query('invHistogram', { deviceId: machineId, buckets: 50 });
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(machine!.eventCount);
    expect(histogram.actionTypes).toContain('ProcessCreated');
    times = [];
  });

  it('filters by kind, action and text', async () => {
    const machineId = story('phishing').machineIds[0]!;
    const network = await cache.query('invTimeline', { deviceId: machineId, filter: { kinds: ['network'] }, limit: 1000 });
    expect(network.rows.length).toBeGreaterThan(0);
    expect(network.rows.every((row) => row.kind === 'network')).toBe(true);
    const c2 = await cache.query('invTimeline', { deviceId: machineId, filter: { text: key.c2.primaryIp }, limit: 1000 });
    expect(c2.rows.length).toBeGreaterThan(0);
    expect(c2.rows.every((row) => JSON.stringify(row).includes(key.c2.primaryIp))).toBe(true);
    const created = await cache.query('invTimeline', { deviceId: machineId, filter: { actionTypes: ['ProcessCreated'] }, limit: 1000 });
    expect(created.rows.every((row) => row.action_type === 'ProcessCreated')).toBe(true);
  });
});

describe('process tree', () => {
  it('puts ancestors above and children below the process', async () => {
    const ps = story('phishing').processes.find((p) => p.fileName.toLowerCase() === 'powershell.exe')!;
    const tree = await cache.query('invProcessTree', { deviceId: ps.machineId, processId: ps.processId, creationTime: ps.creationTime });
    expect(tree).not.toBeNull();
    const chain: string[] = [];
    let node = tree!.root;
    for (;;) {
      chain.push(String(node.fileName));
      const next = node.children.find((child) => child.processId === ps.processId || JSON.stringify(child).includes(`"processId":${ps.processId}`));
      if (!next || node.processId === ps.processId) break;
      node = next;
    }
    expect(chain).toEqual(expect.arrayContaining(['OUTLOOK.EXE', 'WINWORD.EXE']));
    expect(JSON.stringify(node.children)).toContain('csc.exe');
  });
});

describe('search', () => {
  it('finds a hash, an IP, a host and a command-line fragment, grouped by entity type', async () => {
    const sha1 = story('malicious-file').sha1s[0]!;
    const byHash = await cache.query('invSearch', { text: sha1 });
    expect(byHash.groups.find((g) => g.group === 'file')?.hits[0]?.entity).toEqual({ type: 'file', key: sha1 });
    const byIp = await cache.query('invSearch', { text: key.c2.primaryIp });
    expect(byIp.groups.find((g) => g.group === 'ip')?.hits.map((h) => h.entity.key)).toContain(key.c2.primaryIp);
    const machine = await cache.query('invMachine', { id: story('phishing').machineIds[0]! });
    const host = String(machine!.machine.computer_dns_name);
    const byHost = await cache.query('invSearch', { text: host.slice(0, 6) });
    expect(byHost.groups.find((g) => g.group === 'machine')?.hits.map((h) => h.label)).toContain(host);
    const byCommandLine = await cache.query('invSearch', { text: 'MiniDump' });
    expect(byCommandLine.groups.find((g) => g.group === 'process')?.hits.some((h) => h.label.startsWith('rundll32'))).toBe(true);
  });
});

describe('notes, tags and the case', () => {
  it('lists tagged and annotated entities with their notes', async () => {
    const sha1 = story('malicious-file').sha1s[0]!;
    await cache.write({ tags: [{ entityType: 'file', entityKey: sha1, tag: 'malicious' }], notes: [{ entityType: 'file', entityKey: sha1, body: 'Cobalt Strike loader' }] });
    await cache.write({ notes: [{ entityType: 'ip', entityKey: key.c2.primaryIp, body: 'C2' }] });
    const annotations = await cache.query('invAnnotations', { entity: { type: 'file', key: sha1 } });
    expect(annotations.tags).toEqual(['malicious']);
    expect(annotations.notes.map((n) => n.body)).toEqual(['Cobalt Strike loader']);
    const theCase = await cache.query('invCase', {});
    expect(theCase.entities.map((e) => e.entity.key)).toEqual([sha1, key.c2.primaryIp]);
    expect(theCase.entities[0]!.label).toBe('OneDriveUpdater.exe');
    const found = await cache.query('invSearch', { text: 'Cobalt Strike loader' });
    expect(found.groups.find((g) => g.group === 'note')?.hits[0]?.entity).toEqual({ type: 'file', key: sha1 });
  });
});

describe('query plans', () => {
  it('every investigation read leans on an index: no full scan of an event table', async () => {
    const { openEngine } = await import('../../main/services/cache/engine');
    const { investigateQueries } = await import('../../main/services/cache/queries-investigate');
    const db = openEngine({ file: demo.file, tenantId: 'plans', key: demo.key.slice(), role: 'reader', mustExist: true });
    // Record every statement the queries prepare, with its arguments, by wrapping prepare().
    const seen: Array<{ sql: string; args: unknown[] }> = [];
    const recording = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'prepare') return Reflect.get(target, prop, target);
        return (sql: string) => {
          const statement = target.prepare(sql);
          const wrapped: unknown = new Proxy(statement, {
            get(s, p) {
              const value = Reflect.get(s, p, s);
              if (p === 'pluck') return () => (s.pluck(), wrapped);
              if (p === 'all' || p === 'get') return (...args: unknown[]) => (seen.push({ sql, args }), (value as (...a: unknown[]) => unknown).apply(s, args));
              return typeof value === 'function' ? value.bind(s) : value;
            },
          });
          return wrapped;
        };
      },
    }) as typeof db;
    const phishing = story('phishing');
    const ps = phishing.processes[0]!;
    const sha1 = story('malicious-file').sha1s[0]!;
    const q = investigateQueries;
    q.invAlerts(recording, { filter: { severities: ['High'] }, limit: 50 });
    q.invAlert(recording, { id: phishing.alertIds[0]! });
    q.invMachine(recording, { id: ps.machineId });
    q.invTimeline(recording, { deviceId: ps.machineId, limit: 50 });
    q.invTimeline(recording, { deviceId: ps.machineId, after: { timestamp: ps.creationTime, kind: 'network', reportId: 1 }, limit: 50 });
    q.invHistogram(recording, { deviceId: ps.machineId });
    q.invProcessTree(recording, { deviceId: ps.machineId, processId: ps.processId, creationTime: ps.creationTime });
    for (const entity of [{ type: 'file', key: sha1 }, { type: 'ip', key: key.c2.primaryIp }, { type: 'domain', key: key.c2.primaryDomain }, { type: 'url', key: key.c2.stagerUrl }, { type: 'account', key: 'fabrikam\\svc-backup' }] as const) {
      q.invEntity(recording, { entity });
      q.invGraph(recording, { entity });
    }
    for (const list of ['fileMachines', 'fileProcesses', 'fileEvents', 'ipConnections', 'domainConnections', 'accountMachines', 'accountProcesses', 'accountLogons'] as const) {
      q.invList(recording, { list, key: list.startsWith('file') ? sha1 : list.startsWith('ip') ? key.c2.primaryIp : list.startsWith('domain') ? key.c2.primaryDomain : 'fabrikam\\svc-backup' });
    }
    q.invSearch(recording, { text: 'powershell' });
    const fullScans: string[] = [];
    for (const { sql, args } of seen) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(args as never[])) as Array<{ detail: string }>;
      for (const step of plan) {
        if (/^SCAN (process_events|file_events|registry_events|network_events|logon_events|device_info)$/.test(step.detail)) fullScans.push(`${step.detail} in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
    db.close();
    expect(seen.length).toBeGreaterThan(50);
    expect(fullScans).toEqual([]);
  });
});
