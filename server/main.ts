import { ConfigError, loadConfig } from './config.js';
import { DataDirBusyError } from './db/data-dir-lock.js';
import { chooseWasmTier } from './db/wasm-tier.js';
import { startReturningFreedMemory } from './runtime/return-freed-memory.js';
import { KeyRingError } from './secrets/key-ring.js';
import { createServer } from './server.js';

/** `npm start`: configuration → database → services → HTTP, and a clean stop on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  chooseWasmTier(config.databaseUrl);
  const server = await createServer(config);
  const address = await server.app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', '127.0.0.1');
  if (server.createdOperator) {
    const { email, password, generated } = server.createdOperator;
    process.stdout.write(
      `\nkeyplane created the operator account.\n  Sign in at ${url}/ as ${email}` +
        (generated
          ? ` with password ${password}\n  (shown once; set KEYPLANE_ADMIN_PASSWORD to choose it)\n`
          : ' with KEYPLANE_ADMIN_PASSWORD\n'),
    );
  }
  server.logger.info({ url, database: server.db.kind }, `keyplane listening on ${url} (GraphQL ${url}/graphql)`);
  const stopReturningMemory = startReturningFreedMemory(server.logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'Shutting down');
    stopReturningMemory();
    try {
      await server.close();
      process.exit(0);
    } catch (error) {
      server.logger.error({ err: error }, 'Shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof KeyRingError || error instanceof DataDirBusyError) {
    process.stderr.write(`keyplane: ${error.message}\n`);
  } else {
    process.stderr.write(`keyplane failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
