import { pageRows } from '../../../contract/pages';
import type { ListName } from '../../../contract/schemas/investigate';
import { call, usePaged } from '../api/call';
import { ErrorNote } from './Status';
import { VirtualTable, type Column } from './VirtualTable';

export type Row = Record<string, unknown>;

/** One paged sub-list of an entity page (investigate.list), read a page at a time as it scrolls. */
export function PagedList({ tenant, list, listKey, label, columns, rowKey, onOpen, empty, pageSize = pageRows, size, testId }: {
  tenant: string;
  list: ListName;
  listKey: string;
  label: string;
  columns: Column<Row>[];
  rowKey?(row: Row, index: number): string;
  onOpen?(row: Row): void;
  empty: string;
  pageSize?: number;
  size?: 'short' | 'tall';
  testId?: string;
}) {
  const paged = usePaged<Row, number>(`${tenant}|${list}|${listKey}`, async (offset) => {
    const start = offset ?? 0;
    const page = await call('investigate.list', { tenant, list, key: listKey, limit: pageSize, offset: start });
    return { rows: page.rows, next: page.hasMore ? start + page.rows.length : null };
  });
  return (
    <>
      {paged.error ? <ErrorNote error={paged.error} /> : null}
      <VirtualTable
        label={label}
        rows={paged.rows}
        columns={columns}
        rowKey={rowKey ?? ((_, i) => String(i))}
        hasMore={paged.hasMore}
        loading={paged.loading}
        loadMore={paged.loadMore}
        onOpen={onOpen}
        empty={empty}
        size={size}
        testId={testId ?? `list-${list}`}
      />
    </>
  );
}
