// Everyday alerts that are not part of any story: potentially unwanted apps, noisy
// admin scripts, test files. Most are resolved, as in a real queue.
import { Random } from '../prng';
import { DAY_MS, HOUR_MS } from '../time';
import { domainOf } from './accounts';
import { BIN, DOWNLOADS } from './binaries';
import { buildAlert, fileEvidence, processEvidence, userEvidence } from './evidence';
import type { ProcessRef } from './rows';
import type { Alert, MachineProfile } from './types';

interface Template {
  title: string;
  description: string;
  severity: Alert['severity'];
  category: string;
  detectionSource: string;
  mitreTechniques: string[];
  threatFamilyName: string | null;
}

const TEMPLATES: readonly Template[] = [
  {
    title: "'Presenoker' unwanted software was detected", severity: 'Low', category: 'UnwantedSoftware', detectionSource: 'WindowsDefenderAv', mitreTechniques: [], threatFamilyName: 'Presenoker',
    description: 'Potentially unwanted applications can cause network performance or security problems. This one was blocked before it ran.',
  },
  {
    title: 'Suspicious PowerShell download or encoded command execution', severity: 'Medium', category: 'Execution', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1059.001'], threatFamilyName: null,
    description: 'PowerShell ran a command that downloaded content from the internet. Inventory and deployment scripts often trigger this alert.',
  },
  {
    title: 'An active EICAR-Test-File (not malware) was detected', severity: 'Informational', category: 'Malware', detectionSource: 'WindowsDefenderAv', mitreTechniques: [], threatFamilyName: 'EICAR_Test_File',
    description: 'A test file used to verify antivirus detection was found.',
  },
  {
    title: 'Suspicious scheduled task registration', severity: 'Low', category: 'Persistence', detectionSource: 'WindowsDefenderAtp', mitreTechniques: ['T1053.005'], threatFamilyName: null,
    description: 'A scheduled task was created by a script host. Software updaters do this routinely.',
  },
];

export function backgroundAlerts(seed: number, fleet: readonly MachineProfile[], anchorMs: number, aadTenantId: string): Alert[] {
  const alerts: Alert[] = [];
  for (const profile of fleet) {
    const r = Random.of(seed, 'background-alerts', profile.index);
    const howMany = r.chance(0.35) ? r.int(1, 2) : 0;
    for (let n = 0; n < howMany; n++) {
      const t = r.pick(TEMPLATES);
      const ms = anchorMs - r.int(1, 29) * DAY_MS + r.int(8, 18) * HOUR_MS + r.int(0, 3_599_999);
      const user = profile.primaryUser;
      const parent: ProcessRef = { binary: BIN.explorer, processId: r.int(500, 9000) * 4, commandLine: 'C:\\WINDOWS\\Explorer.EXE', creationMs: ms - 4 * HOUR_MS, parentProcessId: 1180, parentFileName: 'userinit.exe', accountName: user, accountDomain: domainOf(user, profile) };
      const proc: ProcessRef = { binary: t.category === 'Execution' ? BIN.powershell : BIN.msedge, processId: r.int(500, 9000) * 4, commandLine: t.category === 'Execution' ? 'powershell.exe -ExecutionPolicy Bypass -File \\\\fabrikam.com\\NETLOGON\\inventory.ps1' : '"msedge.exe"', creationMs: ms - 60_000, parentProcessId: parent.processId, parentFileName: 'explorer.exe', accountName: user, accountDomain: domainOf(user, profile) };
      const file = r.pick(DOWNLOADS);
      const status = r.weighted([['Resolved', 60], ['InProgress', 20], ['New', 20]] as const);
      alerts.push(buildAlert(seed, aadTenantId, {
        profile, firstEventMs: ms - 60_000, lastEventMs: ms, incidentId: 3000 + profile.index * 3 + n, title: t.title, description: t.description,
        severity: t.severity, status, category: t.category, detectionSource: t.detectionSource, mitreTechniques: t.mitreTechniques, threatFamilyName: t.threatFamilyName,
        relatedUser: { userName: user, domainName: domainOf(user, profile).toUpperCase() },
        comments: status === 'Resolved' ? ['Checked with the user and the software inventory; expected activity. Closing.'] : status === 'InProgress' ? ['Asked the desktop team whether this was a deployment.'] : [],
        evidence: (at) => [userEvidence(at, user, domainOf(user, profile)), processEvidence(at, proc, parent, false), fileEvidence(at, file, `C:\\Users\\${user}\\Downloads`, 'Prevented')],
      }, `background:${profile.index}:${n}`));
    }
  }
  return alerts;
}
