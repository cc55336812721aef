// The entity endpoints: machines, alerts, files, IPs and domains, each cut to what the
// caller's device groups allow.
import { isIP } from 'node:net';
import type { TenantView } from '../access';
import { ApiError } from '../http';
import type { Lookups } from '../tenant/lookups';
import type { Alert } from '../tenant/types';
import { type CollectionRequest, collection, queryOption } from './collections';
import type { FilterableFields } from './odata';

const fields = (names: string[], dates: string[]): FilterableFields => ({ names: new Set([...names, ...dates]), dates: new Set(dates) });

export const MACHINE_FIELDS = fields(
  ['id', 'computerDnsName', 'healthStatus', 'osPlatform', 'riskScore', 'exposureLevel', 'rbacGroupId', 'rbacGroupName', 'machineTags', 'aadDeviceId', 'onboardingStatus', 'lastIpAddress', 'lastExternalIpAddress', 'deviceValue', 'version', 'osBuild', 'isAadJoined'],
  ['lastSeen', 'firstSeen'],
);
export const ALERT_FIELDS = fields(
  ['id', 'status', 'severity', 'category', 'incidentId', 'detectionSource', 'investigationState', 'assignedTo', 'machineId', 'computerDnsName', 'rbacGroupName', 'classification', 'determination', 'title', 'threatFamilyName'],
  ['lastUpdateTime', 'alertCreationTime', 'firstEventTime', 'lastEventTime', 'resolvedTime'],
);
const LOGON_FIELDS = fields(['id', 'accountName', 'accountDomain', 'logonTypes', 'isDomainAdmin'], ['firstSeen', 'lastSeen']);

export interface EntityRequest extends CollectionRequest {
  view: TenantView;
  lookups: Lookups;
}

function expandEvidence(req: EntityRequest): boolean {
  const expand = queryOption(req.url, '$expand');
  return !!expand && expand.split(',').some((e) => e.trim().toLowerCase() === 'evidence');
}

/** Alerts in list form: evidence is [] unless $expand=evidence. */
function alertsCollection(req: EntityRequest, alerts: readonly Alert[]): Record<string, unknown> {
  const withEvidence = expandEvidence(req);
  return collection(req, 'Alerts', alerts, ALERT_FIELDS, (a) => (withEvidence ? a : { ...a, evidence: [] }));
}

function notFound(what: string, id: string): ApiError {
  return new ApiError(404, 'ResourceNotFound', `${what} ${id} was not found`);
}

const SHA1 = /^[0-9a-f]{40}$/i;
const SHA256 = /^[0-9a-f]{64}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Answer GET /api/{segments...}; throws ApiError for what the service would refuse. */
export function entityCall(req: EntityRequest, segments: string[]): unknown {
  const [set = '', id, sub, ...extra] = segments.map((s, i) => (i === 0 || i === 2 ? s.toLowerCase() : decodeURIComponent(s)));
  if (extra.length) throw new ApiError(404, 'NotFound', `No API at ${req.url.pathname}`);
  const { view, lookups, baseUrl } = req;
  switch (set) {
    case 'machines': {
      if (id === undefined) return collection(req, 'Machines', view.machines.map((p) => p.machine), MACHINE_FIELDS);
      const profile = view.machine(id);
      if (!profile) throw notFound('Machine', id);
      if (sub === undefined) return { '@odata.context': `${baseUrl}/api/$metadata#Machines/$entity`, ...profile.machine };
      if (sub === 'alerts') return alertsCollection(req, view.alerts().filter((a) => a.machineId === profile.machine.id));
      if (sub === 'logonusers') return collection(req, 'Users', lookups.logonUsers(profile), LOGON_FIELDS);
      break;
    }
    case 'alerts': {
      if (id === undefined) return alertsCollection(req, view.alerts());
      const alert = view.tenant.alertById.get(id);
      if (!alert || !view.seesMachineId(alert.machineId)) throw notFound('Alert', id);
      if (sub === undefined) return { '@odata.context': `${baseUrl}/api/$metadata#Alerts/$entity`, ...alert };
      break;
    }
    case 'files': {
      if (id === undefined) throw new ApiError(400, 'MissingRequiredParameter', 'A file SHA-1 or SHA-256 is required: /api/files/{hash}');
      const isSha1 = SHA1.test(id);
      if (!isSha1 && !SHA256.test(id)) throw new ApiError(400, 'InvalidHashValue', `'${id}' is not a valid SHA-1 or SHA-256 hash`);
      if (sub !== undefined && !isSha1) throw new ApiError(400, 'InvalidHashValue', `/api/files/{hash}/${sub} takes a SHA-1 only`);
      const file = lookups.file(id);
      if (!file) throw notFound('File', id);
      if (sub === undefined) return { '@odata.context': `${baseUrl}/api/$metadata#Files/$entity`, ...file };
      const sha1 = file.sha1;
      if (sub === 'alerts') return alertsCollection(req, view.alerts().filter((a) => a.evidence.some((e) => e.sha1 === sha1)));
      if (sub === 'machines') {
        const machines = lookups.machinesWithFile(sha1).filter((p) => view.seesMachineId(p.machine.id)).map((p) => p.machine);
        return collection(req, 'Machines', machines, MACHINE_FIELDS);
      }
      break;
    }
    case 'ips': {
      if (id === undefined || !isIP(id)) throw new ApiError(400, 'InvalidIpAddress', `'${id ?? ''}' is not a valid IP address`);
      if (sub === 'alerts') return alertsCollection(req, view.alerts().filter((a) => a.evidence.some((e) => e.ipAddress === id)));
      break;
    }
    case 'domains': {
      if (id === undefined || !DOMAIN.test(id)) throw new ApiError(400, 'InvalidDomainName', `'${id ?? ''}' is not a valid domain name`);
      const domain = id.toLowerCase();
      if (sub === 'alerts') {
        const mentions = (url: string | null) => {
          if (!url) return false;
          const host = url.includes('://') ? new URL(url).hostname : url.split('/')[0]!;
          return host.toLowerCase() === domain || host.toLowerCase().endsWith(`.${domain}`);
        };
        return alertsCollection(req, view.alerts().filter((a) => a.evidence.some((e) => mentions(e.url))));
      }
      if (sub === 'machines') {
        // The service lists at most 500 machines for a domain.
        const machines = lookups.machinesForDomain(domain).filter((p) => view.seesMachineId(p.machine.id)).slice(0, 500).map((p) => p.machine);
        return collection(req, 'Machines', machines, MACHINE_FIELDS);
      }
      break;
    }
  }
  throw new ApiError(404, 'NotFound', `No API at ${req.url.pathname}`);
}
