/**
 * The floor: the bare proxy plus only the work keyplane's guarantees make every request do, each
 * done the cheapest way known. Whatever keyplane costs above this is removable overhead; what this
 * costs above the bare proxy is not, in Node or anywhere, without dropping a guarantee:
 *
 * - the caller's key found (an in-memory map of raw keys: no hashing, no expiry, no database);
 * - the JSON body parsed for its model and stream flag (a stream asks upstream for usage);
 * - a write-ahead intent sent to the database before the upstream call (nothing served goes
 *   unbilled): group commit, one statement in flight, asynchronous commit, the call waiting for
 *   the statement to leave, not for its commit — keyplane's own policy;
 * - the answer read whole (a stream: relayed chunk by chunk) and its usage parsed;
 * - afterwards, once the intent has committed, batched like keyplane's writer (500 rows or 100
 *   ms): usage row in, intent out, balance debited, in one durable statement.
 *
 * No auth cache, rate limits, budgets, routing, fallbacks, price catalog, tags, metrics, logs or
 * schema checks: those are keyplane's own and counted against it.
 *   node --import tsx bench/floor-proxy.ts --port 4901 --upstream http://127.0.0.1:4010/openai/v1 \
 *     --database postgresql://…/scratch --key sk-…
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { Pool } from 'undici';
import { type HotStatement, postgresDirectSql } from '../server/db/direct-sql.js';
import { requiredArg as arg } from './cli-args.js';

const upstream = new URL(arg('upstream'));
const basePath = upstream.pathname.replace(/\/$/, '');
const upstreamKey = arg('key');
const accounts = new Map([[`Bearer ${upstreamKey}`, 'bench-account']]);
const pool = new Pool(upstream.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
const db = new pg.Pool({ connectionString: arg('database'), max: 1 });
// keyplane's own driver path for the request's statements: it says when a statement has left.
const hot = postgresDirectSql(arg('database'), { max: 4, applicationName: 'keyplane-floor' });

// A schema of its own: keyplane's migrations refuse a public schema holding tables they did not create.
await db.query(`
CREATE SCHEMA IF NOT EXISTS floor;
CREATE TABLE IF NOT EXISTS floor.intent (request_id text PRIMARY KEY, account text NOT NULL, model text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS floor.usage (request_id text PRIMARY KEY, account text NOT NULL, model text NOT NULL,
  input_tokens int NOT NULL, output_tokens int NOT NULL, cost numeric NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS floor.balance (account text PRIMARY KEY, balance numeric NOT NULL);
INSERT INTO floor.balance VALUES ('bench-account', 1000000) ON CONFLICT DO NOTHING`);

const INSERT_INTENTS = {
  name: 'floor.intents',
  text: `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO floor.intent (request_id, account, model)
SELECT t.request_id, t.account, t.model FROM json_to_recordset($1::json) AS t(request_id text, account text, model text), async_commit`,
};
const SETTLE = {
  name: 'floor_settle',
  text: `WITH s AS (
  SELECT * FROM json_to_recordset($1::json) AS t(request_id text, account text, model text, input_tokens int, output_tokens int, cost numeric)
), usage AS (
  INSERT INTO floor.usage (request_id, account, model, input_tokens, output_tokens, cost)
  SELECT request_id, account, model, input_tokens, output_tokens, cost FROM s
), intents AS (
  DELETE FROM floor.intent WHERE request_id IN (SELECT request_id FROM s)
)
UPDATE floor.balance b SET balance = b.balance - t.total FROM (SELECT account, sum(cost) AS total FROM s GROUP BY 1) t WHERE b.account = t.account`,
};

/** Nagle-style group commit: one statement in flight; whatever arrives meanwhile goes in the next. */
function groupCommit<T>(statement: HotStatement) {
  type Waiting = { row: T; sent: () => void; done: (error?: unknown) => void };
  let queue: Waiting[] = [];
  let writing = false;
  const flush = () => {
    if (writing || queue.length === 0) return;
    const batch = queue;
    queue = [];
    writing = true;
    const sent = () => {
      for (const waiting of batch) waiting.sent();
    };
    hot.query(statement, [JSON.stringify(batch.map((w) => w.row))], sent).then(
      () => finish(batch),
      (error: unknown) => finish(batch, error),
    );
  };
  const finish = (batch: Waiting[], error?: unknown) => {
    for (const waiting of batch) waiting.done(error);
    writing = false;
    flush();
  };
  return {
    /** `sent` once the statement has left (or failed), `committed` once committed. */
    write: (row: T) => {
      let sent!: () => void;
      const leaving = new Promise<void>((resolve) => (sent = resolve));
      const committed = new Promise<void>((resolve, reject) => {
        const done = (error?: unknown) => {
          sent();
          if (error) reject(error);
          else resolve();
        };
        queue.push({ row, sent, done });
      });
      if (queue.length === 1) setImmediate(flush);
      return { sent: leaving, committed };
    },
    /** Batched by size or time; nobody waits. */
    enqueue: (row: T) => {
      queue.push({ row, sent: () => {}, done: (error) => error && console.error('settlement failed', error) });
      if (queue.length >= 500) flush();
      else if (queue.length === 1) setTimeout(flush, 100);
    },
  };
}
const intents = groupCommit<{ request_id: string; account: string; model: string }>(INSERT_INTENTS);
const settlements = groupCommit<Record<string, string | number>>(SETTLE);

