import { createHmac, pbkdf2Sync } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/*
 * When SQLite refuses a page it says only "file is not a database" or "malformed", for a
 * wrong key and a tampered page alike. We tell them apart the way SQLCipher v4 itself
 * checks a page: every page ends with a 16-byte IV and a 64-byte HMAC-SHA512 over
 * (ciphertext, IV, page number), keyed by PBKDF2-SHA512(key, salt ^ 0x3a, 2 rounds).
 * If no page authenticates under our key, the key is wrong; if most do and some do not,
 * the file was altered. Only runs after a failure, so it may read the whole file.
 */

const reserve = 80; // IV (16) + HMAC-SHA512 (64)
const pageSizes = [4096, 8192, 16384, 32768, 65536, 1024, 2048, 512];

export interface PageCheck {
  /** No page authenticates under the key. */
  keyMatches: boolean;
  pageSize: number | null;
  pagesChecked: number;
  /** 1-based numbers of pages in the database file whose HMAC fails. */
  badPages: number[];
}

function pageAuthentic(page: Buffer, pageNumber: number, pageSize: number, hmacKey: Buffer): boolean {
  const start = pageNumber === 1 ? 16 : 0; // page 1 starts with the plaintext salt
  const body = page.subarray(start, pageSize - reserve + 16);
  const tag = page.subarray(pageSize - 64, pageSize);
  const number = Buffer.alloc(4);
  number.writeUInt32LE(pageNumber);
  return createHmac('sha512', hmacKey).update(body).update(number).digest().equals(tag);
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/** Checks every page of an SQLCipher v4 file against a raw 32-byte key. */
export function checkPages(file: string, key: Uint8Array): PageCheck {
  const fd = openSync(file, 'r');
  let hmacKey: Buffer | null = null;
  try {
    const size = fstatSync(fd).size;
    const salt = readAt(fd, 16, 0);
    if (salt.length < 16) return { keyMatches: false, pageSize: null, pagesChecked: 0, badPages: [] };
    hmacKey = pbkdf2Sync(key, Buffer.from(salt.map((byte) => byte ^ 0x3a)), 2, 32, 'sha512');
    // The page size sits inside the encrypted header, so find the one under which pages
    // 1 to 3 authenticate (page 1 alone may be the tampered one).
    let pageSize: number | null = null;
    for (const candidate of pageSizes) {
      if (size < candidate || size % candidate !== 0) continue;
      const pages = Math.min(3, size / candidate);
      for (let number = 1; number <= pages && pageSize === null; number++) {
        if (pageAuthentic(readAt(fd, candidate, (number - 1) * candidate), number, candidate, hmacKey)) pageSize = candidate;
      }
      if (pageSize !== null) break;
    }
    if (pageSize === null) return { keyMatches: false, pageSize: null, pagesChecked: 0, badPages: [] };
    const badPages: number[] = [];
    const count = Math.floor(size / pageSize);
    for (let number = 1; number <= count; number++) {
      const page = readAt(fd, pageSize, (number - 1) * pageSize);
      // An all-zero page is free space SQLite has not written yet, not a forgery.
      if (page.every((byte) => byte === 0)) continue;
      if (!pageAuthentic(page, number, pageSize, hmacKey)) badPages.push(number);
    }
    return { keyMatches: true, pageSize, pagesChecked: count, badPages };
  } finally {
    hmacKey?.fill(0);
    closeSync(fd);
  }
}
