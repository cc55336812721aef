// Every documented example response in ../shared/data/mde-api-examples has the same
// field names and JSON types as the emulator's answer to the same call.
//
// Quirks of the documentation, and what the emulator does:
// - rbacGroupId is a number in the examples and a string in the property table: the
//   emulator follows the examples (a number), since that is what responses show.
// - get-alerts example 1 has no detectorId: the emulator always sends it (it is in the
//   property table and in the other examples); extra fields are allowed here.
// - isAadJoined appears only in examples: the emulator sends it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index';
import { sharedData } from '../helpers/repo';
import { EmulatorClient, FIXED_NOW, RELAXED_LIMITS } from './client';

const examples = path.join(sharedData, 'mde-api-examples');
const haveData = existsSync(examples);
if (!haveData) console.warn(`Skipping the emulator contract tests: ${examples} is missing (the shared sample data is not on this machine).`);

function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(examples, name), 'utf8')) as Record<string, unknown>;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Differences between the shape of a documented value and the emulator's values for
 * the same field (one per item of a collection): a field missing, a different JSON
 * type, or a field the example fills that the emulator never fills. A documented null
 * accepts anything; an emulator null is accepted where another item fills the field.
 * Arrays compare their elements; objects recurse.
 */
function differences(documented: unknown, actuals: unknown[], at = '$'): string[] {
  const dt = typeOf(documented);
  if (dt === 'null') return [];
  const filled = actuals.filter((a) => a !== null);
  const wrong = filled.find((a) => typeOf(a) !== dt);
  if (wrong !== undefined) return [`${at}: documented ${dt}, emulator ${typeOf(wrong)}`];
  if (!filled.length) return [`${at}: documented ${dt}, emulator always null`];
  if (dt === 'array') {
    const first = (documented as unknown[])[0];
    if (first === undefined) return [];
    const elements = (filled as unknown[][]).flat();
    if (!elements.length) return [`${at}: documented with items, emulator always empty`];
    return differences(first, elements, `${at}[]`);
  }
  if (dt === 'object') {
    const d = documented as Record<string, unknown>;
    const objects = filled as Record<string, unknown>[];
    return Object.keys(d).flatMap((k) =>
      objects.some((o) => !(k in o)) ? [`${at}.${k}: missing`] : differences(d[k], objects.map((o) => o[k]), `${at}.${k}`),
    );
  }
  return [];
}

const shapeDifferences = (documented: unknown, actual: unknown) => differences(documented, [actual]);

