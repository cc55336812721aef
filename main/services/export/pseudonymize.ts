import { createHmac, randomBytes } from 'node:crypto';

/**
 * Replaces host and account names with stable pseudonyms (HMAC-SHA256 under a key made for
 * this one export and never written anywhere), so the same host reads the same throughout a
 * report but cannot be linked to another export or reversed by guessing names.
 */
export class Pseudonymizer {
  private readonly key: Buffer;
  private readonly pattern: RegExp | null;
  private readonly kinds = new Map<string, 'host' | 'user'>();

  constructor(names: { hosts: Iterable<string>; accounts: Iterable<string> }, key: Buffer = randomBytes(32)) {
    this.key = key;
    for (const host of names.hosts) {
      const name = host.trim().toLowerCase();
      if (name.length < 3) continue;
      this.kinds.set(name, 'host');
      // Descriptions name hosts by their short name (FIN-WS-001 for fin-ws-001.fabrikam.com).
      const short = name.split('.')[0] ?? '';
      if (short.length >= 3 && !this.kinds.has(short)) this.kinds.set(short, 'host');
    }
    for (const account of names.accounts) {
      const name = account.trim().toLowerCase();
      if (name.length >= 3 && !this.kinds.has(name)) this.kinds.set(name, 'user');
    }
    const alternatives = [...this.kinds.keys()].sort((a, b) => b.length - a.length).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = alternatives.length ? new RegExp(`(?<![A-Za-z0-9_-])(?:${alternatives.join('|')})(?![A-Za-z0-9_-])`, 'gi') : null;
  }

  pseudonym(name: string): string {
    const lower = name.toLowerCase();
    const kind = this.kinds.get(lower) ?? 'user';
    return `${kind}-${createHmac('sha256', this.key).update(`${kind}:${lower}`).digest('hex').slice(0, 10)}`;
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, (match) => this.pseudonym(match)) : value;
  }

  /** Every string in a JSON-like value, keys included. */
  deep<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.deep(item)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.deep(v)])) as T;
    }
    return value;
  }

  /** Drops the key from memory once the export is written. */
  forget(): void {
    this.key.fill(0);
  }
}
