import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * `npm run test:agents`: real agent CLIs (Claude Code, …) against keyplane and the simulator.
 * Optional and local: each file skips when its CLI is not installed, and CI never installs them.
 * (Not mergeConfig: it would append to the base `include` and run the whole suite.)
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/agents/*.agent.ts'], testTimeout: 180_000, maxWorkers: 1 },
});
