import { describe, expect, it } from 'vitest';
import { ALERT_FIELDS, MACHINE_FIELDS } from '../../emulator/api/entities';
import { ODataError, compileFilter, parseFilter } from '../../emulator/api/odata';

const machine = {
  id: 'abc', computerDnsName: 'fin-ws-001.corp.fabrikam.com', healthStatus: 'Active', osPlatform: 'Windows11', riskScore: 'High',
  rbacGroupId: 101, machineTags: ['Finance', 'VIP'], lastSeen: '2026-11-20T10:00:00.1234567Z',
};

describe('OData $filter', () => {
  const test = (f: string) => compileFilter(f, MACHINE_FIELDS)(machine);

  it('compares with eq, ne, gt, ge, lt, le on strings, numbers and datetimes', () => {
    expect(test("healthStatus eq 'Active'")).toBe(true);
    expect(test("healthStatus ne 'Active'")).toBe(false);
    expect(test('rbacGroupId eq 101')).toBe(true);
    expect(test('rbacGroupId gt 101')).toBe(false);
    expect(test('rbacGroupId ge 101')).toBe(true);
    expect(test('lastSeen gt 2026-11-20T09:59:59Z')).toBe(true);
    expect(test('lastSeen lt 2026-11-20T10:00:00.1234567Z')).toBe(false);
    expect(test('lastSeen le 2026-11-20T10:00:00.1234567Z')).toBe(true);
    expect(test('lastSeen ge 2026-11-21')).toBe(false);
  });

  it('combines with and, or, not and parentheses', () => {
    expect(test("healthStatus eq 'Active' and (riskScore eq 'Low' or riskScore eq 'High')")).toBe(true);
    expect(test("healthStatus eq 'Active' and riskScore eq 'Low' or rbacGroupId eq 999")).toBe(false);
    expect(test("not (osPlatform eq 'Windows10')")).toBe(true);
  });

  it('supports startswith() and machineTags/any()', () => {
    expect(test("startswith(computerDnsName, 'fin-')")).toBe(true);
    expect(test("startswith(computerDnsName, 'eng-')")).toBe(false);
    expect(test("machineTags/any(tag: tag eq 'VIP')")).toBe(true);
    expect(test("machineTags/any(t: t eq 'Servers')")).toBe(false);
  });

  it("reads quoted strings with doubled quotes", () => {
    const f = parseFilter("computerDnsName eq 'o''brien'");
    expect(f).toMatchObject({ kind: 'compare', value: "o'brien" });
  });

  it('refuses properties that are not filterable, bad operators and malformed input', () => {
    expect(() => test("color eq 'red'")).toThrow(/cannot be filtered/);
    expect(() => test("healthStatus like 'Act'")).toThrow(ODataError);
    expect(() => test("healthStatus eq 'Active")).toThrow(/Unterminated/);
    expect(() => test('healthStatus eq Active')).toThrow(/quote strings/);
    expect(() => test("lastSeen gt 'yesterday'")).toThrow(/datetime/);
    expect(() => test("(healthStatus eq 'Active'")).toThrow(ODataError);
    expect(() => compileFilter("machineTags eq 'x'", ALERT_FIELDS)).toThrow(/cannot be filtered/);
  });
});
