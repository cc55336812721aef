import { useRequest } from '../api/call';
import { accountCell, alertColumns, connectionColumns, machineCell, processCell, seenColumns } from '../components/columns';
import { EntityFrame, Section } from '../components/EntityFrame';
import { Facts } from '../components/Facts';
import { EntityLink } from '../components/Link';
import { PagedList } from '../components/PagedList';
import { ProcessTreeView } from '../components/ProcessTreeView';
import { ErrorNote, formatTime, Loading, text } from '../components/Status';
import { accountKey, processKey } from '../lib/routes';
import { useNavigation } from '../stores/navigation';
import type { EntityRefData } from '../../../contract/schemas/investigate';

function useEntity(tenant: string, entity: EntityRefData) {
  return useRequest('investigate.entity', { tenant, entity });
}

function AlertsSection({ tenant, list, listKey, title = 'Alerts' }: { tenant: string; list: 'fileAlerts' | 'ipAlerts' | 'urlAlerts' | 'domainAlerts' | 'accountAlerts'; listKey: string; title?: string }) {
  const navigate = useNavigation((s) => s.navigate);
  return (
    <Section title={title} testId="entity-alerts">
      <PagedList tenant={tenant} list={list} listKey={listKey} label={title} columns={alertColumns} rowKey={(r) => String(r.id)} empty="No alerts name it." onOpen={(r) => navigate({ page: 'alert', id: String(r.id) })} />
    </Section>
  );
}

/**
 * A file by SHA-1: its profile, where it is in the cache, the processes that ran it and the
 * writes that dropped it. The lists are asked for beside the profile, whose prevalence counts
 * every sighting, not after it.
 */
export function FilePage({ tenant, sha1 }: { tenant: string; sha1: string }) {
  const entity: EntityRefData = { type: 'file', key: sha1 };
  const { data, error } = useEntity(tenant, entity);
  const f = data?.facts ?? {};
  return (
    <EntityFrame tenant={tenant} entity={entity} title={data?.label ?? sha1} subtitle={<code>{sha1}</code>}>
      {error ? <ErrorNote error={error} /> : !data ? <Loading what="the file" /> : !data.found ? <p className="muted">The cache has nothing on this file.</p> : null}
      {data ? <Facts
        label="File profile"
        items={[
          ['SHA-1', sha1],
          ['SHA-256', f.sha256],
          ['Size', f.size],
          ['Type', f.file_type],
          ['Signer', f.signer],
          ['Issuer', f.issuer],
          ['Valid certificate', f.is_valid_certificate === null || f.is_valid_certificate === undefined ? null : f.is_valid_certificate ? 'yes' : 'no'],
          ['Publisher', f.file_publisher],
          ['Product', f.file_product_name],
          ['Global prevalence', f.global_prevalence],
          ['Globally first seen', f.global_first_observed],
          ['Globally last seen', f.global_last_observed],
          ['Determination', f.determination_value],
          ['Machines in the cache', f.cache_machines],
          ['First seen in the cache', f.cache_first_seen],
          ['Last seen in the cache', f.cache_last_seen],
          ['Process starts', f.process_count],
        ]}
      /> : null}
      <Section title="Machines" testId="file-machines">
        <PagedList tenant={tenant} list="fileMachines" listKey={sha1} label="Machines that have this file" columns={seenColumns} rowKey={(r) => String(r.device_id)} empty="No machine in the cache has it." />
      </Section>
      <AlertsSection tenant={tenant} list="fileAlerts" listKey={sha1} />
      <Section title="Processes that ran it" testId="file-processes">
        <PagedList
          tenant={tenant}
          list="fileProcesses"
          listKey={sha1}
          label="Processes that ran this file"
          columns={[
            { id: 'time', header: 'Time (UTC)', width: '14rem', render: (r) => formatTime(r.timestamp) },
            { id: 'machine', header: 'Machine', width: 'minmax(10rem, 1fr)', render: machineCell },
            { id: 'process', header: 'Process', width: 'minmax(10rem, 1fr)', render: (r) => processCell(r) },
            { id: 'account', header: 'Account', width: '10rem', render: accountCell },
            { id: 'cmd', header: 'Command line', width: 'minmax(14rem, 3fr)', render: (r) => <span title={text(r.process_command_line)}>{text(r.process_command_line)}</span> },
            { id: 'parent', header: 'Parent', width: '10rem', render: (r) => text(r.initiating_process_file_name) },
          ]}
          empty="No process ran it."
        />
      </Section>
      <Section title="File events that wrote it" testId="file-writes">
        <PagedList
          tenant={tenant}
          list="fileEvents"
          listKey={sha1}
          label="File events"
          columns={[
            { id: 'time', header: 'Time (UTC)', width: '14rem', render: (r) => formatTime(r.timestamp) },
            { id: 'machine', header: 'Machine', width: 'minmax(10rem, 1fr)', render: machineCell },
            { id: 'action', header: 'Action', width: '9rem', render: (r) => text(r.action_type) },
            { id: 'path', header: 'Path', width: 'minmax(14rem, 2fr)', render: (r) => `${text(r.folder_path)}` },
            { id: 'by', header: 'Written by', width: '10rem', render: (r) => text(r.initiating_process_file_name) },
            { id: 'origin', header: 'Origin', width: 'minmax(10rem, 1fr)', render: (r) => (r.file_origin_url ? <EntityLink entity={{ type: 'url', key: text(r.file_origin_url) }} /> : text(r.file_origin_ip)) },
          ]}
          empty="No file event wrote it."
        />
      </Section>
    </EntityFrame>
  );
}

