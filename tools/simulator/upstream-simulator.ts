/**
 * A local upstream that speaks the real wire formats of OpenAI-compatible
 * providers, Anthropic Messages and Gemini generateContent, answering from
 * recorded fixtures (tools/simulator/fixtures/<id>/). It honours structured output and a
 * forced tool (answers matching the schema) and ends tool loops (text after a tool result).
 * Per API key it can fail, hang, drip or cut streams, or report other token counts (cache reads and
 * writes, reasoning, long prompts); otherwise token counts are the fixtures' (deterministic).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listProviders } from '../../server/providers/registry.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/catalog.js';
import { type EchoVia, echoAnswer } from './echo-key-answer.js';
import { embeddingsAnswer } from './embeddings-answer.js';
import { rewriteBody, rewriteEvents, withModelName } from './fixture-rewrite.js';
import { type AnswerKind, type ErrorKind, errorAnswer, fixtureText, streamAnswer, type Wire } from './fixture-store.js';
import { modelListAnswer, modelListWire } from './model-list-answer.js';
import { planReply, type Reply } from './reply-plan.js';
import { type SimUsage, withUsageBody, withUsageEvents } from './usage-rewrite.js';

export type { EchoVia, SimUsage };

/** What the simulator does for requests carrying a given API key. `times`: only the next N requests. */
export type SimBehavior = (
  | { kind: 'ok' }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden' }
  /**
   * 403 to every generation and embeddings request, while the key itself is fine: its model list
   * answers (anthropic, google: `error-forbidden-request.json`).
   */
  | { kind: 'forbidden-request' }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'quota' }
  | { kind: 'server-error' }
  | { kind: 'hang' }
  | { kind: 'slow'; chunkDelayMs?: number }
  | { kind: 'cut'; afterChunks: number }
  /** A stream closed cleanly after this many events, before its last one (no error, no final event). */
  | { kind: 'end-early'; afterChunks: number }
  | { kind: 'echo-key'; via: EchoVia; status?: number }
  /** Answer as usual, reporting these token counts in the provider's own usage shape. */
  | { kind: 'usage'; usage: SimUsage }
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
  /** When the caller closed the connection before the answer was complete (epoch ms): a cancelled or timed-out call. */
  abandonedAt?: number;
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
  /** Wait this long before answering every request (ms), like a real upstream's time to first byte. */
  latencyMs?: number;
}

// `/<provider>` then the path of the provider's real base URL (the registry's), so requests say who was called.
const BASE_PATH = Object.fromEntries([
  ...listProviders().map((p) => [p.id, `/${p.id}${new URL(p.defaultBaseUrl).pathname.replace(/\/+$/, '')}`]),
  ['custom', '/custom/v1'],
]) as Record<ProviderId | 'custom', string>;
const PREFIX = new RegExp(`^/(${[...PROVIDER_IDS, 'custom'].join('|')})(/.*)$`);
const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;
const ERROR_KIND: Partial<Record<SimBehavior['kind'], ErrorKind>> = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  'forbidden-request': 'forbidden-request',
  'rate-limit': 'rate-limit',
  quota: 'quota',
  'server-error': 'server',
};

interface Route {
  provider: string;
  wire: Wire;
  geminiStream: boolean;
  pathModel?: string;
  /** An embeddings request (`/embeddings`, `:batchEmbedContents`), answered with vectors. */
  embeddings?: boolean;
  /** Anthropic's `/v1/messages/count_tokens`, answered with `{ input_tokens }`. */
  countTokens?: boolean;
}

function route(pathname: string): Route | undefined {
  const match = PREFIX.exec(pathname);
  const named = match?.[1];
  const rest = match?.[2] ?? pathname;
  if (rest.endsWith('/chat/completions')) return { provider: named ?? 'openai', wire: 'openai-compatible', geminiStream: false };
  if (rest === '/v1/responses' && (named ?? 'openai') === 'openai')
    return { provider: 'openai', wire: 'openai-responses', geminiStream: false };
  if (rest.endsWith('/embeddings'))
    return { provider: named ?? 'openai', wire: 'openai-compatible', geminiStream: false, embeddings: true };
  if (rest === '/v1/messages') return { provider: named ?? 'anthropic', wire: 'anthropic', geminiStream: false };
  if (rest === '/v1/messages/count_tokens')
    return { provider: named ?? 'anthropic', wire: 'anthropic', geminiStream: false, countTokens: true };
  const gemini = GEMINI_PATH.exec(rest);
  if (gemini) {
    const method = gemini[2];
    return {
      provider: named ?? 'google',
      wire: 'google',
      geminiStream: method === 'streamGenerateContent',
      pathModel: gemini[1],
      embeddings: method === 'batchEmbedContents',
    };
  }
  return undefined;
}

