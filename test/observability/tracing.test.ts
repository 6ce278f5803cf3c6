import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../tools/otlp-receiver/otlp-receiver.js';
import { startUpstreamSimulator, type UpstreamSimulator } from '../../tools/simulator/upstream-simulator.js';
import { createCreditsTenant, type ServerProcess, serverProcessEnv, startServerProcess } from '../support/server-process.js';
import { availableBackends, createTestDatabase } from '../support/test-database.js';

const TOKEN = 'tracing-admin-token-0123456789';
const PLATFORM_KEY = 'sk-tracingplatform0123456789abcdefghijklmnop';
/** What a process that traces must load, and one that does not must never load. */
const OTEL_MODULES = ['/@opentelemetry/', '/server/observability/otel-tracing.'];

/**
 * `keyplane` as `npm start` runs it: with OTEL_EXPORTER_OTLP_ENDPOINT unset no OpenTelemetry
 * module is ever loaded (the hot path pays nothing); set, the spans still queued at SIGTERM are
 * exported before the process exits.
 */
describe.skipIf(!availableBackends().includes('postgres'))('tracing in a server process', { timeout: 120_000 }, () => {
  let sim: UpstreamSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let receiver: OtlpReceiver;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startUpstreamSimulator();
    db = await createTestDatabase('postgres');
    receiver = await startOtlpReceiver();
    dir = mkdtempSync(join(tmpdir(), 'keyplane-tracing-'));
    env = {
      ...serverProcessEnv({
        simulatorEnv: sim.env(),
        platformKey: PLATFORM_KEY,
        databaseUrl: db.url as string,
        dataDir: dir,
        adminToken: TOKEN,
      }),
      KEYPLANE_TEST_IMPORT_LOG_MATCH: OTEL_MODULES.join('|'),
    };
  });

  afterAll(async () => {
    await receiver?.close();
    await db?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts keyplane with the import log, serves one chat request, stops it with SIGTERM. */
  async function serveOne(extraEnv: Record<string, string>, importLog: string): Promise<{ server: ServerProcess; requestId: string }> {
    const server = await startServerProcess({ ...env, ...extraEnv, KEYPLANE_TEST_IMPORT_LOG: importLog }, [
      '--import',
      './test/support/import-log.mjs',
    ]);
    try {
      const { key } = await createCreditsTenant(server.url, TOKEN);
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status, await response.text()).toBe(200);
      return { server, requestId: response.headers.get('x-keyplane-request-id') ?? '' };
    } catch (error) {
      server.child.kill('SIGKILL');
      throw error;
    }
  }

  const loaded = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

  it('OTEL_EXPORTER_OTLP_ENDPOINT unset: serving a request loads no OpenTelemetry module', async () => {
    const importLog = join(dir, 'imports-off.log');
    const { server, requestId } = await serveOne({}, importLog);
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(loaded(importLog)).toEqual([]);
  });

  it('set: the SDK is loaded, and spans still queued at SIGTERM reach the collector before exit', async () => {
    const importLog = join(dir, 'imports-on.log');
    const { server, requestId } = await serveOne(
      // A batch delay far past the test: only the shutdown flush can deliver these spans.
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '600000' },
      importLog,
    );
    // The import log proves the hook sees what the "unset" test says is absent.
    expect(loaded(importLog).some((url) => url.includes('/@opentelemetry/sdk-trace-base/'))).toBe(true);
    expect(loaded(importLog).some((url) => url.includes('/server/observability/otel-tracing.'))).toBe(true);
    expect(receiver.spans.filter((span) => span.traceId === requestId)).toEqual([]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const names = receiver.spans.filter((span) => span.traceId === requestId).map((span) => span.name);
    expect(names.sort()).toEqual(['POST /v1/chat/completions', 'authenticate', 'reserve', 'respond', 'route', 'settle', 'upstream']);
    expect(receiver.spans.find((span) => span.traceId === requestId)?.service).toBe('keyplane');
  });
});
