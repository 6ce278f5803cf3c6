/**
 * The command line of `npm run simulate`: parsed with node:util parseArgs into simulator
 * options and per-key behaviours, or into the help text or an error to print.
 */
import { parseArgs } from 'node:util';
import type { EchoVia, SimBehavior, SimulatorOptions } from './upstream-simulator.js';

/** The port `npm run simulate` listens on unless told otherwise (the README's base URLs use it). */
export const DEFAULT_PORT = 4010;

export const USAGE = `Usage: npm run simulate -- [options]

A local stand-in for every provider's API (OpenAI-compatible, Anthropic, Gemini), answering
from recorded wire data. Prints the <P>_BASE_URL lines to give keyplane.

Options:
  --port <n>            port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <address>      address to bind (default 127.0.0.1)
  --latency <ms>        wait before answering every request (default 0)
  --key <key>=<kind>    behaviour for requests with this API key (repeatable); kinds:
                          ok, unauthorized, forbidden, rate-limit[:<retry-after s>], quota,
                          server-error, hang, slow[:<ms per chunk>], cut[:<chunks>],
                          echo-key[:json|text|stream-chunk|sse-error]
  --fast                answer at once, no recording or request parsing (benchmarks)
  -h, --help            print this help and exit

Answers: structured output (response_format, Anthropic output_format or a forced tool,
Gemini responseMimeType application/json) gets JSON matching the schema; a conversation
ending in a tool result gets a text answer. Change behaviours while running:
  curl -X POST localhost:${DEFAULT_PORT}/__sim/keys -d '{"apiKey":"k","behavior":{"kind":"rate-limit"}}'
`;

export type SimulateCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'run'; options: Required<Pick<SimulatorOptions, 'port' | 'host' | 'fast' | 'latencyMs'>>; keys: Record<string, SimBehavior> };

const ECHO_VIA: readonly EchoVia[] = ['json', 'text', 'stream-chunk', 'sse-error'];

function count(value: string | undefined, name: string): number | string {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(number) && number >= 0 ? number : `${name} must be a whole number ≥ 0`;
}

/** `kind[:arg]` as a behaviour, or what is wrong with it. */
export function parseBehavior(spec: string): SimBehavior | string {
  const [kind = '', arg] = spec.split(/:(.*)/s, 2);
  const number = (name: string) => (arg === undefined ? undefined : count(arg, name));
  switch (kind) {
    case 'ok':
    case 'unauthorized':
    case 'forbidden':
    case 'quota':
    case 'server-error':
    case 'hang':
      return { kind };
    case 'rate-limit': {
      const seconds = number('retry-after');
      return typeof seconds === 'string' ? seconds : { kind, retryAfterSeconds: seconds };
    }
    case 'slow': {
      const ms = number('chunk delay');
      return typeof ms === 'string' ? ms : { kind, chunkDelayMs: ms };
    }
    case 'cut': {
      const chunks = number('chunks') ?? 2;
      return typeof chunks === 'string' ? chunks : { kind, afterChunks: chunks };
    }
    case 'echo-key': {
      const via = (arg ?? 'json') as EchoVia;
      return ECHO_VIA.includes(via) ? { kind, via } : `echo-key takes one of ${ECHO_VIA.join(', ')}`;
    }
    default:
      return `unknown behaviour "${kind}"`;
  }
}

/** Parse `npm run simulate` arguments (without node and the script). */
export function parseSimulateArgs(args: readonly string[]): SimulateCommand {
  let values: { port?: string; host?: string; latency?: string; key?: string[]; fast?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        latency: { type: 'string' },
        key: { type: 'string', multiple: true },
        fast: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const port = count(values.port ?? String(DEFAULT_PORT), '--port');
  if (typeof port === 'string' || port > 65535) return { kind: 'error', message: `--port must be a port number, got ${values.port}` };
  const latencyMs = count(values.latency ?? '0', '--latency');
  if (typeof latencyMs === 'string') return { kind: 'error', message: `${latencyMs}, got ${values.latency}` };
  const keys: Record<string, SimBehavior> = {};
  for (const spec of values.key ?? []) {
    const at = spec.lastIndexOf('=');
    const behavior = at > 0 ? parseBehavior(spec.slice(at + 1)) : 'expected <key>=<kind>';
    if (typeof behavior === 'string') return { kind: 'error', message: `--key ${spec}: ${behavior}` };
    keys[spec.slice(0, at)] = behavior;
  }
  return { kind: 'run', options: { port, host: values.host ?? '127.0.0.1', fast: values.fast ?? false, latencyMs }, keys };
}
