import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../tools/otlp-receiver/otlp-receiver.js';
import { ADMIN_TOKEN } from '../support/test-server.js';
import { type ChatResult, chat, createTenant, fakeKey, type GatewayEnv, startGatewayEnv, type Tenant, usageOf } from './support/tenant.js';

// Served by groq and together: the tenant's groq key is tried first, then the platform's together key.
const MODEL = 'gpt-oss-120b';
const TOGETHER_ENV = fakeKey('together', 'tracetogether');
const GROQ_BYOK = fakeKey('groq', 'tracegroq');
const PROMPT = 'Summarise the zebra-prompt-4f1c memo';
const TRACE_ID = /^[0-9a-f]{32}$/;
const CHILD_STAGES = ['authenticate', 'reserve', 'respond', 'route', 'settle', 'upstream', 'upstream'];
// OTLP enums.
const KIND_SERVER = 2;
const KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/**
 * Issue 16 (traces): spans for each request stage go to a local OTLP receiver; the request id is
 * the trace id; a caller's traceparent is joined but never hands it another request's id.
 */
describe('OpenTelemetry request traces', () => {
  let receiver: OtlpReceiver;
  let g: GatewayEnv;
  let tenant: Tenant;
  let plain: ChatResult;
  let streamed: ChatResult;
  let joined: ChatResult;
  let garbageParent: ChatResult;
  let unauthenticated: ChatResult;
  const claimedParentSpan = 'ab'.repeat(8);
  const usage: Record<string, Awaited<ReturnType<typeof usageOf>>> = {};

  const fallback = (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    g.sim.setKeyBehavior(GROQ_BYOK, { kind: 'server-error', times: 1 });
    return chat(g.t, tenant.secret, { model: MODEL, messages: [{ role: 'user', content: PROMPT }], ...body }, headers);
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    g = await startGatewayEnv('pglite', {
      TOGETHER_API_KEY: TOGETHER_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'keyplane-under-test',
    });
    tenant = await createTenant(g.t, { mode: 'HYBRID', credits: '1', byok: { groq: GROQ_BYOK } });
    plain = await fallback({});
    streamed = await fallback({ stream: true });
    // Hostile: the caller names the first request's id as the trace to join.
    joined = await fallback({}, { traceparent: `00-${plain.requestId}-${claimedParentSpan}-01` });
    garbageParent = await fallback({}, { traceparent: '00-00000000000000000000000000000000-0000000000000000-01' });
    unauthenticated = await chat(g.t, 'kp_not_a_key', { model: MODEL });
    for (const result of [plain, streamed, joined, garbageParent]) usage[result.requestId] = await usageOf(g.t, result.requestId);
    // Shutdown flushes the batch processor: every span is at the receiver once close() returns.
    await g.close();
  });
  afterAll(() => receiver?.close());

  /** A request's span and its stage spans (found by request id: a joined trace may hold other requests' spans too). */
  const treeOf = (requestId: string) => {
    const root = receiver.spans.find((span) => span.attributes['keyplane.request_id'] === requestId) as ReceivedSpan;
    expect(root, `request span of ${requestId}`).toBeDefined();
    return { root, children: receiver.spans.filter((span) => span.parentSpanId === root.spanId) };
  };

  function expectFallbackTree(result: ChatResult, traceId: string) {
    const { root, children } = treeOf(result.requestId);
    expect(root.traceId).toBe(traceId);
    expect(root).toMatchObject({ name: 'POST /v1/chat/completions', kind: KIND_SERVER, service: 'keyplane-under-test' });
    expect(root.attributes).toMatchObject({
      'keyplane.request_id': result.requestId,
      'http.response.status_code': 200,
      'keyplane.status': 'SUCCESS',
      'keyplane.attempts': 2,
      'keyplane.provider': 'together',
      'keyplane.key.source': 'env',
      'keyplane.organization.id': tenant.organizationId,
      'keyplane.gateway_key.id': tenant.gatewayKeyId,
    });
    expect(children.map((span) => span.name).sort()).toEqual(CHILD_STAGES);
    for (const child of children) expect(child.traceId, child.name).toBe(traceId);
    const [failed, served] = children
      .filter((span) => span.name === 'upstream')
      .sort((a, b) => Number(a.attributes['keyplane.attempt']) - Number(b.attributes['keyplane.attempt']));
    expect(failed?.kind).toBe(KIND_CLIENT);
    expect(failed?.attributes).toMatchObject({
      'keyplane.attempt': 1,
      'keyplane.provider': 'groq',
      'gen_ai.request.model': 'openai/gpt-oss-120b',
      'keyplane.key.source': 'byok',
      'http.response.status_code': 500,
      'keyplane.failure_class': 'UPSTREAM_ERROR',
    });
    expect(failed?.status.code).toBe(STATUS_ERROR);
    // A stored key is named by its id, as on the usage record.
    const recorded = usage[result.requestId]?.routing as { attempts: { keyRef: string }[] };
    expect(failed?.attributes['keyplane.key.name']).toBe(recorded.attempts[0]?.keyRef);
    expect(recorded.attempts[0]?.keyRef).toMatch(/^[0-9a-f-]{36}$/);
    expect(served?.attributes).toMatchObject({
      'keyplane.attempt': 2,
      'keyplane.provider': 'together',
      'keyplane.key.source': 'env',
      'keyplane.key.name': 'TOGETHER_API_KEY',
      'http.response.status_code': 200,
    });
    expect(served?.attributes['keyplane.failure_class']).toBeUndefined();
    expect(served?.status.code).not.toBe(STATUS_ERROR);
    // Timed on one clock to the microsecond (the gaps between stages are measured from spans):
    // each stage inside the request span, and the first attempt after the reserve stage.
    expect([root, ...children].some((span) => !Number.isInteger(span.startMs))).toBe(true);
    for (const child of children) {
      expect(child.startMs, child.name).toBeGreaterThanOrEqual(root.startMs);
      expect(child.endMs, child.name).toBeLessThanOrEqual(root.endMs);
    }
    const reserve = children.find((span) => span.name === 'reserve') as ReceivedSpan;
    expect(failed?.startMs).toBeGreaterThanOrEqual(reserve.endMs);
  }

  it('a non-streaming request with a fallback: one span per stage and per attempt; trace id = request id = usage record', () => {
    expect(plain.status, plain.text).toBe(200);
    expect(plain.requestId).toMatch(TRACE_ID);
    expect(usage[plain.requestId]).toMatchObject({ requestId: plain.requestId, attempts: 2 });
    expectFallbackTree(plain, plain.requestId);
  });

  it('a streaming request with a fallback: the same tree, the respond span covers the stream', () => {
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('data: [DONE]');
    expect(streamed.requestId).toMatch(TRACE_ID);
    expect(usage[streamed.requestId]).toMatchObject({ requestId: streamed.requestId, streamed: true, attempts: 2 });
    expectFallbackTree(streamed, streamed.requestId);
    const respond = treeOf(streamed.requestId).children.find((span) => span.name === 'respond');
    expect(respond?.status.code).not.toBe(STATUS_ERROR);
  });

  it("a caller's traceparent is joined as parent, but the request id stays the gateway's own", () => {
    expect(joined.status).toBe(200);
    expect(joined.requestId).toMatch(TRACE_ID);
    expect(joined.requestId).not.toBe(plain.requestId);
    // Its spans join the trace it named (under the span it named), each marked with its own request id.
    expectFallbackTree(joined, plain.requestId);
    expect(treeOf(joined.requestId).root.parentSpanId).toBe(claimedParentSpan);
    expect(treeOf(plain.requestId).root.parentSpanId).toBeUndefined();
    // Each request keeps its own usage record under its own id; the claimed one is untouched.
    expect(usage[joined.requestId]?.requestId).toBe(joined.requestId);
    expect(usage[plain.requestId]?.createdAt.getTime()).toBeLessThan(usage[joined.requestId]?.createdAt.getTime() as number);
  });

  it('an invalid traceparent is ignored: the trace is the request id', () => {
    expect(garbageParent.status).toBe(200);
    expectFallbackTree(garbageParent, garbageParent.requestId);
    expect(treeOf(garbageParent.requestId).root.parentSpanId).toBeUndefined();
  });

  it('a refused request is traced too: authenticate fails, the request span carries the 401', () => {
    expect(unauthenticated.status).toBe(401);
    const { root, children } = treeOf(unauthenticated.requestId);
    expect(root.traceId).toBe(unauthenticated.requestId);
    expect(root.attributes).toMatchObject({ 'http.response.status_code': 401, 'keyplane.status': 'FAILED' });
    expect(root.status.code).toBe(STATUS_ERROR);
    const authenticate = children.find((span) => span.name === 'authenticate');
    expect(authenticate?.status).toMatchObject({ code: STATUS_ERROR, message: 'UNAUTHENTICATED' });
    expect(children.map((span) => span.name).sort()).toEqual(['authenticate', 'respond', 'settle']);
  });

  it('no span carries a secret or the prompt', () => {
    const exported = receiver.bodies.join('\n');
    expect(receiver.spans.length).toBeGreaterThan(30);
    for (const secret of [GROQ_BYOK, TOGETHER_ENV, tenant.secret, ADMIN_TOKEN, PROMPT, 'zebra-prompt']) {
      expect(exported).not.toContain(secret);
    }
  });
});
