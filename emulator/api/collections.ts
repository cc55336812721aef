// OData collection handling shared by the entity endpoints: $filter, $orderby, $top,
// $skip, @odata.context, and @odata.nextLink as the service gives it (only when $top
// was not set and more rows remain).
import { ApiError } from '../http';
import { type FilterableFields, ODataError, compileFilter } from './odata';

export const MAX_TOP = 10_000;

export interface CollectionRequest {
  url: URL;
  baseUrl: string;
  pageSize: number;
}

/** Query options by lower-cased name, so $Top and $top both work. */
export function queryOption(url: URL, name: string): string | null {
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v;
  return null;
}

function wholeNumber(raw: string, name: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new ApiError(400, 'ODataError', `The query option ${name} must be a whole number, got '${raw}'.`);
  return Number(raw);
}

export function collection<T extends object>(
  req: CollectionRequest,
  entitySet: string,
  items: readonly T[],
  fields: FilterableFields,
  project: (item: T) => unknown = (i) => i,
): Record<string, unknown> {
  const filterText = queryOption(req.url, '$filter');
  let rows = [...items];
  if (filterText !== null) {
    try {
      const test = compileFilter(filterText, fields);
      rows = rows.filter(test);
    } catch (e) {
      if (e instanceof ODataError) throw new ApiError(400, 'ODataError', `Invalid filter clause: ${e.message}`);
      throw e;
    }
  }
  const orderby = queryOption(req.url, '$orderby');
  if (orderby) {
    const keys = orderby.split(',').map((part) => {
      const [field = '', dir = 'asc'] = part.trim().split(/\s+/);
      if (!fields.names.has(field)) throw new ApiError(400, 'ODataError', `Invalid $orderby: property '${field}' cannot be sorted`);
      if (dir !== 'asc' && dir !== 'desc') throw new ApiError(400, 'ODataError', `Invalid $orderby direction '${dir}'`);
      return { field, desc: dir === 'desc' };
    });
    rows.sort((a, b) => {
      for (const k of keys) {
        const x = (a as Record<string, unknown>)[k.field] as string | number | null;
        const y = (b as Record<string, unknown>)[k.field] as string | number | null;
        if (x === y) continue;
        const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
        return k.desc ? -c : c;
      }
      return 0;
    });
  }
  const topText = queryOption(req.url, '$top');
  const skipText = queryOption(req.url, '$skip');
  const skip = skipText === null ? 0 : wholeNumber(skipText, '$skip');
  let top: number | null = null;
  if (topText !== null) {
    top = wholeNumber(topText, '$top');
    if (top > MAX_TOP) {
      throw new ApiError(400, 'ODataError', `The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
    }
  }
  const take = top ?? req.pageSize;
  const page = rows.slice(skip, skip + take);
  const body: Record<string, unknown> = {
    '@odata.context': `${req.baseUrl}/api/$metadata#${entitySet}`,
    value: page.map(project),
  };
  if (top === null && skip + take < rows.length) {
    const next = new URL(req.url.toString());
    for (const k of [...next.searchParams.keys()]) if (k.toLowerCase() === '$skip') next.searchParams.delete(k);
    next.searchParams.set('$skip', String(skip + take));
    body['@odata.nextLink'] = `${req.baseUrl}${next.pathname}?${next.searchParams.toString().replace(/%24/g, '$')}`;
  }
  return body;
}
