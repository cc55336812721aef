import { z } from 'zod';
import { pageRows } from '../pages';
import type { investigateRequestNames } from '../names/investigate';
import type { RequestSpec } from './spec';

const tenantName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i);
const limit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);
const offset = z.number().int().min(0).max(10_000_000).default(0);
const isoTime = z.string().min(4).max(40);
/** A cache row as the UI reads it: column name (snake_case of the API field) to value. */
const Row = z.record(z.string(), z.unknown());

export const entityTypes = ['machine', 'alert', 'file', 'ip', 'url', 'domain', 'account', 'process'] as const;
export type EntityType = (typeof entityTypes)[number];

/**
 * What the analyst can open, note, tag and draw: a type and a key. Keys: machine id, alert
 * id, SHA-1, IP, URL, domain, `domain\name` for accounts, `deviceId|processId|creationTime`
 * for processes.
 */
export const EntityRef = z.object({ type: z.enum(entityTypes), key: z.string().min(1).max(4096) }).strict();
export type EntityRefData = z.output<typeof EntityRef>;
const Labelled = z.object({ entity: EntityRef, label: z.string() });

export const severities = ['UnSpecified', 'Informational', 'Low', 'Medium', 'High'] as const;
export const alertStatuses = ['Unknown', 'New', 'InProgress', 'Resolved'] as const;

export const AlertFilter = z
  .object({
    severities: z.array(z.string().max(64)).max(20).default([]),
    statuses: z.array(z.string().max(64)).max(20).default([]),
    categories: z.array(z.string().max(128)).max(50).default([]),
    groups: z.array(z.string().max(256)).max(200).default([]),
    from: isoTime.optional(),
    to: isoTime.optional(),
    text: z.string().max(256).optional(),
  })
  .strict();
export type AlertFilterData = z.input<typeof AlertFilter>;
export const alertSortKeys = ['time', 'severity', 'status', 'category', 'title', 'machine'] as const;
const AlertSort = z.object({ by: z.enum(alertSortKeys).default('time'), dir: z.enum(['asc', 'desc']).default('desc') }).strict();

const Facet = z.object({ value: z.string(), count: z.number() });

export const timelineKinds = ['process', 'file', 'registry', 'network', 'logon'] as const;
export type TimelineKind = (typeof timelineKinds)[number];
export const TimelineFilter = z
  .object({
    kinds: z.array(z.enum(timelineKinds)).max(5).default([]),
    actionTypes: z.array(z.string().max(128)).max(50).default([]),
    from: isoTime.optional(),
    to: isoTime.optional(),
    text: z.string().max(256).optional(),
  })
  .strict();
export type TimelineFilterData = z.input<typeof TimelineFilter>;
/** Keyset position in a timeline: the last row shown (newest first). */
export const TimelineCursor = z.object({ timestamp: isoTime, kind: z.enum(timelineKinds), reportId: z.number() }).strict();
export type TimelineCursorData = z.output<typeof TimelineCursor>;

export interface ProcessNodeData {
  processId: number | null;
  creationTime: string | null;
  fileName: string | null;
  commandLine: string | null;
  sha1: string | null;
  accountName: string | null;
  /** The process-created event's timestamp when the cache has it, else null (known only as a parent). */
  timestamp: string | null;
  children: ProcessNodeData[];
  /** true when children exist that were not loaded (deeper than the query went). */
  moreChildren: boolean;
}
export const ProcessNode: z.ZodType<ProcessNodeData> = z.lazy(() =>
  z.object({
    processId: z.number().nullable(),
    creationTime: z.string().nullable(),
    fileName: z.string().nullable(),
    commandLine: z.string().nullable(),
    sha1: z.string().nullable(),
    accountName: z.string().nullable(),
    timestamp: z.string().nullable(),
    children: z.array(ProcessNode),
    moreChildren: z.boolean(),
  }),
);
/** A process with its ancestors above it and its descendants below, on one machine. */
const ProcessTree = z.object({
  deviceId: z.string(),
  /** The outermost known ancestor; the focus process is somewhere below it. */
  root: ProcessNode,
  focus: z.object({ processId: z.number(), creationTime: z.string() }),
});
export type ProcessTreeData = z.output<typeof ProcessTree>;

/** The paged sub-lists of entity pages; each is one SQL query with LIMIT/OFFSET. */
export const listNames = [
  'machines',
  'machineAlerts',
  'machineLogonUsers',
  'fileMachines',
  'fileAlerts',
  'fileProcesses',
  'fileEvents',
  'ipConnections',
  'ipAlerts',
  'ipMachines',
  'urlConnections',
  'urlAlerts',
  'domainConnections',
  'domainUrls',
  'domainAlerts',
  'accountMachines',
  'accountProcesses',
  'accountAlerts',
  'accountLogons',
  'processEvents',
] as const;
export type ListName = (typeof listNames)[number];

const SearchHit = z.object({ label: z.string(), detail: z.string().nullable(), entity: EntityRef });
export const searchGroups = ['machine', 'alert', 'file', 'ip', 'url', 'domain', 'account', 'process', 'note'] as const;

const Note = z.object({ id: z.number(), body: z.string(), author: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() });
export type NoteData = z.output<typeof Note>;

const forTenant = { tenant: tenantName };

