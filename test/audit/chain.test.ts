import { describe, expect, it } from 'vitest';
import { chainNext, verifyChain, type ChainedEntry } from '../../main/services/audit/chain';

function log(n: number): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(chainNext(entries.at(-1) ?? null, { at: `2026-11-26T00:00:0${i}Z`, actor: 'analyst', action: i % 2 ? 'view' : 'search', target: `machine-${i}`, detail: { i } }));
  }
  return entries;
}

describe('audit chain', () => {
  it('verifies an intact log and its anchor', () => {
    const entries = log(6);
    expect(verifyChain(entries, entries.at(-1))).toMatchObject({ ok: true, entries: 6 });
  });

  it('detects an edit of any field of any entry', () => {
    for (let i = 0; i < 6; i++) {
      for (const field of ['at', 'actor', 'action', 'target', 'detail'] as const) {
        const entries = log(6);
        entries[i] = { ...entries[i]!, [field]: field === 'detail' ? { i: 99 } : 'edited' };
        expect(verifyChain(entries).ok, `${field} of ${i}`).toBe(false);
      }
    }
  });

  it('detects a deletion, a reordering and a cut tail', () => {
    const deleted = log(6);
    deleted.splice(2, 1);
    expect(verifyChain(deleted)).toMatchObject({ ok: false, brokenAt: 4 });
    const reordered = log(6);
    [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
    expect(verifyChain(reordered).ok).toBe(false);
    const full = log(6);
    expect(verifyChain(full.slice(0, 4), full.at(-1))).toMatchObject({ ok: false, reason: expect.stringContaining('ends at entry 4') });
  });

  it('detects a rewritten entry even with its own hash recomputed', () => {
    const entries = log(5);
    const forged = chainNext(entries[1]!, { ...entries[2]!, target: 'forged' });
    entries[2] = forged;
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenAt: 4 });
  });
});
