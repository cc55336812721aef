// The executables and files that appear in the telemetry. Hashes derive from the path
// alone (not the tenant seed), so svchost.exe has one SHA-1 on every machine, as it
// would in a real fleet.
import { stableHex } from '../prng';

export interface Binary {
  fileName: string;
  /** Folder without a trailing separator; the API's FolderPath is folder + '\\' + name. */
  folder: string;
  publisher: string | null;
  product: string | null;
  size: number;
  /** True for files Defender calls malicious. */
  malicious?: boolean;
  /** Hash identity when the same file sits in several folders (a dropped implant). */
  hashKey?: string;
}

export interface BinaryHashes {
  sha1: string;
  sha256: string;
  md5: string;
}

const HASH_SEED = 0x0b5e55ed;

// Every row names a few binaries; hashing them once keeps row generation cheap.
const hashCache = new Map<string, BinaryHashes>();

export function hashesOf(binary: Binary): BinaryHashes {
  const key = binary.hashKey ?? `${binary.folder}\\${binary.fileName}`.toLowerCase();
  let hashes = hashCache.get(key);
  if (!hashes) {
    hashes = { sha1: stableHex(HASH_SEED, 40, key), sha256: stableHex(HASH_SEED, 64, key), md5: stableHex(HASH_SEED, 32, key) };
    hashCache.set(key, hashes);
  }
  return hashes;
}

export function fullPath(binary: Binary): string {
  const sep = binary.folder.startsWith('/') ? '/' : '\\';
  return `${binary.folder}${sep}${binary.fileName}`;
}

const MS = 'Microsoft Corporation';
const WIN = 'Microsoft® Windows® Operating System';
const SYS32 = 'C:\\Windows\\System32';

function win(fileName: string, size: number, folder = SYS32): Binary {
  return { fileName, folder, publisher: MS, product: WIN, size };
}

