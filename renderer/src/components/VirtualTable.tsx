import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface Column<Row> {
  id: string;
  header: string;
  /** A CSS grid track, e.g. '12rem' or 'minmax(10rem, 1fr)'. */
  width?: string;
  render(row: Row): ReactNode;
}

export interface VirtualTableProps<Row> {
  label: string;
  rows: Row[];
  columns: Column<Row>[];
  rowKey(row: Row, index: number): string;
  hasMore: boolean;
  loading: boolean;
  loadMore(): void;
  /** Enter on the active row. */
  onOpen?(row: Row): void;
  empty: string;
  size?: 'short' | 'tall';
  testId?: string;
}

const ROW_HEIGHT = 34;

/**
 * A list that renders only the rows in view and asks for the next page as the end comes into
 * view. One tab stop: the arrow keys, Page Up/Down, Home and End move the active row, Enter opens it.
 */
export function VirtualTable<Row>({ label, rows, columns, rowKey, hasMore, loading, loadMore, onOpen, empty, size = 'short', testId }: VirtualTableProps<Row>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const id = useId();
  const count = rows.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 800, height: size === 'tall' ? 560 : 320 },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loading && lastIndex >= rows.length - 1) loadMore();
  }, [hasMore, loading, lastIndex, rows.length, loadMore]);

  const template = columns.map((c) => c.width ?? 'minmax(8rem, 1fr)').join(' ');
  const move = (to: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      Enter: () => rows[active] !== undefined && onOpen?.(rows[active]!),
    };
    const action = keys[event.key];
    if (action && event.target === event.currentTarget) {
      event.preventDefault();
      action();
    }
  };

  return (
    <div className="vt" data-testid={testId}>
      <div className="vt-head" role="presentation" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <span key={c.id} className="vt-cell vt-th">
            {c.header}
          </span>
        ))}
      </div>
      <div
        ref={scroller}
        className={`vt-scroll vt-${size}`}
        role="grid"
        aria-label={label}
        aria-rowcount={hasMore ? -1 : rows.length}
        aria-busy={loading}
        aria-activedescendant={rows.length ? `${id}-row-${active}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        {rows.length === 0 && !loading && !hasMore ? <p className="vt-empty">{empty}</p> : null}
        <div className="vt-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={row === undefined ? 'more' : rowKey(row, item.index)}
                id={`${id}-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={item.index === active}
                className={`vt-row${item.index === active ? ' vt-active' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, gridTemplateColumns: template }}
                onClick={() => setActive(item.index)}
              >
                {row === undefined ? (
                  <span className="vt-cell vt-more" role="gridcell">
                    {loading ? 'Loading…' : ''}
                  </span>
                ) : (
                  columns.map((c) => (
                    <span key={c.id} className="vt-cell" role="gridcell">
                      {c.render(row)}
                    </span>
                  ))
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
