import { useRequest } from '../api/call';
import { SeverityBadge } from '../components/columns';
import { EntityFrame, Section } from '../components/EntityFrame';
import { Facts } from '../components/Facts';
import { EntityLink } from '../components/Link';
import { ProcessTreeView } from '../components/ProcessTreeView';
import { ErrorNote, Loading, text } from '../components/Status';

const relationNames: Record<string, string> = { machine: 'Machines', file: 'Files', process: 'Processes', ip: 'IP addresses', url: 'URLs', domain: 'Domains', account: 'Accounts' };

/** One alert: what it is, its MITRE techniques, the story as process trees, the evidence, and every entity it names. */
export function AlertPage({ tenant, id }: { tenant: string; id: string }) {
  const { data, error, loading } = useRequest('investigate.alert', { tenant, id });
  if (error) return <ErrorNote error={error} />;
  if (loading || !data) return <Loading what="the alert" />;
  const a = data.alert;
  const grouped = new Map<string, typeof data.related>();
  for (const r of data.related) grouped.set(r.relation, [...(grouped.get(r.relation) ?? []), r]);
  return (
    <EntityFrame
      tenant={tenant}
      entity={{ type: 'alert', key: id }}
      title={text(a.title)}
      subtitle={
        <>
          <SeverityBadge severity={a.severity} /> {text(a.status)} · {text(a.category)}
          {a.machine_id ? (
            <>
              {' '}
              on <EntityLink entity={{ type: 'machine', key: text(a.machine_id) }} label={text(a.computer_dns_name)} />
            </>
          ) : null}
        </>
      }
    >
      <Facts
        label="Alert details"
        items={[
          ['Description', a.description],
          ['Created', a.alert_creation_time],
          ['First event', a.first_event_time],
          ['Last event', a.last_event_time],
          ['Detection source', a.detection_source],
          ['Threat family', a.threat_family_name],
          ['Threat', a.threat_name],
          ['Incident', a.incident_id],
          ['Assigned to', a.assigned_to],
          ['Classification', a.classification],
          ['Device group', a.rbac_group_name],
        ]}
      />
      <Section title="MITRE ATT&CK techniques" testId="techniques">
        <ul className="chips">
          {data.techniques.map((t) => (
            <li key={t} className="chip" data-testid="technique">
              {t}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Alert story" testId="alert-story">
        {data.story.length === 0 ? <p className="muted">The cache holds no process events for this alert's evidence.</p> : null}
        {data.story.map((tree, i) => (
          <ProcessTreeView key={i} tree={tree} label={`Process tree ${i + 1}`} />
        ))}
      </Section>
      <Section title="Evidence" testId="evidence">
        <table className="plain-table">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Entity</th>
              <th scope="col">Detail</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {data.evidence.map((e, i) => (
              <tr key={i}>
                <td>{text(e.entity_type)}</td>
                <td>
                  {e.sha1 ? <EntityLink entity={{ type: 'file', key: text(e.sha1) }} label={text(e.file_name) || text(e.sha1)} /> : null}
                  {e.ip_address ? <EntityLink entity={{ type: 'ip', key: text(e.ip_address) }} /> : null}
                  {e.url ? text(e.url) : null}
                  {e.account_name ? text(e.account_name) : null}
                  {e.registry_key ? text(e.registry_key) : null}
                </td>
                <td className="wrap">{text(e.process_command_line) || text(e.file_path) || text(e.registry_value)}</td>
                <td>{text(e.detection_status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Related entities" testId="related">
        {[...grouped.entries()].map(([relation, items]) => (
          <div key={relation} className="related-group">
            <h4>{relationNames[relation] ?? relation}</h4>
            <ul className="link-list">
              {items.map((r) => (
                <li key={`${r.entity.type}:${r.entity.key}`}>
                  <EntityLink entity={r.entity} label={r.label} />
                </li>
              ))}
            </ul>
          </div>
        ))}
      </Section>
    </EntityFrame>
  );
}
