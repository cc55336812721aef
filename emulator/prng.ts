// Seeded randomness. Every generated value flows from (seed, labels...) so the same
// seed and anchor always give the same tenant, and any machine-day can be regenerated
// on its own without generating what came before it.

/** FNV-1a over the labels, mixed with the seed: a stable 32-bit key for a PRNG stream. */
export function streamKey(seed: number, ...labels: (string | number)[]): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (const label of labels) {
    const s = String(label);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x7c; // separator, so ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** sfc32: small, fast, and good enough statistically for synthetic telemetry. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = key >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  static of(seed: number, ...labels: (string | number)[]): Random {
    return new Random(streamKey(seed, ...labels));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Pick with weights; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  guid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** A stable fake hash of `length` hex digits for a named thing (a file, a device). */
export function stableHex(seed: number, length: number, ...labels: (string | number)[]): string {
  return Random.of(seed, 'hex', length, ...labels).hex(length);
}

/** One seeded stream as a plain function: tests and benchmarks that must replay a seed. */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed >>> 0);
  return () => random.next();
}