/** A model-list GET (`modelListWire`) on a provider's base path: the gateway checking a key. */
function modelListRoute(pathname: string): { provider: string; wire: Exclude<Wire, 'openai-responses'> } | undefined {
  const match = PREFIX.exec(pathname);
  const wire = modelListWire(match?.[2] ?? pathname);
  if (!wire) return undefined;
  return { provider: match?.[1] ?? (wire === 'openai-compatible' ? 'openai' : wire), wire };
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

/** A deterministic count for `count_tokens`: about four characters a token, like a tokenizer on English text. */
function countTokensAnswer(raw: string): number {
  return Math.max(1, Math.ceil(raw.length / 4));
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

  /** Keep a request for `requests`: what was asked (method, path, query, headers) and what the caller read from it. */
  function record(
    req: IncomingMessage,
    url: URL,
    read: Pick<RecordedRequest, 'provider' | 'wire' | 'body' | 'apiKey' | 'model' | 'stream'>,
  ): RecordedRequest {
    const recorded: RecordedRequest = {
      ...read,
      method: req.method ?? 'POST',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
    };
    requests.push(recorded);
    return recorded;
  }

  /**
   * A key check: the key's model list, or the error a refused key gets. It reads the key's
   * behavior without using up a `times` count: it is not a generation request.
   */
  function answerModelList(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    target: NonNullable<ReturnType<typeof modelListRoute>>,
  ): void {
    const apiKey = apiKeyOf(req, url);
    if (!options.fast)
      record(req, url, { provider: target.provider, wire: target.wire, body: undefined, apiKey, model: undefined, stream: false });
    const kind = apiKey === undefined ? undefined : behaviors.get(apiKey)?.kind;
    if (kind === 'unauthorized' || kind === 'forbidden') {
      const { status, body } = errorAnswer(target.provider, target.wire, kind);
      sendJson(res, status, body);
    } else sendJson(res, 200, modelListAnswer(target.wire));
  }

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL, target: Route): Promise<void> {
    const raw = await readBody(req);
    const apiKey = apiKeyOf(req, url);
    let stream: boolean;
    let reply: Reply;
    let model: string | undefined;
    if (options.fast) {
      stream = target.wire === 'google' ? target.geminiStream : /"stream"\s*:\s*true/.test(raw);
      reply = { kind: 'fixture', answer: raw.includes('"tools"') ? 'tools' : 'text' };
    } else {
      const body = parseJson(raw) as { stream?: unknown; model?: unknown } | undefined;
      stream = target.wire === 'google' ? target.geminiStream : body?.stream === true;
      reply = planReply(target.wire, body);
      model = target.pathModel ?? (typeof body?.model === 'string' ? body.model : undefined);
      const recorded = record(req, url, { provider: target.provider, wire: target.wire, body, apiKey, model, stream });
      res.once('close', () => {
        if (!res.writableFinished) recorded.abandonedAt = Date.now();
      });
    }
    // A rewritten answer starts from the fixture of its shape: text for text, tools for a tool call.
    const kind: AnswerKind = reply.kind === 'fixture' ? reply.answer : reply.kind === 'text' ? 'text' : 'tools';
    const behavior = takeBehavior(apiKey);
    if (options.latencyMs) await sleep(options.latencyMs);
    const errorKind = ERROR_KIND[behavior.kind];
    if (errorKind) {
      const { status, body } = errorAnswer(target.provider, target.wire, errorKind);
      const retry: Record<string, string> =
        behavior.kind === 'rate-limit' ? { 'retry-after': String(behavior.retryAfterSeconds ?? 1) } : {};
      return sendJson(res, status, body, retry);
    }
    if (behavior.kind === 'hang') return; // never answer; close() ends the socket
    if (target.countTokens) return sendJson(res, 200, JSON.stringify({ input_tokens: countTokensAnswer(raw) }));
    if (target.embeddings) return sendJson(res, 200, embeddingsAnswer(target.provider, target.wire, parseJson(raw), target.pathModel));
    if (behavior.kind === 'echo-key') {
      const echo = echoAnswer(target.wire, behavior.via, apiKey ?? '', streamAnswer(target.provider, target.wire, kind), behavior.status);
      res.writeHead(echo.status, { 'content-type': echo.contentType });
      return void res.end(echo.body);
    }
    const delay = behavior.kind === 'slow' ? (behavior.chunkDelayMs ?? 100) : 0;
    const cutAfter = behavior.kind === 'cut' ? behavior.afterChunks : undefined;
    const endAfter = behavior.kind === 'end-early' ? behavior.afterChunks : undefined;
    if (!stream) {
      const recorded = fixtureText(target.provider, target.wire, `${kind}.json`);
      const answered = withModelName(reply.kind === 'fixture' ? recorded : rewriteBody(recorded, reply, target.wire), model);
      const text = behavior.kind === 'usage' ? withUsageBody(answered, target.wire, behavior.usage) : answered;
      if (delay) await sleep(delay * 3);
      if (cutAfter !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        return void setImmediate(() => res.socket?.destroy());
      }
      return sendJson(res, 200, text);
    }
    const recorded = streamAnswer(target.provider, target.wire, kind);
    const answered = (reply.kind === 'fixture' ? recorded : rewriteEvents(recorded, reply, target.wire)).map((event) =>
      withModelName(event, model),
    );
    const events = behavior.kind === 'usage' ? withUsageEvents(answered, target.wire, behavior.usage) : answered;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    if (endAfter !== undefined) return void res.end(events.slice(0, endAfter).join(''));
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
      const modelList = req.method === 'GET' ? modelListRoute(url.pathname) : undefined;
      if (modelList) return answerModelList(req, res, url, modelList);
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
    env: () => Object.fromEntries(listProviders().map((p) => [`${p.envPrefix}_BASE_URL`, baseUrls[p.id as ProviderId]])),
    get requests() {
      return requests;
    },
    clearRequests: () => {
      requests.length = 0;
    },
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
