/**
 * Advanced-hunting rows from a file, ingested through the very mapping the sync uses (the
 * cache writer, fed the batch field of the row's table). Reads the forms such files come in:
 * - the API's own (a JSON array of rows, or the `{Schema, Results}` answer),
 * - a Log Analytics export (extra TenantId, TimeGenerated, SourceSystem and Type columns,
 *   seven fractional digits, AdditionalFields as a JSON string or null),
 * - JSON lines, and Kusto's type-suffixed columns of a multi-table union (`ReportId_long`),
 * - the portal's "Export to CSV" (UTF-8 BOM, `Timestamp [UTC]` headers, dates such as
 *   `4/19/2022, 9:57:02.487 PM`).
 * A file's table comes from its rows' `Type` column, else from the file name. A table Outpost
 * does not keep is refused by name (UNSUPPORTED_TABLE), never read as another table.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OutpostError } from '../../../contract';
import type { CacheBatch, HuntingRow } from '../cache';
import { batchFieldOf, huntingTableNames, type HuntingTable } from './kql';
import type { SyncCache } from './sync-cache';

/** Tables of the advanced-hunting schema that Outpost does not keep: named so a file of one is refused by name. */
export const unkeptTables = [
  'DeviceEvents', 'DeviceNetworkInfo', 'DeviceImageLoadEvents', 'DeviceFileCertificateInfo', 'DeviceTvmSoftwareInventory',
  'DeviceTvmSoftwareVulnerabilities', 'AlertInfo', 'AlertEvidence', 'EmailEvents', 'EmailAttachmentInfo', 'EmailUrlInfo',
  'IdentityLogonEvents', 'IdentityQueryEvents', 'IdentityDirectoryEvents', 'CloudAppEvents', 'UrlClickEvents',
] as const;

/** Columns a Log Analytics export adds that are no part of the advanced-hunting row. */
const exportExtras = new Set(['TenantId', 'TimeGenerated', 'SourceSystem', 'Type', '_ResourceId', '_SubscriptionId']);

/** Kusto's union suffixes: a column of different types in different tables becomes Name_type. */
const typeSuffix = /^(.+)_(long|int|real|decimal|string|dynamic|bool|boolean|datetime|guid|timespan)$/;

const BIG = '\u0000bigint:';

export interface SampleRows {
  table: HuntingTable;
  rows: HuntingRow[];
  /** What the file was read as, for messages. */
  form: 'api-json' | 'api-answer' | 'json-lines' | 'csv';
}

function tableNamed(name: string): HuntingTable | null {
  return (huntingTableNames as readonly string[]).includes(name) ? (name as HuntingTable) : null;
}

function refuse(table: string, file: string): never {
  throw new OutpostError('UNSUPPORTED_TABLE', `${file} holds ${table} rows; Outpost does not keep ${table} (it keeps ${huntingTableNames.join(', ')}).`);
}

/** The table a file name names: `DeviceInfo.json`, `DeviceProcessEvents_mde_proc_pub.json`; the longest name wins. */
function tableOfFileName(file: string): string | null {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const names = [...huntingTableNames, ...unkeptTables].sort((a, b) => b.length - a.length);
  return names.find((name) => base === name || base.startsWith(`${name}_`) || base.startsWith(`${name}-`) || base.startsWith(`${name}.`)) ?? null;
}

