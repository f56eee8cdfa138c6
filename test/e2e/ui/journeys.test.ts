// The web UI's journeys in Chromium against `argo server` on the local backend (server auth mode, plain
// HTTP): live list, the graph of a DAG, a node's logs and artifact download, submit from a template,
// suspend and resume, a failed workflow's message. Each test fails on a console error.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, repoRoot, type Cli } from '../cli.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { startServer, stop } from '../server.js';
import { Api } from './api.js';
import {
  assertUiBuilt,
  favicon,
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

const WAITING = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: waiting-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: approve, template: approve}
    - - {name: done, template: done}
  - name: approve
    suspend: {}
  - name: done
    container: {image: busybox, command: [sh, -c], args: ["echo approved"]}
`;

const MIXED_DAG = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: mixed-dag-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: first, template: say, arguments: {parameters: [{name: text, value: first}]}}
      - {name: broken, depends: first, template: fail}
      - {name: never, depends: first, when: "1 == 2", template: say, arguments: {parameters: [{name: text, value: never}]}}
      - {name: after, depends: broken, template: say, arguments: {parameters: [{name: text, value: after}]}}
  - name: say
    inputs: {parameters: [{name: text}]}
    container: {image: busybox, command: [sh, -c], args: ["echo {{inputs.parameters.text}}"]}
  - name: fail
    container: {image: busybox, command: [sh, -c], args: ["echo about to fail; exit 3"]}
`;

const FAILING_STEPS = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: failing-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: only, template: fail}
  - name: fail
    container: {image: busybox, command: [sh, -c], args: ["exit 3"]}
`;

const ARTIFACT = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: artifact-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: fetch, template: say, arguments: {parameters: [{name: text, value: fetched}]}}
      - {name: test, depends: fetch, template: say, arguments: {parameters: [{name: text, value: tested}]}}
      - {name: lint, depends: fetch, template: say, arguments: {parameters: [{name: text, value: linted}]}}
      - {name: produce, depends: test && lint, template: produce}
  - name: say
    inputs: {parameters: [{name: text}]}
    container: {image: busybox, command: [sh, -c], args: ["echo {{inputs.parameters.text}}"]}
  - name: produce
    container: {image: busybox, command: [sh, -c], args: ["echo hello from the browser test | tee /tmp/greeting.txt"]}
    outputs:
      artifacts:
      - {name: greeting, path: /tmp/greeting.txt}
`;

// The first attempt fails and the second succeeds; the task after it runs once.
const RETRIED = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: retried-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: flaky, template: flaky}
      - {name: after, depends: flaky, template: say, arguments: {parameters: [{name: text, value: after}]}}
  - name: flaky
    retryStrategy: {limit: 2}
    container: {image: busybox, command: [sh, -c], args: ["echo attempt {{retries}}; test {{retries}} -ge 1"]}
  - name: say
    inputs: {parameters: [{name: text}]}
    container: {image: busybox, command: [sh, -c], args: ["echo {{inputs.parameters.text}}"]}
`;

const UPLOADED = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: uploaded-}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c], args: ["echo from an uploaded file"]}
`;

const TEMPLATE = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'greeter', namespace: 'default' },
  spec: {
    entrypoint: 'greet',
    arguments: {
      parameters: [
        { name: 'who', value: 'world' },
        { name: 'mood', value: 'calm', enum: ['calm', 'cheerful'] },
      ],
    },
    templates: [
      {
        name: 'greet',
        container: {
          image: 'busybox',
          command: ['sh', '-c'],
          args: ['echo "hello {{workflow.parameters.who}}, {{workflow.parameters.mood}}"'],
        },
      },
    ],
  },
};

