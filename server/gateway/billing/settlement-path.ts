import type { Logger } from '../../observability/logger.js';
import type { BillingStore } from './billing-store.js';
import { IntentFile } from './intent-file.js';
import type { IntentStore } from './intent-journal.js';
import { SettlementWriter } from './settlement-writer.js';

/**
 * The settlement writer and where write-ahead intents go, wired one way for the gateway and the
 * bench. On PostgreSQL both go through the billing store. On the embedded database (`intentDir`)
 * intents go to a journal file, off its one thread, and each committed batch clears its own
 * (intent-file.ts).
 */
export function settlementPath(
  billing: BillingStore,
  logger: Logger,
  intentDir: string | null,
): { writer: SettlementWriter; intents: IntentStore } {
  const intentFile = intentDir ? new IntentFile(intentDir, billing, logger) : null;
  const writer = new SettlementWriter(billing, logger, intentFile ? { onSettled: (ids) => intentFile.settled(ids) } : {});
  return { writer, intents: intentFile ?? billing };
}
