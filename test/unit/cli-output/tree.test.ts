import { describe, expect, it, vi } from 'vitest';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import { colorCodeFor, colorEnabled, createPalette } from '../../../src/cli/output/colors.js';
import { printWorkflow } from '../../../src/cli/output/get.js';
import { buildRenderTrees, indexFromNodeName, phaseIcon } from '../../../src/cli/output/tree.js';

const now = new Date('2026-03-01T10:05:00Z');

function workflow(nodes: NodeStatus[]): Workflow {
  return {
    metadata: { name: 'wf', namespace: 'ns', creationTimestamp: '2026-03-01T10:00:00Z' },
    spec: {},
    status: { phase: 'Running', nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
  };
}

describe('node tree', () => {
  it('recovers loop indexes from node names', () => {
    expect(indexFromNodeName('print(12:foo)')).toBe(12);
    expect(indexFromNodeName('print(x:foo)')).toBe(-1);
    expect(indexFromNodeName('fetch(0)')).toBe(-1);
    expect(indexFromNodeName('a:b(1)')).toBe(-1);
  });

  it('orders siblings by start time, then loop index, then name', () => {
    const t = '2026-03-01T10:00:00Z';
    const nodes: NodeStatus[] = [
      { id: 'wf', name: 'wf', type: 'DAG', phase: 'Running', startedAt: t },
      {
        id: 'c',
        name: 'wf.c',
        displayName: 'c',
        type: 'Pod',
        boundaryID: 'wf',
        startedAt: '2026-03-01T09:59:00Z',
      },
      { id: 'l10', name: 'wf.l(10:x)', displayName: 'l(10:x)', type: 'Pod', boundaryID: 'wf', startedAt: t },
      { id: 'l9', name: 'wf.l(9:y)', displayName: 'l(9:y)', type: 'Pod', boundaryID: 'wf', startedAt: t },
      { id: 'b', name: 'wf.b', displayName: 'b', type: 'Pod', boundaryID: 'wf', startedAt: t },
    ];
    const tree = buildRenderTrees(Object.fromEntries(nodes.map((n) => [n.id, n])));
    expect(tree.get('wf')!.children.map((c) => c.id)).toEqual(['c', 'b', 'l9', 'l10']);
  });

  /** Pod nodes under the DAG `wf`, started at one of a few times, named with or without a loop index. */
  function siblings(count: number, seed: number, named: (i: number) => string): NodeStatus[] {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
    return Array.from({ length: count }, (_, i) => ({
      id: `n${i}`,
      name: `wf.${named(i)}`,
      displayName: named(i),
      type: 'Pod' as const,
      boundaryID: 'wf',
      startedAt: `2026-03-01T10:00:0${next() % 4}Z`,
    }));
  }

  /** Go's CLI: each node in turn goes before the first sibling that starts later, or at once with a lower index or name. */
  function goOrder(nodes: NodeStatus[]): string[] {
    const key = (n: NodeStatus) => ({
      start: Date.parse(n.startedAt!),
      index: indexFromNodeName(n.displayName!),
      name: n.displayName!,
    });
    const before = (a: NodeStatus, b: NodeStatus) => {
      const [x, y] = [key(a), key(b)];
      if (x.start !== y.start) return x.start < y.start;
      return x.index >= 0 && y.index >= 0
        ? x.index < y.index
        : Buffer.compare(Buffer.from(x.name), Buffer.from(y.name)) < 0;
    };
    const order: NodeStatus[] = [];
    for (const n of nodes) {
      const at = order.findIndex((s) => before(n, s));
      order.splice(at < 0 ? order.length : at, 0, n);
    }
    return order.map((n) => n.id);
  }

  it.each([
    ['all with a loop index', (i: number) => `l(${(i * 7) % 13}:x)`],
    ['all without one', (i: number) => `s${(i * 7) % 13}`],
    [
      'a mix, whose order is not transitive',
      (i: number) => (i % 3 ? `l(${i % 5}:${'zay'[i % 3]})` : `m${i % 4}`),
    ],
  ])('orders siblings %s as Go does', (_, named) => {
    for (const seed of [1, 2, 3]) {
      const pods = siblings(40, seed, named);
      const root: NodeStatus = { id: 'wf', name: 'wf', type: 'DAG', startedAt: '2026-03-01T10:00:00Z' };
      const tree = buildRenderTrees(Object.fromEntries([root, ...pods].map((n) => [n.id, n])));
      expect(tree.get('wf')!.children.map((c) => c.id)).toEqual(goOrder(pods));
    }
  });

  it('orders a thousand siblings without comparing each with every other', () => {
    // Siblings ordered by name compare their names bytewise: count those comparisons.
    const pods = siblings(1000, 7, (i) => `s${(i * 389) % 1000}`);
    const root: NodeStatus = { id: 'wf', name: 'wf', type: 'DAG', startedAt: '2026-03-01T10:00:00Z' };
    const compare = vi.spyOn(Buffer, 'compare');
    try {
      const tree = buildRenderTrees(Object.fromEntries([root, ...pods].map((n) => [n.id, n])));
      expect(tree.get('wf')!.children).toHaveLength(1000);
      // About log2(1000) = 10 per sibling, where comparing with each one before it made ~125,000.
      expect(compare.mock.calls.length).toBeLessThan(15_000);
    } finally {
      compare.mockRestore();
    }
  });

  it('does not draw container and task-group nodes, nor reject the tree for them', () => {
    const tree = buildRenderTrees({
      wf: { id: 'wf', name: 'wf', type: 'DAG' },
      g: { id: 'g', name: 'wf.g', type: 'TaskGroup', boundaryID: 'wf', children: ['p'] },
      p: { id: 'p', name: 'wf.g(0:1)', type: 'Pod', boundaryID: 'wf' },
      c: { id: 'c', name: 'wf.p.main', type: 'Container', boundaryID: 'wf' },
    });
    expect([...tree.keys()]).toEqual(['wf']);
    expect(tree.get('wf')!.children.map((c) => c.id)).toEqual(['p']);
  });

  it('refuses nodes without a type', () => {
    expect(() => buildRenderTrees({ x: { id: 'x', name: 'x' } as NodeStatus })).toThrow(/no type/);
  });

  it('prints no tree when the workflow has no root node', () => {
    const wf = workflow([{ id: 'other', name: 'other', type: 'Pod' }]);
    expect(printWorkflow(wf, { noColor: true, noUtf8: false, now })).not.toContain('STEP');
  });

  it('rejects --status together with --node-field-selector, and invalid selectors', () => {
    const wf = workflow([
      { id: 'wf', name: 'wf', type: 'Pod', phase: 'Running', startedAt: '2026-03-01T10:00:00Z' },
    ]);
    const base = { noColor: true, noUtf8: false, now };
    expect(() => printWorkflow(wf, { ...base, status: 'Failed', nodeFieldSelector: 'phase=Failed' })).toThrow(
      'cannot use both --status and --node-field-selector',
    );
    expect(() => printWorkflow(wf, { ...base, nodeFieldSelector: 'phase' })).toThrow(
      "selector is invalid: invalid selector: 'phase'; can't understand 'phase'",
    );
  });

  it('uses the podName callback for pod nodes', () => {
    const wf = workflow([
      {
        id: 'wf',
        name: 'wf',
        displayName: 'wf',
        type: 'Pod',
        phase: 'Succeeded',
        startedAt: '2026-03-01T10:00:00Z',
      },
    ]);
    const out = printWorkflow(wf, { noColor: true, noUtf8: false, now, podName: () => 'custom-pod' });
    expect(out).toMatch(/ ✔ wf +custom-pod +5m/);
  });
});

describe('status marks and colours', () => {
  const on = createPalette(true);
  const off = createPalette(false);

  it.each([
    ['Pending', '◷', 'Pending', 33],
    ['Running', '●', 'Running', 36],
    ['Succeeded', '✔', 'Succeeded', 32],
    ['Skipped', '○', 'Skipped', 39],
    ['Failed', '✖', 'Failed', 31],
    ['Error', '⚠', 'Error', 31],
  ] as const)('%s is %s, or %s without UTF-8', (phase, glyph, word, code) => {
    expect(phaseIcon(phase, off, false)).toBe(glyph);
    expect(phaseIcon(phase, off, true)).toBe(word);
    expect(phaseIcon(phase, on, false)).toBe(`\x1b[${code}m${glyph}\x1b[0m`);
  });

  it('gives omitted nodes no mark', () => {
    expect(phaseIcon('Omitted', on, false)).toBe('');
  });

  it('enables colour only for a terminal without --no-color, NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled({ env: {}, isTTY: true })).toBe(true);
    expect(colorEnabled({ env: {}, isTTY: false })).toBe(false);
    expect(colorEnabled({ env: {}, isTTY: true, noColor: true })).toBe(false);
    expect(colorEnabled({ env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(colorEnabled({ env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
  });

  it('colours names by the sum of their code points', () => {
    expect(colorCodeFor('a')).toBe([32, 33, 34, 35, 36, 37][97 % 6]);
  });
});
