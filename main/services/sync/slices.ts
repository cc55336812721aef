/**
 * Cutting a table's window into hunting queries that each stay under the API's 100,000-row
 * cap: machines are packed together while their counts fit, and a machine too busy for
 * one query has its time window halved until each half fits.
 */
export interface Slice {
  machineIds: string[];
  from: string;
  to: string;
  expectedRows: number;
}

export const SLICE_ROWS = 90_000;

export function packMachines(counts: ReadonlyMap<string, number>, from: string, to: string, limit = SLICE_ROWS): { slices: Slice[]; tooBusy: string[] } {
  const slices: Slice[] = [];
  const tooBusy: string[] = [];
  let current: Slice | null = null;
  const ordered = [...counts.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  for (const [machineId, rows] of ordered) {
    if (rows > limit) {
      tooBusy.push(machineId);
      continue;
    }
    // A query's text grows with its machine list; 200 ids keeps it well under any size cap.
    if (!current || current.expectedRows + rows > limit || current.machineIds.length >= 200) {
      current = { machineIds: [], from, to, expectedRows: 0 };
      slices.push(current);
    }
    current.machineIds.push(machineId);
    current.expectedRows += rows;
  }
  return { slices, tooBusy };
}

export function halves(from: string, to: string): [[string, string], [string, string]] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const middle = new Date(start + Math.floor((end - start) / 2 / 1000) * 1000).toISOString();
  return [
    [from, middle],
    [middle, to],
  ];
}