/** gpt-4o-mini's list prices, $/token. */
const PRICE = { input: 0.15e-6, output: 0.6e-6 };
type Usage = { prompt_tokens?: number; completion_tokens?: number } | undefined;
/** Queued once the intent has committed: the settlement deletes it. */
function settle(intent: Promise<void>, requestId: string, account: string, model: string, usage: Usage): void {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  const cost = (input * PRICE.input + output * PRICE.output).toFixed(12);
  const row = { request_id: requestId, account, model, input_tokens: input, output_tokens: output, cost };
  intent.then(
    () => settlements.enqueue(row),
    (error: unknown) => console.error('intent failed', error),
  );
}

/** The usage of the last SSE event that carries one. */
function streamUsage(tail: string): Usage {
  const at = tail.lastIndexOf('data: {');
  const end = tail.indexOf('\n', at);
  try {
    return (JSON.parse(tail.slice(at + 6, end < 0 ? undefined : end)) as { usage?: Usage }).usage;
  } catch {
    return undefined;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const account = accounts.get(req.headers.authorization ?? '');
  if (!account) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"unknown key"}}');
  const body = JSON.parse(raw) as { model: string; stream?: boolean; stream_options?: unknown };
  if (body.stream) body.stream_options = { include_usage: true };
  const requestId = randomUUID();
  const intent = intents.write({ request_id: requestId, account, model: body.model });
  intent.committed.catch(() => {}); // a failure is reported when the settlement would be queued
  await intent.sent;
  const answer = await pool.request({
    method: 'POST',
    path: `${basePath}/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${upstreamKey}` },
    body: body.stream ? JSON.stringify(body) : raw,
  });
  if (!body.stream) {
    const text = await answer.body.text();
    res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(text);
    return settle(intent.committed, requestId, account, body.model, (JSON.parse(text) as { usage?: Usage }).usage);
  }
  res.writeHead(answer.statusCode, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let tail = '';
  for await (const chunk of answer.body) {
    res.write(chunk);
    tail = (tail + (chunk as Buffer).toString()).slice(-2048);
  }
  res.end();
  settle(intent.committed, requestId, account, body.model, streamUsage(tail));
}

const server = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (raw += chunk));
  req.on('end', () =>
    handle(req, res, raw).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error) } }));
    }),
  );
});
server.keepAliveTimeout = 72_000;
server.listen(Number(arg('port')), '127.0.0.1');

const stop = () => {
  server.close();
  server.closeAllConnections();
  void Promise.all([pool.close(), db.end(), hot.close()]).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
