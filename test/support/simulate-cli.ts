/**
 * Run the upstream simulator out of process:
 *   npx tsx test/support/simulate-cli.ts --port 4010 [--host 127.0.0.1] [--fast]
 * Prints the `<P>_BASE_URL` lines to export. Per-key behaviours: POST /__sim/keys
 * with `{"apiKey":"k","behavior":{"kind":"rate-limit","retryAfterSeconds":2}}`.
 */
import { startUpstreamSimulator } from './upstream-simulator.js';

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const port = Number(arg('port') ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${arg('port')}`);
  process.exit(2);
}
const simulator = await startUpstreamSimulator({ port, host: arg('host'), fast: process.argv.includes('--fast') });
console.log(`# keyplane upstream simulator on ${simulator.url} (control: POST ${simulator.url}/__sim/keys)`);
for (const [name, value] of Object.entries(simulator.env())) console.log(`export ${name}=${value}`);

const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
