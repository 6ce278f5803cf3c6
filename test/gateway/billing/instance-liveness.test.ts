import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceConnectedSql, LivenessLock } from '../../../server/gateway/billing/instance-liveness.js';
import { createLogger } from '../../../server/observability/logger.js';
import { availableBackends } from '../../support/test-database.js';
import { TEST_DATABASE_URL } from '../../support/test-env.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const logger = createLogger({ level: 'silent' });

/** The predicate sweeps and intent recovery use, against a real PostgreSQL server. */
describe.skipIf(!availableBackends().includes('postgres'))('instance liveness lock (PostgreSQL)', () => {
  let probe: pg.Client;
  beforeAll(async () => {
    probe = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await probe.connect();
  });
  afterAll(() => probe?.end());

  const connected = async (instanceId: string) =>
    (await probe.query<{ alive: boolean }>(`SELECT ${instanceConnectedSql('$1::text')} AS alive`, [instanceId])).rows[0]?.alive;
  const until = async (instanceId: string, wanted: boolean) => {
    for (let i = 0; i < 100 && (await connected(instanceId)) !== wanted; i += 1) await new Promise((r) => setTimeout(r, 50));
    return connected(instanceId);
  };

  it('is held while the instance runs and gone after a clean close', async () => {
    const id = randomUUID();
    expect(await connected(id)).toBe(false);
    const lock = LivenessLock.start(TEST_DATABASE_URL, id, logger);
    expect(await until(id, true)).toBe(true);
    expect(await connected(randomUUID())).toBe(false); // another instance's id is not covered
    await lock?.close();
    expect(await until(id, false)).toBe(false);
  });

  it('goes with a killed process at once, and stays with a stopped (stalled) one', async () => {
    const id = randomUUID();
    const script = `const { LivenessLock } = await import('./server/gateway/billing/instance-liveness.ts');
      const { createLogger } = await import('./server/observability/logger.ts');
      LivenessLock.start(process.env.URL, process.env.ID, createLogger({ level: 'silent' }));
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, URL: TEST_DATABASE_URL, ID: id },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      expect(await until(id, true)).toBe(true);
      child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await connected(id)).toBe(true);
      child.kill('SIGKILL');
      await exited;
      expect(await until(id, false)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is not needed on the embedded database', () => {
    expect(LivenessLock.start(undefined, randomUUID(), logger)).toBeNull();
  });
});
