import { describe, expect, it } from 'vitest';
import { WhenError, evaluateCronWhen, evaluateWhen } from '../../../src/workflow/when.js';
import { renderTemplate } from '../../../src/workflow/template-string.js';

describe('evaluateWhen (govaluate, after substitution)', () => {
  it.each([
    'foo == foo',
    "'ref/branch/master' == 'ref/branch/master'",
    'foo != bar',
    '1 == 1',
    '1 != 2',
    '1 < 2',
    '1 <= 1',
    '1/2 == 0.5',
    'a < b',
    '(foo == bar) || (foo == foo)',
    '(1 > 0) && (1 < 2)',
    'Error in (Failed, Error)',
    '!(Succeeded in (Failed, Error))',
    'true == true',
    'heads == heads',
    '"heads" == "heads"',
    '5 > 3',
    "tails =~ 't.*'",
    'tails =~ "^tai"',
    'heads !~ "^tai"',
    'a != b && c == c',
    '!false',
    "'a' in ('a','b')",
    '"" in ("always","test","")',
    '"2021-01-01" < "2021-02-01"',
    '3 < 10',
    '10 >= 10.0',
    '0x10 == 16',
    '2 + 3 * 4 == 14',
    '(2 + 3) * 4 == 20',
    '2 ** 3 == 8',
    '7 % 3 == 1',
    '"a" + "b" == ab',
    '1 == 1 || x',
    'true ? true : false',
    'false ? false : true',
    '[with spaces] == "with spaces"',
    '\n  "first"\n  in\n  ("first","")\n',
  ])('%s is true', (condition) => {
    expect(evaluateWhen(condition)).toBe(true);
  });

  it.each([
    'foo != foo',
    "'ref/branch/master' != 'ref/branch/master'",
    'foo == bar',
    '1 != 1',
    '1 == 2',
    '1 > 2',
    '1 <= 0',
    '1/2 != 0.5',
    'a > b',
    '(foo == bar) || (bar == foo)',
    '(1 > 0) && (11 < 2)',
    'Succeeded in (Failed, Error)',
    '!(Error in (Failed, Error))',
    'false == true',
    '10 < 9',
    'tails == heads',
    '1 == "1"',
    'true == "true"',
    'a == b == c',
  ])('%s is false', (condition) => {
    expect(evaluateWhen(condition)).toBe(false);
  });

  it('is true when empty', () => {
    expect(evaluateWhen('')).toBe(true);
  });

  it.each([
    ['tails =~ t.*', "Invalid 'when' expression 'tails =~ t.*': Hanging accessor on token 't.'"],
    [
      'hello world == hello world',
      "Invalid 'when' expression 'hello world == hello world': Cannot transition token types from VARIABLE [hello] to VARIABLE [world]",
    ],
    [
      'a =! b',
      `Invalid 'when' expression 'a =! b': Invalid token: '=!' (hint: try wrapping the affected expression in quotes ("))`,
    ],
    ['(1 == 1', "Invalid 'when' expression '(1 == 1': Unbalanced parenthesis"],
    ['"open', "Invalid 'when' expression '\"open': Unclosed string literal"],
    [' ', "Invalid 'when' expression ' ': Unexpected end of expression"],
    [
      'foo.bar == 1',
      "Invalid 'when' expression 'foo.bar == 1': Unable to access unexported field 'bar' in token 'foo.bar'",
    ],
    ['f(1)', "Invalid 'when' expression 'f(1)': Undefined function f"],
    [
      '!heads',
      "Failed to parse 'when' expression '!heads': Cannot transition token types from PREFIX [!] to STRING [heads]",
    ],
    [
      'flip-coin == heads',
      "Failed to evaluate 'when' expresion 'flip-coin == heads': Value 'flip' cannot be used with the modifier '-', it is not a number",
    ],
    [
      "'a' in ('a')",
      "Failed to evaluate 'when' expresion ''a' in ('a')': Value 'a' cannot be used with the comparator 'in', it is not a number",
    ],
    ['v1.Two == x', "Failed to evaluate 'when' expresion 'v1.Two == x': No parameter 'v1' found."],
    [
      'a > 1',
      "Failed to evaluate 'when' expresion 'a > 1': Value 'a' cannot be used with the comparator '>', it is not a number",
    ],
    [
      'heads && true',
      "Failed to evaluate 'when' expresion 'heads && true': Value 'heads' cannot be used with the logical operator '&&', it is not a bool",
    ],
    ['1 + 1', "Expected boolean evaluation for '1 + 1'. Got 2"],
    ['heads', "Expected boolean evaluation for 'heads'. Got heads"],
    ['x ?? true', "Expected boolean evaluation for 'x ?? true'. Got x"],
    [
      '1e6 == 1',
      "Invalid 'when' expression '1e6 == 1': Cannot transition token types from NUMERIC [1] to VARIABLE [e6]",
    ],
  ])('%s fails', (condition, message) => {
    expect(() => evaluateWhen(condition)).toThrow(WhenError);
    expect(() => evaluateWhen(condition)).toThrow(message);
  });

  it('evaluates the upstream example conditions after substitution', () => {
    const vars = {
      'steps.flip-coin.outputs.result': 'heads',
      'tasks.flip-coin.outputs.result': 'tails',
      'inputs.parameters.should-print': 'true',
      'steps.iterate-counter.outputs.result': '3',
      'inputs.parameters.limit': '10',
      'item.evenness': 'even',
      'steps.job1.outputs.parameters.status': 'SUCCESS',
      'steps.job2.outputs.parameters.status': 'FAILED',
      'workflow.status': 'Failed',
      'steps.approval.outputs.parameters.approve': 'YES',
      'inputs.parameters.num': '3',
      'steps.flip-again.outputs.result': 'tails',
    };
    const when = (c: string): boolean => evaluateWhen(renderTemplate(c, vars, { allowUnresolved: false }));
    expect(when('{{steps.flip-coin.outputs.result}} == heads')).toBe(true);
    expect(when('{{tasks.flip-coin.outputs.result}} == heads')).toBe(false);
    expect(when('{{inputs.parameters.should-print}} == true')).toBe(true);
    expect(when('{{= inputs.parameters["should-print"] == \'true\'}}')).toBe(true);
    expect(when('{{steps.iterate-counter.outputs.result}} < {{inputs.parameters.limit}}')).toBe(true);
    expect(when('{{item.evenness}} == even')).toBe(true);
    expect(
      when(
        '"{{steps.job2.outputs.parameters.status}}" != "SUCCESS" && "{{steps.job1.outputs.parameters.status}}" == "SUCCESS"',
      ),
    ).toBe(true);
    expect(when('{{workflow.status}} != Succeeded')).toBe(true);
    expect(when('{{steps.approval.outputs.parameters.approve}} == YES')).toBe(true);
    expect(when('{{inputs.parameters.num}} != 1 && {{inputs.parameters.num}} != 2')).toBe(true);
    expect(when('{{steps.flip-again.outputs.result}} =~ tai')).toBe(true);
  });
});

describe('evaluateCronWhen (plain govaluate)', () => {
  it('evaluates substituted conditions', () => {
    expect(evaluateCronWhen('')).toBe(true);
    expect(evaluateCronWhen('true')).toBe(true);
    expect(evaluateCronWhen('1 > 2 || "a" == "a"')).toBe(true);
    expect(evaluateCronWhen('false')).toBe(false);
  });

  it('does not turn bare words into strings', () => {
    expect(() => evaluateCronWhen('foo == foo')).toThrow("No parameter 'foo' found.");
    expect(() => evaluateCronWhen('1')).toThrow("Expected boolean evaluation for '1'. Got 1");
  });

  it('runs the upstream cron-when example after substitution', () => {
    const when =
      '{{= cronworkflow.lastScheduledTime == nil || (now() - cronworkflow.lastScheduledTime).Seconds() > 360 }}';
    const render = (last: Date | null): string =>
      renderTemplate(when, { 'cronworkflow.lastScheduledTime': last }, { allowUnresolved: false });
    expect(evaluateCronWhen(render(null))).toBe(true);
    expect(evaluateCronWhen(render(new Date(Date.now() - 3_600_000)))).toBe(true);
    expect(evaluateCronWhen(render(new Date()))).toBe(false);
  });
});
