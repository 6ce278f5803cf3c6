/**
 * `npm run simulate -- [--port 4010] [--host 127.0.0.1] [--latency ms] [--key k=kind] [--fast]`:
 * the upstream simulator in its own process. Prints the `<P>_BASE_URL` lines to export;
 * `--help` prints the usage.
 */
import { parseSimulateArgs, USAGE } from './simulate-options.js';
import { startUpstreamSimulator } from './upstream-simulator.js';

const command = parseSimulateArgs(process.argv.slice(2));
if (command.kind === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (command.kind === 'error') {
  process.stderr.write(`simulate: ${command.message}\nRun \`npm run simulate -- --help\` for the options.\n`);
  process.exit(1);
}

const simulator = await startUpstreamSimulator(command.options);
for (const [key, behavior] of Object.entries(command.keys)) simulator.setKeyBehavior(key, behavior);
console.log(`# keyplane upstream simulator on ${simulator.url} (control: POST ${simulator.url}/__sim/keys)`);
for (const [name, value] of Object.entries(simulator.env())) console.log(`export ${name}=${value}`);

const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
