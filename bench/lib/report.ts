/** One benchmark's result, as `--json` prints it (one object per line). */
export interface BenchRow {
  name: string;
  value: number | null;
  unit: string;
  /** The same measurement without the thing under test (plaintext for ingest), when there is one. */
  baseline?: number | null;
  /** value / baseline, when there is a baseline. */
  ratio?: number | null;
  /** The target as text, e.g. ">= 0.85 of plaintext and >= 60000 events/s". */
  target: string;
  met: boolean;
  /** What else was measured or why it was not. */
  detail?: string;
}

const round = (n: number | null | undefined, digits = 2): number | null =>
  n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

export function row(r: BenchRow): BenchRow {
  const out: BenchRow = { name: r.name, value: round(r.value), unit: r.unit, target: r.target, met: r.met };
  if (r.baseline !== undefined) out.baseline = round(r.baseline);
  if (r.ratio !== undefined) out.ratio = round(r.ratio, 3);
  if (r.detail) out.detail = r.detail;
  return out;
}

export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    r.value === null ? 'n/a' : r.value.toLocaleString('en-US'),
    r.unit,
    r.baseline === undefined || r.baseline === null ? '' : r.baseline.toLocaleString('en-US'),
    r.ratio === undefined || r.ratio === null ? '' : r.ratio.toFixed(3),
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const head = ['benchmark', 'value', 'unit', 'baseline', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 || i === 3 || i === 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const c of cells) out.push(line(c));
  const notes = rows.filter((r) => r.detail).map((r) => `  ${r.name}: ${r.detail}`);
  if (notes.length) out.push('', 'notes:', ...notes);
  return out.join('\n');
}
