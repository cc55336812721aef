// Switchable faults, so a test can make a sync meet the failures a real tenant has:
// throttling storms, server errors, slow or cut-off responses, broken JSON, tokens the
// service suddenly calls expired, a revoked refresh token, a lapsed licence.
import { Random } from './prng';

export const FAULT_NAMES = [
  'throttle',
  'server-error',
  'slow',
  'cut-body',
  'malformed-json',
  'expired-token',
  'revoked-refresh-token',
  'license-lapsed',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Which calls a fault can hit. `api` is entity + hunting + policy; `token` is the sign-in token endpoint. */
export type FaultTarget = 'all' | 'api' | 'entity' | 'hunting' | 'policy' | 'token';
export type CallKind = 'entity' | 'hunting' | 'policy' | 'token' | 'other';

export interface FaultOptions {
  target?: FaultTarget;
  /** Fire on this many matching calls, then switch off. Default: until cleared. */
  count?: number;
  /** Fire on every Nth matching call (1 = every call). */
  every?: number;
  /** Fire on this fraction of matching calls (seeded, so runs repeat). */
  fraction?: number;
  /** Let this many matching calls through before firing. */
  afterCalls?: number;
  /** slow: delay in milliseconds (default 2,000). */
  delayMs?: number;
  /** cut-body: bytes of the body sent before the connection is dropped (default 512). */
  afterBytes?: number;
  /** throttle: the Retry-After the 429 carries (default 1). */
  retryAfterSeconds?: number;
}

export interface ActiveFault {
  name: FaultName;
  options: FaultOptions;
  /** Matching calls seen so far. */
  seen: number;
  /** Times the fault fired. */
  fired: number;
}

export interface FaultSwitch {
  set(name: FaultName, options?: FaultOptions): void;
  clear(name?: FaultName): void;
  active(): ActiveFault[];
  /** How many times a fault has fired since it was set. */
  firedCount(name: FaultName): number;
}

const DEFAULT_TARGET: Record<FaultName, FaultTarget> = {
  throttle: 'api',
  'server-error': 'api',
  slow: 'api',
  'cut-body': 'api',
  'malformed-json': 'api',
  'expired-token': 'api',
  'revoked-refresh-token': 'token',
  'license-lapsed': 'api',
};

function matches(target: FaultTarget, kind: CallKind): boolean {
  if (target === 'all') return true;
  if (target === 'api') return kind === 'entity' || kind === 'hunting' || kind === 'policy';
  return target === kind;
}

export class Faults implements FaultSwitch {
  private readonly faults = new Map<FaultName, ActiveFault>();
  private readonly fired = new Map<FaultName, number>();
  private readonly random: Random;

  constructor(seed: number) {
    this.random = Random.of(seed, 'faults');
  }

  set(name: FaultName, options: FaultOptions = {}): void {
    if (!FAULT_NAMES.includes(name)) throw new Error(`unknown fault '${String(name)}'; known: ${FAULT_NAMES.join(', ')}`);
    this.faults.set(name, { name, options: { target: DEFAULT_TARGET[name], ...options }, seen: 0, fired: 0 });
    this.fired.set(name, 0);
  }

  clear(name?: FaultName): void {
    if (name) this.faults.delete(name);
    else this.faults.clear();
  }

  active(): ActiveFault[] {
    return [...this.faults.values()].map((f) => ({ ...f, options: { ...f.options } }));
  }

  firedCount(name: FaultName): number {
    return this.fired.get(name) ?? 0;
  }

  /** Decide whether `name` fires on this call, counting it. */
  fires(name: FaultName, kind: CallKind): ActiveFault | null {
    const f = this.faults.get(name);
    if (!f || !matches(f.options.target ?? 'api', kind)) return null;
    f.seen++;
    const o = f.options;
    const n = f.seen - (o.afterCalls ?? 0);
    if (n <= 0) return null;
    if (o.every && n % o.every !== 0) return null;
    if (o.fraction !== undefined && this.random.next() >= o.fraction) return null;
    f.fired++;
    this.fired.set(name, (this.fired.get(name) ?? 0) + 1);
    if (o.count !== undefined && f.fired >= o.count) this.faults.delete(name);
    return f;
  }

  /** True while a fault is switched on for this kind of call, without counting it. */
  isOn(name: FaultName, kind: CallKind): boolean {
    const f = this.faults.get(name);
    return !!f && matches(f.options.target ?? 'api', kind);
  }
}

/**
 * Parse a command-line fault: `NAME[=ARG][,key=value...]`. ARG is the fault's main
 * number: how many calls for throttle, server-error and malformed-json; milliseconds
 * for slow; bytes for cut-body. Examples: `throttle=5`, `slow=1500,target=hunting`,
 * `server-error,every=3`, `cut-body=2048,target=hunting,count=1`, `license-lapsed`.
 */
export function parseFaultArgument(text: string): { name: FaultName; options: FaultOptions } {
  const [head = '', ...pairs] = text.split(',');
  const [rawName = '', arg] = head.split('=');
  const name = rawName.trim() as FaultName;
  if (!FAULT_NAMES.includes(name)) throw new Error(`unknown fault '${rawName}'; known: ${FAULT_NAMES.join(', ')}`);
  const options: FaultOptions = {};
  const num = (key: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < 0) throw new Error(`fault ${name}: ${key} needs a number, got '${v ?? ''}'`);
    return n;
  };
  if (arg !== undefined) {
    if (name === 'slow') options.delayMs = num('delay', arg);
    else if (name === 'cut-body') options.afterBytes = num('bytes', arg);
    else options.count = num('count', arg);
  }
  for (const pair of pairs) {
    const [key = '', value] = pair.split('=');
    switch (key.trim()) {
      case 'target': {
        const t = (value ?? '') as FaultTarget;
        if (!['all', 'api', 'entity', 'hunting', 'policy', 'token'].includes(t)) throw new Error(`fault ${name}: unknown target '${t}'`);
        options.target = t;
        break;
      }
      case 'count': options.count = num('count', value); break;
      case 'every': options.every = num('every', value); break;
      case 'fraction': options.fraction = num('fraction', value); break;
      case 'after': case 'afterCalls': options.afterCalls = num('after', value); break;
      case 'delay': case 'delayMs': options.delayMs = num('delay', value); break;
      case 'bytes': case 'afterBytes': options.afterBytes = num('bytes', value); break;
      case 'retryAfter': case 'retryAfterSeconds': options.retryAfterSeconds = num('retryAfter', value); break;
      default: throw new Error(`fault ${name}: unknown option '${key}'`);
    }
  }
  return { name, options };
}
