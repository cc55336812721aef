// Time in the form the Defender API prints it: ISO 8601 UTC with seven fractional
// digits (100 ns ticks). Values in that one form compare correctly as strings, which
// lets filters compare timestamps without parsing every generated row.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad = (n: number, width: number) => String(n).padStart(width, '0');
// Rows are formatted by the million: the date part is cached per day.
let cachedDay = Number.NaN;
let cachedDate = '';

/** Format epoch milliseconds, plus up to 9,999 extra ticks of 100 ns, as a 7-digit ISO string. */
export function formatTicks(ms: number, extraTicks = 0): string {
  const whole = Math.floor(ms);
  const day = Math.floor(whole / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 11); // 2026-11-01T
  }
  const inDay = whole - day * DAY_MS;
  const h = Math.floor(inDay / HOUR_MS);
  const m = Math.floor((inDay % HOUR_MS) / MINUTE_MS);
  const sec = Math.floor((inDay % MINUTE_MS) / 1000);
  return `${cachedDate}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${pad(inDay % 1000, 3)}${pad(extraTicks % 10_000, 4)}Z`;
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parse any ISO 8601 date or date-time into the canonical 7-digit form, or null. */
export function normalizeDateTime(text: string): string | null {
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const base = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  if (Number.isNaN(base)) return null;
  const digits = (frac + '0000000').slice(0, 7);
  return formatTicks(base + Number(digits.slice(0, 3)), Number(digits.slice(3, 7)));
}

/** Epoch ms of a canonical (or any ISO) timestamp. */
export function toMs(text: string): number {
  return Date.parse(text);
}

/** Midnight UTC of the day containing `date`. */
export function utcMidnight(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS) * DAY_MS;
}
