import type { ServerResponse } from 'node:http';
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PassThrough } from '../../../server/gateway/front-doors/front-door.js';
import { GatewayError } from '../../../server/gateway/gateway-error.js';
import type { GatewayIdentity, ProjectScope, ResponseSink } from '../../../server/gateway/request-context.js';
import { RequestRun } from '../../../server/gateway/request-run.js';
import type { RouteCandidate } from '../../../server/gateway/routing/router.js';
import { secretScrubber } from '../../../server/gateway/secret-scrubber.js';
import { type CallDependencies, callUpstream } from '../../../server/gateway/stages/call.stage.js';
import { relayPassThrough } from '../../../server/gateway/stages/pass-through-relay.js';
import { MAX_ANSWER_BYTES, MAX_ERROR_BYTES } from '../../../server/gateway/stages/upstream-body.js';
import { parseChatRequest } from '../../../server/providers/canonical-request.js';
import { createCustomProvider } from '../../../server/providers/registry.js';
import { MAX_SSE_EVENT_CHARS } from '../../../server/providers/sse-stream.js';
import { type LoopbackServer, startLoopbackServer } from '../../support/loopback-server.js';

const KEY = 'lab.Zq8vB3nL0pXr7TfK2mWc9HdY4sJe6UaG';
const FILL = Buffer.alloc(64 * 1024, 'a');

/** What one endless answer cost the upstream before the gateway hung up. */
interface Sent {
  bytes: number;
  closed: Promise<void>;
}

/**
 * A tenant's upstream that answers without end: a JSON body, an error body or an SSE event that
 * never closes. Without a ceiling the gateway buffered it all (an SSE event grew to 197 MB); each
 * read now stops at its limit, fails the attempt as the upstream's fault and closes the connection.
 */
