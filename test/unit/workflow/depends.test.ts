import { describe, expect, it } from 'vitest';
import {
  DependsError,
  dependenciesToDepends,
  dependsTaskNames,
  evaluateDepends,
  parseDepends,
  type TaskOutcome,
} from '../../../src/workflow/depends.js';

const outcomes = (m: Record<string, TaskOutcome>) => (task: string) => m[task];

describe('parseDepends', () => {
  it('parses references, operators and parentheses', () => {
    expect(parseDepends('A && (B.Failed || !C.Succeeded)').ast).toEqual({
      kind: 'and',
      left: { kind: 'task', task: 'A' },
      right: {
        kind: 'or',
        left: { kind: 'task', task: 'B', result: 'Failed' },
        right: { kind: 'not', operand: { kind: 'task', task: 'C', result: 'Succeeded' } },
      },
    });
  });

  it('lists task names, including names with dashes', () => {
    expect(dependsTaskNames('should-execute-2.Succeeded || should-not-execute')).toEqual([
      'should-execute-2',
      'should-not-execute',
    ]);
    expect(
      dependsTaskNames('artifact-producer && (param-producer.Succeeded || param-producer.Skipped)'),
    ).toEqual(['artifact-producer', 'param-producer']);
    expect(dependsTaskNames('b2 && b3 && b4')).toEqual(['b2', 'b3', 'b4']);
  });

  it('rejects unknown results and bad syntax', () => {
    expect(() => parseDepends('A.Finished')).toThrow("task result 'Finished' for task 'A' is invalid");
    expect(() => parseDepends('A.succeeded')).toThrow("task result 'succeeded' for task 'A' is invalid");
    expect(() => parseDepends('A &&')).toThrow(DependsError);
    expect(() => parseDepends('(A || B')).toThrow("expected ')'");
    expect(() => parseDepends('A B')).toThrow("unexpected 'B' at 3");
    expect(() => parseDepends('')).toThrow('it is empty');
    expect(() => parseDepends('A & B')).toThrow("unexpected '&'");
  });

  it('turns a dependencies list into an expression', () => {
    expect(dependenciesToDepends(['A', 'B-1'])).toBe('A && B-1');
    expect(dependenciesToDepends([])).toBe('');
  });
});

describe('evaluateDepends', () => {
  it('reads a bare name as succeeded, skipped or daemoned', () => {
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Succeeded' } }))).toBe(true);
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Skipped' } }))).toBe(true);
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Running', daemoned: true } }))).toBe(true);
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Failed' } }))).toBe(false);
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Error' } }))).toBe(false);
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Omitted' } }))).toBe(false);
  });

  it("widens a bare name by the dependency's continueOn", () => {
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Failed', continueOn: { failed: true } } }))).toBe(
      true,
    );
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Error', continueOn: { failed: true } } }))).toBe(
      false,
    );
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Error', continueOn: { error: true } } }))).toBe(true);
    expect(
      evaluateDepends('A.Succeeded', outcomes({ A: { phase: 'Failed', continueOn: { failed: true } } })),
    ).toBe(false);
  });

  it('evaluates explicit results', () => {
    const m = outcomes({
      A: { phase: 'Succeeded' },
      B: { phase: 'Failed' },
      C: { phase: 'Error' },
      D: { phase: 'Omitted' },
      E: { phase: 'Skipped' },
    });
    expect(evaluateDepends('A && (B.Failed || C)', m)).toBe(true);
    expect(evaluateDepends('B.Failed && C.Errored && D.Omitted && E.Skipped', m)).toBe(true);
    expect(evaluateDepends('!A.Succeeded || B.Succeeded', m)).toBe(false);
    expect(evaluateDepends('A.Daemoned', m)).toBe(false);
  });

  it('waits until every referenced task is fulfilled, even when the answer is already known', () => {
    expect(
      evaluateDepends('A || B', outcomes({ A: { phase: 'Succeeded' }, B: { phase: 'Running' } })),
    ).toBeUndefined();
    expect(evaluateDepends('A || B', outcomes({ A: { phase: 'Succeeded' } }))).toBeUndefined();
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Pending', daemoned: true } }))).toBeUndefined();
    expect(evaluateDepends('A', outcomes({ A: { phase: 'Succeeded', fulfilled: false } }))).toBeUndefined();
  });

  it('aggregates the children of expanded tasks', () => {
    const group = (children: Array<string | undefined>): TaskOutcome => ({ phase: 'Failed', children });
    expect(evaluateDepends('A.AnySucceeded', outcomes({ A: group(['Failed', 'Succeeded']) }))).toBe(true);
    expect(evaluateDepends('A.AnySucceeded', outcomes({ A: group(['Failed', 'Error']) }))).toBe(false);
    expect(evaluateDepends('A.AllFailed', outcomes({ A: group(['Failed', 'Failed']) }))).toBe(true);
    expect(evaluateDepends('A.AllFailed', outcomes({ A: group(['Failed', undefined]) }))).toBe(false);
    expect(evaluateDepends('A.AllFailed', outcomes({ A: group([]) }))).toBe(false);
    expect(evaluateDepends('A.AllFailed', outcomes({ A: { phase: 'Failed' } }))).toBe(false);
  });

  it('accepts a parsed expression or its tree', () => {
    const parsed = parseDepends('A && B');
    const m = outcomes({ A: { phase: 'Succeeded' }, B: { phase: 'Skipped' } });
    expect(evaluateDepends(parsed, m)).toBe(true);
    expect(evaluateDepends(parsed.ast, m)).toBe(true);
  });
});
