import { vi } from 'vitest';

/**
 * Polls `check` (vitest's `waitUntil`) until it holds. A timeout fails with what was awaited;
 * an error `check` throws fails at once, as itself.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  let threw = false;
  try {
    await vi.waitUntil(
      async () => {
        try {
          return await check();
        } catch (error) {
          threw = true;
          throw error;
        }
      },
      { timeout: timeoutMs, interval: intervalMs },
    );
  } catch (error) {
    if (threw) throw error;
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}
