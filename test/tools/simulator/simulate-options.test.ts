import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseBehavior, parseSimulateArgs } from '../../../tools/simulator/simulate-options.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('npm run simulate options', () => {
  it('defaults to the documented port and loopback', () => {
    expect(parseSimulateArgs([])).toEqual({
      kind: 'run',
      options: { port: DEFAULT_PORT, host: '127.0.0.1', fast: false, latencyMs: 0 },
      keys: {},
    });
  });

  it('reads port, host, latency, fast and per-key behaviours', () => {
    const command = parseSimulateArgs([
      '--port=0',
      '--host',
      '0.0.0.0',
      '--latency',
      '250',
      '--fast',
      '--key',
      'sk-a=rate-limit:3',
      '--key',
      'sk-b=cut',
    ]);
    expect(command).toEqual({
      kind: 'run',
      options: { port: 0, host: '0.0.0.0', fast: true, latencyMs: 250 },
      keys: { 'sk-a': { kind: 'rate-limit', retryAfterSeconds: 3 }, 'sk-b': { kind: 'cut', afterChunks: 2 } },
    });
  });

  it('refuses unknown options and bad values with a message', () => {
    expect(parseSimulateArgs(['--bogus'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--bogus') });
    expect(parseSimulateArgs(['--port', '70000'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--port') });
    expect(parseSimulateArgs(['--latency', '-1'])).toMatchObject({ kind: 'error' });
    expect(parseSimulateArgs(['--key', 'nokind'])).toMatchObject({ kind: 'error', message: expect.stringContaining('<key>=<kind>') });
    expect(parseSimulateArgs(['--key', 'k=explode'])).toMatchObject({ kind: 'error', message: expect.stringContaining('explode') });
    expect(parseSimulateArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('parses every behaviour kind', () => {
    expect(parseBehavior('slow:40')).toEqual({ kind: 'slow', chunkDelayMs: 40 });
    expect(parseBehavior('echo-key:sse-error')).toEqual({ kind: 'echo-key', via: 'sse-error' });
    expect(parseBehavior('echo-key:smoke')).toContain('echo-key takes');
    expect(parseBehavior('hang')).toEqual({ kind: 'hang' });
    expect(parseBehavior('rate-limit:soon')).toContain('whole number');
  });

  it('the CLI prints usage and exits 0 on --help, exits 1 on an unknown option', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'tools/simulator/simulate-cli.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run simulate');
    expect(help.stdout).toContain('--latency');
    const bad = run('--prot', '1');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Unknown option '--prot'");
  });
});
