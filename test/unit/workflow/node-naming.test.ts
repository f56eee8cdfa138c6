import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { fnv32a } from '../../../src/workflow/fnv.js';
import { nodeId } from '../../../src/workflow/node-id.js';
import { podName, podNameOf, workflowPodNameVersion } from '../../../src/workflow/pod-name.js';

describe('fnv32a', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-8 bytes', () => {
    expect(fnv32a('é')).not.toBe(fnv32a('e'));
    expect(fnv32a('é')).toBe(Math.imul(Math.imul(0x811c9dc5 ^ 0xc3, 0x01000193) ^ 0xa9, 0x01000193) >>> 0);
  });

  it('hashes the same bytes TextEncoder makes: two-, three- and four-byte characters, lone surrogates', () => {
    const byBytes = (text: string): number => {
      let hash = 0x811c9dc5;
      for (const b of new TextEncoder().encode(text)) hash = Math.imul(hash ^ b, 0x01000193);
      return hash >>> 0;
    };
    for (const text of [
      'wf[0].step(0:ü)',
      'データ.処理(1:x)',
      'emoji(2:🚀🎉)',
      'lone \ud800 x',
      'end \udc00',
      'tail\ud83d',
    ])
      expect(fnv32a(text), text).toBe(byBytes(text));
  });
});

// Pod names below were computed by Go's hash/fnv for the same node names.
describe('node ids and pod names', () => {
  it('uses the workflow name for the root node and <workflow>-<fnv32a(name)> otherwise', () => {
    expect(nodeId('wf', 'wf')).toBe('wf');
    expect(nodeId('wf', 'a')).toBe(`wf-${0xe40c292c}`);
  });

  it('names v2 pods <workflow>-<template>-<fnv32a(node name)>', () => {
    expect(podName('steps-4m9zt', 'steps-4m9zt[0].hello1', 'print-message', 'id')).toBe(
      'steps-4m9zt-print-message-1522598574',
    );
    expect(podName('dag-retry-q8w2n', 'dag-retry-q8w2n.fetch(0)', 'fetch', 'id')).toBe(
      'dag-retry-q8w2n-fetch-837870564',
    );
    expect(podName('wf', 'wf', 'main', 'wf')).toBe('wf');
    expect(podName('wf', 'wf.a', '', 'id')).toBe(`wf-${fnv32a('wf.a')}`);
  });

  it('uses the node id for v1 pods', () => {
    expect(podName('wf', 'wf.a', 'main', 'wf-123', 'v1')).toBe('wf-123');
  });

  it('keeps the prefix within Kubernetes name limits', () => {
    const name = podName('w'.repeat(300), 'n', 't', 'id');
    expect(name).toBe(`${'w'.repeat(242)}-${fnv32a('n')}`);
  });

  it('reads the format from the workflow annotation, then POD_NAMES', () => {
    const wf = (format?: string): Workflow => ({
      metadata: {
        name: 'wf',
        annotations: format ? { 'workflows.argoproj.io/pod-name-format': format } : {},
      },
      spec: {},
    });
    expect(workflowPodNameVersion(wf('v1'), {})).toBe('v1');
    expect(workflowPodNameVersion(wf(), { POD_NAMES: 'v1' })).toBe('v1');
    expect(workflowPodNameVersion(wf(), {})).toBe('v2');
    expect(workflowPodNameVersion(wf('bogus'), { POD_NAMES: 'v1' })).toBe('v2');
    const node = {
      id: 'wf-1',
      name: 'wf.x',
      type: 'Pod' as const,
      templateRef: { name: 'lib', template: 'echo' },
    };
    expect(podNameOf(wf(), node, {})).toBe(`wf-echo-${fnv32a('wf.x')}`);
    expect(podNameOf(wf('v1'), node, {})).toBe('wf-1');
  });
});
