// The generated tenant: directory, fleet, alerts and the recipe for every hunting row.
// Entities are small and kept in memory; hunting rows are regenerated per
// (table, machine, day) on demand, so a 10-million-event tenant costs a few megabytes.
import { Random } from '../prng';
import { DAY_MS } from '../time';
import { backgroundAlerts } from './background-alerts';
import { ALL_GROUPS, type TenantIdentity, tenantIdentity, tenantUsers } from './directory';
import { buildMachines } from './machines';
import { noiseRows } from './noise';
import { HUNTING_TABLES, type HuntingRow, type HuntingTable } from './schema';
import { type StoryBook, type StoryKey, writeStories } from './stories';
import type { Alert, DeviceGroup, MachineProfile, TenantUser } from './types';

export type Scale = 'small' | 'medium' | 'large' | number;

/** Target event counts (all six tables together, over the 30 days). */
export const SCALE_EVENTS = { small: 7_500, medium: 1_000_000, large: 10_000_000 } as const;
export const WINDOW_DAYS = 30;

export function scaleEvents(scale: Scale): number {
  if (typeof scale === 'number') {
    if (!Number.isFinite(scale) || scale < 1000) throw new Error(`scale must be at least 1,000 events, got ${scale}`);
    return Math.floor(scale);
  }
  const events = SCALE_EVENTS[scale];
  if (events === undefined) throw new Error(`unknown scale '${String(scale)}': use small, medium, large or an event count`);
  return events;
}

/** Fleet size grows with the event count: about 5,000 events per machine over 30 days. */
export function machineCountFor(events: number): number {
  return Math.min(2000, Math.max(20, Math.round(events / 5000)));
}

/** Share of non-inventory events per table (DeviceInfo is a fixed few rows a day). */
const SHARE: Record<Exclude<HuntingTable, 'DeviceInfo'>, number> = {
  DeviceProcessEvents: 0.22,
  DeviceFileEvents: 0.25,
  DeviceRegistryEvents: 0.18,
  DeviceNetworkEvents: 0.26,
  DeviceLogonEvents: 0.09,
};

export interface TenantOptions {
  seed: number;
  scale: Scale;
  /** Midnight UTC that ends the 30 days of data. */
  anchorMs: number;
}

export class Tenant {
  readonly seed: number;
  readonly anchorMs: number;
  /** Start of the first generated day. */
  readonly firstDayMs: number;
  readonly targetEvents: number;
  readonly identity: TenantIdentity;
  readonly users: TenantUser[];
  readonly groups: DeviceGroup[] = ALL_GROUPS;
  readonly fleet: MachineProfile[];
  readonly alerts: Alert[];
  readonly stories: StoryKey[];
  readonly storyBook: StoryBook;
  readonly machineById = new Map<string, MachineProfile>();
  readonly alertById = new Map<string, Alert>();
  /** Noise row counts, indexed [table][machine][day]. */
  private readonly noiseCounts: Int32Array;
  private readonly storyRows = new Map<string, HuntingRow[]>();

  constructor(opts: TenantOptions) {
    this.seed = opts.seed >>> 0;
    this.anchorMs = opts.anchorMs;
    this.firstDayMs = opts.anchorMs - WINDOW_DAYS * DAY_MS;
    this.targetEvents = scaleEvents(opts.scale);
    this.identity = tenantIdentity(this.seed);
    this.users = tenantUsers(this.seed);
    this.fleet = buildMachines(this.seed, machineCountFor(this.targetEvents), this.anchorMs);
    for (const p of this.fleet) this.machineById.set(p.machine.id, p);
    this.storyBook = writeStories(this.seed, this.fleet, this.anchorMs, this.identity.tenantId);
    this.stories = this.storyBook.stories;
    for (const e of this.storyBook.events) {
      const day = this.dayIndexOf(Date.parse(String(e.row.Timestamp)));
      if (day < 0 || day >= WINDOW_DAYS) continue;
      const key = this.key(e.table, e.machineIndex, day);
      const list = this.storyRows.get(key) ?? [];
      list.push(e.row);
      this.storyRows.set(key, list);
    }
    this.alerts = [...this.storyBook.alerts, ...backgroundAlerts(this.seed, this.fleet, this.anchorMs, this.identity.tenantId)].sort((a, b) =>
      a.alertCreationTime < b.alertCreationTime ? -1 : a.alertCreationTime > b.alertCreationTime ? 1 : 0,
    );
    for (const a of this.alerts) this.alertById.set(a.id, a);
    this.noiseCounts = this.planCounts();
  }

