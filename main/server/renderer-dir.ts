import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutpostError } from '../../contract';

/** The built renderer: beside the bundle (dist/renderer) or, from source, under dist/. */
export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'renderer'), path.join(here, '..', 'renderer'), path.resolve(here, '../../dist/renderer')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new OutpostError('NOT_FOUND', 'The renderer is not built. Run `npm run build`.');
  return found;
}
