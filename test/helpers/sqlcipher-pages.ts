import { createDecipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/*
 * Reads an SQLCipher v4 database (and its WAL) page by page with the raw key, the way an
 * examiner holding the key would, including free pages and old WAL frames that SQLite
 * itself no longer shows. Test-only: proves what a purge really leaves on disk.
 */
const reserve = 80;

function decryptPage(page: Buffer, pageNumber: number, pageSize: number, key: Buffer): Buffer {
  if (page.every((byte) => byte === 0)) return page;
  const start = pageNumber === 1 ? 16 : 0;
  const iv = page.subarray(pageSize - reserve, pageSize - reserve + 16);
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(page.subarray(start, pageSize - reserve)), decipher.final()]);
}

/** Every decrypted page of the database file and every frame of its WAL. */
export function decryptedPages(databaseFile: string, keyHex: string, pageSize = 4096): Buffer[] {
  const key = Buffer.from(keyHex, 'hex');
  const pages: Buffer[] = [];
  const db = readFileSync(databaseFile);
  for (let offset = 0, number = 1; offset + pageSize <= db.length; offset += pageSize, number++) {
    pages.push(decryptPage(db.subarray(offset, offset + pageSize), number, pageSize, key));
  }
  const walFile = `${databaseFile}-wal`;
  if (existsSync(walFile)) {
    const wal = readFileSync(walFile);
    for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
      const number = wal.readUInt32BE(offset);
      pages.push(decryptPage(wal.subarray(offset + 24, offset + 24 + pageSize), number, pageSize, key));
    }
  }
  return pages;
}

export function pagesContain(pages: Buffer[], marker: string): boolean {
  const needle = Buffer.from(marker, 'utf8');
  return pages.some((page) => page.includes(needle));
}
