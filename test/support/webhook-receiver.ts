import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, as signed. */
  body: string;
  json: { id: string; type: string; createdAt: string; organizationId: string | null; data: Record<string, any> };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status codes to answer next, in order (then 200). */
  answerNext(...statuses: number[]): void;
  /** Wait until `count` requests (matching `where`) arrived. */
  waitFor(count: number, where?: (hook: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A local HTTP receiver on 127.0.0.1 (port 0) that records every webhook POSTed to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      const status = queued.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : `failed with ${status}; token sk-proj-abcdefghijklmnop1234567890 leaked`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answerNext: (...statuses) => queued.push(...statuses),
    async waitFor(count, where = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = received.filter(where);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`Expected ${count} webhooks, received ${matching.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