/**
 * JSON whose integers beyond 2^53 survive: Defender's ReportIds can be 18 digits (DeviceInfo
 * rows of a Log Analytics export), which a plain JSON.parse would round. Such literals,
 * outside strings, become BigInt.
 */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      if (/^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        // The marker is written as a JSON escape (\u0000), which no real value starts with.
        out += `${text.slice(last, i)}"\\u0000bigint:${literal}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  out += text.slice(last);
  return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(BIG) ? BigInt(value.slice(BIG.length)) : value));
}

/** RFC 4180: quoted fields, doubled quotes, line breaks inside quotes. A quoted empty field is '', an unquoted one null. */
export function parseCsv(text: string): Array<Array<string | null>> {
  const records: Array<Array<string | null>> = [];
  let record: Array<string | null> = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    record.push(wasQuoted || field !== '' ? field : null);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== '' || wasQuoted || record.length > 0) {
    endField();
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === null));
}

const localeDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ?(AM|PM)?$/i;

/** The portal's export date (`4/19/2022, 9:57:02.487 PM`, UTC per its `[UTC]` header) as ISO 8601. */
export function isoFromLocaleDate(text: string): string | null {
  const m = localeDate.exec(text.trim());
  if (!m) return null;
  let hour = Number(m[4]);
  const meridiem = m[8]?.toUpperCase();
  if (meridiem === 'PM' && hour < 12) hour += 12;
  if (meridiem === 'AM' && hour === 12) hour = 0;
  const two = (n: number | string) => String(n).padStart(2, '0');
  const fraction = m[7] ? `.${m[7]}` : '';
  return `${m[3]}-${two(m[1]!)}-${two(m[2]!)}T${two(hour)}:${m[5]}:${m[6]}${fraction}Z`;
}

/** A CSV cell as the API would have typed it: integers as numbers (BigInt past 2^53), true/false, ISO dates. */
function csvValue(cell: string | null): unknown {
  if (cell === null) return null;
  if (/^-?\d{1,15}$/.test(cell)) return Number(cell);
  if (/^-?\d{16,}$/.test(cell)) return Number.isSafeInteger(Number(cell)) ? Number(cell) : BigInt(cell);
  if (cell === 'true' || cell === 'True') return true;
  if (cell === 'false' || cell === 'False') return false;
  return isoFromLocaleDate(cell) ?? cell;
}

function rowsOfCsv(text: string): Array<Record<string, unknown>> {
  const [header, ...records] = parseCsv(text);
  if (!header) return [];
  const names = header.map((name) => String(name ?? '').replace(/\s*\[UTC\]$/i, '').trim());
  return records.map((record) => Object.fromEntries(names.map((name, i) => [name, csvValue(record[i] ?? null)])));
}

/** One row in the API's form: export extras dropped, union type suffixes folded into their column. */
export function apiFormRow(row: Record<string, unknown>): HuntingRow {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (exportExtras.has(key)) continue;
    const suffixed = typeSuffix.exec(key);
    if (suffixed && !(suffixed[1]! in row)) {
      const base = suffixed[1]!;
      // The first typed variant that holds a value wins; an empty one never hides a filled one.
      if (out[base] === undefined || out[base] === null || out[base] === '') out[base] = value;
      continue;
    }
    out[key] = value;
  }
  return out as HuntingRow;
}

/** Reads a file's rows and names its table; refuses a table Outpost does not keep. */
export function readSampleRows(file: string, content: string | Buffer): SampleRows {
  const name = path.basename(file);
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  const start = text.trimStart()[0];
  let raw: Array<Record<string, unknown>>;
  let form: SampleRows['form'];
  if (start === '[') {
    raw = parseJsonExact(text) as Array<Record<string, unknown>>;
    form = 'api-json';
  } else if (start === '{') {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const first = parseJsonExact(lines[0]!) as Record<string, unknown> | undefined;
    if (lines.length > 1 && first && !('Results' in first)) {
      raw = lines.map((line) => parseJsonExact(line) as Record<string, unknown>);
      form = 'json-lines';
    } else {
      const answer = parseJsonExact(text) as { Results?: Array<Record<string, unknown>> };
      if (!Array.isArray(answer.Results)) throw new OutpostError('BAD_REQUEST', `${name}: a JSON object that is no advanced-hunting answer (no Results list).`);
      raw = answer.Results;
      form = 'api-answer';
    }
  } else {
    raw = rowsOfCsv(text);
    form = 'csv';
  }
  if (!Array.isArray(raw)) throw new OutpostError('BAD_REQUEST', `${name}: not a list of rows.`);

  // The table: every row's Type (Log Analytics), else the file name. Both, when given, must agree.
  const types = new Set(raw.map((row) => row.Type).filter((type): type is string => typeof type === 'string' && type !== ''));
  const byName = tableOfFileName(name);
  if (types.size > 1) throw new OutpostError('UNSUPPORTED_TABLE', `${name} mixes rows of ${[...types].join(', ')}; import one table per file.`);
  const byType = types.size === 1 ? [...types][0]! : null;
  const named = byType ?? byName;
  if (!named) {
    throw new OutpostError('UNSUPPORTED_TABLE', `${name}: its rows carry no Type and its name names no advanced-hunting table, so its table is unknown (a multi-table union cannot be read as one table). Name the file after its table, e.g. DeviceProcessEvents.json.`);
  }
  if (byType && byName && byType !== byName) throw new OutpostError('UNSUPPORTED_TABLE', `${name} is named for ${byName} but its rows are ${byType}.`);
  const table = tableNamed(named);
  if (!table) refuse(named, name);

  const rows = raw.map(apiFormRow);
  rows.forEach((row, index) => {
    for (const column of ['DeviceId', 'Timestamp', 'ReportId']) {
      if (row[column] === undefined || row[column] === null || row[column] === '') {
        throw new OutpostError('BAD_REQUEST', `${name}, row ${index + 1}: no ${column}, which every ${table} row has.`);
      }
    }
  });
  return { table, rows, form };
}

export interface SampleImport extends SampleRows {
  written: number;
  duplicates: number;
}

/** Reads a file and writes its rows through the sync's own writer path, in batches. */
export async function importSampleFile(cache: Pick<SyncCache, 'write'>, file: string): Promise<SampleImport> {
  const read = readSampleRows(file, await readFile(file));
  const field = batchFieldOf[read.table];
  let written = 0;
  let duplicates = 0;
  for (let i = 0; i < read.rows.length; i += 5000) {
    const summary = await cache.write({ [field]: read.rows.slice(i, i + 5000) } as CacheBatch);
    written += Object.values(summary.written).reduce((sum, n) => sum + n, 0);
    duplicates += summary.duplicates;
  }
  return { ...read, written, duplicates };
}