export function IpPage({ tenant, ip }: { tenant: string; ip: string }) {
  const entity: EntityRefData = { type: 'ip', key: ip };
  const { data, error } = useEntity(tenant, entity);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the IP address" />;
  const f = data.facts;
  return (
    <EntityFrame tenant={tenant} entity={entity} title={ip}>
      <Facts label="IP address" items={[['First seen', f.first_seen], ['Last seen', f.last_seen], ['Connections', f.connections], ['Machines that connected', f.machines_connected], ['Logons from it', f.logons_from]]} />
      <Section title="Machines that connected, when, by which process" testId="connections">
        <PagedList tenant={tenant} list="ipConnections" listKey={ip} label="Connections to this IP" columns={connectionColumns} empty="No connection in the cache." />
      </Section>
      <Section title="Machines with this address" testId="ip-machines">
        <PagedList tenant={tenant} list="ipMachines" listKey={ip} label="Machines with this address" columns={[{ id: 'm', header: 'Machine', render: machineCell }, { id: 'g', header: 'Device group', render: (r) => text(r.rbac_group_name) }]} empty="No machine has this address." />
      </Section>
      <AlertsSection tenant={tenant} list="ipAlerts" listKey={ip} />
    </EntityFrame>
  );
}

export function UrlPage({ tenant, url }: { tenant: string; url: string }) {
  const entity: EntityRefData = { type: 'url', key: url };
  const { data, error } = useEntity(tenant, entity);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the URL" />;
  const f = data.facts;
  return (
    <EntityFrame tenant={tenant} entity={entity} title={url}>
      <Facts label="URL" items={[['Domain', f.domain ? <EntityLink entity={{ type: 'domain', key: text(f.domain) }} /> : null], ['First seen', f.first_seen], ['Last seen', f.last_seen], ['Connections', f.connections], ['Machines that connected', f.machines_connected]]} />
      <Section title="Machines that connected, when, by which process" testId="connections">
        <PagedList tenant={tenant} list="urlConnections" listKey={url} label="Connections to this URL" columns={connectionColumns} empty="No connection in the cache." />
      </Section>
      <AlertsSection tenant={tenant} list="urlAlerts" listKey={url} />
    </EntityFrame>
  );
}

export function DomainPage({ tenant, domain }: { tenant: string; domain: string }) {
  const entity: EntityRefData = { type: 'domain', key: domain };
  const { data, error } = useEntity(tenant, entity);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the domain" />;
  const f = data.facts;
  return (
    <EntityFrame tenant={tenant} entity={entity} title={domain}>
      <Facts label="Domain" items={[['First seen', f.first_seen], ['Last seen', f.last_seen], ['Connections', f.connections], ['Machines that connected', f.machines_connected], ['URLs', f.urls]]} />
      <Section title="Machines that connected, when, by which process" testId="connections">
        <PagedList tenant={tenant} list="domainConnections" listKey={domain} label="Connections to this domain" columns={connectionColumns} empty="No connection in the cache." />
      </Section>
      <Section title="URLs" testId="domain-urls">
        <PagedList
          tenant={tenant}
          list="domainUrls"
          listKey={domain}
          label="URLs on this domain"
          columns={[
            { id: 'url', header: 'URL', width: 'minmax(16rem, 3fr)', render: (r) => <EntityLink entity={{ type: 'url', key: text(r.url) }} /> },
            { id: 'first', header: 'First seen', width: '13rem', render: (r) => formatTime(r.first_seen) },
            { id: 'last', header: 'Last seen', width: '13rem', render: (r) => formatTime(r.last_seen) },
          ]}
          empty="No URL on this domain."
        />
      </Section>
      <AlertsSection tenant={tenant} list="domainAlerts" listKey={domain} />
    </EntityFrame>
  );
}

