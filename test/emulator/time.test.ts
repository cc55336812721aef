import { describe, expect, it } from 'vitest';
import { formatTicks, normalizeDateTime } from '../../emulator/time';

describe('timestamps in the API form', () => {
  it('formats milliseconds plus ticks with seven fractional digits, as toISOString would', () => {
    for (const ms of [0, Date.UTC(2026, 10, 1, 9, 5, 7, 42), Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(1999, 11, 31)]) {
      expect(formatTicks(ms, 7)).toBe(new Date(ms).toISOString().replace('Z', '0007Z'));
    }
    expect(formatTicks(Date.UTC(2026, 0, 1), 12_345)).toBe('2026-01-01T00:00:00.0002345Z');
  });

  it('normalizes ISO dates and date-times, with any precision and offsets', () => {
    expect(normalizeDateTime('2026-11-01')).toBe('2026-11-01T00:00:00.0000000Z');
    expect(normalizeDateTime('2026-11-01T10:00:00Z')).toBe('2026-11-01T10:00:00.0000000Z');
    expect(normalizeDateTime('2026-11-01T10:00:00.2648757Z')).toBe('2026-11-01T10:00:00.2648757Z');
    expect(normalizeDateTime('2026-11-01T12:00:00.5+02:00')).toBe('2026-11-01T10:00:00.5000000Z');
    expect(normalizeDateTime('yesterday')).toBeNull();
  });
});
