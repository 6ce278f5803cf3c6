/**
 * Real-browser support: Debian's Chromium driven by playwright-core, the dashboard built
 * once per file with Vite into a temporary directory, screenshots into test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../../..');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/** Browser tests run wherever Chromium exists; in CI a missing Chromium is a failure, not a skip. */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  if (process.env.CI === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM_PATH}`);
  return `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH); browser tests skipped`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Build web/ into a fresh temp dir; returns it and a cleanup. */
export async function buildDashboard(): Promise<{ dir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyplane-web-'));
  const { build } = await import('vite');
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    root: join(ROOT, 'web'),
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every Content-Security-Policy violation Chromium reported on any page opened with newPage. */
export const cspViolations: string[] = [];

export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
  // An uncaught error in the page unmounts the dashboard, and the test then times out waiting for an
  // element: print it, so a failing run's log says why the page went away.
  page.on('pageerror', (error) => console.error(`[browser] uncaught error on ${page.url()}: ${error.stack ?? error.message}`));
  page.setDefaultTimeout(15_000);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('viewer-email').waitFor();
}
