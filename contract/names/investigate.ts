/** Offline investigation: entity pages, timeline, process trees, search, graph, notes, tags, case export. */
export const investigateRequestNames = [
  'investigate.alerts',
  'investigate.alertFacets',
  'investigate.alert',
  'investigate.machine',
  'investigate.timeline',
  'investigate.histogram',
  'investigate.processTree',
  'investigate.entity',
  'investigate.list',
  'investigate.search',
  'investigate.graph',
  'investigate.annotations',
  'investigate.addNote',
  'investigate.setTag',
  'investigate.case',
  'investigate.export',
] as const;
