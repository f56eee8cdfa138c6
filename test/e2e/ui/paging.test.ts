// The workflows list over thousands of workflows: the page asks the server for one page at a time
// (limit and continue on every list request, never the whole list), says which rows it shows out of
// how many, and moves to the next and previous pages; a new workflow still shows up live. The
// archived workflows page pages the same way.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { openLocalArchive } from '../../../src/persist/local-archive.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { cliWithHome, type Cli } from '../cli.js';
import { startServer, stop } from '../server.js';
import { Api } from './api.js';
import {
  assertUiBuilt,
  findChromium,
  launch,
  openPage,
  screenshot,
  screenshotDir,
  skipReason,
  SOON,
  type WatchedPage,
} from './browser.js';

const chromium = findChromium();
const skip = skipReason(chromium);

const COUNT = 3000;
const name = (i: number): string => `seeded-${String(i).padStart(4, '0')}`;
// Archived workflows, in a namespace of their own: the workflows list (of `default`) merges the
// archive's records of its namespace, so these stay out of its count.
const ARCHIVED = 1000;
const ARCHIVE_NAMESPACE = 'history';
const archivedName = (i: number): string => `archived-${String(i).padStart(4, '0')}`;

/**
 * COUNT finished workflows written straight into the home's store before the server opens it (the
 * engine has nothing to run for them). Workflow i started i minutes after the first, so the newest
 * are the highest numbers.
 */
async function seed(home: string): Promise<void> {
  const store = openSqliteStore({ path: path.join(home, 'argo.db') });
  try {
    const first = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < COUNT; i++) {
      const started = new Date(first + i * 60_000);
      await store.create<Workflow>('Workflow', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name: name(i),
          namespace: 'default',
          labels: {
            'workflows.argoproj.io/completed': 'true',
            'workflows.argoproj.io/phase': 'Succeeded',
          },
        },
        spec: {
          entrypoint: 'main',
          templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }],
        },
        status: {
          phase: 'Succeeded',
          startedAt: started.toISOString(),
          finishedAt: new Date(started.getTime() + 1000).toISOString(),
          progress: '1/1',
        },
      } as Workflow);
    }
  } finally {
    await store.close();
  }
  const archive = await openLocalArchive(home);
  try {
    const first = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < ARCHIVED; i++) {
      const started = new Date(first + i * 60_000);
      await archive.archiveWorkflow({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name: archivedName(i),
          namespace: ARCHIVE_NAMESPACE,
          uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          creationTimestamp: started.toISOString(),
          labels: { 'workflows.argoproj.io/completed': 'true' },
        },
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
        status: {
          phase: 'Succeeded',
          startedAt: started.toISOString(),
          finishedAt: new Date(started.getTime() + 1000).toISOString(),
        },
      } as Workflow);
    }
  } finally {
    await archive.close();
  }
}

/** The names seeded from `from` down to `to` (inclusive), newest first: what a page should show. */
const seeded = (from: number, to: number): string[] =>
  Array.from({ length: from - to + 1 }, (_, k) => name(from - k));

