/**
 * A local upstream that speaks the real wire formats of OpenAI-compatible
 * providers, Anthropic Messages and Gemini generateContent, answering from
 * recorded fixtures (test/fixtures/providers/<id>/). Per API key it can fail,
 * hang, drip or cut streams. Token counts are the fixtures' (deterministic).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROVIDER_IDS, type ProviderId } from '../../shared/catalog.js';
import { errorAnswer, fixtureText, streamAnswer, type AnswerKind, type ErrorKind, type Wire } from './simulator/fixtures.js';

/** What the simulator does for requests carrying a given API key. `times`: only the next N requests. */
export type SimBehavior = (
  | { kind: 'ok' }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden' }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'quota' }
  | { kind: 'server-error' }
  | { kind: 'hang' }
  | { kind: 'slow'; chunkDelayMs?: number }
  | { kind: 'cut'; afterChunks: number }
) & { times?: number };

export interface RecordedRequest {
  provider: string;
  wire: Wire;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  apiKey: string | undefined;
  /** `model` of the body, or of the path for Gemini. */
  model: string | undefined;
  stream: boolean;
}

export interface UpstreamSimulator {
  url: string;
  port: number;
  /** Base URL to configure for a provider (`<P>_BASE_URL`); `custom` for custom providers. */
  baseUrl(provider: ProviderId | 'custom'): string;
  baseUrls: Record<ProviderId, string>;
  /** `{ OPENAI_BASE_URL: …, … }` for every provider. */
  env(): Record<string, string>;
  /** Requests received so far (empty in fast mode). */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  setKeyBehavior(apiKey: string, behavior: SimBehavior): void;
  clearKeyBehaviors(): void;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Answer at once with minimal work: no recording, no body parsing (for benchmarks). */
  fast?: boolean;
}

// The path each provider's real base URL has, behind a /<provider> prefix so requests say who was called.
const BASE_PATH: Record<ProviderId | 'custom', string> = {
  openai: '/openai/v1',
  anthropic: '/anthropic',
  google: '/google',
  mistral: '/mistral/v1',
  groq: '/groq/openai/v1',
  together: '/together/v1',
  fireworks: '/fireworks/inference/v1',
  deepseek: '/deepseek',
  custom: '/custom/v1',
};
const PREFIX = new RegExp(`^/(${[...PROVIDER_IDS, 'custom'].join('|')})(/.*)$`);
const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const ERROR_KIND: Partial<Record<SimBehavior['kind'], ErrorKind>> = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  'rate-limit': 'rate-limit',
  quota: 'quota',
  'server-error': 'server',
};

interface Route {
  provider: string;
  wire: Wire;
  geminiStream: boolean;
  pathModel?: string;
}

function route(pathname: string): Route | undefined {
  const match = PREFIX.exec(pathname);
  const named = match?.[1];
  const rest = match?.[2] ?? pathname;
  if (rest.endsWith('/chat/completions')) return { provider: named ?? 'openai', wire: 'openai-compatible', geminiStream: false };
  if (rest === '/v1/messages') return { provider: named ?? 'anthropic', wire: 'anthropic', geminiStream: false };
  const gemini = GEMINI_PATH.exec(rest);
  if (gemini) {
    return { provider: named ?? 'google', wire: 'google', geminiStream: gemini[2] === 'streamGenerateContent', pathModel: gemini[1] };
  }
  return undefined;
}

function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'];
  if (typeof header === 'string') return header;
  return url.searchParams.get('key') ?? undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Start a simulator on an ephemeral port (or `options.port`). */
