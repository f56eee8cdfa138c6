// The web UI's test harness: Chromium from the system (Debian's `chromium`, driven by playwright-core
// with executablePath, as Playwright's own browser download needs the internet) against `argo server`
// on the local backend. Each page records console errors and uncaught exceptions; a test fails on any.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../cli.js';

/** How long `expect.poll` waits for the page: vitest's default second is short on a loaded CI machine. */
export const SOON = { timeout: 10_000 };

export const screenshotDir = path.join(repoRoot, 'test-results', 'ui');

/** Where Chromium is: CHROMIUM_PATH, else `chromium` (or a sibling name) on the PATH. */
export function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const found = execFileSync('which', [name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (found) return found;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** Why the browser tests cannot run here, or undefined when they can; on CI a missing browser is a failure. */
export function skipReason(executable: string | undefined): string | undefined {
  if (executable) return undefined;
  if (process.env.CI === 'true' || process.env.CI === '1')
    throw new Error(
      'CI is set but no Chromium was found: install it (apt-get install chromium; .ci/run does)',
    );
  return 'no Chromium found (apt-get install chromium, or set CHROMIUM_PATH); the web UI browser tests are skipped';
}

/** The tests drive the built UI (dist/ui, made by `npm run build`); without it they would only time out. */
export function assertUiBuilt(): void {
  if (!existsSync(path.join(repoRoot, 'dist', 'ui', 'index.html')))
    throw new Error('dist/ui/index.html is missing: run `npm run build` (or `npm run build:ui`) first');
}

export async function launch(executable: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-gpu'] });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and page exceptions so far, except those `expected` matches. */
  errors: () => string[];
  close: () => Promise<void>;
}

export async function openPage(browser: Browser, expected: RegExp[] = []): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected.some((re) => re.test(m.text())))
      errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  // Every action asks first; the tests confirm as a user would.
  page.on('dialog', (d) => void d.accept());
  return { page, errors: () => [...errors], close: () => context.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The page's icon: where its <link rel="icon"> points, with the status and type the server gives it. */
export async function favicon(page: Page): Promise<{ url: string; status: number; type?: string }> {
  // An expression, as the tests are type-checked without the DOM's types.
  const url = await page.evaluate<string>(`document.querySelector('link[rel="icon"]').href`);
  const res = await page.request.get(url);
  return { url, status: res.status(), type: res.headers()['content-type'] };
}
