import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { type BillingTenant, seedBillingTenant } from '../../support/billing-fixtures.js';
import { availableBackends, createTestDatabase } from '../../support/test-database.js';

/**
 * The upstream call waits only until the intent's statement is sent, not for its commit
 * (IntentWrite). That holds only if the statement reaches PostgreSQL whatever becomes of this
 * process: a process killed the moment its intent was sent must still leave the intent. (Killed
 * before sending, it leaves nothing, which is why the call waits for `sent`.)
 */
describe.skipIf(!availableBackends().includes('postgres'))('an intent sent, then the process killed (postgres)', () => {
  let db: Database & { url: string | undefined };
  let tenant: BillingTenant;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    tenant = await seedBillingTenant(db);
  });
  afterAll(() => db?.close());

  /** Run the killer for `requestId`; resolves with how it ended and what it printed. */
  const killedAfterSending = (mode: 'journal' | 'driver', requestId: string) =>
    new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/support/intent-then-kill.ts', mode, db.url as string, JSON.stringify(tenant), requestId],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('exit', (_code, signal) => resolve({ signal, output }));
    });

  it('is on record once PostgreSQL has run the statement it received', { timeout: 60_000 }, async () => {
    const runs = [
      ['journal', 'sent-then-killed-1'],
      ['journal', 'sent-then-killed-2'],
      ['driver', 'sent-then-killed-3'],
      ['driver', 'sent-then-killed-4'],
    ] as const;
    const ids = runs.map(([, id]) => id);
    for (const [mode, id] of runs) {
      const { signal, output } = await killedAfterSending(mode, id);
      expect(signal, output).toBe('SIGKILL');
      expect(output).not.toContain('committed before the kill');
    }
    const deadline = Date.now() + 10_000;
    let found = 0;
    while (Date.now() < deadline) {
      found = await db.prisma.usageIntent.count({ where: { requestId: { in: ids } } });
      if (found === ids.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(found).toBe(ids.length);
  });
});
