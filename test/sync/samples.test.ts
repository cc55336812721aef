// Real advanced-hunting rows from ../shared/data/hunting-samples, in the API form and the
// Log Analytics export form, ingest through the mapping the sync uses (the cache writer, fed
// the batch field of the row's table) with no error and no kept column lost; a file of a table
// Outpost does not keep is refused by name (UNSUPPORTED_TABLE), never misread.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HuntingTable } from '../../emulator';
import { importSampleFile, isoFromLocaleDate, parseCsv, readSampleRows } from '../../main/services/sync/samples';
import { cacheTableOf, keptColumns, SAMPLES, sevenDigits, snake, testCache, type TestCache } from './helpers';

/** Every file of the folder, and what must become of it. A file not listed here fails the test. */
const expected: Record<string, HuntingTable | { refused: string }> = {
  'kqlbench-lab-2025/DeviceFileEvents.json': 'DeviceFileEvents',
  'kqlbench-lab-2025/DeviceNetworkEvents.json': 'DeviceNetworkEvents',
  'kqlbench-lab-2025/DeviceRegistryEvents.json': 'DeviceRegistryEvents',
  'kqlbench-lab-2025/DeviceLogonEvents.json': 'DeviceLogonEvents',
  'kqlbench-lab-2025/DeviceInfo.json': 'DeviceInfo',
  'kqlbench-lab-2025/DeviceNetworkInfo.json': { refused: 'DeviceNetworkInfo' },
  'kqlbench-lab-2025/DeviceImageLoadEvents.json': { refused: 'DeviceImageLoadEvents' },
  'kqlbench-lab-2025/DeviceFileCertificateInfo.json': { refused: 'DeviceFileCertificateInfo' },
  'msticpy-mde-evallab-2021/DeviceProcessEvents_mde_proc_pub.json': 'DeviceProcessEvents',
  'msticnb-contosohotels-2022/DeviceInfo_mde_device_info.csv': 'DeviceInfo',
  'msticnb-contosohotels-2022/DeviceNetworkInfo_mde_device_net_info.csv': { refused: 'DeviceNetworkInfo' },
  // A union of DeviceEvents (LdapSearch), IdentityDirectoryEvents and CloudAppEvents rows, with
  // no Type column: none of them is a table Outpost keeps, and its table cannot be named.
  'security-datasets-goldensaml-2021/Microsoft365DefenderEvents.json': { refused: 'Microsoft365DefenderEvents' },
};

const present = existsSync(SAMPLES);
if (!present) console.warn(`hunting samples not found at ${SAMPLES}: the sample ingest tests are skipped`);

