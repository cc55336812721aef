import { OutpostError } from '../../../contract';

/** The file is not a complete Outpost bundle (wrong kind of file, newer format, cut short). */
export function bundleInvalid(file: string, why: string): OutpostError {
  return new OutpostError('BUNDLE_INVALID', `${file} cannot be imported: ${why}`);
}

/** The file is complete but its bytes are not the ones its exporter signed. */
export function bundleTampered(file: string, why: string, cause?: unknown): OutpostError {
  return new OutpostError(
    'BUNDLE_TAMPERED',
    `${file} was refused: ${why}. Nothing was imported; ask the exporter for a fresh copy.`,
    cause === undefined ? undefined : { cause },
  );
}
