import { createHash } from 'node:crypto';
import type { CacheClient } from '../cache';
import { readCase, type CaseDocument } from './case';
import { caseToHtml } from './html';
import { Pseudonymizer } from './pseudonymize';

export type { CaseDocument, CaseEntity } from './case';
export { caseToHtml } from './html';
export { Pseudonymizer } from './pseudonymize';

export interface ExportOptions {
  tenant: string;
  format: 'json' | 'html';
  pseudonymize: boolean;
  appVersion: string;
  now?: Date;
}

export interface CaseExport {
  fileName: string;
  mimeType: string;
  content: string;
  entities: number;
  /** Of the content, for the audit entry: which file left the cache. */
  sha256: string;
}

/**
 * The case as a file's content. Nothing is written to disk here: the analyst chooses where
 * the file goes (a save dialog or download), so no plaintext copy of tenant data is left
 * behind in Outpost's own folders. The caller records the export in the audit log.
 */
export async function exportCase(cache: Pick<CacheClient, 'query'>, options: ExportOptions): Promise<CaseExport> {
  const now = options.now ?? new Date();
  let doc: CaseDocument = await readCase(cache, { tenant: options.tenant, appVersion: options.appVersion, now });
  if (options.pseudonymize) {
    const names = await cache.query('invIdentityNames');
    const pseudonymizer = new Pseudonymizer({ hosts: names.hosts, accounts: names.accounts });
    doc = { ...pseudonymizer.deep(doc), tenant: doc.tenant, pseudonymized: true };
    pseudonymizer.forget();
  }
  const content = options.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : caseToHtml(doc);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return {
    fileName: `outpost-case-${options.tenant}-${stamp}${options.pseudonymize ? '-pseudonymized' : ''}.${options.format}`,
    mimeType: options.format === 'json' ? 'application/json' : 'text/html',
    content,
    entities: doc.entities.length,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}
