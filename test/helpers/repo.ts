import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the shared sample data beside it (never copied in). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');