describe.skipIf(skip !== undefined)(`web UI in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let cli: Cli;
  let server: Awaited<ReturnType<typeof startServer>>;
  let api: Api;
  let browser: Browser;
  let current: WatchedPage | undefined;

  beforeAll(async () => {
    assertUiBuilt();
    cli = cliWithHome();
    [server, browser] = await Promise.all([
      startServer(cli.home, ['--secure=false', '--auth-mode', 'server']),
      launch(chromium!),
    ]);
    api = new Api(`http://localhost:${server.port}`);
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

  const open = async (route: string, expectedErrors: RegExp[] = []): Promise<WatchedPage> => {
    current = await openPage(browser, expectedErrors);
    await current.page.goto(`${api.url}${route}`);
    return current;
  };

  it('shows a running workflow in the list turning Succeeded without a reload', async () => {
    const name = await api.submit(WAITING);
    await api.until(name, (wf) => wf.status?.phase === 'Running');
    const { page } = await open('/workflows');
    const row = page.locator(`tr[data-workflow="${name}"]`);
    await row.locator('.phase[data-phase="Running"]').waitFor();
    // From navigation start (a cold cache: each test has its own browser context) to the row shown.
    const firstRender = Math.round(await page.evaluate(() => performance.now()));
    await screenshot(page, 'workflows-list-running');
    await api.call('PUT', `workflows/default/${name}/resume`, {});
    await row.locator('.phase[data-phase="Succeeded"]').waitFor();
    await expect.poll(() => row.locator('td').nth(6).textContent(), SOON).toBe('2/2');
    await screenshot(page, 'workflows-list-succeeded');
    writeFileSync(path.join(screenshotDir, 'first-render.txt'), `${firstRender}\n`);
    console.log(`workflows page: first render with its rows in ${firstRender} ms (cold cache, loopback)`);
  });

  it('filters the list by phase and acts on the selected workflows at once', async () => {
    const names = [await api.submit(WAITING), await api.submit(WAITING)];
    for (const name of names) await api.until(name, (wf) => wf.status?.phase === 'Running');
    const { page } = await open('/workflows?phase=Running');
    for (const name of names)
      await page.locator(`tr[data-workflow="${name}"] .phase[data-phase="Running"]`).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Running' }).isChecked()).toBe(true);
    for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    await page
      .getByRole('toolbar', { name: 'Bulk actions' })
      .getByRole('button', { name: 'Terminate' })
      .click();
    // Terminated, they leave the Running filter while the page looks on.
    for (const name of names)
      await page.locator(`tr[data-workflow="${name}"]`).waitFor({ state: 'detached' });
    for (const name of names) expect((await api.workflow(name)).status?.phase).toBe('Failed');
    await page.getByRole('checkbox', { name: 'Failed' }).check();
    for (const name of names)
      await page.locator(`tr[data-workflow="${name}"] .phase[data-phase="Failed"]`).waitFor();
  });

  it('draws every node of a DAG in its phase, and a failed node its message', async () => {
    const name = await api.submit(MIXED_DAG);
    const wf = await api.until(name, (w) => w.status?.phase === 'Failed');
    const nodes = Object.values(wf.status!.nodes!);
    const { page } = await open(`/workflows/default/${name}`);
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Failed"]').waitFor();
    await expect.poll(() => page.locator('.graph-node').count(), SOON).toBe(nodes.length);
    for (const node of nodes) {
      const drawn = page.locator(`.graph-node[data-node-id="${node.id}"]`);
      expect(await drawn.getAttribute('data-phase'), node.displayName).toBe(node.phase);
    }
    const phases = Object.fromEntries(nodes.map((n) => [n.displayName, n.phase]));
    expect(phases).toMatchObject({ first: 'Succeeded', broken: 'Failed', after: 'Omitted' });
    expect(['Skipped', 'Omitted']).toContain(phases.never);
    await page.locator('.graph-node[data-node-name="broken"]').click();
    const panel = page.getByRole('complementary', { name: 'Node broken' });
    await expect
      .poll(() => panel.locator('.node-message').textContent(), SOON)
      .toBe(nodes.find((n) => n.displayName === 'broken')!.message);
    await screenshot(page, 'workflow-dag-failed');
  });

  it('shows a failed workflow its message', async () => {
    const name = await api.submit(FAILING_STEPS);
    const wf = await api.until(name, (w) => w.status?.phase === 'Failed');
    expect(wf.status!.message).toMatch(/failed/);
    const { page } = await open(`/workflows/default/${name}`);
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Failed"]').waitFor();
    expect(await page.getByTestId('workflow-message').textContent()).toBe(wf.status!.message);
    // Steps draw as Argo draws them: the step group between the workflow and its pod.
    await page.locator('.graph-node.type-stepgroup[data-phase="Failed"]').waitFor();
    await screenshot(page, 'workflow-failed');
  });

  it('shows a node its logs and downloads its output artifact', async () => {
    const name = await api.submit(ARTIFACT);
    await api.until(name, (w) => w.status?.phase === 'Succeeded');
    const { page } = await open(`/workflows/default/${name}`);
    await page.locator('.graph-node[data-node-name="produce"][data-phase="Succeeded"]').click();
    const panel = page.getByRole('complementary', { name: 'Node produce' });
    await panel.locator('.log-text[data-ended="true"]').waitFor();
    expect(await panel.getByLabel('Logs', { exact: true }).textContent()).toContain(
      'hello from the browser test',
    );
    const graphShot = await screenshot(page, 'workflow-graph');
    const readme = path.join(repoRoot, 'docs', 'images', 'workflow-graph.png');
    // The README's picture is this one; it is rewritten only on request, so runs leave the tree clean.
    if (!existsSync(readme) || process.env.UPDATE_README_SCREENSHOT === '1') {
      mkdirSync(path.dirname(readme), { recursive: true });
      copyFileSync(graphShot, readme);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('link', { name: /Download greeting/ }).click(),
    ]);
    // Stored as Argo stores an artifact by default: a gzipped tar of the file.
    expect(download.suggestedFilename()).toBe('greeting.tgz');
    const tar = gunzipSync(readFileSync((await download.path())!)).toString('utf8');
    expect(tar).toContain('greeting.txt');
    expect(tar).toContain('hello from the browser test');
  });

  it('follows the logs of a running node', async () => {
    // The container writes a line, then asks the test for the next one, which it gets when the test
    // has seen the first on the page. (A file would not do: the pod's root is an overlay. Python,
    // not this Node: the container's /tmp is its own, and CI's second Node lives under /tmp.)
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const gate = createServer((_req, res) => void released.then(() => res.end('second line')));
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const port = (gate.address() as AddressInfo).port;
    try {
      const fetchLine = `import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:${port}/').read().decode())`;
      const name = await api.submit(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: following-}
spec:
  entrypoint: main
  templates:
  - name: main
    container:
      image: node
      command: [sh, -c]
      args: ["echo first line; python3 -c \\"${fetchLine}\\""]
`);
      // Opened at once: the page starts following when the pod starts.
      const { page } = await open(`/workflows/default/${name}?nodeId=${name}`);
      const logs = page.getByLabel('Logs', { exact: true });
      await expect.poll(() => logs.textContent(), SOON).toContain('first line');
      expect(await logs.textContent()).not.toContain('second line');
      release();
      await expect.poll(() => logs.textContent(), SOON).toBe('first line\nsecond line\n');
      await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Succeeded"]').waitFor();
    } finally {
      release();
      gate.close();
    }
  });

  it('draws a retried task as Argo does: its Retry node over its attempts, each in its phase colour', async () => {
    const name = await api.submit(RETRIED);
    const wf = await api.until(name, (w) => w.status?.phase === 'Succeeded');
    const nodes = wf.status!.nodes!;
    const retry = Object.values(nodes).find((n) => n.type === 'Retry')!;
    const attempts = retry.children!.map((id) => nodes[id]);
    expect(attempts.map((a) => [a.displayName, a.type, a.phase])).toEqual([
      ['flaky(0)', 'Pod', 'Failed'],
      ['flaky(1)', 'Pod', 'Succeeded'],
    ]);
    const after = Object.values(nodes).find((n) => n.displayName === 'after')!;
    const { page } = await open(`/workflows/default/${name}`);
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Succeeded"]').waitFor();
    const drawn = (id: string) => page.locator(`.graph-node[data-node-id="${id}"]`);
    await drawn(retry.id).waitFor();
    expect(await drawn(retry.id).getAttribute('class')).toContain('type-retry');
    expect(await drawn(retry.id).getAttribute('data-phase')).toBe('Succeeded');
    // The attempts hang from the Retry node, and the next task from the attempt that succeeded.
    // (Attached, not visible: a straight vertical edge has no width, which Playwright calls hidden.)
    const edge = (from: string, to: string) => page.getByTestId(`rf__edge-${from}->${to}`);
    for (const attempt of attempts) await edge(retry.id, attempt.id).waitFor({ state: 'attached' });
    await edge(attempts[1].id, after.id).waitFor({ state: 'attached' });
    expect(await edge(attempts[0].id, after.id).count()).toBe(0);
    // Red for the failed attempt, green for the one that succeeded, as Argo colours them.
    const colour = async (id: string) => {
      const rgb = await page.evaluate<string>(
        `getComputedStyle(document.querySelector('.graph-node[data-node-id="${id}"]')).borderLeftColor`,
      );
      const [r, g] = rgb.match(/\d+/g)!.map(Number);
      return r > g ? 'red' : 'green';
    };
    expect(await drawn(attempts[0].id).getAttribute('data-phase')).toBe('Failed');
    expect(await colour(attempts[0].id)).toBe('red');
    expect(await drawn(attempts[1].id).getAttribute('data-phase')).toBe('Succeeded');
    expect(await colour(attempts[1].id)).toBe('green');
    // The attempts read left to right in the order they ran.
    const left = async (id: string) => (await drawn(id).boundingBox())!.x;
    expect(await left(attempts[0].id)).toBeLessThan(await left(attempts[1].id));
    await screenshot(page, 'workflow-retried');
  });

  it('submits an uploaded file and lands on the new workflow', async () => {
    const { page } = await open('/submit?from=yaml');
    expect(await favicon(page)).toEqual({
      url: `${api.url}/favicon.svg`,
      status: 200,
      type: 'image/svg+xml',
    });
    await page.getByLabel('Upload a file').setInputFiles({
      name: 'uploaded.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(UPLOADED),
    });
    // The file's text fills the editor, where it can still be changed before submitting.
    await expect.poll(() => page.getByLabel('Workflow YAML').inputValue(), SOON).toBe(UPLOADED);
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/workflows\/default\/uploaded-/);
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Succeeded"]').waitFor();
    const name = page.url().split('/').pop()!;
    expect((await api.workflow(name)).status?.phase).toBe('Succeeded');
  });

  it('submits from a workflow template with a parameter and lands on the new workflow', async () => {
    await api.call('POST', 'workflow-templates/default', { template: TEMPLATE });
    const { page } = await open('/submit');
    await page.getByLabel('Template', { exact: true }).selectOption('greeter');
    await page.getByLabel('who').fill('browser');
    expect(await page.getByLabel('mood').locator('option').allTextContents()).toEqual(['calm', 'cheerful']);
    await page.getByLabel('mood').selectOption('cheerful');
    await screenshot(page, 'submit-from-template');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/workflows\/default\/greeter-/);
    const name = page.url().split('/').pop()!;
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Succeeded"]').waitFor();
    await page.locator(`.graph-node[data-node-name="${name}"]`).click();
    await page.locator('.log-text[data-ended="true"]').waitFor();
    expect(await page.getByLabel('Logs', { exact: true }).textContent()).toContain('hello browser, cheerful');
  });

  it('submits pasted YAML, telling first what is wrong with it', async () => {
    const { page } = await open('/submit?from=yaml');
    const yaml = page.getByLabel('Workflow YAML');
    await yaml.fill('kind: Workflow\nmetadata: [unclosed');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), SOON)
      .toMatch(/^The YAML does not parse: /);
    await yaml.fill(FAILING_STEPS.replace('failing-', 'pasted-'));
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/workflows\/default\/pasted-/);
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Failed"]').waitFor();
  });

  it('suspends and resumes a running workflow', async () => {
    const name = await api.submit(WAITING);
    await api.until(name, (wf) => wf.status?.phase === 'Running');
    const { page } = await open(`/workflows/default/${name}`);
    const actions = page.getByRole('toolbar', { name: 'Workflow actions' });
    await actions.getByRole('button', { name: 'Suspend' }).click();
    await page.getByTestId('workflow-phase').getByText('Suspended').waitFor();
    expect((await api.workflow(name)).spec.suspend).toBe(true);
    await screenshot(page, 'workflow-suspended');
    // The reply to Resume is held until the page shows the workflow succeeded (from the stream's later
    // events) while the action is still busy: the older copy in the reply must not replace them, as the
    // stream sends nothing after completion and a page that took the reply would stay Running.
    const succeeded = page.locator('[data-testid="workflow-phase"] .phase[data-phase="Succeeded"]');
    const resubmit = actions.getByRole('button', { name: 'Resubmit' });
    let replied!: () => void;
    let held: unknown;
    const reply = new Promise<void>((resolve) => (replied = resolve));
    await page.route('**/api/v1/workflows/default/*/resume', async (route) => {
      const response = await route.fetch();
      try {
        // The engine first (its error shows the workflow's status if it never gets there), then the page.
        await api.until(name, (wf) => wf.status?.phase === 'Succeeded', 40_000);
        await succeeded.waitFor();
        await resubmit.and(page.locator(':disabled')).waitFor();
      } catch (err) {
        held = err;
      } finally {
        await route.fulfill({ response });
        replied();
      }
    });
    await actions.getByRole('button', { name: 'Resume' }).click();
    await reply;
    if (held) throw held;
    // Enabled again: the reply has been taken, and the page still shows the end.
    await resubmit.and(page.locator(':enabled')).waitFor();
    expect(await page.getByTestId('workflow-phase').locator('.phase').getAttribute('data-phase')).toBe(
      'Succeeded',
    );
    expect((await api.workflow(name)).spec.suspend).toBeFalsy();
  }, 60_000);

  it('lists and opens templates, cron workflows and the archive; dark scheme; a node chosen by keyboard', async () => {
    await api.call('POST', 'workflow-templates/default', {
      template: { ...TEMPLATE, metadata: { name: 'browse-template', namespace: 'default' } },
    });
    await api.call('POST', 'cron-workflows/default', {
      cronWorkflow: {
        metadata: { name: 'browse-cron', namespace: 'default' },
        spec: {
          schedule: '0 3 * * *',
          workflowSpec: {
            entrypoint: 'main',
            templates: [
              { name: 'main', container: { image: 'busybox', command: ['sh', '-c', 'echo nightly'] } },
            ],
          },
        },
      },
    });
    const { page } = await open('/workflow-templates');
    await page.getByRole('link', { name: 'browse-template' }).click();
    await expect
      .poll(() => page.getByLabel('Template YAML').textContent(), SOON)
      .toContain('entrypoint: greet');
    await page.locator('#main').getByRole('link', { name: 'Submit', exact: true }).click();
    await expect
      .poll(() => page.getByLabel('Template', { exact: true }).inputValue(), SOON)
      .toBe('browse-template');
    await page.getByLabel('who').waitFor();

    await page.getByRole('link', { name: 'Cron Workflows' }).click();
    const row = page.getByRole('row', { name: /browse-cron/ });
    await expect.poll(() => row.locator('td').nth(5).textContent(), SOON).not.toBe('');
    await row.getByRole('link', { name: 'browse-cron' }).click();
    const actions = page.getByRole('toolbar', { name: 'Cron workflow actions' });
    await actions.getByRole('button', { name: 'Suspend' }).click();
    await actions.getByRole('button', { name: 'Resume' }).waitFor();
    expect(
      (await api.call<{ spec: { suspend?: boolean } }>('GET', 'cron-workflows/default/browse-cron')).spec
        .suspend,
    ).toBe(true);
    await screenshot(page, 'cron-workflow');
    await actions.getByRole('button', { name: 'Submit now' }).click();
    await page.waitForURL(/\/workflows\/default\/browse-cron-/);
    const name = page.url().split('/').pop()!;
    await page.locator('[data-testid="workflow-phase"] .phase[data-phase="Succeeded"]').waitFor();

    // Completed workflows are archived; the archive's page shows this one with its graph.
    const uid = (await api.call<{ metadata: { uid: string } }>('GET', `workflows/default/${name}`)).metadata
      .uid;
    await expect
      .poll(
        async () =>
          (
            await api.call<{ items?: { metadata: { uid: string } }[] }>('GET', 'archived-workflows')
          ).items?.map((w) => w.metadata.uid),
        {
          timeout: 10_000,
        },
      )
      .toContain(uid);
    await page.getByRole('link', { name: 'Archived Workflows' }).click();
    await page.getByRole('link', { name }).click();
    await page.waitForURL(`${api.url}/archived-workflows/default/${uid}`);
    const node = page.locator(`.react-flow__node:has(.graph-node[data-node-name="${name}"])`);
    await node.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: `Node ${name}` }).waitFor();

    const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background, SOON).not.toBe(light);
    await screenshot(page, 'archived-workflow-dark');
  });

  it('lists event bindings and sets a synchronization limit', async () => {
    const store = openSqliteStore({ path: path.join(cli.home, 'argo.db') });
    try {
      await store.create('WorkflowEventBinding', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'WorkflowEventBinding',
        metadata: { name: 'on-push', namespace: 'default' },
        spec: {
          event: { selector: 'discriminator == "push"' },
          submit: { workflowTemplateRef: { name: 'greeter' } },
        },
      });
    } finally {
      await store.close();
    }
    const { page } = await open('/workflow-event-bindings', [/status of 404/]);
    const row = page.getByRole('row', { name: /on-push/ });
    expect(await row.locator('code').textContent()).toBe('discriminator == "push"');
    await row.getByRole('link', { name: 'on-push' }).click();
    await expect
      .poll(() => page.getByLabel('Event binding YAML').textContent(), SOON)
      .toContain('workflowTemplateRef');

    // Looking up a limit that is not there yet is a 404 the browser reports; the page says so.
    await page.goto(`${api.url}/sync-limits`);
    await page.getByLabel('ConfigMap', { exact: true }).fill('limits');
    await page.getByLabel('Key', { exact: true }).fill('builds');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No such limit').waitFor();
    await page.getByLabel('Limit', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Created.').waitFor();
    const read = () => api.call<{ limit: number }>('GET', 'sync/default/builds?cmName=limits');
    expect((await read()).limit).toBe(2);
    await page.getByLabel('Limit', { exact: true }).fill('5');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByText('Updated.').waitFor();
    expect((await read()).limit).toBe(5);
    await screenshot(page, 'sync-limits');
  });
});