describe('upstream answers larger than the gateway reads', () => {
  let server: LoopbackServer;
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const sent = new Map<string, Sent>();

  /** `head`, then `a` for ever (as fast as the socket takes it), until the gateway hangs up. */
  function endless(res: ServerResponse, scenario: string, status: number, type: string, head: string): void {
    const record: Sent = { bytes: 0, closed: new Promise((resolve) => res.once('close', () => resolve())) };
    sent.set(scenario, record);
    res.writeHead(status, { 'content-type': type });
    res.write(head);
    const pump = () => {
      while (!res.destroyed && res.write(FILL)) record.bytes += FILL.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  }

  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      req.resume();
      const scenario = (req.url ?? '').split('/')[1] ?? '';
      if (scenario === 'json') endless(res, scenario, 200, 'application/json', '{"id":"');
      else if (scenario === 'error') endless(res, scenario, 500, 'application/json', `{"error":"bad key ${KEY}: `);
      else if (scenario === 'event') endless(res, scenario, 200, 'text/event-stream', 'data: {"id":"');
      else if (scenario === 'line') endless(res, scenario, 200, 'text/event-stream', `data: {"a":1}\ndata: `);
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion',
            model: 'llama3',
            choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1 },
          }),
        );
      }
    });
  });
  afterAll(async () => {
    await agent.close();
    await server?.close();
  });

  const sink = () => {
    const seen: string[] = [];
    const record = (what: string) => async () => void seen.push(what);
    const responseSink: ResponseSink = {
      complete: record('complete'),
      push: record('push'),
      end: record('end'),
      interrupt: record('interrupt'),
      passJson: record('passJson'),
      passChunk: record('passChunk'),
      passEnd: () => void seen.push('passEnd'),
    };
    return { seen, responseSink };
  };

  /** One call through the call stage to the loopback upstream, as a custom provider with the caller's key. */
  async function call(scenario: string, stream: boolean): Promise<{ error: unknown; seen: string[]; ms: number }> {
    const baseUrl = `${server.url}/${scenario}/v1`;
    const { adapter } = createCustomProvider({ id: 'lab', baseUrl });
    const candidate: RouteCandidate = {
      provider: 'lab',
      providerModel: 'llama3',
      prices: null,
      maxOutputTokens: null,
      endpoint: { adapter, baseUrl },
      key: { source: 'user', secret: KEY, keyRef: 'user:lab', stateKey: 'state:lab' },
    };
    const parsed = parseChatRequest({ model: 'lab/llama3', messages: [{ role: 'user', content: 'Hi' }], stream });
    if (!parsed.ok) throw new Error(parsed.message);
    const run = new RequestRun(`limits-${scenario}`);
    run.stream = stream;
    const { seen, responseSink } = sink();
    const deps = {
      state: { setCooldown: async () => {}, setDisabled: async () => {} },
      health: { record: () => {} },
      metrics: {},
      dispatcher: agent,
      platformMultiplier: '1',
      upstreamTimeoutMs: 10_000,
      writeAhead: async () => {},
      alerts: { keyDisabled: () => {}, keyCooling: () => {} },
    } as unknown as CallDependencies;
    const identity = { byokFeeRate: '0', hostedCostMultiplier: null } as unknown as GatewayIdentity;
    const start = performance.now();
    const error = await callUpstream(
      run,
      identity,
      {} as ProjectScope,
      [candidate],
      { request: parsed.value, sink: responseSink, raw: {}, headers: {} },
      deps,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    return { error, seen, ms: performance.now() - start };
  }

  it('relays an ordinary answer as before', async () => {
    const { error, seen } = await call('ok', false);
    expect(error).toBeNull();
    expect(seen).toEqual(['complete']);
  });

  it.each([
    ['a JSON answer without end', 'json', false, MAX_ANSWER_BYTES],
    ['a stream event without its blank line', 'event', true, MAX_SSE_EVENT_CHARS],
    ['a data line without its end', 'line', true, MAX_SSE_EVENT_CHARS],
  ])(
    '%s fails the attempt as UPSTREAM_ERROR "too large", and the upstream is hung up on near the limit',
    async (_, scenario, stream, limit) => {
      const { error, seen } = await call(scenario, stream);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).options.failureClass).toBe('UPSTREAM_ERROR');
      expect((error as GatewayError).message).toMatch(/answer was too large/);
      expect(seen).toEqual([]); // nothing reached the client
      const upstream = sent.get(scenario) as Sent;
      await upstream.closed; // the body is endless: it ends only because the gateway closed the connection
      // What the upstream got out before the close: the limit, plus what the sockets' buffers held.
      expect(upstream.bytes).toBeLessThan(limit + 16 * 1024 * 1024);
    },
  );

  it('reads only the start of an endless error body, and scrubs the key from it', async () => {
    const { error, ms } = await call('error', false);
    expect((error as GatewayError).options.failureClass).toBe('UPSTREAM_ERROR');
    expect((error as GatewayError).message).not.toContain('Zq8vB3nL');
    const upstream = sent.get('error') as Sent;
    await upstream.closed;
    expect(upstream.bytes).toBeLessThan(MAX_ERROR_BYTES + 16 * 1024 * 1024);
    expect(ms).toBeLessThan(5_000);
  });

  describe('pass-through', () => {
    const passThrough = {
      usageFromJson: () => null,
      usageFromStreamEvent: () => null,
    } as unknown as PassThrough;
    const upstream = (scenario: string): Promise<Dispatcher.ResponseData> =>
      request(`${server.url}/${scenario}/v1/messages`, { method: 'POST', body: '{}', dispatcher: agent });

    it('an endless JSON answer fails as UPSTREAM_ERROR "too large"', async () => {
      const run = new RequestRun('pass-json');
      const { seen, responseSink } = sink();
      const result = await relayPassThrough(run, passThrough, await upstream('json'), responseSink, secretScrubber(KEY));
      expect(result).toMatchObject({ done: false, retry: true, failure: { failureClass: 'UPSTREAM_ERROR' } });
      expect(result.done === false && result.failure.message).toMatch(/answer was too large/);
      expect(seen).toEqual([]);
    });

    it('a stream event without end breaks the stream off instead of buffering it', async () => {
      const run = new RequestRun('pass-stream');
      run.stream = true;
      const { seen, responseSink } = sink();
      const result = await relayPassThrough(run, passThrough, await upstream('event'), responseSink, secretScrubber(KEY));
      expect(result).toMatchObject({ done: false, failure: { failureClass: 'STREAM_INTERRUPTED' } });
      expect(result.done === false && result.failure.message).toMatch(/answer was too large/);
      // The relay passed the chunks on as they came, until the parser's ceiling.
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((what) => what === 'passChunk')).toBe(true);
      await (sent.get('event') as Sent).closed;
    });
  });
});
