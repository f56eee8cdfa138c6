// securityContext.readOnlyRootFilesystem where containers have no root of their own (no overlay):
// the runtime cannot honour it, and says so in the container's log instead of ignoring it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPodLogs } from '../../../src/executor/index.js';
import { READ_ONLY_ROOT_UNSUPPORTED } from '../../../src/executor/host/host-pod-run.js';
import { NS, podFor, runPod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ isolation: 'none' });
});
afterAll(() => h.close());

describe('readOnlyRootFilesystem without an overlay root', () => {
  it('runs the container and logs one line saying it is not honoured', async () => {
    const pod = await runPod(
      h,
      podFor('ro-root', {
        name: 't',
        container: {
          image: 'alpine',
          command: ['sh', '-c', 'echo ran'],
          securityContext: { readOnlyRootFilesystem: true },
        },
      }),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    const lines: string[] = [];
    for await (const line of readPodLogs(h.home, NS, 'ro-root', 'main')) lines.push(line.content);
    expect(lines).toEqual([READ_ONLY_ROOT_UNSUPPORTED, 'ran']);
  });
});