  get days(): number {
    return WINDOW_DAYS;
  }

  dayStartMs(day: number): number {
    return this.firstDayMs + day * DAY_MS;
  }

  dayIndexOf(ms: number): number {
    return Math.floor((ms - this.firstDayMs) / DAY_MS);
  }

  private key(table: HuntingTable, machine: number, day: number): string {
    return `${table}|${machine}|${day}`;
  }

  private slot(table: HuntingTable, machine: number, day: number): number {
    return (HUNTING_TABLES.indexOf(table) * this.fleet.length + machine) * WINDOW_DAYS + day;
  }

  /** Decide every machine-day's noise row count up front: cheap, and makes totals exact. */
  private planCounts(): Int32Array {
    const counts = new Int32Array(HUNTING_TABLES.length * this.fleet.length * WINDOW_DAYS);
    const weight = (p: MachineProfile, day: number): number => {
      const weekday = new Date(this.dayStartMs(day)).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      return p.activity * (p.role === 'workstation' && weekend ? 0.25 : 1);
    };
    let totalWeight = 0;
    for (const p of this.fleet) {
      const lastDay = this.dayIndexOf(Date.parse(p.machine.lastSeen));
      for (let d = 0; d < WINDOW_DAYS && d <= lastDay; d++) totalWeight += weight(p, d);
    }
    const machineDays = this.fleet.length * WINDOW_DAYS;
    const infoPerDay = Math.min(6, Math.max(1, Math.round(this.targetEvents / machineDays / 40)));
    const storyTotal = this.storyBook.events.length;
    const eventBudget = Math.max(0, this.targetEvents - infoPerDay * machineDays - storyTotal);
    for (const p of this.fleet) {
      // A machine that stopped reporting sends nothing after the day it was last seen.
      const lastDay = this.dayIndexOf(Date.parse(p.machine.lastSeen));
      for (let d = 0; d < WINDOW_DAYS; d++) {
        if (d > lastDay) continue;
        const r = Random.of(this.seed, 'counts', p.index, d);
        counts[this.slot('DeviceInfo', p.index, d)] = infoPerDay;
        const w = weight(p, d) / totalWeight;
        for (const [table, share] of Object.entries(SHARE) as [HuntingTable, number][]) {
          const expected = eventBudget * share * w;
          counts[this.slot(table, p.index, d)] = Math.max(0, Math.round(expected * (0.8 + 0.4 * r.next())));
        }
      }
    }
    return counts;
  }

  /** How many rows `table` has for a machine-day, without generating them. */
  countRows(table: HuntingTable, machine: number, day: number): number {
    if (day < 0 || day >= WINDOW_DAYS) return 0;
    return (this.noiseCounts[this.slot(table, machine, day)] ?? 0) + (this.storyRows.get(this.key(table, machine, day))?.length ?? 0);
  }

  /** Total rows per table over the whole 30 days. */
  tableTotals(): Record<HuntingTable, number> {
    const totals = Object.fromEntries(HUNTING_TABLES.map((t) => [t, 0])) as Record<HuntingTable, number>;
    for (const t of HUNTING_TABLES) for (const p of this.fleet) for (let d = 0; d < WINDOW_DAYS; d++) totals[t] += this.countRows(t, p.index, d);
    return totals;
  }

  /**
   * The rows of one machine-day, sorted by Timestamp, each with a ReportId unique on
   * the machine: day number, table and position, so it is stable across calls.
   */
  rowsFor(table: HuntingTable, machine: number, day: number): HuntingRow[] {
    const profile = this.fleet[machine];
    if (!profile || day < 0 || day >= WINDOW_DAYS) return [];
    const noise = noiseRows(this.seed, table, profile, this.fleet, this.dayStartMs(day), this.noiseCounts[this.slot(table, machine, day)] ?? 0);
    const story = this.storyRows.get(this.key(table, machine, day));
    const rows = story ? [...noise, ...story.map((r) => ({ ...r }))] : noise;
    rows.sort((a, b) => (String(a.Timestamp) < String(b.Timestamp) ? -1 : String(a.Timestamp) > String(b.Timestamp) ? 1 : 0));
    const base = Math.floor(this.dayStartMs(day) / DAY_MS) * 10_000_000 + HUNTING_TABLES.indexOf(table) * 1_000_000;
    for (let i = 0; i < rows.length; i++) rows[i]!.ReportId = base + i;
    return rows;
  }
}
