export const syncPhases = ['policy', 'machines', 'alerts', 'logon-users', 'hunting', 'files', 'done'] as const;
export type SyncPhase = (typeof syncPhases)[number];

export interface SyncProgress {
  tenant: string;
  phase: SyncPhase;
  /** e.g. "DeviceProcessEvents" while hunting. */
  detail: string | null;
  done: number;
  expected: number | null;
  /** Items per second over the phase so far. */
  rate: number;
  etaSeconds: number | null;
  retries: number;
  throttledSeconds: number;
  /** Rows written to the cache so far in this sync. */
  rowsWritten: number;
}

/** Turns counts into rate and ETA for the progress bar, and decides when to report. */
export class ProgressTracker {
  private phase: SyncPhase = 'policy';
  private detail: string | null = null;
  private done = 0;
  private expected: number | null = null;
  private phaseStartedAt: number;
  private lastReport = 0;
  retries = 0;
  throttledMs = 0;
  rowsWritten = 0;

  constructor(
    private readonly tenant: string,
    private readonly report: (progress: SyncProgress) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.phaseStartedAt = now();
  }

  enter(phase: SyncPhase, expected: number | null = null, detail: string | null = null): void {
    this.phase = phase;
    this.detail = detail;
    this.done = 0;
    this.expected = expected;
    this.phaseStartedAt = this.now();
    this.emit(true);
  }

  expect(expected: number | null): void {
    this.expected = expected;
  }

  advance(items: number, detail: string | null = this.detail): void {
    this.done += items;
    this.detail = detail;
    this.emit(false);
  }

  snapshot(): SyncProgress {
    const seconds = Math.max(0.001, (this.now() - this.phaseStartedAt) / 1000);
    const rate = this.done / seconds;
    const remaining = this.expected === null ? null : Math.max(0, this.expected - this.done);
    return {
      tenant: this.tenant,
      phase: this.phase,
      detail: this.detail,
      done: this.done,
      expected: this.expected,
      rate: Math.round(rate),
      etaSeconds: remaining === null || rate <= 0 ? null : Math.round(remaining / rate),
      retries: this.retries,
      throttledSeconds: Math.round(this.throttledMs / 1000),
      rowsWritten: this.rowsWritten,
    };
  }

  emit(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastReport < 200) return;
    this.lastReport = now;
    this.report(this.snapshot());
  }
}