/** The file's rows as they stand, parsed without Outpost's importer (JSON.parse, or plain CSV cells). */
function rawRows(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (file.endsWith('.csv')) {
    const [header, ...records] = parseCsv(text);
    const names = header!.map((name) => String(name).replace(/ \[UTC\]$/, ''));
    return records.map((record) => Object.fromEntries(names.map((name, i) => [name, record[i] ?? null])));
  }
  if (text.trimStart().startsWith('[')) return JSON.parse(text) as Array<Record<string, unknown>>;
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A source value and the cached one agree, modulo the documented normalization. */
function agree(column: string, source: unknown, stored: unknown, csv: boolean): boolean {
  if (column === 'Timestamp') {
    const iso = csv ? isoFromLocaleDate(String(source)) : String(source);
    return stored === sevenDigits(iso);
  }
  if (source === undefined || source === null || source === '') return stored === null || stored === '';
  if (typeof source === 'boolean') return Number(stored) === (source ? 1 : 0);
  if (typeof source === 'number') return String(stored) === String(source);
  if (typeof source === 'object') return stored === JSON.stringify(source);
  if (csv) {
    if (/^(true|false)$/i.test(String(source))) return Number(stored) === (/^true$/i.test(String(source)) ? 1 : 0);
    const date = isoFromLocaleDate(String(source));
    if (date) return stored === date;
    return String(stored) === source;
  }
  return stored === source;
}

describe.skipIf(!present)('hunting samples ingest through the sync mapping', () => {
  let store: TestCache;
  beforeAll(async () => {
    store = await testCache('samples-tenant');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('the folder holds exactly the files this test knows', () => {
    const found = readdirSync(SAMPLES).flatMap((dir) => readdirSync(path.join(SAMPLES, dir)).map((file) => `${dir}/${file}`));
    expect(found.sort()).toEqual(Object.keys(expected).sort());
  });

  const kept = Object.entries(expected).filter((entry): entry is [string, HuntingTable] => typeof entry[1] === 'string');
  it.each(kept)('%s: every row in, every kept column intact', async (relative, table) => {
    const file = path.join(SAMPLES, relative);
    const csv = file.endsWith('.csv');
    const raw = rawRows(file);
    expect(raw.length).toBeGreaterThan(0);
    const result = await importSampleFile(store.cache, file);
    expect(result.table).toBe(table);
    expect(result.rows).toHaveLength(raw.length);

    const columns = keptColumns(table);
    const cached = store.read((db) => {
      const rows = db.prepare(`SELECT * FROM ${cacheTableOf[table]}`).safeIntegers(true).all() as Array<Record<string, unknown>>;
      return new Map(rows.map((row) => [`${String(row.device_id)}|${String(row.report_id)}|${String(row.timestamp)}`, row]));
    });
    const keyOf = (row: Record<string, unknown>) => {
      const time = csv ? isoFromLocaleDate(String(row.Timestamp)) : String(row.Timestamp);
      const reportId = row.ReportId ?? row.ReportId_long;
      return `${String(row.DeviceId)}|${String(reportId)}|${sevenDigits(time)}`;
    };
    const keys = new Set(raw.map(keyOf));
    // Rows repeated in the file (same DeviceId, ReportId, Timestamp) are one event: stored once.
    expect(result.written + result.duplicates).toBe(raw.length);
    expect(result.written).toBe(keys.size);

    const lost = new Map<string, number>();
    for (const row of raw) {
      const stored = cached.get(keyOf(row));
      expect(stored, `row ${keyOf(row)} is missing from ${cacheTableOf[table]}`).toBeDefined();
      for (const column of columns) {
        expect(snake(column) in stored!, `${table}.${column} has no cache column`).toBe(true);
        const value = stored![snake(column)];
        if (!agree(column, row[column], typeof value === 'bigint' ? String(value) : value, csv)) lost.set(column, (lost.get(column) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(lost), `kept columns whose values did not survive in ${relative}`).toEqual({});
    // Something was really there: most kept columns of the file carry values.
    const filled = columns.filter((column) => raw.some((row) => row[column] !== null && row[column] !== undefined && row[column] !== ''));
    expect(filled.length).toBeGreaterThan(columns.length / 2);
  });

  const refused = Object.entries(expected).filter((entry): entry is [string, { refused: string }] => typeof entry[1] !== 'string');
  it.each(refused)('%s is refused by name, and nothing of it is written', async (relative, { refused: table }) => {
    const file = path.join(SAMPLES, relative);
    const before = store.read((db) => db.prepare('SELECT (SELECT count(*) FROM device_info) + (SELECT count(*) FROM process_events) + (SELECT count(*) FROM file_events) + (SELECT count(*) FROM network_events) + (SELECT count(*) FROM registry_events) + (SELECT count(*) FROM logon_events)').pluck().get());
    await expect(importSampleFile(store.cache, file)).rejects.toMatchObject({ code: 'UNSUPPORTED_TABLE', message: expect.stringContaining(table) });
    const after = store.read((db) => db.prepare('SELECT (SELECT count(*) FROM device_info) + (SELECT count(*) FROM process_events) + (SELECT count(*) FROM file_events) + (SELECT count(*) FROM network_events) + (SELECT count(*) FROM registry_events) + (SELECT count(*) FROM logon_events)').pluck().get());
    expect(after).toBe(before);
  });

  it("keeps an 18-digit ReportId exactly (kqlbench's DeviceInfo rows), where a plain JSON.parse would round it", async () => {
    const file = path.join(SAMPLES, 'kqlbench-lab-2025/DeviceInfo.json');
    const digits = [...readFileSync(file, 'utf8').matchAll(/"ReportId":\s*(\d+)/g)].map((m) => m[1]!);
    const big = digits.filter((d) => !Number.isSafeInteger(Number(d)));
    expect(big.length).toBeGreaterThan(0);
    const stored = store.read((db) => (db.prepare('SELECT report_id FROM device_info').safeIntegers(true).pluck().all() as bigint[]).map(String));
    for (const id of big) expect(stored).toContain(id);
  });

  it("reads the portal's CSV export: BOM, [UTC] headers, locale dates in UTC", () => {
    const { rows, table, form } = readSampleRows('DeviceInfo_mde_device_info.csv', readFileSync(path.join(SAMPLES, 'msticnb-contosohotels-2022/DeviceInfo_mde_device_info.csv')));
    expect({ table, form }).toEqual({ table: 'DeviceInfo', form: 'csv' });
    expect(rows[0]).toMatchObject({ DeviceId: '28f9775979d3fb7c6a59744500a70470f92bcc7f', Timestamp: '2022-04-19T21:57:02.487Z', ReportId: 80390, PublicIP: '40.121.32.212', MachineGroup: 'UnassignedGroup' });
    expect(rows[0]).not.toHaveProperty('TenantId');
    expect(rows[0]).not.toHaveProperty('TimeGenerated');
  });

  it('folds type-suffixed union columns into their column (ReportId_long, AdditionalFields_string) when the table is named', () => {
    const union = readFileSync(path.join(SAMPLES, 'security-datasets-goldensaml-2021/Microsoft365DefenderEvents.json'), 'utf8').split('\n')[0]!;
    const row = { ...(JSON.parse(union) as Record<string, unknown>), ActionType: 'ProcessCreated', Type: 'DeviceProcessEvents' };
    const { rows } = readSampleRows('export.json', JSON.stringify([row]));
    expect(rows[0]).toMatchObject({ ReportId: 113597, AdditionalFields: expect.stringContaining('AttributeList') });
    expect(rows[0]).not.toHaveProperty('ReportId_long');
  });

  it('refuses a file whose rows mix tables, or whose name and rows disagree', () => {
    const a = { Timestamp: '2025-01-01T00:00:00Z', DeviceId: 'd', ReportId: 1 };
    expect(() => readSampleRows('x.json', JSON.stringify([{ ...a, Type: 'DeviceInfo' }, { ...a, Type: 'DeviceEvents' }]))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_TABLE' }));
    expect(() => readSampleRows('DeviceInfo.json', JSON.stringify([{ ...a, Type: 'DeviceProcessEvents' }]))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_TABLE' }));
    expect(() => readSampleRows('DeviceEvents.json', JSON.stringify([a]))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_TABLE', message: expect.stringContaining('DeviceEvents') }));
  });
});