export async function startUpstreamSimulator(options: SimulatorOptions = {}): Promise<UpstreamSimulator> {
  const behaviors = new Map<string, SimBehavior>();
  const requests: RecordedRequest[] = [];

  function takeBehavior(apiKey: string | undefined): SimBehavior {
    const behavior = apiKey === undefined ? undefined : behaviors.get(apiKey);
    if (!behavior) return { kind: 'ok' };
    if (behavior.times !== undefined) {
      if (behavior.times <= 1) behaviors.delete(apiKey as string);
      else behaviors.set(apiKey as string, { ...behavior, times: behavior.times - 1 });
    }
    return behavior;
  }

  async function control(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const body = parseJson(await readBody(req)) as { apiKey?: string; behavior?: SimBehavior; keys?: Record<string, SimBehavior> };
    if (pathname === '/__sim/keys' && req.method === 'POST') {
      if (body?.apiKey && body.behavior) behaviors.set(body.apiKey, body.behavior);
      for (const [key, behavior] of Object.entries(body?.keys ?? {})) behaviors.set(key, behavior);
      return sendJson(res, 200, JSON.stringify({ keys: Object.fromEntries(behaviors) }));
    }
    if (pathname === '/__sim/keys' && req.method === 'DELETE') {
      behaviors.clear();
      return sendJson(res, 200, '{}');
    }
    if (pathname === '/__sim/requests' && req.method === 'GET') return sendJson(res, 200, JSON.stringify(requests));
    if (pathname === '/__sim/requests' && req.method === 'DELETE') {
      requests.length = 0;
      return sendJson(res, 200, '{}');
    }
    if (pathname === '/__sim/base-urls') return sendJson(res, 200, JSON.stringify(simulator.baseUrls));
    sendJson(res, 404, JSON.stringify({ error: { message: `Unknown control path ${pathname}` } }));
  }

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL, target: Route): Promise<void> {
    const raw = await readBody(req);
    const apiKey = apiKeyOf(req, url);
    let stream: boolean;
    let kind: AnswerKind;
    if (options.fast) {
      stream = target.wire === 'google' ? target.geminiStream : /"stream"\s*:\s*true/.test(raw);
      kind = raw.includes('"tools"') ? 'tools' : 'text';
    } else {
      const body = parseJson(raw) as { stream?: unknown; tools?: unknown[]; model?: unknown } | undefined;
      stream = target.wire === 'google' ? target.geminiStream : body?.stream === true;
      kind = Array.isArray(body?.tools) && body.tools.length > 0 ? 'tools' : 'text';
      requests.push({
        provider: target.provider,
        wire: target.wire,
        method: req.method ?? 'POST',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers },
        body,
        apiKey,
        model: target.pathModel ?? (typeof body?.model === 'string' ? body.model : undefined),
        stream,
      });
    }
    const behavior = takeBehavior(apiKey);
    const errorKind = ERROR_KIND[behavior.kind];
    if (errorKind) {
      const { status, body } = errorAnswer(target.provider, target.wire, errorKind);
      const retry: Record<string, string> =
        behavior.kind === 'rate-limit' ? { 'retry-after': String(behavior.retryAfterSeconds ?? 1) } : {};
      return sendJson(res, status, body, retry);
    }
    if (behavior.kind === 'hang') return; // never answer; close() ends the socket
    const delay = behavior.kind === 'slow' ? (behavior.chunkDelayMs ?? 100) : 0;
    const cutAfter = behavior.kind === 'cut' ? behavior.afterChunks : undefined;
    if (!stream) {
      const text = fixtureText(target.provider, target.wire, `${kind}.json`);
      if (delay) await sleep(delay * 3);
      if (cutAfter !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        return void setImmediate(() => res.socket?.destroy());
      }
      return sendJson(res, 200, text);
    }
    const events = streamAnswer(target.provider, target.wire, kind);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    if (!delay && cutAfter === undefined) return void res.end(events.join(''));
    for (const [index, event] of events.entries()) {
      if (cutAfter !== undefined && index >= cutAfter) {
        // Let the written chunks reach the client before the socket dies mid-stream.
        await sleep(20);
        res.socket?.destroy();
        return;
      }
      res.write(event);
      if (delay) await sleep(delay);
      if (res.destroyed) return;
    }
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const handle = async () => {
      if (url.pathname.startsWith('/__sim/')) return control(req, res, url.pathname);
      const target = req.method === 'POST' ? route(url.pathname) : undefined;
      if (!target) {
        const message = `Simulator has no route for ${req.method} ${url.pathname}`;
        return sendJson(res, 404, JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
      }
      return answer(req, res, url, target);
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ error: { message: String(error) } }));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const baseUrl = (provider: ProviderId | 'custom') => `${url}${BASE_PATH[provider]}`;
  const baseUrls = Object.fromEntries(PROVIDER_IDS.map((id) => [id, baseUrl(id)])) as Record<ProviderId, string>;

  const simulator: UpstreamSimulator = {
    url,
    port,
    baseUrl,
    baseUrls,
    env: () =>
      Object.fromEntries(PROVIDER_IDS.map((id) => [`${id.toUpperCase().replace(/-/g, '_')}_BASE_URL`, baseUrls[id]])),
    get requests() {
      return requests;
    },
    clearRequests: () => void (requests.length = 0),
    setKeyBehavior: (apiKey, behavior) => void behaviors.set(apiKey, behavior),
    clearKeyBehaviors: () => behaviors.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return simulator;
}

/** Alias: `start()` → `{ url, port, close(), … }`. */
export const start = startUpstreamSimulator;
