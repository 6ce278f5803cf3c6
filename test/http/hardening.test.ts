/**
 * HTTP hardening: /metrics behind METRICS_TOKEN, security headers on every response, and a
 * JSON depth limit that answers 400 before recursive code sees a body.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../server/http/json-body.parser.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { chat, createTenant, fakeKey, HELLO, type Tenant } from '../gateway/support/tenant.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.js';

const METRICS_TOKEN = `metrics-${'m'.repeat(24)}`;

/** A stand-in for the built dashboard: a page and one hashed asset. */
function fakeWebRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-web-stub-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {};\n');
  return dir;
}

/** A JSON text nesting `depth` levels: [[[…]]] or {"a":{"a":…}}. */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('HTTP hardening', () => {
  let g: { t: TestServer; sim: UpstreamSimulator };
  let webRoot: string;
  let tenant: Tenant;

  beforeAll(async () => {
    webRoot = fakeWebRoot();
    const sim = await startUpstreamSimulator();
    g = { sim, t: await startTestServer('pglite', { ...sim.env(), METRICS_TOKEN }, { webRoot }) };
    tenant = await createTenant(g.t, { mode: 'API_KEYS', byok: { openai: fakeKey('openai') } });
  });
  afterAll(async () => {
    await g?.t.close();
    await g?.sim.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  describe('METRICS_TOKEN', () => {
    it('answers /metrics only with Authorization: Bearer <token>', async () => {
      const anonymous = await g.t.fetch('/metrics');
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).not.toContain('keyplane_requests_total');
      for (const authorization of [
        `Bearer ${METRICS_TOKEN}x`,
        `Bearer ${METRICS_TOKEN.slice(0, -1)}`,
        `Bearer ${ADMIN_TOKEN}`,
        METRICS_TOKEN,
        'Basic abc',
      ]) {
        expect((await g.t.fetch('/metrics', { headers: { authorization } })).status, authorization).toBe(401);
      }
      const allowed = await g.t.fetch('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('keyplane_requests_total');
    });
  });

  describe('security headers', () => {
    const expectCommonHeaders = (response: Response, path: string) => {
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    };

    it('give the dashboard, its assets and client-side routes a script and frame policy', async () => {
      for (const path of ['/', '/assets/app.js', '/usage/keys']) {
        const response = await g.t.fetch(path);
        expect(response.status, path).toBe(200);
        expectCommonHeaders(response, path);
        const policy = response.headers.get('content-security-policy') ?? '';
        expect(policy, path).toContain("script-src 'self'");
        expect(policy, path).toContain("default-src 'self'");
        expect(policy, path).not.toContain('unsafe-inline');
      }
    });

    it('are on the gateway, GraphQL, health, metrics and error responses', async () => {
      const responses: [string, Response][] = [
        ['/v1/models', await g.t.fetch('/v1/models', { headers: { authorization: `Bearer ${tenant.secret}` } })],
        ['/v1/models unauthenticated', await g.t.fetch('/v1/models')],
        [
          '/graphql',
          await g.t.fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"query":"{ viewer { id } }"}',
          }),
        ],
        ['/healthz', await g.t.fetch('/healthz')],
        ['/metrics', await g.t.fetch('/metrics')],
        ['/nowhere', await g.t.fetch('/v1/nowhere')],
      ];
      for (const [path, response] of responses) expectCommonHeaders(response, path);
      // Answers are written past Fastify (hijacked), streamed or not; they carry the headers too.
      for (const stream of [true, false]) {
        const answer = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini', stream });
        expect(answer.status, answer.text).toBe(200);
        expect(answer.headers.get('x-content-type-options'), `stream: ${stream}`).toBe('nosniff');
        expect(answer.headers.get('x-frame-options'), `stream: ${stream}`).toBe('DENY');
        expect(answer.headers.get('referrer-policy'), `stream: ${stream}`).toBe('no-referrer');
      }
    });

    it("keep Apollo's landing page on GET /graphql working (no script policy there)", async () => {
      const page = await g.t.fetch('/graphql', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expectCommonHeaders(page, 'GET /graphql');
      expect(page.headers.get('content-security-policy')).not.toContain('script-src');
    });
  });

  describe('JSON depth limit', () => {
    const post = (path: string, body: string, authorization?: string) =>
      g.t.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });

    it('answers 400 in OpenAI shape for 10,000-deep arrays and 5,000-deep tool schemas, and keeps serving', async () => {
      const withTool = (parameters: string) =>
        `{"model":"gpt-4o-mini","messages":${JSON.stringify(HELLO)},"tools":[{"type":"function","function":{"name":"f","parameters":${parameters}}}]}`;
      const bodies = {
        deepContent: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${deepArray(10_000)}}]}`,
        deepEnum: withTool(`{"type":"object","properties":{"x":{"enum":${deepArray(10_000)}}}}`),
        deepSchema: withTool(deepObject(5_000)),
      };
      const answers: Record<string, { status: number; json: unknown }> = {};
      for (const [name, body] of Object.entries(bodies)) {
        const response = await post('/v1/chat/completions', body, `Bearer ${tenant.secret}`);
        answers[name] = { status: response.status, json: await response.json() };
      }
      const refusal = {
        status: 400,
        json: {
          error: {
            message: expect.stringMatching(/deeper than 100 levels/),
            type: 'invalid_request_error',
            code: 'bad_request',
            param: null,
          },
        },
      };
      expect(answers).toEqual({ deepContent: refusal, deepEnum: refusal, deepSchema: refusal });
      const after = await chat(g.t, tenant.secret, { model: 'gpt-4o-mini' });
      expect(after.status, after.text).toBe(200);
      expect(g.t.logs.join('')).not.toMatch(/Maximum call stack|RangeError/);
    });

    it('refuses prototype-poisoning members however they are spelled, and malformed JSON, with 400', async () => {
      const withMessages = (messages: string) => `{"model":"gpt-4o-mini","messages":${messages}}`;
      const bodies = {
        proto: withMessages('[{"role":"user","content":"hi","__proto__":{"admin":true}}]'),
        escapedProto: withMessages('[{"role":"user","content":"hi","\\u005f_proto__":{"admin":true}}]'),
        constructorPrototype: withMessages('[{"role":"user","content":"hi","constructor":{"prototype":{"admin":true}}}]'),
        escapedConstructor: withMessages('[{"role":"user","content":"hi","constructor":{"\\u0070rototype":{"admin":true}}}]'),
        malformed: withMessages('[{"role":"user","content":"hi"'),
        empty: '',
      };
      for (const [name, body] of Object.entries(bodies)) {
        const response = await post('/v1/chat/completions', body, `Bearer ${tenant.secret}`);
        expect(response.status, `${name}: ${await response.text()}`).toBe(400);
      }
      // The words in a prompt are not members: served.
      const words = await chat(g.t, tenant.secret, {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'What do __proto__ and constructor.prototype mean? \\u0041' }],
      });
      expect(words.status, words.text).toBe(200);
    });

    it('lets real tool schemas through: nesting at the limit is served', async () => {
      // The body's own envelope (tools → [ → { → function → parameters) takes 4 levels.
      const parameters = JSON.parse(deepObject(MAX_JSON_DEPTH - 4));
      const result = await chat(g.t, tenant.secret, {
        model: 'gpt-4o-mini',
        tools: [{ type: 'function', function: { name: 'f', parameters } }],
      });
      expect(result.status, result.text).toBe(200);
    });

    it('answers 400 in GraphQL shape on /graphql and counts no brackets inside strings', async () => {
      const deep = await post(
        '/graphql',
        `{"query":"query($v: JSON) { viewer { id } }","variables":{"v":${deepArray(10_000)}}}`,
        `Bearer ${ADMIN_TOKEN}`,
      );
      expect(deep.status).toBe(400);
      expect(await deep.json()).toMatchObject({
        errors: [{ message: expect.stringMatching(/deeper than/), extensions: { code: 'BAD_REQUEST' } }],
      });
      const bracketsInString = await post(
        '/graphql',
        JSON.stringify({ query: `{ viewer { id } } # ${'['.repeat(5_000)}` }),
        `Bearer ${ADMIN_TOKEN}`,
      );
      expect(bracketsInString.status).toBe(200);
    });
  });
});
