import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const RUNS = 120;
const VALID = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

/**
 * Hostile and malformed input against the real server: every answer is a 4xx with a message
 * (or a normal answer when the input happens to be valid), never a 5xx, and it keeps serving.
 */
describe('fuzzing the public endpoints', { timeout: 180_000 }, () => {
  let sim: UpstreamSimulator;
  let t: TestServer;
  let gatewayKey: string;

  beforeAll(async () => {
    sim = await startUpstreamSimulator({ fast: true });
    t = await startTestServer('pglite', {
      ...sim.env(),
      OPENAI_API_KEY: 'sk-platform-fuzz-aaaaaaaaaaaaaaaaaa',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
    const org = (await t.gqlOk<any>('mutation { createOrganization(input:{name:"Fuzz"}) { id } }')).createOrganization.id;
    await t.gqlOk('mutation($o:ID!){ addCredits(input:{organizationId:$o, amountUsd:"1000"}) { entry { id } } }', { o: org });
    const project = (
      await t.gqlOk<any>('mutation($o:ID!){ createProject(input:{organizationId:$o, name:"p", mode: CREDITS}) { id } }', { o: org })
    ).createProject.id;
    gatewayKey = (await t.gqlOk<any>('mutation($p:ID!){ createGatewayKey(input:{projectId:$p, name:"k"}) { secret } }', { p: project }))
      .createGatewayKey.secret;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  async function send(path: string, body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gatewayKey}`, ...headers },
      body,
    });
    return { status: response.status, text: await response.text() };
  }

  /** A refusal must say what is wrong, in JSON, and never be a server error. */
  function expectClientAnswer(result: { status: number; text: string }) {
    expect(result.status, result.text.slice(0, 300)).toBeLessThan(500);
    if (result.status >= 400) {
      const parsed = JSON.parse(result.text) as { error?: { message?: string }; errors?: { message?: string }[] };
      const message = parsed.error?.message ?? parsed.errors?.[0]?.message;
      expect(typeof message === 'string' && message.length > 0).toBe(true);
    }
  }

  it('/v1/chat/completions: arbitrary text, JSON values and unicode bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json({ maxDepth: 4 }), fc.string({ unit: 'grapheme', maxLength: 200 })),
        async (body) => expectClientAnswer(await send('/v1/chat/completions', body)),
      ),
      { numRuns: RUNS },
    );
  });

  it('/v1/chat/completions: a valid request with one field replaced by anything', async () => {
    const field = fc.constantFrom(
      'model',
      'messages',
      'stream',
      'max_tokens',
      'temperature',
      'tools',
      'stream_options',
      'n',
      'stop',
      'keySource',
    );
    await fc.assert(
      fc.asyncProperty(field, fc.jsonValue({ maxDepth: 3 }), async (name, value) => {
        expectClientAnswer(await send('/v1/chat/completions', JSON.stringify({ ...VALID, [name]: value })));
      }),
      { numRuns: RUNS },
    );
  });

  it('/v1/chat/completions: messages whose content is anything, including odd unicode', async () => {
    const content = fc.oneof(fc.string({ unit: 'binary', maxLength: 500 }), fc.jsonValue({ maxDepth: 3 }));
    await fc.assert(
      fc.asyncProperty(content, fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer', 'robot'), async (value, role) => {
        expectClientAnswer(await send('/v1/chat/completions', JSON.stringify({ ...VALID, messages: [{ role, content: value }] })));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses deep nesting, huge bodies and wrong content types with 4xx', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expectClientAnswer(await send('/v1/chat/completions', `{"model":"gpt-4o-mini","messages":${deep}}`));
    const huge = JSON.stringify({ ...VALID, messages: [{ role: 'user', content: 'x'.repeat(25 * 1024 * 1024) }] });
    const tooLarge = await send('/v1/chat/completions', huge);
    expect(tooLarge.status).toBe(413);
    expectClientAnswer(await send('/v1/chat/completions', 'model=gpt', { 'content-type': 'application/x-www-form-urlencoded' }));
    expectClientAnswer(await send('/v1/chat/completions', JSON.stringify(VALID), { authorization: 'Bearer kp_\u00ff\u00e9' }));
  });

  it('/graphql: arbitrary documents, deep and wide queries, alias bombs and batches', async () => {
    const gql = (body: string) => send('/graphql', body, { authorization: 'Bearer test-admin-token-0123456789' });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json({ maxDepth: 3 })), async (text) => {
        expectClientAnswer(await gql(JSON.stringify({ query: text })));
        expectClientAnswer(await gql(text));
      }),
      { numRuns: RUNS },
    );
    const deep = `{ organizations { ${'projects { organization { '.repeat(30)}id${' } }'.repeat(30)} } }`;
    expect((await gql(JSON.stringify({ query: deep }))).status).toBe(400);
    const aliases = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
    expect((await gql(JSON.stringify({ query: aliases }))).status).toBe(400);
    const batch = await gql(JSON.stringify(Array.from({ length: 50 }, () => ({ query: '{ viewer { id } }' }))));
    expect(batch.status).toBeGreaterThanOrEqual(400);
    expect(batch.status).toBeLessThan(500);
    const wrongTypes = await gql(
      JSON.stringify({ query: 'query($id: ID!) { organization(id: $id) { id } }', variables: { id: { nested: [1, 2] } } }),
    );
    expectClientAnswer(wrongTypes);
  });

  it('cuts off a client that trickles its request in, and keeps serving', async () => {
    const { port } = new URL(t.url);
    const closedAfter = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      });
      const drip = setInterval(() => socket.write(' '), 200);
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - started);
      });
    });
    expect(closedAfter).toBeLessThan(5_000);
    const healthy = await fetch(`${t.url}/healthz`);
    expect(healthy.status).toBe(200);
    expectClientAnswer(await send('/v1/chat/completions', JSON.stringify(VALID)));
    expect(t.logs.join('')).not.toMatch(/"level":(50|60)/);
  });
});
