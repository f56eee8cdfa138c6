// Node progress ("N/M") summed over what is below a node, each pod counted once.
import { describe, expect, it } from 'vitest';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import { updateProgress } from '../../../src/workflow/progress.js';

function node(id: string, type: NodeStatus['type'], phase: NodeStatus['phase'], children: string[] = []) {
  return { id, name: id, type, phase, ...(children.length ? { children } : {}) } as NodeStatus;
}

function progressOf(nodes: NodeStatus[]): Record<string, string | undefined> {
  const wf = {
    metadata: { name: 'w' },
    spec: {},
    status: { nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
  } as unknown as Workflow;
  updateProgress(wf);
  const out: Record<string, string | undefined> = { workflow: wf.status!.progress };
  for (const n of Object.values(wf.status!.nodes!)) out[n.id] = n.progress;
  return out;
}

describe('updateProgress', () => {
  it('sums a chain of step groups: each group counts the pods after it', () => {
    const nodes = [node('s', 'Steps', 'Running', ['g0'])];
    const n = 50;
    for (let i = 0; i < n; i++) {
      nodes.push(node(`g${i}`, 'StepGroup', i < n - 1 ? 'Succeeded' : 'Running', [`p${i}`]));
      nodes.push(node(`p${i}`, 'Pod', i < n - 1 ? 'Succeeded' : 'Running', i < n - 1 ? [`g${i + 1}`] : []));
    }
    const p = progressOf(nodes);
    expect(p.workflow).toBe(`${n - 1}/${n}`);
    expect(p.s).toBe(`${n - 1}/${n}`);
    expect(p.g0).toBe(`${n - 1}/${n}`);
    expect(p.g10).toBe(`${n - 11}/${n - 10}`);
    expect(p[`g${n - 1}`]).toBe('0/1');
    expect(p.p0).toBe('1/1');
  });

  it('counts a pod that several branches lead to once (a diamond)', () => {
    const p = progressOf([
      node('d', 'DAG', 'Running', ['first']),
      node('first', 'Pod', 'Succeeded', ['m1', 'm2', 'm3']),
      node('m1', 'Pod', 'Succeeded', ['last']),
      node('m2', 'Pod', 'Succeeded', ['last']),
      node('m3', 'Pod', 'Running', ['last']),
      node('last', 'Pod', 'Pending'),
    ]);
    expect(p.d).toBe('3/5');
    expect(p.workflow).toBe('3/5');
  });

  it('counts a shared pod once below a group whose other branch is a tree', () => {
    const p = progressOf([
      node('t', 'TaskGroup', 'Running', ['a', 'b']),
      node('a', 'Pod', 'Succeeded', ['x']),
      node('b', 'Pod', 'Succeeded', ['x', 'y']),
      node('x', 'Pod', 'Succeeded'),
      node('y', 'Steps', 'Running', ['z']),
      node('z', 'Pod', 'Running'),
    ]);
    expect(p.t).toBe('3/4');
    expect(p.y).toBe('0/1');
  });

  it("reads a pod's own N/M as digits only, ignoring what is not one, and completes finished pods", () => {
    const pod = (id: string, progress: string, phase: NodeStatus['phase'] = 'Running') => ({
      ...node(id, 'Pod', phase),
      progress,
    });
    const p = progressOf([
      node('s', 'Steps', 'Running', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']),
      pod('a', '3/5'),
      pod('b', '0/0'),
      pod('c', '5/3'), // N > M
      pod('d', 'x/1'),
      pod('e', '/1'),
      pod('f', '1/'),
      pod('g', '02/4'),
      pod('h', '1/2/3'),
      pod('i', '2/7', 'Succeeded'),
    ]);
    expect(p.workflow).toBe(`${3 + 2 + 7}/${5 + 4 + 7}`);
    expect(p.s).toBe(p.workflow);
    expect([p.b, p.c, p.g, p.i]).toEqual(['0/0', '5/3', '02/4', '7/7']);
  });

  /** Each node's progress as the sum over everything reachable below it, each node once: a plain search. */
  function searched(nodes: NodeStatus[]): Record<string, string | undefined> {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const own = (n: NodeStatus) => n.type === 'Pod';
    const out: Record<string, string | undefined> = {};
    for (const n of nodes) {
      if (own(n)) continue;
      const seen = new Set<string>();
      const todo = [...(n.children ?? [])];
      let done = 0;
      let all = 0;
      while (todo.length > 0) {
        const id = todo.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        const c = byId.get(id)!;
        if (own(c)) {
          all++;
          if (c.phase === 'Succeeded') done++;
        }
        todo.push(...(c.children ?? []));
      }
      if (all > 0) out[n.id] = `${done}/${all}`;
    }
    return out;
  }

  it('sums trees and graphs with shared nodes alike, as a plain search of what is below each node does', () => {
    let seed = 7;
    const random = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    for (let round = 0; round < 40; round++) {
      const shared = round % 2 === 1;
      const nodes: NodeStatus[] = [node('n0', 'Steps', 'Running')];
      for (let i = 1; i < 60; i++) {
        const type = random(3) === 0 ? 'StepGroup' : 'Pod';
        nodes.push(node(`n${i}`, type, random(2) === 0 ? 'Succeeded' : 'Running'));
        // Each node hangs from an earlier one (a tree); with `shared`, some from a second one too.
        const parents = new Set([random(i)]);
        if (shared && random(4) === 0) parents.add(random(i));
        for (const p of parents) (nodes[p].children ??= []).push(`n${i}`);
      }
      const p = progressOf(nodes.map((n) => ({ ...n, children: n.children && [...n.children] })));
      const expected = searched(nodes);
      for (const n of nodes) if (n.type !== 'Pod') expect([n.id, p[n.id]]).toEqual([n.id, expected[n.id]]);
    }
  });
});
