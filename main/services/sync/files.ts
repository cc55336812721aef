import type { CacheBatch } from '../cache';
import type { PhaseContext } from './phases';

/** File profiles per sync: the entity API allows 100 calls a minute, so the rest waits for the next sync. */
export const FILE_PROFILES_PER_SYNC = 400;

/**
 * File profiles for SHA-1s seen in evidence first (what an alert names), then in events,
 * for those not profiled yet. A SHA-1 the tenant does not know is remembered, not asked again.
 */
export async function syncFileProfiles(ctx: PhaseContext): Promise<void> {
  const wanted = (await ctx.cache.query('filesWithoutProfile', { limit: FILE_PROFILES_PER_SYNC })) as string[];
  ctx.progress.enter('files', wanted.length);
  let batch: NonNullable<CacheBatch['files']> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await ctx.cache.write({ files: batch });
    ctx.progress.rowsWritten += batch.length;
    batch = [];
  };
  for (const sha1 of wanted) {
    ctx.signal.throwIfAborted();
    const profile = await ctx.api.getJsonOrNull<Record<string, unknown>>(`/api/files/${encodeURIComponent(sha1)}`);
    // Unknown to the tenant: keep the hash with no profile fields, so it is not asked again.
    batch.push((profile ?? { sha1 }) as NonNullable<CacheBatch['files']>[number]);
    if (batch.length >= 50) await flush();
    ctx.progress.advance(1);
  }
  await flush();
}