export const BIN = {
  system: win('ntoskrnl.exe', 12_735_920),
  smss: win('smss.exe', 160_000),
  services: win('services.exe', 727_368),
  svchost: win('svchost.exe', 57_360),
  explorer: win('explorer.exe', 5_177_456, 'C:\\Windows'),
  userinit: win('userinit.exe', 35_840),
  taskhostw: win('taskhostw.exe', 101_720),
  lsass: win('lsass.exe', 59_456),
  winlogon: win('winlogon.exe', 906_240),
  cmd: win('cmd.exe', 289_792),
  powershell: win('powershell.exe', 454_656, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0'),
  wscript: win('wscript.exe', 168_448),
  mshta: win('mshta.exe', 45_056),
  rundll32: win('rundll32.exe', 71_680),
  wmic: win('WMIC.exe', 571_392, 'C:\\Windows\\System32\\wbem'),
  wmiprvse: win('WmiPrvSE.exe', 496_640, 'C:\\Windows\\System32\\wbem'),
  sc: win('sc.exe', 72_192),
  schtasks: win('schtasks.exe', 235_520),
  conhost: win('conhost.exe', 1_040_384),
  csc: win('csc.exe', 2_759_232, 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319'),
  searchIndexer: win('SearchIndexer.exe', 1_019_904),
  wuauclt: win('wuauclt.exe', 185_856),
  mpcmdrun: { fileName: 'MpCmdRun.exe', folder: 'C:\\Program Files\\Windows Defender', publisher: MS, product: WIN, size: 1_538_416 },
  msmpeng: { fileName: 'MsMpEng.exe', folder: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25010.11-0', publisher: MS, product: WIN, size: 133_016 },
  senseIr: { fileName: 'SenseIR.exe', folder: 'C:\\Program Files\\Windows Defender Advanced Threat Protection', publisher: MS, product: WIN, size: 4_232_112 },
  msedge: { fileName: 'msedge.exe', folder: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application', publisher: MS, product: 'Microsoft Edge', size: 4_112_384 },
  chrome: { fileName: 'chrome.exe', folder: 'C:\\Program Files\\Google\\Chrome\\Application', publisher: 'Google LLC', product: 'Google Chrome', size: 3_151_640 },
  winword: { fileName: 'WINWORD.EXE', folder: 'C:\\Program Files\\Microsoft Office\\root\\Office16', publisher: MS, product: 'Microsoft Office', size: 1_640_288 },
  excel: { fileName: 'EXCEL.EXE', folder: 'C:\\Program Files\\Microsoft Office\\root\\Office16', publisher: MS, product: 'Microsoft Office', size: 67_129_272 },
  outlook: { fileName: 'OUTLOOK.EXE', folder: 'C:\\Program Files\\Microsoft Office\\root\\Office16', publisher: MS, product: 'Microsoft Office', size: 43_122_016 },
  teams: { fileName: 'ms-teams.exe', folder: 'C:\\Program Files\\WindowsApps\\MSTeams_25017.203.3370.1174_x64__8wekyb3d8bbwe', publisher: MS, product: 'Microsoft Teams', size: 1_131_392 },
  onedrive: { fileName: 'OneDrive.exe', folder: 'C:\\Program Files\\Microsoft OneDrive', publisher: MS, product: 'Microsoft OneDrive', size: 3_466_552 },
  officeClickToRun: { fileName: 'OfficeClickToRun.exe', folder: 'C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun', publisher: MS, product: 'Microsoft Office', size: 12_170_168 },
  googleUpdate: { fileName: 'GoogleUpdate.exe', folder: 'C:\\Program Files (x86)\\Google\\Update', publisher: 'Google LLC', product: 'Google Update', size: 159_456 },
  code: { fileName: 'Code.exe', folder: 'C:\\Program Files\\Microsoft VS Code', publisher: MS, product: 'Visual Studio Code', size: 155_394_384 },
  git: { fileName: 'git.exe', folder: 'C:\\Program Files\\Git\\cmd', publisher: 'Johannes Schindelin', product: 'Git', size: 46_160 },
  sqlservr: { fileName: 'sqlservr.exe', folder: 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn', publisher: MS, product: 'Microsoft SQL Server', size: 477_632 },
  dfsrs: win('dfsrs.exe', 3_512_832),
  ntdsutil: win('ntdsutil.exe', 504_832),
  psexesvc: { fileName: 'PSEXESVC.exe', folder: 'C:\\Windows', publisher: 'Sysinternals - www.sysinternals.com', product: 'Sysinternals PsExec', size: 189_832 },
  psexec: { fileName: 'PsExec64.exe', folder: 'C:\\Users\\Public\\Downloads', publisher: 'Sysinternals - www.sysinternals.com', product: 'Sysinternals PsExec', size: 833_472 },
  procdump: { fileName: 'procdump64.exe', folder: 'C:\\Users\\Public\\Downloads', publisher: 'Sysinternals - www.sysinternals.com', product: 'ProcDump', size: 424_856 },
  // Linux
  systemd: { fileName: 'systemd', folder: '/usr/lib/systemd', publisher: null, product: null, size: 96_384 },
  cron: { fileName: 'cron', folder: '/usr/sbin', publisher: null, product: null, size: 60_080 },
  sshd: { fileName: 'sshd', folder: '/usr/sbin', publisher: null, product: null, size: 921_480 },
  bash: { fileName: 'bash', folder: '/usr/bin', publisher: null, product: null, size: 1_396_520 },
  sh: { fileName: 'dash', folder: '/usr/bin', publisher: null, product: null, size: 125_688 },
  apt: { fileName: 'apt-get', folder: '/usr/bin', publisher: null, product: null, size: 22_912 },
  python: { fileName: 'python3.12', folder: '/usr/bin', publisher: null, product: null, size: 8_020_928 },
  mdatp: { fileName: 'wdavdaemon', folder: '/opt/microsoft/mdatp/sbin', publisher: MS, product: 'Microsoft Defender for Endpoint', size: 4_460_152 },
} as const satisfies Record<string, Binary>;

/** The implant dropped by the phishing story; its SHA-1 shows up on several machines. */
export const IMPLANT: Binary = {
  fileName: 'OneDriveUpdater.exe',
  folder: 'C:\\Users\\Public\\Libraries',
  publisher: null,
  product: null,
  size: 288_768,
  malicious: true,
  hashKey: 'implant:onedriveupdater',
};

/** The macro-laden invoice that starts the phishing story. */
export const LURE_DOCUMENT: Binary = {
  fileName: 'Invoice_88213.docm',
  folder: 'C:\\Users\\Public\\Documents',
  publisher: null,
  product: null,
  size: 61_440,
  malicious: true,
};

/** Files the sensor sees being written in ordinary use. A fixed pool, so every SHA-1 in
 * the telemetry has a file profile. */
export const DOWNLOADS: readonly Binary[] = [
  { fileName: 'Q3 forecast.xlsx', folder: 'Downloads', publisher: null, product: null, size: 48_213, hashKey: 'dl:q3' },
  { fileName: 'Travel policy 2026.pdf', folder: 'Downloads', publisher: null, product: null, size: 312_554, hashKey: 'dl:travel' },
  { fileName: 'TeamsSetup_c_w_.exe', folder: 'Downloads', publisher: 'Microsoft Corporation', product: 'Microsoft Teams', size: 2_119_704, hashKey: 'dl:teams' },
  { fileName: 'meeting-notes.docx', folder: 'Documents', publisher: null, product: null, size: 22_904, hashKey: 'dl:notes' },
];

export const UPDATE_FILES: readonly Binary[] = Array.from({ length: 12 }, (_, i) => ({
  fileName: `${(0x5a3c91f0 + i * 0x1117).toString(16).toUpperCase()}.tmp`,
  folder: 'C:\\Windows\\SoftwareDistribution\\Download',
  publisher: null,
  product: null,
  size: 40_960 + i * 91_337,
}));

export const LINUX_LOGS: readonly Binary[] = ['syslog', 'auth.log', 'dpkg.log', 'kern.log'].map((fileName, i) => ({
  fileName,
  folder: '/var/log',
  publisher: null,
  product: null,
  size: 120_000 + i * 77_000,
}));

/** Files the attack stories write besides the implant and the lure. */
export const STORY_FILES = {
  lsassDump: { fileName: 'lsass.dmp', folder: 'C:\\Users\\Public\\Libraries', publisher: null, product: null, size: 48_912_384, malicious: true },
  fs01Dump: { fileName: 'fs01.dmp', folder: 'C:\\Windows\\Temp', publisher: null, product: null, size: 51_200_512, malicious: true },
  stager: { fileName: 'a.ps1', folder: 'C:\\Users\\Public\\Libraries', publisher: null, product: null, size: 4_311, malicious: true },
} as const satisfies Record<string, Binary>;

/** Every file that can appear in the telemetry, for /api/files. */
export function allFiles(): Binary[] {
  return [...Object.values(BIN), IMPLANT, LURE_DOCUMENT, ...DOWNLOADS, ...UPDATE_FILES, ...LINUX_LOGS, ...Object.values(STORY_FILES)];
}
