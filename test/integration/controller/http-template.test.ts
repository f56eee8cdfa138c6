// HTTP templates through the real controller and its HTTP agent, against a server on this machine
// (the upstream example calls the internet, so the acceptance suite skips it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeByName, runWorkflow } from '../../helpers/run-workflow.js';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hello') res.end('hello from the test server');
    else {
      res.statusCode = 503;
      res.end('busy');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const workflow = (path: string, extra = '') => `
metadata: {name: call}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: get, template: get}
    - name: get
      http: {url: '${base}${path}'${extra}}
`;

describe('an HTTP template', () => {
  it('succeeds on a 2xx answer, with the body as its result, and starts no pod', async () => {
    const { wf, kubelet } = await runWorkflow(workflow('/hello'));
    expect(wf.status?.phase).toBe('Succeeded');
    expect(nodeByName(wf, 'call[0].get')).toMatchObject({
      type: 'HTTP',
      phase: 'Succeeded',
      outputs: { result: 'hello from the test server' },
    });
    expect(kubelet.started).toEqual([]);
  });

  it('fails on a non-2xx answer, saying which code came back', async () => {
    const { wf } = await runWorkflow(workflow('/busy'));
    expect(wf.status?.phase).toBe('Failed');
    expect(nodeByName(wf, 'call[0].get')).toMatchObject({
      phase: 'Failed',
      message: 'received non-2xx response code: 503',
    });
  });

  it('fails when its successCondition does not hold', async () => {
    const { wf } = await runWorkflow(workflow('/hello', ', successCondition: \'response.body == "other"\''));
    expect(nodeByName(wf, 'call[0].get')).toMatchObject({
      phase: 'Failed',
      message: `successCondition 'response.body == "other"' evaluated false`,
    });
  });
});