describe.skipIf(skip !== undefined)(`web UI paging in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let cli: Cli;
  let server: Awaited<ReturnType<typeof startServer>>;
  let api: Api;
  let browser: Browser;
  let current: WatchedPage | undefined;

  beforeAll(async () => {
    assertUiBuilt();
    cli = cliWithHome();
    const seeding = Date.now();
    await seed(cli.home);
    console.log(`seeded ${COUNT} workflows and ${ARCHIVED} archived in ${Date.now() - seeding} ms`);
    [server, browser] = await Promise.all([
      startServer(cli.home, ['--secure=false', '--auth-mode', 'server']),
      launch(chromium!),
    ]);
    api = new Api(`http://localhost:${server.port}`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (server) await stop(server.child);
    await cli?.dispose();
  });
  afterEach(async () => {
    const errors = current?.errors() ?? [];
    await current?.close();
    current = undefined;
    expect(errors, 'browser console errors').toEqual([]);
  });

  it('pages through thousands of workflows one page at a time, saying how many there are', async () => {
    current = await openPage(browser);
    const { page } = current;
    // Every list request the page makes, with what the server answered.
    const lists: { query: URLSearchParams; items: number }[] = [];
    const isList = (r: Response): boolean => new URL(r.url()).pathname === '/api/v1/workflows/default';
    page.on('response', (r) => {
      if (!isList(r)) return;
      void r.json().then(
        (body: { items?: unknown[] | null }) =>
          lists.push({ query: new URL(r.url()).searchParams, items: body.items?.length ?? 0 }),
        () => lists.push({ query: new URL(r.url()).searchParams, items: -1 }),
      );
    });
    /** The page's list request made by `act`, once answered. */
    const listed = async (act: () => Promise<unknown>): Promise<URLSearchParams> => {
      const [response] = await Promise.all([page.waitForResponse(isList), act()]);
      return new URL(response.url()).searchParams;
    };
    const range = page.getByTestId('page-range');
    const rows = (): Promise<(string | null)[]> =>
      page
        .locator('tr[data-workflow]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-workflow')));
    const pager = page.getByRole('navigation', { name: 'Pages' });
    const next = pager.getByRole('button', { name: 'Next ›' });
    const previous = pager.getByRole('button', { name: '‹ Previous' });

    let query = await listed(() => page.goto(`${api.url}/workflows/default`));
    expect(query.get('listOptions.limit')).toBe('50');
    expect(query.get('listOptions.continue')).toBeNull();
    await expect.poll(() => range.textContent(), SOON).toBe('1–50 of 3,000');
    expect(await rows()).toEqual(seeded(2999, 2950));
    expect(await previous.isDisabled()).toBe(true);
    await screenshot(page, 'workflows-list-paged');

    query = await listed(() => next.click());
    expect([query.get('listOptions.limit'), query.get('listOptions.continue')]).toEqual(['50', '50']);
    await expect.poll(() => range.textContent(), SOON).toBe('51–100 of 3,000');
    expect(await rows()).toEqual(seeded(2949, 2900));
    // The page is in the URL, so a link or a reload shows the same one.
    expect(new URL(page.url()).searchParams.get('offset')).toBe('50');

    query = await listed(() => next.click());
    expect(query.get('listOptions.continue')).toBe('100');
    await expect.poll(() => range.textContent(), SOON).toBe('101–150 of 3,000');
    expect(await rows()).toEqual(seeded(2899, 2850));

    query = await listed(() => previous.click());
    expect(query.get('listOptions.continue')).toBe('50');
    await expect.poll(() => range.textContent(), SOON).toBe('51–100 of 3,000');
    expect(await rows()).toEqual(seeded(2949, 2900));

    query = await listed(() => previous.click());
    expect(query.get('listOptions.continue')).toBeNull();
    await expect.poll(() => range.textContent(), SOON).toBe('1–50 of 3,000');
    expect(await previous.isDisabled()).toBe(true);

    // The last page, from a link: no next.
    query = await listed(() => page.goto(`${api.url}/workflows/default?offset=2950`));
    expect(query.get('listOptions.continue')).toBe('2950');
    await expect.poll(() => range.textContent(), SOON).toBe('2,951–3,000 of 3,000');
    expect(await rows()).toEqual(seeded(49, 0));
    expect(await next.isDisabled()).toBe(true);

    // A bigger page is still one page.
    query = await listed(() => pager.getByLabel('Per page').selectOption('500'));
    expect([query.get('listOptions.limit'), query.get('listOptions.continue')]).toEqual(['500', null]);
    await expect.poll(() => range.textContent(), SOON).toBe('1–500 of 3,000');
    expect(await rows()).toEqual(seeded(2999, 2500));

    // No request asked for everything, and no answer held more than the page asked for.
    // One list request per page shown: seven pages.
    await expect.poll(() => lists.length, SOON).toBe(7);
    for (const { query: q, items } of lists) {
      const limit = Number(q.get('listOptions.limit'));
      expect(limit, q.toString()).toBeGreaterThan(0);
      expect(items, q.toString()).toBeGreaterThanOrEqual(0);
      expect(items, q.toString()).toBeLessThanOrEqual(limit);
    }
  }, 90_000);

  it('times the first page over thousands against the same page over none', async () => {
    /** From navigation start (a fresh context: a cold cache) to `ready` on the page. */
    const firstRender = async (route: string, ready: (page: Page) => Locator): Promise<number> => {
      const watched = await openPage(browser);
      try {
        await watched.page.goto(`${api.url}${route}`);
        await ready(watched.page).waitFor();
        expect(watched.errors()).toEqual([]);
        return Math.round(await watched.page.evaluate(() => performance.now()));
      } finally {
        await watched.close();
      }
    };
    // Alternated, best of three each, so neither gains from the browser warming up.
    const paged: number[] = [];
    const none: number[] = [];
    for (let round = 0; round < 3; round++) {
      none.push(await firstRender('/workflows/nobody-here', (page) => page.getByText(/^No workflows/)));
      paged.push(
        await firstRender('/workflows/default', (page) =>
          page.getByTestId('page-range').getByText('1–50 of 3,000'),
        ),
      );
    }
    const [thousands, baseline] = [Math.min(...paged), Math.min(...none)];
    const figure = `workflows page, first render: ${thousands} ms over ${COUNT} workflows, ${baseline} ms over none (${(thousands / baseline).toFixed(2)}×)`;
    mkdirSync(screenshotDir, { recursive: true });
    writeFileSync(path.join(screenshotDir, 'first-render-paged.txt'), `${figure}\n`);
    console.log(figure);
  }, 60_000);

  it('pages through the archive the same way', async () => {
    current = await openPage(browser);
    const { page } = current;
    const isList = (r: Response): boolean => new URL(r.url()).pathname === '/api/v1/archived-workflows';
    const listed = async (act: () => Promise<unknown>): Promise<URLSearchParams> => {
      const [response] = await Promise.all([page.waitForResponse(isList), act()]);
      return new URL(response.url()).searchParams;
    };
    const range = page.getByTestId('page-range');
    const rows = (): Promise<(string | null)[]> =>
      page.locator('table tbody tr td:nth-child(2)').allTextContents();
    const pager = page.getByRole('navigation', { name: 'Pages' });

    let query = await listed(() => page.goto(`${api.url}/archived-workflows/${ARCHIVE_NAMESPACE}`));
    expect([query.get('listOptions.limit'), query.get('listOptions.continue')]).toEqual(['50', null]);
    await expect.poll(() => range.textContent(), SOON).toBe('1–50 of 1,000');
    expect((await rows()).sort()).toEqual(Array.from({ length: 50 }, (_, k) => archivedName(950 + k)));

    query = await listed(() => pager.getByRole('button', { name: 'Next ›' }).click());
    expect([query.get('listOptions.limit'), query.get('listOptions.continue')]).toEqual(['50', '50']);
    await expect.poll(() => range.textContent(), SOON).toBe('51–100 of 1,000');
    expect((await rows()).sort()).toEqual(Array.from({ length: 50 }, (_, k) => archivedName(900 + k)));

    query = await listed(() => pager.getByRole('button', { name: '‹ Previous' }).click());
    expect(query.get('listOptions.continue')).toBeNull();
    await expect.poll(() => range.textContent(), SOON).toBe('1–50 of 1,000');
    await screenshot(page, 'archived-workflows-paged');
  });

  it('shows a new workflow live on the first page and counts it', async () => {
    current = await openPage(browser);
    const { page } = current;
    await page.goto(`${api.url}/workflows/default`);
    const range = page.getByTestId('page-range');
    await expect.poll(() => range.textContent(), SOON).toBe('1–50 of 3,000');
    const added = await api.submit(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: newest-}
spec:
  entrypoint: main
  templates:
  - {name: main, container: {image: busybox, command: [sh, -c], args: ["echo newest"]}}
`);
    await page.locator(`tr[data-workflow="${added}"] .phase[data-phase="Succeeded"]`).waitFor();
    await expect.poll(() => range.textContent(), SOON).toBe('1–51 of 3,001');
    // The next page is asked for afresh, with the new count.
    await page.getByRole('button', { name: 'Next ›' }).click();
    await expect.poll(() => range.textContent(), SOON).toBe('51–100 of 3,001');
  });
});
