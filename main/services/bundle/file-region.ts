import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { ReadableStream } from 'node:stream/web';

const readSize = 1 << 20;

/** Reads exactly `length` bytes at `position`, or fewer only if the file is shorter. */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Feeds bytes [start, end) of the file into the hash, one bounded buffer at a time. */
export async function hashRegion(handle: FileHandle, start: number, end: number, hash: Hash): Promise<void> {
  const buffer = Buffer.alloc(readSize);
  for (let position = start; position < end; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(readSize, end - position), position);
    if (bytesRead === 0) throw new Error('the file became shorter while it was being read');
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/**
 * Bytes [start, end) of the file as a web stream for the age decrypter, hashed on the way
 * so the importer can tell whether the file changed between the verifying and the
 * decrypting pass. Pulled on demand: nothing is read ahead of the consumer.
 */
export function regionStream(handle: FileHandle, start: number, end: number, hash: Hash): ReadableStream<Uint8Array> {
  let position = start;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (position >= end) {
          controller.close();
          return;
        }
        const buffer = Buffer.alloc(Math.min(readSize, end - position));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) throw new Error('the file became shorter while it was being read');
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        position += bytesRead;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      },
    },
    { highWaterMark: 0 },
  );
}
