import { describe, expect, it } from 'vitest';
import type { ArgoClient } from '../../../src/client/types.js';
import { ArgoError } from '../../../src/client/types.js';
import { requestTimeoutMs, withRequestTimeout } from '../../../src/cli/request-timeout.js';

describe('--request-timeout', () => {
  it('reads kubectl forms: 0, whole seconds, Go durations', () => {
    expect(requestTimeoutMs('0')).toBe(0);
    expect(requestTimeoutMs(undefined)).toBe(0);
    expect(requestTimeoutMs('5')).toBe(5000);
    expect(requestTimeoutMs('1m30s')).toBe(90_000);
    expect(() => requestTimeoutMs('soon')).toThrow(/--request-timeout/);
  });

  it('fails a call that does not answer in time, and leaves quick ones and streams alone', async () => {
    const never = new Promise<never>(() => undefined);
    const fake = {
      backend: 'local',
      namespace: 'default',
      getWorkflow: () => never,
      listWorkflows: () => Promise.resolve({ metadata: {}, items: [] }),
      watchWorkflows: () => ({ [Symbol.asyncIterator]: () => ({ next: () => never }) }),
      close: () => Promise.resolve(),
    } as unknown as ArgoClient;
    const client = withRequestTimeout(fake, 30);
    await expect(client.getWorkflow('default', 'x')).rejects.toThrow(ArgoError);
    await expect(client.getWorkflow('default', 'x')).rejects.toThrow('within the --request-timeout of 0.03s');
    await expect(client.listWorkflows('default')).resolves.toEqual({ metadata: {}, items: [] });
    expect(typeof client.watchWorkflows('default', {})[Symbol.asyncIterator]).toBe('function');
    expect(client.namespace).toBe('default');
    expect(withRequestTimeout(fake, 0)).toBe(fake);
  });
});
