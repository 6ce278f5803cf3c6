/**
 * The platform's limit: a bare pass-through proxy. No auth, no parsing, no logging — node:http in,
 * one undici keep-alive Pool out, bodies streamed both ways. Whatever keyplane costs above this
 * is keyplane's own work.
 *   node --import tsx bench/bare-proxy.ts --port 4900 --upstream http://127.0.0.1:4010/openai/v1
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import { requiredArg as arg } from './cli-args.js';

const upstream = new URL(arg('upstream'));
const port = Number(arg('port'));
const basePath = upstream.pathname.replace(/\/$/, '');
const pool = new Pool(upstream.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const server = createServer((req, res) => {
  // /v1/chat/completions → <upstream base>/chat/completions
  const path = basePath + (req.url ?? '/').replace(/^\/v1/, '');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool
    .request({ method: (req.method ?? 'GET') as 'POST', path, headers: forwardable(req.headers), body: hasBody ? req : null })
    .then(async (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode, forwardable(upstreamRes.headers));
      await pipeline(upstreamRes.body, res);
    })
    .catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error), type: 'bad_gateway', code: null } }));
      } else res.destroy();
    });
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1');

const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
