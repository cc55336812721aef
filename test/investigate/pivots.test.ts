import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../main/services/cache/engine';
import { rebuildKeyMachines } from '../../main/services/cache/key-machines';
import { migrate } from '../../main/services/cache/migrate';
import { accountMachines, connections, domainConnections, fileMachines, type ConnectionKey } from '../../main/services/cache/queries-pivots';
import { emptyEncryptedDb } from '../cache/migrations/helpers';

/*
 * The index-range pivots against the plain GROUP BY queries they replaced (kept here as the
 * reference), on events made to hit the edges: keys spread over many machines and processes,
 * account names and domains in mixed case, a NULL domain, a machine without a machines row,
 * pages smaller than the result.
 */

type Row = Record<string, unknown>;
let fixture: ReturnType<typeof emptyEncryptedDb>;
let db: Db;

const time = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 61_001).toISOString().replace('Z', '0000Z');

beforeAll(() => {
  fixture = emptyEncryptedDb();
  db = fixture.db;
  migrate(db, 't');
  const machine = db.prepare("INSERT INTO machines (id, computer_dns_name, rbac_group_name, synced_at) VALUES (?, ?, ?, '')");
  for (let d = 0; d < 11; d++) machine.run(`dev${d}`, `host${d}.example`, `group${d % 3}`); // dev11 has events, no machines row
  // Rows name their machine by number (0006); numbered in reverse, so an order by number is not one by device id.
  const numbers = new Map<string, number>();
  for (let d = 11; d >= 0; d--) numbers.set(`dev${d}`, Number(db.prepare('INSERT INTO machine_numbers (device_id) VALUES (?)').run(`dev${d}`).lastInsertRowid));
  const common = 'machine, report_id, timestamp, device_name, initiating_process_id, initiating_process_creation_time, initiating_process_file_name, initiating_process_sha1';
  const proc = db.prepare(`INSERT INTO process_events_rows (${common}, sha1, account_name, account_domain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const file = db.prepare(`INSERT INTO file_events_rows (${common}, sha1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const net = db.prepare(`INSERT INTO network_events_rows (${common}, remote_ip, remote_url, remote_domain, remote_port) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const logon = db.prepare(`INSERT INTO logon_events_rows (${common}, account_name, account_domain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const urls = db.prepare('INSERT OR IGNORE INTO urls (url, domain) VALUES (?, ?)');
  const accounts = [['System', 'NT AUTHORITY'], ['system', 'nt authority'], ['alice', 'FABRIKAM'], ['Alice', null], ['bob', 'fabrikam']] as const;
  let seed = 11;
  const random = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
  for (let i = 0; i < 3000; i++) {
    const d = random(12);
    const pid = 100 + random(9);
    const process = [numbers.get(`dev${d}`)!, i, time(i), `host${d}`, pid, time(pid), `p${pid}.exe`, `sha-p${pid}`] as const;
    const account = accounts[random(accounts.length)]!;
    proc.run(...process, `sha${random(4)}`, account[0], account[1]);
    if (i % 2) file.run(...process, `sha${random(4)}`);
    if (i % 3) logon.run(...process, account[0], account[1]);
    // site0 is reached under two URLs, site1 under its host alone, site2 under one URL; one in
    // five connections has no URL (stored '', as the API gives it).
    const site = random(3);
    const url = i % 5 === 0 ? '' : site === 0 ? `https://site0.example/${random(2) ? 'p' : 'q'}` : site === 1 ? 'site1.example' : 'https://site2.example/p';
    net.run(...process, `10.0.0.${site}`, url, url ? `site${site}.example` : null, [443, 80, 8080][random(3)]);
    // The writer lists every URL it stores with its domain, file origins' too.
    if (url) urls.run(url, `site${site}.example`);
  }
  urls.run('https://site1.example/setup.exe', 'site1.example');
  // Written here with SQL, not by the writer: the file and account summaries from the rows.
  rebuildKeyMachines(db);
});
afterAll(() => fixture?.remove());

const account = (name: string, domain: string | null) => ({ name, domain });
const accountWhere = 'account_name = @name COLLATE NOCASE AND (@domain IS NULL OR account_domain = @domain COLLATE NOCASE)';
const reference = {
  fileMachines: (key: string) => db.prepare(`SELECT s.device_id, m.computer_dns_name, m.rbac_group_name, count(*) AS events, min(s.timestamp) AS first_seen, max(s.timestamp) AS last_seen
      FROM (SELECT device_id, timestamp FROM process_events WHERE sha1 = @key UNION ALL SELECT device_id, timestamp FROM file_events WHERE sha1 = @key) s
      LEFT JOIN machines m ON m.id = s.device_id GROUP BY s.device_id ORDER BY first_seen, s.device_id`).all({ key }) as Row[],
  connections: (column: string, key: string) => db.prepare(`SELECT n.device_id, m.computer_dns_name, n.initiating_process_file_name, n.initiating_process_sha1,
      n.initiating_process_id, n.initiating_process_creation_time, count(*) AS connections, min(n.timestamp) AS first_seen, max(n.timestamp) AS last_seen,
      group_concat(DISTINCT n.remote_port) AS remote_ports FROM network_events n LEFT JOIN machines m ON m.id = n.device_id WHERE n.${column} = @key
      GROUP BY n.device_id, n.initiating_process_id, n.initiating_process_creation_time, n.initiating_process_file_name, n.initiating_process_sha1
      ORDER BY last_seen DESC, n.device_id, n.initiating_process_id`).all({ key }) as Row[],
  accountMachines: (a: { name: string; domain: string | null }) => db.prepare(`SELECT s.device_id, m.computer_dns_name, m.rbac_group_name, min(s.first_seen) AS first_seen,
      max(s.last_seen) AS last_seen, group_concat(DISTINCT s.source) AS seen_in, sum(s.n) AS events
      FROM (SELECT machine_id AS device_id, first_seen, last_seen, 'logged-on users' AS source, 0 AS n FROM logon_users WHERE ${accountWhere}
            UNION ALL SELECT device_id, min(timestamp), max(timestamp), 'logons', count(*) FROM logon_events WHERE ${accountWhere} GROUP BY device_id
            UNION ALL SELECT device_id, min(timestamp), max(timestamp), 'processes', count(*) FROM process_events WHERE ${accountWhere} GROUP BY device_id) s
      LEFT JOIN machines m ON m.id = s.device_id GROUP BY s.device_id ORDER BY last_seen DESC, s.device_id`).all(a) as Row[],
};

/** Every page of a list, `size` rows at a time, checking hasMore on the way. */
function walk(list: (page: { limit: number; offset: number }) => { rows: Row[]; hasMore: boolean }, size: number): Row[] {
  const rows: Row[] = [];
  for (let offset = 0; ; offset += size) {
    const page = list({ limit: size, offset });
    rows.push(...page.rows);
    if (!page.hasMore) return rows;
    expect(page.rows.length).toBe(size);
  }
}
const pick = (rows: Row[], columns: string[]) => rows.map((row) => Object.fromEntries(columns.map((c) => [c, c === 'remote_ports' ? String(row[c]).split(',').sort().join(',') : row[c]])));

describe('index-range pivots give what the GROUP BY gave', () => {
  it('file -> machines: events, first and last sighting per machine, first seen first, in pages', () => {
    for (const key of ['sha0', 'sha3', 'none']) {
      const expected = reference.fileMachines(key);
      for (const size of [1, 4, 100]) expect(walk((page) => fileMachines(db, key, page), size)).toEqual(expected.map((row) => ({ ...row, device_name: expect.any(String) })).map((row) => expect.objectContaining(row)));
    }
    // The name comes from the events (dev11 has no machines row).
    const rows = fileMachines(db, 'sha0', { limit: 100, offset: 0 }).rows;
    expect(rows.map((row) => row.device_name)).toEqual(rows.map((row) => String(row.device_id).replace('dev', 'host')));
    expect(rows.map((row) => row.device_id)).toContain('dev11');
  });

  it('IP / URL / domain -> connections: one row per machine and process, latest first, in pages', () => {
    const columns = ['device_id', 'computer_dns_name', 'initiating_process_file_name', 'initiating_process_sha1', 'initiating_process_id', 'initiating_process_creation_time',
      'connections', 'first_seen', 'last_seen', 'remote_ports'];
    const keys: Array<[ConnectionKey, string]> = [['remote_ip', '10.0.0.1'], ['remote_url', 'https://site2.example/p'], ['remote_url', 'site1.example'], ['remote_ip', '10.9.9.9'], ['remote_url', 'https://nowhere.example/']];
    for (const [column, key] of keys) {
      const expected = pick(reference.connections(column, key), columns);
      for (const size of [1, 7, 100, 1000]) expect(pick(walk((page) => connections(db, column, key, page), size), columns)).toEqual(expected);
    }
    // A domain through its URLs (0005 indexes no domain): under two URLs, under its host alone
    // beside a URL no connection used, under one URL, in another case, unknown.
    for (const domain of ['site0.example', 'site1.example', 'site2.example', 'SITE2.Example', 'nowhere.example']) {
      const expected = pick(reference.connections('remote_domain', domain.toLowerCase()), columns);
      if (domain !== 'nowhere.example') expect(expected.length).toBeGreaterThan(10);
      for (const size of [1, 7, 100, 1000]) expect(pick(walk((page) => domainConnections(db, domain, page), size), columns)).toEqual(expected);
    }
  });

  it('account -> machines: across domains and case, with the sources it was seen in', () => {
    db.prepare("INSERT INTO logon_users (machine_id, account_name, account_domain, first_seen, last_seen) VALUES ('dev3', 'ALICE', 'fabrikam', '2023-01-01T00:00:00.0000000Z', '2030-01-01T00:00:00.0000000Z')").run();
    for (const a of [account('system', 'nt authority'), account('SYSTEM', null), account('alice', null), account('alice', 'Fabrikam'), account('nobody', null)]) {
      const expected = reference.accountMachines(a);
      for (const size of [1, 5, 100]) expect(walk((page) => accountMachines(db, a, page), size)).toEqual(expected);
    }
  });
});
