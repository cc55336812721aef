import { formatTime } from './Status';

/** Activity over time: one bar per bucket; clicking a bar narrows the timeline to it. */
export function Histogram({ from, bucketMs, counts, onPick }: { from: string | null; bucketMs: number; counts: number[]; onPick?(from: string, to: string): void }) {
  if (!from || counts.length === 0) return <p className="muted">No activity in range.</p>;
  const max = Math.max(1, ...counts);
  const start = Date.parse(from.slice(0, 23) + 'Z');
  const total = counts.reduce((a, b) => a + b, 0);
  const peak = counts.indexOf(max);
  const at = (i: number) => new Date(start + i * bucketMs).toISOString();
  return (
    <figure className="histogram" data-testid="histogram">
      <div className="histogram-bars" role="img" aria-label={`${total} events; busiest period starts ${formatTime(at(peak))}`}>
        {counts.map((count, i) => (
          <span
            key={i}
            className="histogram-bar"
            title={`${count} events from ${formatTime(at(i))}`}
            style={{ height: `${count === 0 ? 0 : Math.max(3, (count / max) * 100)}%` }}
            onClick={onPick && count > 0 ? () => onPick(at(i), at(i + 1)) : undefined}
          />
        ))}
      </div>
      <figcaption className="muted">
        {formatTime(at(0))} — {formatTime(at(counts.length))}
      </figcaption>
    </figure>
  );
}
