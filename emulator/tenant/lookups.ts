// Pivots the entity APIs answer: which machines hold a file or contacted a domain,
// who logged on to a machine, and the file profiles behind every SHA-1 in the data.
import { Random } from '../prng';
import { DAY_MS, formatTicks } from '../time';
import { sidOf } from './accounts';
import { BIN, type Binary, IMPLANT, LURE_DOCUMENT, STORY_FILES, allFiles, hashesOf } from './binaries';
import { DOMAIN, DOMAIN_ADMINS, EMPLOYEES } from './directory';
import { DESTINATIONS } from './noise';
import type { Tenant } from './tenant';
import type { FileProfile, LogonUser, MachineProfile } from './types';

/** Files that only the attack stories write: their machines come from the story rows. */
const STORY_ONLY: readonly Binary[] = [IMPLANT, LURE_DOCUMENT, ...Object.values(STORY_FILES), BIN.psexec, BIN.psexesvc, BIN.procdump, BIN.ntdsutil, BIN.mshta, BIN.wmic, BIN.wmiprvse, BIN.rundll32, BIN.csc];

export class Lookups {
  private readonly files = new Map<string, { binary: Binary; profile: FileProfile }>();
  private readonly bySha256 = new Map<string, string>();
  private readonly storyFileMachines = new Map<string, Set<number>>();

  constructor(private readonly tenant: Tenant) {
    for (const binary of allFiles()) {
      const profile = fileProfile(tenant.seed, binary, tenant.anchorMs);
      this.files.set(profile.sha1, { binary, profile });
      this.bySha256.set(profile.sha256, profile.sha1);
    }
    const storyOnly = new Set(STORY_ONLY.map((b) => hashesOf(b).sha1));
    for (const sha1 of storyOnly) this.storyFileMachines.set(sha1, new Set());
    for (const e of tenant.storyBook.events) {
      for (const col of ['SHA1', 'InitiatingProcessSHA1']) {
        const sha1 = e.row[col];
        if (typeof sha1 === 'string' && storyOnly.has(sha1)) this.storyFileMachines.get(sha1)!.add(e.machineIndex);
      }
    }
  }

  file(hash: string): FileProfile | undefined {
    const h = hash.toLowerCase();
    const sha1 = h.length === 64 ? this.bySha256.get(h) : h;
    return sha1 ? this.files.get(sha1)?.profile : undefined;
  }

  /** Machines on which the file with this SHA-1 appears. */
  machinesWithFile(sha1: string): MachineProfile[] {
    const entry = this.files.get(sha1.toLowerCase());
    if (!entry) return [];
    const story = this.storyFileMachines.get(entry.profile.sha1);
    if (story) return [...story].sort((a, b) => a - b).map((i) => this.tenant.fleet[i]!);
    const linux = entry.binary.folder.startsWith('/');
    return this.tenant.fleet.filter((p) => (p.role === 'linux') === linux);
  }

  /** Machines that contacted a domain (story C2 from the story rows; everyday sites from the noise model). */
  machinesForDomain(domain: string): MachineProfile[] {
    const d = domain.toLowerCase();
    const story = this.tenant.storyBook.domainMachines.get(d);
    if (story) return [...story].sort((a, b) => a - b).map((i) => this.tenant.fleet[i]!);
    if (d === 'archive.ubuntu.com') return this.tenant.fleet.filter((p) => p.role === 'linux');
    if (DESTINATIONS.some(([, url]) => url === d)) return this.tenant.fleet.filter((p) => p.role !== 'linux');
    return [];
  }

  logonUsers(profile: MachineProfile): LogonUser[] {
    const r = Random.of(this.tenant.seed, 'logon-users', profile.index);
    const names = new Set<string>([profile.primaryUser]);
    if (profile.role === 'workstation' && r.chance(0.3)) names.add(r.pick(EMPLOYEES.finance));
    if (profile.role === 'server' || profile.role === 'domain-controller') {
      names.add('adm-jreyes');
      names.add('svc-backup');
    }
    const anchor = this.tenant.anchorMs;
    return [...names].map((name) => {
      const domain = profile.role === 'linux' ? profile.shortName : DOMAIN;
      const interactive = name === profile.primaryUser && profile.role === 'workstation';
      return {
        id: `${domain}\\${name}`,
        accountName: name,
        accountDomain: domain,
        accountSid: sidOf(name),
        firstSeen: formatTicks(anchor - r.int(40, 400) * DAY_MS),
        lastSeen: formatTicks(anchor - r.int(1, 48) * 3_600_000),
        mostPrevalentMachineId: name === profile.primaryUser ? profile.machine.id : null,
        leastPrevalentMachineId: null,
        logonTypes: interactive ? 'Interactive' : name.startsWith('svc-') ? 'Network' : 'RemoteInteractive',
        logOnMachinesCount: r.int(1, 12),
        isDomainAdmin: DOMAIN_ADMINS.has(name),
        isOnlyNetworkUser: name.startsWith('svc-'),
      };
    });
  }
}

function fileProfile(seed: number, binary: Binary, anchorMs: number): FileProfile {
  const r = Random.of(seed, 'file-profile', binary.fileName, binary.folder);
  const h = hashesOf(binary);
  const malicious = binary.malicious === true;
  const pe = /\.(exe|dll|sys)$/i.test(binary.fileName) || (!binary.folder.startsWith('/') && !binary.fileName.includes('.'));
  const signed = binary.publisher !== null;
  return {
    sha1: h.sha1,
    sha256: h.sha256,
    globalPrevalence: malicious ? r.int(3, 40) : signed ? r.int(100_000, 90_000_000) : r.int(50, 5000),
    globalFirstObserved: formatTicks(anchorMs - (malicious ? r.int(8, 12) : r.int(200, 2000)) * DAY_MS, r.int(0, 9999)),
    globalLastObserved: formatTicks(anchorMs - r.int(0, 3) * DAY_MS, r.int(0, 9999)),
    size: binary.size,
    fileType: pe ? 'PortableExecutable' : binary.fileName.split('.').pop()?.toUpperCase() ?? null,
    isPeFile: pe,
    filePublisher: binary.publisher,
    fileProductName: binary.product,
    signer: binary.publisher,
    issuer: binary.publisher === 'Microsoft Corporation' ? 'Microsoft Windows Production PCA 2011' : signed ? 'DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1' : null,
    signerHash: signed ? Random.of(seed, 'signer', binary.publisher ?? '').hex(40) : null,
    isValidCertificate: signed,
    determinationType: malicious ? 'Malware' : signed ? 'Clean' : 'Unknown',
    determinationValue: malicious ? (binary === IMPLANT ? 'Backdoor:Win64/CobaltStrike.NP!dha' : 'Trojan:Win32/Wacatac.B!ml') : '',
  };
}
