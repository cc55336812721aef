import { createRequire } from 'node:module';

/** The version in package.json; bundles keep package.json beside them, so this holds after packaging. */
export function appVersion(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../package.json', './package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'outpost' && pkg.version) return pkg.version;
    } catch {
      // not at this depth; bundled and source layouts differ
    }
  }
  return '0.0.0';
}
