import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const API_PREFIXES = ['/v1', '/graphql', '/auth', '/metrics', '/healthz', '/readyz'];

/** The built dashboard at `/`, with client-side routes falling back to index.html. */
export async function registerDashboard(app: FastifyInstance, webRoot: string): Promise<void> {
  if (!existsSync(join(webRoot, 'index.html'))) {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain').send('The dashboard is not built. Run `npm run build` (npm start does it for you).\n'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: webRoot, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !API_PREFIXES.some((prefix) => request.url.startsWith(prefix));
    if (isPage) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { message: `No route for ${request.method} ${request.url.split('?')[0]}`, code: 'NOT_FOUND' } });
  });
}
