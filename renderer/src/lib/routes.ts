import type { EntityRefData } from '../../../contract/schemas/investigate';

/** Every page of the app, as parsed from (and turned back into) its deep link. */
export type Route =
  | { page: 'home' }
  | { page: 'alerts'; query: URLSearchParams }
  | { page: 'alert'; id: string }
  | { page: 'machines'; query: URLSearchParams }
  | { page: 'machine'; id: string; query: URLSearchParams }
  | { page: 'file'; sha1: string }
  | { page: 'ip'; ip: string }
  | { page: 'url'; url: string }
  | { page: 'domain'; domain: string }
  | { page: 'account'; domain: string; name: string }
  | { page: 'process'; deviceId: string; processId: number; creationTime: string }
  | { page: 'search'; q: string }
  | { page: 'case' }
  | { page: 'sync' }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

const enc = encodeURIComponent;
const dec = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

export function parseRoute(pathname: string, search = ''): Route {
  const query = new URLSearchParams(search);
  const parts = pathname.split('/').filter((part) => part !== '').map(dec);
  const [head, a, b, c] = parts;
  switch (head) {
    case undefined:
      return { page: 'home' };
    case 'alerts':
      return a ? { page: 'alert', id: a } : { page: 'alerts', query };
    case 'machines':
      return a ? { page: 'machine', id: a, query } : { page: 'machines', query };
    case 'files':
      if (a) return { page: 'file', sha1: a.toLowerCase() };
      break;
    case 'ips':
      if (a) return { page: 'ip', ip: a };
      break;
    case 'urls':
      if (a) return { page: 'url', url: parts.slice(1).join('/') };
      break;
    case 'domains':
      if (a) return { page: 'domain', domain: a.toLowerCase() };
      break;
    case 'accounts':
      if (a && b) return { page: 'account', domain: a === '-' ? '' : a, name: b };
      if (a) return { page: 'account', domain: '', name: a };
      break;
    case 'processes':
      if (a && b && c && Number.isFinite(Number(b))) return { page: 'process', deviceId: a, processId: Number(b), creationTime: c };
      break;
    case 'search':
      return { page: 'search', q: query.get('q') ?? '' };
    case 'case':
      return { page: 'case' };
    case 'sync':
      return { page: 'sync' };
    case 'settings':
      return { page: 'settings' };
  }
  return { page: 'not-found', path: pathname };
}

const withQuery = (path: string, query: URLSearchParams) => {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
};

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'home':
      return '/';
    case 'alerts':
      return withQuery('/alerts', route.query);
    case 'alert':
      return `/alerts/${enc(route.id)}`;
    case 'machines':
      return withQuery('/machines', route.query);
    case 'machine':
      return withQuery(`/machines/${enc(route.id)}`, route.query);
    case 'file':
      return `/files/${enc(route.sha1)}`;
    case 'ip':
      return `/ips/${enc(route.ip)}`;
    case 'url':
      return `/urls/${enc(route.url)}`;
    case 'domain':
      return `/domains/${enc(route.domain)}`;
    case 'account':
      return `/accounts/${enc(route.domain || '-')}/${enc(route.name)}`;
    case 'process':
      return `/processes/${enc(route.deviceId)}/${route.processId}/${enc(route.creationTime)}`;
    case 'search':
      return `/search?q=${enc(route.q)}`;
    case 'case':
    case 'sync':
    case 'settings':
      return `/${route.page}`;
    case 'not-found':
      return route.path;
  }
}

/** The page of an entity. */
export function entityRoute(entity: EntityRefData): Route {
  switch (entity.type) {
    case 'machine':
      return { page: 'machine', id: entity.key, query: new URLSearchParams() };
    case 'alert':
      return { page: 'alert', id: entity.key };
    case 'file':
      return { page: 'file', sha1: entity.key };
    case 'ip':
      return { page: 'ip', ip: entity.key };
    case 'url':
      return { page: 'url', url: entity.key };
    case 'domain':
      return { page: 'domain', domain: entity.key };
    case 'account': {
      const cut = entity.key.lastIndexOf('\\');
      return { page: 'account', domain: cut >= 0 ? entity.key.slice(0, cut) : '', name: cut >= 0 ? entity.key.slice(cut + 1) : entity.key };
    }
    case 'process': {
      const [deviceId = '', pid = '0', ...rest] = entity.key.split('|');
      return { page: 'process', deviceId, processId: Number(pid), creationTime: rest.join('|') };
    }
  }
}

export const accountKey = (name: string, domain: string | null | undefined) => `${(domain ?? '').toLowerCase()}\\${name.toLowerCase()}`;
export const processKey = (deviceId: string, processId: number, creationTime: string) => `${deviceId}|${processId}|${creationTime}`;
/** A bare host is a domain; anything with a scheme or path is a URL (as the cache keys them). */
export const urlOrDomain = (value: string): EntityRefData => (/[/:]/.test(value) ? { type: 'url', key: value } : { type: 'domain', key: value.toLowerCase() });
