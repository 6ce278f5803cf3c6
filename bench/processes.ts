/**
 * Child processes for the benchmark: spawn, wait for the port, read RSS, stop — and make sure
 * every child, temp dir and scratch database is gone when the bench exits, even on failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOST = '127.0.0.1';
export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

const children = new Set<Child>();
const tempDirs = new Set<string>();
const asyncCleanups = new Set<() => Promise<void>>();

export interface SpawnOptions {
  name: string;
  args: string[];
  env?: Record<string, string | undefined>;
  port?: number;
  /** How long to wait for the port to accept connections (ms). */
  startTimeoutMs?: number;
}

/** A child process under test, with the tail of its output kept for error messages. */
export class Child {
  private output = '';
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly port: number | undefined,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        children.delete(this);
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  tail(lines = 15): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Resident memory now and at its peak, in MB (from /proc/<pid>/status). */
  memory(): { rssMb: number; peakMb: number } {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    } catch {
      return { rssMb: NaN, peakMb: NaN };
    }
  }

  async waitForPort(timeoutMs: number): Promise<void> {
    if (this.port === undefined) return;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited (code ${this.exitCode}) before listening:\n${this.tail()}`);
      if (await canConnect(this.port)) return;
      await sleep(100);
    }
    throw new Error(`${this.name} did not listen on ${HOST}:${this.port} within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code and how long the stop took. */
  async stop(graceMs = 20_000): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    if (!this.running) return { code: this.exitCode ?? null, ms: 0 };
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return { code, ms: Date.now() - started };
  }
}

export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const proc = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = new Child(options.name, proc, options.port);
  children.add(child);
  await child.waitForPort(options.startTimeoutMs ?? 60_000);
  return child;
}

/** Run a node script to completion; resolves with stdout (rejects with the output tail on failure). */
export async function runNode(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 300_000,
): Promise<string> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = new Child(name, proc, undefined);
  children.add(child);
  let stdout = '';
  proc.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.tail(25)}`);
  return stdout;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keyplane-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Register async cleanup (dropping a scratch database); returns a function that runs it now. */
export function onCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  asyncCleanups.add(cleanup);
  return async () => {
    if (!asyncCleanups.delete(cleanup)) return;
    await cleanup();
  };
}

/** Stop every child (SIGTERM, then SIGKILL), run async cleanups, remove temp dirs. */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop(5_000).catch(() => undefined)));
  for (const cleanup of [...asyncCleanups]) {
    asyncCleanups.delete(cleanup);
    await cleanup().catch((error: unknown) => console.error(`cleanup failed: ${String(error)}`));
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Last resort on a hard exit: kill children synchronously and remove temp dirs. */
function killNow(): void {
  for (const child of children) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

let interrupted = false;
export function installSignalHandlers(): void {
  process.on('exit', killNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.error(`\n${signal}: stopping children and cleaning up…`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The machine's CPU time so far (all cores, in clock ticks), from /proc/stat: busy, total, and
 * stolen — time this virtual machine was ready to run while the host ran another (counted in busy).
 */
export function machineTicks(): { busy: number; total: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  // idle and iowait are the only fields that are not work.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total, steal: fields[7] ?? 0 };
}

/**
 * Wait until the machine is quiet: a 250 ms window with under `busyShare` of all cores busy.
 * Every subject shares the cores with the others: a keyplane still writing the settlements of
 * its flat-out phase (or PostgreSQL still working them) would load the next subject's
 * measurement. Gives up after `maxMs` and says so. Returns how long it waited.
 */
export async function untilMachineQuiet(busyShare = 0.15, maxMs = 30_000): Promise<{ waitedMs: number; quiet: boolean }> {
  const started = Date.now();
  for (;;) {
    const before = machineTicks();
    await sleep(250);
    const after = machineTicks();
    const share = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (share < busyShare) return { waitedMs: Date.now() - started, quiet: true };
    if (Date.now() - started > maxMs) return { waitedMs: Date.now() - started, quiet: false };
  }
}
