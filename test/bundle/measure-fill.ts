/**
 * Fills a tenant cache under OUTPOST_HOME with N synthetic events (the six hunting tables,
 * about the size of real advanced-hunting rows) plus machines, alerts with evidence, users
 * and files, through the sync's own writer; with a profile, so `outpost bundle export
 * --tenant NAME` can run on it. Uses the OS keychain, like the CLI.
 *
 *   OUTPOST_HOME=... node --import tsx test/bundle/measure-fill.ts NAME EVENTS
 */
import { randomUUID } from 'node:crypto';
import { outpostHome } from '../../main/config/home';
import { openTenantCache, type CacheBatch, type HuntingRow } from '../../main/services/cache';
import { osKeychain } from '../../main/services/keychain';
import { saveProfile } from '../../main/services/tenant/profiles';

const [name = 'big', eventsText = '1000000'] = process.argv.slice(2);
const events = Number(eventsText);
const home = outpostHome();
const tenantId = randomUUID();
await saveProfile(home, { name, tenantId, cloud: 'commercial', geo: 'us', clientId: randomUUID(), createdAt: new Date().toISOString() });
const cache = await openTenantCache({ home, tenantId, region: 'commercial-us', keychain: osKeychain(), create: true });

let seed = 0x2545f491;
const hex = (n: number) => {
  let out = '';
  while (out.length < n) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out += (seed >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, n);
};
const machines = Array.from({ length: 200 }, (_, i) => ({ id: hex(40), name: `ws-${i}.corp.contoso.com` }));
const now = Date.now();
const started = performance.now();

const machineRows = machines.map((m, i) => ({
  id: m.id, computerDnsName: m.name, firstSeen: new Date(now - 90 * 86_400_000).toISOString(), lastSeen: new Date(now - i * 1000).toISOString(),
  osPlatform: 'Windows11', osBuild: 22631, lastIpAddress: `10.0.${i >> 8}.${i & 255}`, ipAddresses: [{ ipAddress: `10.0.${i >> 8}.${i & 255}`, macAddress: hex(12), operationalStatus: 'Up' }],
  machineTags: ['finance'], rbacGroupId: 1 + (i % 4), rbacGroupName: `Group ${1 + (i % 4)}`, riskScore: 'Low', healthStatus: 'Active',
}));
await cache.write({ machines: machineRows, scope: { groups: [], machines: [], days: 30, severities: [], statuses: [] } });

const tables = ['processEvents', 'fileEvents', 'registryEvents', 'networkEvents', 'logonEvents', 'deviceInfo'] as const;
const batchSize = 5000;
for (let done = 0; done < events; ) {
  const batch: CacheBatch = {};
  for (let i = 0; i < batchSize && done < events; i++, done++) {
    const table = tables[done % 17 === 0 ? 5 : done % 5]!;
    const m = machines[done % machines.length]!;
    const base: HuntingRow = {
      Timestamp: new Date(now - 25 * 86_400_000 + done * 2000).toISOString(),
      DeviceId: m.id,
      DeviceName: m.name,
      ReportId: done,
      ActionType: 'ProcessCreated',
      InitiatingProcessFileName: ['powershell.exe', 'cmd.exe', 'explorer.exe', 'svchost.exe'][done % 4],
      InitiatingProcessFolderPath: 'c:\\windows\\system32',
      InitiatingProcessSHA1: hex(40),
      InitiatingProcessId: done % 60000,
      InitiatingProcessCommandLine: `"C:\\Windows\\System32\\cmd.exe" /c echo ${hex(12)}`,
      InitiatingProcessAccountName: `user${done % 311}`,
      InitiatingProcessAccountDomain: 'contoso',
    };
    const extra: Record<string, unknown> =
      table === 'processEvents' ? { FileName: 'rundll32.exe', FolderPath: 'c:\\windows\\system32\\rundll32.exe', SHA1: hex(40), SHA256: hex(64), ProcessId: done, ProcessCommandLine: `rundll32.exe ${hex(16)}.dll,Start`, AccountName: `user${done % 311}` }
        : table === 'fileEvents' ? { FileName: `${hex(8)}.tmp`, FolderPath: `C:\\Users\\user${done % 311}\\AppData\\Local\\Temp`, SHA1: hex(40), SHA256: hex(64), FileSize: done % 100000 }
          : table === 'registryEvents' ? { RegistryKey: `HKEY_CURRENT_USER\\Software\\${hex(8)}`, RegistryValueName: 'Run', RegistryValueData: `C:\\${hex(10)}.exe` }
            : table === 'networkEvents' ? { RemoteIP: `203.0.${(done >> 8) & 255}.${done & 255}`, RemotePort: 443, RemoteUrl: `https://${hex(6)}.example.net/${hex(8)}`, LocalIP: '10.0.0.5', LocalPort: 50000 + (done % 10000), Protocol: 'Tcp' }
              : table === 'logonEvents' ? { LogonType: 'Network', AccountName: `user${done % 311}`, AccountDomain: 'contoso', RemoteIP: `10.1.${(done >> 8) & 255}.${done & 255}`, IsLocalAdmin: false }
                : { ClientVersion: '10.8760', PublicIP: '198.51.100.4', OSPlatform: 'Windows11', OSBuild: 22631, LoggedOnUsers: JSON.stringify([{ UserName: `user${done % 311}` }]) };
    (batch[table] ??= []).push({ ...base, ...extra });
  }
  await cache.write(batch);
}
const alerts = Array.from({ length: 500 }, (_, i) => ({
  id: `da${hex(30)}`, title: `Suspicious activity ${i}`, severity: ['Low', 'Medium', 'High'][i % 3], status: 'New', machineId: machines[i % machines.length]!.id,
  alertCreationTime: new Date(now - i * 60_000).toISOString(), lastUpdateTime: new Date(now - i * 30_000).toISOString(),
  evidence: [{ entityType: 'File', sha1: hex(40), fileName: `${hex(6)}.exe`, filePath: 'C:\\Temp' }, { entityType: 'Ip', ipAddress: `203.0.113.${i & 255}` }],
}));
await cache.write({ alerts, files: alerts.map((a) => ({ sha1: String(a.evidence[0]!.sha1), sha256: hex(64), size: 1234, fileType: 'PortableExecutable' })) });
await cache.write({ checkpoints: [{ stream: 'sync', cursor: new Date().toISOString(), detail: null }] });
const info = await cache.info();
await cache.close();
console.log(JSON.stringify({ tenant: name, tenantId, events, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), rowCounts: info.rowCounts }));