export function AccountPage({ tenant, domain, name }: { tenant: string; domain: string; name: string }) {
  const key = accountKey(name, domain);
  const entity: EntityRefData = { type: 'account', key };
  const { data, error } = useEntity(tenant, entity);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the account" />;
  const f = data.facts;
  return (
    <EntityFrame tenant={tenant} entity={entity} title={data.label}>
      <Facts label="Account" items={[['Machines logged on to', f.logged_on_machines], ['First seen', f.first_seen], ['Last seen', f.last_seen], ['Domain admin', f.is_domain_admin ? 'yes' : null], ['Logons', f.logons], ['Processes run', f.processes]]} />
      <Section title="Machines logged on to" testId="account-machines">
        <PagedList
          tenant={tenant}
          list="accountMachines"
          listKey={key}
          label="Machines this account used"
          columns={[...seenColumns.slice(0, 2), { id: 'seen', header: 'Seen in', width: '12rem', render: (r) => text(r.seen_in) }, ...seenColumns.slice(3)]}
          rowKey={(r) => String(r.device_id)}
          empty="No machine in the cache."
        />
      </Section>
      <Section title="Processes run" testId="account-processes">
        <PagedList
          tenant={tenant}
          list="accountProcesses"
          listKey={key}
          label="Processes run by this account"
          columns={[
            { id: 'time', header: 'Time (UTC)', width: '14rem', render: (r) => formatTime(r.timestamp) },
            { id: 'machine', header: 'Machine', width: 'minmax(10rem, 1fr)', render: machineCell },
            { id: 'process', header: 'Process', width: 'minmax(10rem, 1fr)', render: (r) => processCell(r) },
            { id: 'cmd', header: 'Command line', width: 'minmax(14rem, 3fr)', render: (r) => text(r.process_command_line) },
          ]}
          empty="No process in the cache."
        />
      </Section>
      <Section title="Logons" testId="account-logons">
        <PagedList
          tenant={tenant}
          list="accountLogons"
          listKey={key}
          label="Logons of this account"
          columns={[
            { id: 'time', header: 'Time (UTC)', width: '14rem', render: (r) => formatTime(r.timestamp) },
            { id: 'machine', header: 'Machine', width: 'minmax(10rem, 1fr)', render: machineCell },
            { id: 'action', header: 'Result', width: '9rem', render: (r) => text(r.action_type) },
            { id: 'type', header: 'Type', width: '9rem', render: (r) => text(r.logon_type) },
            { id: 'from', header: 'From', width: 'minmax(10rem, 1fr)', render: (r) => (r.remote_ip ? <EntityLink entity={{ type: 'ip', key: text(r.remote_ip) }} label={`${text(r.remote_device_name) || text(r.remote_ip)}`} /> : null) },
          ]}
          empty="No logon in the cache."
        />
      </Section>
      <AlertsSection tenant={tenant} list="accountAlerts" listKey={key} />
    </EntityFrame>
  );
}

/** One process: its tree, and everything it did (processes, files, registry, network, logons). */
export function ProcessPage({ tenant, deviceId, processId, creationTime }: { tenant: string; deviceId: string; processId: number; creationTime: string }) {
  const key = processKey(deviceId, processId, creationTime);
  const entity: EntityRefData = { type: 'process', key };
  const facts = useEntity(tenant, entity);
  const tree = useRequest('investigate.processTree', { tenant, deviceId, processId, creationTime });
  if (facts.error) return <ErrorNote error={facts.error} />;
  if (!facts.data) return <Loading what="the process" />;
  const f = facts.data.facts;
  return (
    <EntityFrame tenant={tenant} entity={entity} title={facts.data.label} subtitle={<>on <EntityLink entity={{ type: 'machine', key: deviceId }} label={text(f.device_name) || deviceId} /></>}>
      <Facts
        label="Process"
        items={[
          ['Command line', f.process_command_line],
          ['Image', f.sha1 ? <EntityLink entity={{ type: 'file', key: text(f.sha1) }} label={text(f.file_name)} /> : null],
          ['Account', f.account_name ? accountCell(f) : null],
          ['Started', f.process_creation_time],
          ['Parent', f.initiating_process_file_name],
        ]}
      />
      <Section title="Process tree" testId="process-tree-section">
        {tree.error ? <ErrorNote error={tree.error} /> : null}
        {tree.data ? <ProcessTreeView tree={tree.data} label="Process tree" /> : tree.loading ? <Loading what="the tree" /> : <p className="muted">No tree in the cache.</p>}
      </Section>
      <Section title="What it did" testId="process-events">
        <PagedList
          tenant={tenant}
          list="processEvents"
          listKey={key}
          label="Events initiated by this process"
          columns={[
            { id: 'time', header: 'Time (UTC)', width: '14rem', render: (r) => formatTime(r.timestamp) },
            { id: 'kind', header: 'Kind', width: '6rem', render: (r) => text(r.kind) },
            { id: 'action', header: 'Action', width: '11rem', render: (r) => text(r.action_type) },
            { id: 'target', header: 'Entity', width: 'minmax(12rem, 2fr)', render: (r) => (r.remote_ip ? <EntityLink entity={{ type: 'ip', key: text(r.remote_ip) }} label={text(r.target)} /> : r.sha1 ? <EntityLink entity={{ type: 'file', key: text(r.sha1) }} label={text(r.target)} /> : text(r.target)) },
            { id: 'detail', header: 'Detail', width: 'minmax(12rem, 3fr)', render: (r) => text(r.detail) },
          ]}
          empty="The cache holds nothing this process did."
        />
      </Section>
    </EntityFrame>
  );
}
