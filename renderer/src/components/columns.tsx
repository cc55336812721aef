import { accountKey, processKey, urlOrDomain } from '../lib/routes';
import { EntityLink } from './Link';
import type { Row } from './PagedList';
import { formatTime, text } from './Status';
import type { Column } from './VirtualTable';

const s = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

export function SeverityBadge({ severity }: { severity: unknown }) {
  const value = text(severity) || 'Unknown';
  return <span className={`severity severity-${value.toLowerCase()}`}>{value}</span>;
}

export const alertColumns: Column<Row>[] = [
  { id: 'severity', header: 'Severity', width: '7rem', render: (r) => <SeverityBadge severity={r.severity} /> },
  { id: 'title', header: 'Title', width: 'minmax(16rem, 3fr)', render: (r) => <EntityLink entity={{ type: 'alert', key: text(r.id) }} label={text(r.title)} /> },
  { id: 'machine', header: 'Machine', width: 'minmax(10rem, 1.5fr)', render: (r) => (s(r.machine_id) ? <EntityLink entity={{ type: 'machine', key: text(r.machine_id) }} label={text(r.computer_dns_name)} /> : null) },
  { id: 'status', header: 'Status', width: '7rem', render: (r) => text(r.status) },
  { id: 'category', header: 'Category', width: '10rem', render: (r) => text(r.category) },
  { id: 'group', header: 'Device group', width: '9rem', render: (r) => text(r.rbac_group_name) },
  { id: 'time', header: 'Created', width: '14rem', render: (r) => formatTime(r.alert_creation_time) },
];

export const machineCell = (r: Row) =>
  s(r.device_id) || s(r.id) ? <EntityLink entity={{ type: 'machine', key: text(r.device_id ?? r.id) }} label={s(r.computer_dns_name) ?? s(r.device_name) ?? text(r.device_id)} /> : null;

export const processCell = (r: Row, prefix: '' | 'initiating_' = '') => {
  const pid = r[`${prefix}process_id`];
  const ct = s(r[`${prefix}process_creation_time`]);
  const name = text(r[prefix ? 'initiating_process_file_name' : 'file_name']) || 'process';
  if (typeof pid !== 'number' || !ct || !s(r.device_id)) return name;
  return <EntityLink entity={{ type: 'process', key: processKey(text(r.device_id), pid, ct) }} label={`${name} (${pid})`} />;
};

export const connectionColumns: Column<Row>[] = [
  { id: 'machine', header: 'Machine', width: 'minmax(10rem, 1.5fr)', render: machineCell },
  { id: 'process', header: 'Process', width: 'minmax(10rem, 1.5fr)', render: (r) => processCell(r, 'initiating_') },
  { id: 'file', header: 'Image', width: '7rem', render: (r) => (s(r.initiating_process_sha1) ? <EntityLink entity={{ type: 'file', key: text(r.initiating_process_sha1) }} label="file" /> : null) },
  { id: 'n', header: 'Connections', width: '7rem', render: (r) => text(r.connections) },
  { id: 'ports', header: 'Ports', width: '6rem', render: (r) => text(r.remote_ports) },
  { id: 'first', header: 'First', width: '13rem', render: (r) => formatTime(r.first_seen) },
  { id: 'last', header: 'Last', width: '13rem', render: (r) => formatTime(r.last_seen) },
];

export const seenColumns: Column<Row>[] = [
  { id: 'machine', header: 'Machine', width: 'minmax(12rem, 2fr)', render: machineCell },
  { id: 'group', header: 'Device group', width: '10rem', render: (r) => text(r.rbac_group_name) },
  { id: 'n', header: 'Events', width: '6rem', render: (r) => text(r.events) },
  { id: 'first', header: 'First seen', width: '13rem', render: (r) => formatTime(r.first_seen) },
  { id: 'last', header: 'Last seen', width: '13rem', render: (r) => formatTime(r.last_seen) },
];

export const accountCell = (r: Row) =>
  s(r.account_name) ? <EntityLink entity={{ type: 'account', key: accountKey(text(r.account_name), s(r.account_domain)) }} label={`${s(r.account_domain) ? `${text(r.account_domain)}\\` : ''}${text(r.account_name)}`} /> : null;

export const remoteCell = (r: Row) => {
  const url = s(r.remote_url);
  if (url) return <EntityLink entity={urlOrDomain(url)} />;
  const ip = s(r.remote_ip);
  return ip ? <EntityLink entity={{ type: 'ip', key: ip }} /> : null;
};
