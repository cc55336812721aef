import type { CacheBatch, HuntingRow } from '../../../main/services/cache';

/** A deterministic, varied mix: 50% process, 20% network, 15% file, 10% registry, 5% logon. */
export function ingestBatches(total: number, batchSize: number): CacheBatch[] {
  const out: CacheBatch[] = [];
  let n = 0;
  const hex = (i: number) => (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(5);
  while (n < total) {
    const batch: Required<Pick<CacheBatch, 'processEvents' | 'networkEvents' | 'fileEvents' | 'registryEvents' | 'logonEvents'>> = {
      processEvents: [], networkEvents: [], fileEvents: [], registryEvents: [], logonEvents: [],
    };
    for (let i = 0; i < batchSize && n < total; i++, n++) {
      const device = `dev${(n % 200).toString().padStart(4, '0')}${'a'.repeat(30)}`;
      const base: HuntingRow = {
        Timestamp: new Date(Date.UTC(2024, 4, 1) + n * 37).toISOString(), DeviceId: device, ReportId: n, DeviceName: `ws${n % 200}.contoso.local`,
        ActionType: 'ProcessCreated', InitiatingProcessFileName: 'explorer.exe', InitiatingProcessFolderPath: 'C:\\Windows\\explorer.exe',
        InitiatingProcessSHA1: hex(n % 5000), InitiatingProcessId: n % 30000, InitiatingProcessCommandLine: `explorer.exe /factory,{${n % 97}}`,
        InitiatingProcessAccountName: `user${n % 300}`, InitiatingProcessAccountDomain: 'CONTOSO', AdditionalFields: '{"IsElevated":false}',
      };
      const r = n % 20;
      if (r < 10) batch.processEvents.push({ ...base, FileName: `tool${n % 900}.exe`, FolderPath: `C:\\Program Files\\Vendor${n % 50}\\tool${n % 900}.exe`, SHA1: hex(n % 20000), ProcessId: n, ProcessCommandLine: `tool${n % 900}.exe --input C:\\data\\file${n}.txt --mode ${n % 7}`, AccountName: `user${n % 300}`, AccountDomain: 'CONTOSO' });
      else if (r < 14) batch.networkEvents.push({ ...base, ActionType: 'ConnectionSuccess', RemoteIP: `203.0.${n % 256}.${(n >> 8) % 256}`, RemotePort: 443, RemoteUrl: `cdn${n % 400}.example${n % 40}.com`, LocalIP: '10.1.2.3', LocalPort: 50000 + (n % 10000), Protocol: 'Tcp' });
      else if (r < 17) batch.fileEvents.push({ ...base, ActionType: 'FileCreated', FileName: `doc${n}.tmp`, FolderPath: `C:\\Users\\user${n % 300}\\AppData\\Local\\Temp\\doc${n}.tmp`, SHA1: hex(n), FileSize: n % 100000 });
      else if (r < 19) batch.registryEvents.push({ ...base, ActionType: 'RegistryValueSet', RegistryKey: `HKEY_CURRENT_USER\\Software\\Vendor${n % 50}\\Settings`, RegistryValueName: `Value${n % 30}`, RegistryValueData: `${n}` });
      else batch.logonEvents.push({ ...base, ActionType: 'LogonSuccess', LogonType: 'Network', AccountName: `user${n % 300}`, AccountDomain: 'CONTOSO', RemoteIP: `10.2.${n % 256}.1`, Protocol: 'Kerberos' });
    }
    out.push(batch);
  }
  return out;
}

