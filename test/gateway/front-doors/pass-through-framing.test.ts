import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../../tools/simulator/fixture-store.js';
import {
  createTenant,
  expectLedgerConsistent,
  fakeKey,
  type GatewayEnv,
  pico,
  startGatewayEnv,
  type Tenant,
  usageOf,
} from '../support/tenant.js';

const ANTHROPIC_STREAM = readFileSync(`${FIXTURES_DIR}anthropic/text.sse`, 'utf8');

/** The recorded Anthropic stream as some servers and proxies frame it: the request's text names how. */
function anthropicFraming(how: string): string {
  if (how === 'no-final-blank-line') return ANTHROPIC_STREAM.replace(/\n+$/, '\n');
  const dataOnly = ANTHROPIC_STREAM.replace(/^event: .*\n/gm, '');
  if (how === 'data-only') return dataOnly;
  // data-only-error: the answer starts, then the upstream's error event, without its name.
  const events = dataOnly.split('\n\n').filter(Boolean);
  return `${events.slice(0, 4).join('\n\n')}\n\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
}

/** Responses events up to a finished web search and the answer's first words; then the upstream goes quiet. */
const searchedThenQuiet = [
  { type: 'response.created', response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [], usage: null } },
  { type: 'response.output_item.added', output_index: 0, item: { type: 'web_search_call', id: 'ws_1', status: 'in_progress' } },
  {
    type: 'response.output_item.done',
    output_index: 0,
    item: { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'keyplane' } },
  },
  { type: 'response.output_item.added', output_index: 1, item: { type: 'message', id: 'msg_1', role: 'assistant', content: [] } },
  { type: 'response.output_text.delta', output_index: 1, content_index: 0, delta: 'keyplane is a gateway' },
]
  .map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
  .join('');

/**
 * Streams passed through as sent, framed as real servers frame them: a last event without its
 * blank line, events without `event:` lines, an error event without its name. And a client that
 * leaves after a web search ran, before the final usage: it still pays for the search.
 */
describe('passed-through streams as servers frame them', () => {
  let g: GatewayEnv;
  let tenant: Tenant;
  let upstream: Server;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (req.url === '/v1/messages') return void res.end(anthropicFraming(JSON.parse(body).messages[0].content));
        res.write(searchedThenQuiet); // and never ends: the client leaves
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    g = await startGatewayEnv('pglite', {
      ANTHROPIC_API_KEY: fakeKey('anthropic', 'framing'),
      ANTHROPIC_BASE_URL: url,
      OPENAI_API_KEY: fakeKey('openai', 'framing'),
      OPENAI_BASE_URL: `${url}/v1`,
    });
    tenant = await createTenant(g.t, { mode: 'CREDITS', credits: '5' });
  });
  afterAll(async () => {
    await g?.close();
    upstream?.closeAllConnections();
    upstream?.close();
  });

  const messages = (how: string) =>
    fetch(`${g.t.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tenant.secret, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: how }] }),
      signal: AbortSignal.timeout(10_000),
    });

  it.each(['no-final-blank-line', 'data-only'])('a complete stream framed %s is a success, its usage read', async (how) => {
    const response = await messages(how);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('message_stop');
    expect(text).not.toMatch(/before its last event/);
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'SUCCESS', failureClass: null, outputTokens: 9, tokensEstimated: false });
  });

  it("an error event without its name is the upstream's error", async () => {
    const response = await messages('data-only-error');
    expect(await response.text()).toContain('overloaded_error');
    const usage = await usageOf(g.t, response.headers.get('x-keyplane-request-id') as string);
    expect(usage).toMatchObject({ status: 'FAILED', failureClass: 'STREAM_INTERRUPTED' });
  });

  it('a client that leaves after a web search ran, before the final usage, pays for the search', async () => {
    const leave = new AbortController();
    const response = await fetch(`${g.t.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.secret}` },
      body: JSON.stringify({ model: 'openai/gpt-4.1', stream: true, input: 'Search for keyplane', tools: [{ type: 'web_search' }] }),
      signal: leave.signal,
    });
    const requestId = response.headers.get('x-keyplane-request-id') as string;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('output_text.delta')) seen += new TextDecoder().decode((await reader.read()).value);
    leave.abort();
    const usage = await usageOf(g.t, requestId);
    expect(usage).toMatchObject({ status: 'CANCELLED', webSearches: 1, tokensEstimated: true });
    expect(usage.unitPrices).toMatchObject({ webSearch: '10' });
    // At least the search's $0.01 beside the estimated tokens.
    expect(pico(usage.billedCostUsd)).toBeGreaterThan(10_000_000_000n);
    await expectLedgerConsistent(g.t, tenant.organizationId);
  });
});
