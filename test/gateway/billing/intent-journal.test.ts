import { describe, expect, it } from 'vitest';
import { IntentJournal, type IntentStore } from '../../../server/gateway/billing/intent-journal.js';
import type { UsageIntent } from '../../../server/gateway/billing/usage-intent.js';
import { createLogger } from '../../../server/observability/logger.js';
import { testIntent } from '../../support/billing-fixtures.js';

const logger = createLogger({ level: 'silent' });
const tenant = { organizationId: 'o', projectId: 'p', gatewayKeyId: 'k' };

/** A store whose write runs `write` (told the batch and the driver's "sent" callback). */
function storeWith(write: (intents: readonly UsageIntent[], onSent: () => void) => Promise<void>): IntentStore {
  return {
    writeIntents: (_instanceId, intents, onSent) => write(intents, onSent ?? (() => {})),
    heartbeat: async () => {},
    recoverIntents: async () => 0,
    retireInstance: async () => {},
  };
}

/** Whether `promise` has settled by the time the event loop has turned once more. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/**
 * The journal's two promises (IntentWrite): the upstream call waits for `sent`, settlement for
 * `committed`. The store says when the statement left (PostgreSQL's driver does); the call must
 * not wait for the commit, and a statement that never left refuses its requests.
 */
describe('IntentJournal: sent, then committed', () => {
  it('a request may go once its batch is sent; the commit comes after, and both settle for every request of the batch', async () => {
    let commit!: () => void;
    const journal = new IntentJournal(
      storeWith(
        (_intents, onSent) =>
          new Promise<void>((resolve) => {
            onSent();
            commit = resolve;
          }),
      ),
      logger,
      'i',
    );
    const writes = [journal.record(testIntent(tenant, 'a')), journal.record(testIntent(tenant, 'b'))];
    await Promise.all(writes.map((write) => write.sent));
    expect(await settledYet(Promise.all(writes.map((write) => write.committed)))).toBe(false);
    commit();
    expect(await Promise.all(writes.map((write) => write.committed))).toEqual([true, true]);
  });

  it('a store that cannot tell when its statement left: sent when it commits, not before', async () => {
    let commit!: () => void;
    const journal = new IntentJournal(
      storeWith(() => new Promise<void>((resolve) => (commit = resolve))),
      logger,
      'i',
    );
    const write = journal.record(testIntent(tenant, 'a'));
    expect(await settledYet(write.sent)).toBe(false);
    commit();
    await write.sent;
    expect(await write.committed).toBe(true);
  });

  it('a statement that failed before it left refuses its requests (the call is not made)', async () => {
    const refused = new Error('connection refused');
    const journal = new IntentJournal(
      storeWith(async () => {
        throw refused;
      }),
      logger,
      'i',
    );
    const write = journal.record(testIntent(tenant, 'a'));
    await expect(write.sent).rejects.toBe(refused);
    expect(await write.committed).toBe(false);
  });

  it('a statement that failed after it left: the request goes on (its call is under way), committed says false', async () => {
    const journal = new IntentJournal(
      storeWith(async (_intents, onSent) => {
        onSent();
        throw new Error('deadlock detected');
      }),
      logger,
      'i',
    );
    const write = journal.record(testIntent(tenant, 'a'));
    await write.sent;
    expect(await write.committed).toBe(false);
  });

  it('drain waits for every intent recorded so far, queued ones included', async () => {
    const committed: string[] = [];
    const journal = new IntentJournal(
      storeWith(async (intents, onSent) => {
        onSent();
        await new Promise((resolve) => setTimeout(resolve, 20));
        committed.push(...intents.map((intent) => intent.requestId));
      }),
      logger,
      'i',
      { maxBatch: 1 },
    );
    for (const id of ['a', 'b', 'c']) journal.record(testIntent(tenant, id));
    await journal.drain();
    expect(committed).toEqual(['a', 'b', 'c']);
  });
});
