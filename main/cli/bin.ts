import { runCli } from './index';

void runCli().catch((error: unknown) => {
  // Only the error's kind: its message may carry tenant data and stderr may be logged.
  const name = error instanceof Error ? error.name : typeof error;
  process.stderr.write(`outpost: unexpected ${name}; nothing was changed by the failed step.\n`);
  process.exitCode = 1;
});