export const investigateRequests = {
  /** The alerts queue: filtered, sorted and paged in SQL; total is the filtered count. */
  'investigate.alerts': {
    request: z.object({ ...forTenant, filter: AlertFilter.prefault({}), sort: AlertSort.prefault({}), limit: limit(500, 100), offset }).strict(),
    response: z.object({ rows: z.array(Row), total: z.number() }),
  },
  /** Counts by severity, status, category and device group under the same filter. */
  'investigate.alertFacets': {
    request: z.object({ ...forTenant, filter: AlertFilter.prefault({}) }).strict(),
    response: z.object({ severity: z.array(Facet), status: z.array(Facet), category: z.array(Facet), group: z.array(Facet), total: z.number() }),
  },
  /** One alert: its evidence, MITRE techniques, related entities and the story (process trees around its process evidence). */
  'investigate.alert': {
    request: z.object({ ...forTenant, id: z.string().min(1).max(256) }).strict(),
    response: z.object({
      alert: Row,
      evidence: z.array(Row),
      techniques: z.array(z.string()),
      related: z.array(Labelled.extend({ relation: z.string() })),
      story: z.array(ProcessTree),
    }),
  },
  'investigate.machine': {
    request: z.object({ ...forTenant, id: z.string().min(1).max(256) }).strict(),
    response: z.object({
      machine: Row,
      ipAddresses: z.array(Row),
      tags: z.array(z.string()),
      alertCount: z.number(),
      eventCount: z.number(),
      /** When the sync last asked the tenant for its logged-on users: null never; `at` null before the time was kept. */
      logonUsersAsked: z.object({ at: z.string().nullable() }).nullable(),
    }),
  },
  /** A machine's events of every kind, newest first, keyset-paged. */
  'investigate.timeline': {
    request: z.object({ ...forTenant, deviceId: z.string().min(1).max(256), filter: TimelineFilter.prefault({}), after: TimelineCursor.nullable().default(null), limit: limit(1000, pageRows) }).strict(),
    response: z.object({ rows: z.array(Row), next: TimelineCursor.nullable() }),
  },
  /** Events per time bucket for the timeline's activity chart, under the same filter. */
  'investigate.histogram': {
    request: z.object({ ...forTenant, deviceId: z.string().min(1).max(256), filter: TimelineFilter.prefault({}), buckets: z.number().int().min(4).max(400).default(120) }).strict(),
    response: z.object({ from: z.string().nullable(), to: z.string().nullable(), bucketMs: z.number(), counts: z.array(z.number()), actionTypes: z.array(z.string()) }),
  },
  'investigate.processTree': {
    request: z.object({ ...forTenant, deviceId: z.string().min(1).max(256), processId: z.number().int(), creationTime: isoTime }).strict(),
    response: ProcessTree.nullable(),
  },
  /** The facts of a file, IP, URL, domain, account or process: its profile and what the cache knows of it. */
  'investigate.entity': {
    request: z.object({ ...forTenant, entity: EntityRef }).strict(),
    response: z.object({ entity: EntityRef, label: z.string(), found: z.boolean(), facts: Row }),
  },
  /** One page of an entity page's sub-list. */
  'investigate.list': {
    request: z.object({ ...forTenant, list: z.enum(listNames), key: z.string().max(4096), limit: limit(500, pageRows), offset }).strict(),
    response: z.object({ rows: z.array(Row), hasMore: z.boolean() }),
  },
  /** Global search (FTS5 and exact pivots), grouped by entity type. */
  'investigate.search': {
    request: z.object({ ...forTenant, text: z.string().min(1).max(512), limit: limit(200, 60) }).strict(),
    response: z.object({ groups: z.array(z.object({ group: z.enum(searchGroups), hits: z.array(SearchHit) })) }),
  },
  /** An entity's neighbours by relation, for the graph. */
  'investigate.graph': {
    request: z.object({ ...forTenant, entity: EntityRef, perRelation: limit(50, 12) }).strict(),
    response: z.object({
      center: Labelled,
      neighbours: z.array(Labelled.extend({ relation: z.string() })),
    }),
  },
  'investigate.annotations': {
    request: z.object({ ...forTenant, entity: EntityRef }).strict(),
    response: z.object({ notes: z.array(Note), tags: z.array(z.string()) }),
  },
  'investigate.addNote': {
    request: z.object({ ...forTenant, entity: EntityRef, body: z.string().trim().min(1).max(20_000) }).strict(),
    response: z.object({ id: z.number() }),
  },
  'investigate.setTag': {
    request: z.object({ ...forTenant, entity: EntityRef, tag: z.string().trim().min(1).max(64), present: z.boolean() }).strict(),
    response: z.object({ tags: z.array(z.string()) }),
  },
  /** Every tagged or annotated entity, with its tags and notes. */
  'investigate.case': {
    request: z.object({ ...forTenant, limit: limit(500, 200), offset }).strict(),
    response: z.object({ entities: z.array(Labelled.extend({ tags: z.array(z.string()), notes: z.array(Note) })), hasMore: z.boolean() }),
  },
  /** An explicit, audited export of the case; the content comes back for the analyst to save. */
  'investigate.export': {
    request: z.object({ ...forTenant, format: z.enum(['json', 'html']), pseudonymize: z.boolean().default(false) }).strict(),
    response: z.object({ fileName: z.string(), mimeType: z.string(), content: z.string(), entities: z.number() }),
  },
} as const satisfies Record<(typeof investigateRequestNames)[number], RequestSpec>;
