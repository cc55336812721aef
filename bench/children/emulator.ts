// The emulator for the end-to-end sync benchmark, in its own process so its memory is not
// the client's. Documented rate limits. Prints one JSON line when ready; stops on SIGTERM.
import { startEmulator } from '../../emulator';

const events = Number(process.argv[2] ?? 1_000_000);
const emulator = await startEmulator({ seed: 7, scale: events });
process.stdout.write(`${JSON.stringify({ url: emulator.url, caCertPem: emulator.caCertPem, registration: emulator.registration })}\n`);
const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
