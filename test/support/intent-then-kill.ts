/**
 * A process that records one write-ahead intent and kills itself (SIGKILL) the moment it is
 * told the intent was sent, before the database can have answered: what a gateway dying just
 * after its upstream call went out looks like to the database. `journal`: as the gateway does,
 * killed when the journal's `sent` resolves; `driver`: killed inside the driver's own "sent"
 * callback, the earliest moment it gives.
 *   node --import tsx test/support/intent-then-kill.ts <journal|driver> <database url> <tenant json> <request id>
 */
import { openDatabase } from '../../server/db/database.js';
import { BillingStore } from '../../server/gateway/billing/billing-store.js';
import { IntentJournal } from '../../server/gateway/billing/intent-journal.js';
import { createLogger } from '../../server/observability/logger.js';
import { testIntent } from './billing-fixtures.js';

const [mode, url, tenantJson, requestId] = process.argv.slice(2);
if (!mode || !url || !tenantJson || !requestId)
  throw new Error('usage: intent-then-kill.ts <journal|driver> <database url> <tenant json> <request id>');
const db = await openDatabase({ url, poolSize: 1 });
const store = new BillingStore(db.prisma, db.direct);
const intent = testIntent(JSON.parse(tenantJson), requestId);
const kill = () => process.kill(process.pid, 'SIGKILL');
// Never on its own: if this process lived to see the commit, the test would prove nothing.
const committed = () => process.stdout.write('committed before the kill\n');
if (mode === 'driver') {
  await store.writeIntents(`killed-${requestId}`, [intent], kill);
  committed();
} else {
  const write = new IntentJournal(store, createLogger({ level: 'silent' }), `killed-${requestId}`).record(intent);
  void write.committed.then(committed);
  await write.sent;
  kill();
}
