import { describe, expect, it } from 'vitest';
import { caseToHtml, Pseudonymizer, type CaseDocument } from '../../main/services/export';

const doc: CaseDocument = {
  format: 'outpost-case/1', tenant: 'demo', exportedAt: '2026-11-26T00:00:00.000Z', appVersion: '0.1.0', pseudonymized: false,
  entities: [{
    type: 'machine', key: 'm1', label: 'fin-ws-001.corp.fabrikam.com', tags: ['patient-zero'],
    notes: [{ body: 'FIN-WS-001: mchen ran it; svc-backup moved on. C:\\Windows\\System32 untouched. <script>alert(1)</script>', author: 'mchen', createdAt: 'x', updatedAt: 'x' }],
    facts: { computer_dns_name: 'fin-ws-001.corp.fabrikam.com', related_user: 'FABRIKAM\\mchen' },
  }],
};

describe('case export', () => {
  it('pseudonymizes host (full and short) and account names everywhere, consistently, and no other word', () => {
    const p = new Pseudonymizer({ hosts: ['fin-ws-001.corp.fabrikam.com'], accounts: ['mchen', 'svc-backup', 'system'] });
    const out = JSON.stringify(p.deep(doc));
    for (const name of ['fin-ws-001', 'mchen', 'svc-backup']) expect(out.toLowerCase()).not.toContain(name);
    expect(out).toContain('System32');
    expect(out.match(/host-[0-9a-f]{10}/g)!.length).toBeGreaterThanOrEqual(3);
    expect(p.pseudonym('MCHEN')).toBe(p.pseudonym('mchen'));
  });

  it('uses a fresh key per export: the same name maps differently in two exports', () => {
    const a = new Pseudonymizer({ hosts: [], accounts: ['mchen'] });
    const b = new Pseudonymizer({ hosts: [], accounts: ['mchen'] });
    expect(a.pseudonym('mchen')).not.toBe(b.pseudonym('mchen'));
  });

  it('renders a self-contained report: escaped text, inline CSS, no script and no external reference', () => {
    const html = caseToHtml(doc);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script|src=|href=|url\(|@import/i);
    expect(html).toContain("default-src 'none'");
  });
});
