// The web UI under a base href on a server in client auth mode: the pages say when the token is
// missing or wrong, and a good token, kept as upstream's UI keeps it (the `authorization` cookie),
// lets them in.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, type Cli } from '../cli.js';
import { startServer, stop } from '../server.js';
import { Api } from './api.js';
import {
  assertUiBuilt,
  favicon,
  findChromium,
  launch,
  openPage,
  screenshot,
  skipReason,
  SOON,
  type WatchedPage,
} from './browser.js';

const chromium = findChromium();
const skip = skipReason(chromium);

describe.skipIf(skip !== undefined)(`web UI login in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let cli: Cli;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let current: WatchedPage | undefined;
  let url: string;
  let token: string;

  beforeAll(async () => {
    assertUiBuilt();
    cli = cliWithHome();
    [server, browser] = await Promise.all([
      startServer(cli.home, ['--secure=false', '--auth-mode', 'client', '--base-href', '/argo/']),
      launch(chromium!),
    ]);
    url = `http://localhost:${server.port}`;
    token = readFileSync(`${cli.home}/server/token`, 'utf8').trim();
  });
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

  it('refuses a bad token with a clear message, then lets a good one in', async () => {
    const api = new Api(url, token);
    const hello = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: behind-login-}
spec:
  entrypoint: main
  templates:
  - {name: main, container: {image: busybox, command: [sh, -c], args: ["echo hi"]}}
`;
    const name = await api.submit(hello);
    // The browser reports the refused API calls as console errors; those are the point here.
    current = await openPage(browser, [/status of 401/]);
    const { page } = current;
    await page.goto(`${url}/argo/workflows`);
    // The icon resolves under the base href and needs no token.
    expect(await favicon(page)).toEqual({
      url: `${url}/argo/favicon.svg`,
      status: 200,
      type: 'image/svg+xml',
    });
    const refused = page.getByRole('alert');
    await expect
      .poll(() => refused.textContent(), SOON)
      .toMatch(/^Unauthorized \(401\): log in with a valid token/);
    await refused.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/argo/login`);

    await page.getByLabel('Token').fill('Bearer not-the-token');
    await page.getByRole('button', { name: 'Login' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), SOON)
      .toMatch(/^Unauthorized \(401\): the server does not accept this token/);
    await screenshot(page, 'login-refused');

    // Pasted as `argo auth token` prints it, without the scheme.
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(`${url}/argo/workflows`);
    await page.locator(`tr[data-workflow="${name}"]`).waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'authorization');
    expect(cookie).toMatchObject({ value: `Bearer ${token}`, path: '/argo/' });
    // The cookie opens the event stream too (EventSource sends no headers): a new workflow shows up live.
    const later = await api.submit(hello);
    await page.locator(`tr[data-workflow="${later}"]`).waitFor();

    // A shared link to the workflow opens under the base href.
    await page.goto(`${url}/argo/workflows/default/${name}`);
    await page.locator(`.graph-node[data-node-name="${name}"]`).waitFor();
    await screenshot(page, 'workflow-behind-login');
  });
});
