import { describe, expect, it } from 'vitest';
import { upgradeNotice } from '../../main/cli/context';

// What `outpost` prints on stderr while an older cache is upgraded at its open: the
// announcement, then a line at each quarter (a 10M-event cache takes minutes), not per percent.
describe('the CLI upgrade notice', () => {
  it('announces the upgrade, then says each quarter once, and nothing at the end (the command goes on)', () => {
    const lines: string[] = [];
    const notice = upgradeNotice((line) => lines.push(line));
    notice({ from: 5, to: 6 });
    for (let percent = 1; percent <= 100; percent++) notice({ from: 5, to: 6, percent });
    expect(lines).toEqual([
      'Upgrading the cache to this version of Outpost (schema 5 to 6); once after an update, a few minutes for a large cache.\n',
      'Upgrading the cache: 25% done.\n',
      'Upgrading the cache: 50% done.\n',
      'Upgrading the cache: 75% done.\n',
    ]);
  });

  it('says a quarter it jumped past once, at the quarter reached', () => {
    const lines: string[] = [];
    const notice = upgradeNotice((line) => lines.push(line));
    notice({ from: 5, to: 6 });
    notice({ from: 5, to: 6, percent: 60 });
    notice({ from: 5, to: 6, percent: 70 });
    expect(lines.slice(1)).toEqual(['Upgrading the cache: 50% done.\n']);
  });
});
