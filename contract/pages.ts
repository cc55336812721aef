/**
 * Rows in a page of a machine timeline or an entity list when the caller does not say: about
 * a screen and a half, the rest as the analyst scrolls. On a first visit to an encrypted
 * cache each row is likely a page of its own to read and decrypt (about 35 us), so the first
 * page's size is most of its cost: README "Performance", page size.
 * Its own module, free of zod: the cache worker imports it, and a schema module would load
 * zod into every cache thread (about 120 ms of each thread's start).
 */
export const pageRows = 50;
