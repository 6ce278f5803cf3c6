import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = join(import.meta.dirname, '..', '..', 'server', 'db', 'wasm-tier.ts');

/**
 * In a fresh Node (V8 flags are per process): chooseWasmTier(url), then a tiny WebAssembly
 * function called hot enough for V8 to optimize it (up to about 2 s), and which tier it ended in.
 */
function tierAfter(databaseUrl: string | undefined): { chosen: string; liftoff: boolean; turbofan: boolean } {
  // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  const add = [
    0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1,
    106, 11,
  ];
  const script = `
    const { chooseWasmTier } = await import(${JSON.stringify(MODULE)});
    const chosen = chooseWasmTier(${JSON.stringify(databaseUrl ?? null)} ?? undefined);
    const { instance } = await WebAssembly.instantiate(new Uint8Array(${JSON.stringify(add)}));
    const add = instance.exports.add;
    let sum = 0;
    // Optimizing happens on a background thread: give a loaded machine time, stop once it did.
    for (let round = 0; round < 200 && !%IsTurboFanFunction(add); round++) {
      for (let i = 0; i < 100000; i++) sum = add(sum, i) | 0;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    console.log(JSON.stringify({ chosen, liftoff: %IsLiftoffFunction(add), turbofan: %IsTurboFanFunction(add) }));
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--allow-natives-syntax', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: join(import.meta.dirname, '..', '..'),
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

describe('WebAssembly tier by database', () => {
  it('PostgreSQL: hot WebAssembly stays at the baseline tier (Prisma query compiler, less memory)', () => {
    expect(tierAfter('postgresql://127.0.0.1:5432/test')).toEqual({ chosen: 'baseline', liftoff: true, turbofan: false });
  });

  it('embedded: hot WebAssembly is optimized as by default (PGlite is PostgreSQL in WebAssembly)', () => {
    expect(tierAfter(undefined)).toEqual({ chosen: 'default', liftoff: false, turbofan: true });
  });
});
