import { setFlagsFromString } from 'node:v8';

/**
 * On PostgreSQL the process's only WebAssembly is Prisma's query compiler (and, while migrating,
 * its schema engine). By default V8 compiles their hot functions a second time with its optimizing
 * compiler; keeping them at the baseline tier (Liftoff) saves 20–30 MB of RSS, and measured no
 * slower: 1.3–1.6 ms of CPU per Prisma query either way over 2,000 queries. The embedded database
 * is PostgreSQL itself compiled to WebAssembly, where the optimizing tier earns its memory: at
 * the baseline tier its usage query over 225,000 records took 787 ms instead of 321 ms. So there
 * nothing changes. Call before any WebAssembly is compiled: V8 reads the flag per module.
 */
export function chooseWasmTier(databaseUrl: string | undefined): 'baseline' | 'default' {
  if (!databaseUrl) return 'default';
  setFlagsFromString('--liftoff-only');
  return 'baseline';
}
