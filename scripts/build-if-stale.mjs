#!/usr/bin/env node
/**
 * `npm start`'s build step: rebuild the server (tsc) and the dashboard (vite) only when one of
 * their inputs is newer than the stamp the last successful build left in dist/. A second start
 * with nothing changed then skips both (about 16 s) and is up in a few seconds.
 *
 * Usage: node scripts/build-if-stale.mjs [--force]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_INPUTS = ['shared', 'package.json', 'package-lock.json', 'tsconfig.json'];

const TARGETS = [
  {
    name: 'server',
    stamp: 'dist/.server-build-stamp',
    output: 'dist/server/main.js',
    inputs: ['server', 'tsconfig.build.json', ...SHARED_INPUTS],
    command: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
  },
  {
    name: 'dashboard',
    stamp: 'dist/.web-build-stamp',
    output: 'dist/web/index.html',
    inputs: ['web', 'vite.config.ts', ...SHARED_INPUTS],
    command: ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
  },
];

/** Newest modification time under a file or directory (0 when it does not exist). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as a newer directory
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

function isStale(target) {
  const stamp = join(ROOT, target.stamp);
  if (!existsSync(stamp) || !existsSync(join(ROOT, target.output))) return true;
  const built = statSync(stamp).mtimeMs;
  return target.inputs.some((input) => newestMtime(join(ROOT, input)) > built);
}

const force = process.argv.includes('--force');
for (const target of TARGETS) {
  if (!force && !isStale(target)) continue;
  // The stamp records when the build started: an edit made during the build makes the next start rebuild.
  const startedAt = new Date();
  const result = spawnSync(process.execPath, target.command, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build-if-stale: the ${target.name} build failed\n`);
    process.exit(result.status ?? 1);
  }
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(join(ROOT, target.stamp), `${startedAt.toISOString()}\n`);
  utimesSync(join(ROOT, target.stamp), startedAt, startedAt);
}
