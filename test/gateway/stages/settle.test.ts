import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../../server/gateway/billing/estimate.js';
import type { Leases } from '../../../server/gateway/billing/leases.js';
import type { BillingQuote } from '../../../server/gateway/billing/price-lookup.js';
import type { SettlementRow } from '../../../server/gateway/billing/settlement-row.js';
import type { SettlementWriter } from '../../../server/gateway/billing/settlement-writer.js';
import { RequestRun } from '../../../server/gateway/request-run.js';
import { settle } from '../../../server/gateway/stages/settle.stage.js';
import { createMetrics } from '../../../server/observability/metrics.js';
import { parseMessageStream } from '../../../server/providers/anthropic/parse-response.js';

/** $1 per million input tokens, $2 per million output tokens: 1e6 and 2e6 pico-USD a token. */
const PRICES: BillingQuote = {
  rates: { input: '1', cachedInput: null, cacheWrite: null, cacheWrite1h: null, output: '2', webSearch: null },
  source: 'test',
  readOn: '2025-01-01',
};
const PICO_PER_INPUT = 1_000_000n;
const PICO_PER_OUTPUT = 2_000_000n;

const sse = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify({ type, ...(data as object) })}\n\n`;
const START = sse('message_start', {
  message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 25, output_tokens: 1 } },
});
const BLOCK = sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
const DELTA = (text: string) => sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
const END = (outputTokens: number) =>
  sse('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: outputTokens } }) + sse('message_stop', {});

/** An Anthropic stream through the adapter into a run, as the call stage folds it (the adapter's error event is not folded). */
async function anthropicRun(body: string): Promise<RequestRun> {
  const run = new RequestRun('r-1');
  run.organizationId = 'org';
  run.projectId = 'project';
  run.gatewayKeyId = 'key';
  run.provider = 'anthropic';
  run.stream = true;
  run.attempts = 1;
  run.prices = PRICES;
  run.inputChars = 100;
  async function* chunks() {
    yield new TextEncoder().encode(body);
  }
  for await (const event of parseMessageStream(chunks())) if (event.type !== 'error') run.observe(event);
  return run;
}

function settled(run: RequestRun): SettlementRow {
  const rows: SettlementRow[] = [];
  const writer = { enqueue: (row: SettlementRow) => rows.push(row) } as unknown as SettlementWriter;
  const leases = { settle: () => {} } as unknown as Leases;
  settle(run, writer, leases, createMetrics());
  const [row] = rows;
  if (!row || rows.length !== 1) throw new Error('settle writes one row');
  return row;
}

/** ~20k tokens of answer in 400 deltas. */
const LONG = Array.from({ length: 400 }, () => DELTA('x'.repeat(200))).join('');
const LONG_CHARS = 400 * 200;

describe('settle: output of an answer that did not complete', () => {
  it('a client that hangs up mid-stream after message_start (output 1) pays for the text relayed, marked estimated', async () => {
    const run = await anthropicRun(START + BLOCK + LONG);
    expect(run.usage).toMatchObject({ inputTokens: 25, outputTokens: 1 });
    run.fail('CANCELLED', 'CANCELLED', 499, 'The client closed the connection');
    const row = settled(run);
    const output = estimateTokens(LONG_CHARS);
    expect(output).toBe(20_000);
    expect(row).toMatchObject({ status: 'CANCELLED', inputTokens: 25, outputTokens: output, tokensEstimated: true });
    expect(row.billedCostPico).toBe(25n * PICO_PER_INPUT + BigInt(output) * PICO_PER_OUTPUT);
  });

  it('a stream the upstream broke records the relayed output estimated, and bills nothing', async () => {
    const run = await anthropicRun(START + BLOCK + LONG);
    run.fail('FAILED', 'STREAM_INTERRUPTED', 200, 'Upstream stream broke');
    const row = settled(run);
    expect(row).toMatchObject({ status: 'FAILED', inputTokens: 25, outputTokens: 20_000, tokensEstimated: true });
    expect(row.billedCostPico).toBe(0n);
  });

  it('reported output above the estimate stays as reported, not marked estimated', async () => {
    const run = await anthropicRun(START + BLOCK + DELTA('Hello') + END(9));
    run.fail('CANCELLED', 'CANCELLED', 499, 'The client closed the connection');
    expect(settled(run)).toMatchObject({ outputTokens: 9, tokensEstimated: false });
  });

  it('a completed stream bills its final usage exactly, whatever the text would estimate', async () => {
    const run = await anthropicRun(START + BLOCK + LONG + END(7));
    const row = settled(run);
    expect(row).toMatchObject({ status: 'SUCCESS', inputTokens: 25, outputTokens: 7, tokensEstimated: false });
    expect(row.billedCostPico).toBe(25n * PICO_PER_INPUT + 7n * PICO_PER_OUTPUT);
  });
});
