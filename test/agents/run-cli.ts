import { spawn } from 'node:child_process';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Longest an agent CLI may take for one prompt before it is stopped (the test then fails on its exit code). */
const CLI_TIMEOUT_MS = 150_000;

/**
 * Run an agent CLI to completion with only the given environment (plus PATH): no login,
 * settings or telemetry of the machine's user leak into the run.
 */
export function runCli(bin: string, args: readonly string[], options: { env: Record<string, string>; cwd?: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), CLI_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