describe.skipIf(!haveData)('contract: documented examples vs the emulator', () => {
  let emu: RunningEmulator;
  let client: EmulatorClient;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({ seed: 3, now: FIXED_NOW, limits: RELAXED_LIMITS });
    client = new EmulatorClient(emu);
    token = await client.appToken();
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  const call = async (p: string) => {
    const a = await client.get(token, p);
    expect(a.status, a.text).toBe(200);
    return a.body;
  };

  it('the shape checker notices a missing field and a changed type', () => {
    expect(shapeDifferences({ a: 1, b: 'x', c: null }, { a: '1', c: 5 })).toEqual(['$.a: documented number, emulator string', '$.b: missing']);
    expect(differences({ a: 1 }, [{ a: null }, { a: null }])).toEqual(['$.a: documented number, emulator always null']);
    expect(differences({ a: [{ b: 1 }] }, [{ a: [] }])).toEqual(['$.a: documented with items, emulator always empty']);
    expect(differences({ a: 1 }, [{ a: null }, { a: 2 }])).toEqual([]);
  });

  it('GET /api/machines', async () => {
    const doc = example('get-machines.response.json');
    const body = await call('/api/machines');
    expect(shapeDifferences(doc, body)).toEqual([]);
    expect(typeof (body.value as { rbacGroupId: unknown }[])[0]!.rbacGroupId).toBe('number');
  });

  it("GET /api/machines?$filter=healthStatus ne 'Active' (OData example 4)", async () => {
    const doc = example('get-machines.odata-example4-healthStatus-ne-Active.response.json');
    const body = await call("/api/machines?$filter=healthStatus ne 'Active'");
    const value = body.value as { healthStatus: string }[];
    expect(value.length).toBeGreaterThan(0);
    expect(value.every((m) => m.healthStatus !== 'Active')).toBe(true);
    expect(shapeDifferences(doc, body)).toEqual([]);
  });

  it('GET /api/machines/{id}', async () => {
    const doc = example('get-machine-by-id.response.json');
    const id = emu.answerKey().stories[0]!.machineIds[0]!;
    const body = await call(`/api/machines/${id}`);
    expect(body.id).toBe(id);
    expect(body['@odata.context']).toBe(`${emu.url}/api/$metadata#Machines/$entity`);
    expect(shapeDifferences(doc, body)).toEqual([]);
  });

  it('GET /api/alerts (example 1, evidence empty without $expand)', async () => {
    const doc = example('get-alerts.example1-default.response.json');
    const body = await call('/api/alerts');
    expect(shapeDifferences(doc, body)).toEqual([]);
    const value = body.value as { evidence: unknown[]; detectorId?: string }[];
    expect(value.every((a) => Array.isArray(a.evidence) && a.evidence.length === 0)).toBe(true);
    expect(value.every((a) => typeof a.detectorId === 'string')).toBe(true);
  });

  it('GET /api/alerts?$top=10&$expand=evidence (example 2), evidence of each documented kind', async () => {
    const doc = example('get-alerts.example2-top10-expand-evidence.response.json');
    const body = await call("/api/alerts?$top=10&$expand=evidence&$filter=severity eq 'High'");
    const value = body.value as { evidence: { entityType: string }[] }[];
    expect(value.length).toBeGreaterThan(0);
    expect(value.length).toBeLessThanOrEqual(10);
    expect(body['@odata.nextLink']).toBeUndefined();
    const docAlert = (doc.value as Record<string, unknown>[])[0]!;
    const { evidence: docEvidence, ...docRest } = docAlert as { evidence: { entityType: string }[] };
    expect(differences(docRest, value)).toEqual([]);
    const all = value.flatMap((a) => a.evidence);
    for (const item of docEvidence) {
      const same = all.filter((e) => e.entityType === item.entityType);
      expect(same.length, `emulator evidence items of type ${item.entityType}`).toBeGreaterThan(0);
      expect(differences(item, same)).toEqual([]);
    }
  });

  it('GET /api/alerts/{id}', async () => {
    const doc = example('get-alert-by-id.response.json');
    const id = emu.answerKey().stories[0]!.alertIds[0]!;
    const body = await call(`/api/alerts/${id}`);
    expect(body.id).toBe(id);
    // One alert cannot fill every nullable field: check its fields' types, then the
    // documented fill across all alerts of the tenant.
    const { evidence: _docEvidence, ...docRest } = doc;
    const problems = shapeDifferences(docRest, body).filter((p) => !p.endsWith('always null') && !p.endsWith('always empty'));
    expect(problems).toEqual([]);
    const everyAlert = (await call('/api/alerts?$expand=evidence')).value as Record<string, unknown>[];
    expect(differences(docRest, everyAlert)).toEqual([]);
    const evidence = body.evidence as { entityType: string }[];
    const allEvidence = everyAlert.flatMap((a) => a.evidence as { entityType: string }[]);
    for (const item of doc.evidence as { entityType: string }[]) {
      expect(evidence.some((e) => e.entityType === item.entityType) || allEvidence.some((e) => e.entityType === item.entityType)).toBe(true);
      expect(differences(item, allEvidence.filter((e) => e.entityType === item.entityType))).toEqual([]);
    }
  });

  it('GET /api/files/{sha1} and by SHA-256', async () => {
    const doc = example('get-file-information.response.json');
    const sha1 = emu.answerKey().stories.find((s) => s.id === 'malicious-file')!.sha1s[0]!;
    const body = await call(`/api/files/${sha1}`);
    expect(body.sha1).toBe(sha1);
    // The implant is unsigned, so its signer fields are null; a signed tool fills them.
    expect(shapeDifferences(doc, body).filter((p) => !p.endsWith('always null'))).toEqual([]);
    const signedTool = emu.answerKey().stories.find((s) => s.id === 'credential-dumping')!.sha1s[0]!;
    expect(differences(doc, [body, await call(`/api/files/${signedTool}`)])).toEqual([]);
    expect(body).not.toHaveProperty('md5');
    const again = await call(`/api/files/${String(body.sha256)}`);
    expect(again.sha1).toBe(sha1);
  });

  it('POST /api/advancedqueries/run with the documented query', async () => {
    const doc = example('advancedqueries-run.response.json');
    const request = example('advancedqueries-run.request.json');
    const answer = await client.hunt(token, String(request.Query));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.Schema).toEqual(doc.Schema);
    expect(answer.body.Results.length).toBeGreaterThan(0);
    expect(answer.body.Results.length).toBeLessThanOrEqual(2);
    expect(shapeDifferences(doc, answer.body)).toEqual([]);
    for (const row of answer.body.Results) {
      expect(Object.keys(row)).toEqual(['Timestamp', 'FileName', 'InitiatingProcessFileName', 'DeviceId']);
      expect(row.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    }
  });
});
