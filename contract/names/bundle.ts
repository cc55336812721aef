/** Air-gap bundles: seal a tenant's cached slice into a file, import one (sync panel, first run, settings). */
export const bundleRequestNames = ['bundle.export', 'bundle.import'] as const;
