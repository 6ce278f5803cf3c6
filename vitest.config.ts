import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // type-graphql uses legacy decorators; oxc must lower them and emit design:type metadata.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    // Vite would pick graphql's ESM build for our files while type-graphql (loaded by Node)
    // gets the CommonJS one; two copies break graphql's instanceof checks. Use Node's.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default. With two workers, a browser, a server and its
    // database on two cores, a page's next report can take longer than that to show (CI saw the
    // Cost tab still on its first grouping after 1 s); a poll that fails still fails, only later.
    expect: { poll: { timeout: 15_000 } },
    // Two cores: more workers only add PGlite instances competing for them.
    maxWorkers: 2,
  },
});
