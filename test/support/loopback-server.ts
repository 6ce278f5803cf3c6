import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  url: string;
  port: number;
  /** Paths of the requests that reached it, in order. */
  hits: string[];
  close(): Promise<void>;
}

/** A bare HTTP server on 127.0.0.1 that counts what reaches it: "inside" for SSRF tests. */
export async function startLoopbackServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
