import { describe, expect, it } from 'vitest';
import {
  ExprError,
  argoExprEnv,
  compile,
  evaluate,
  evaluateBool,
  evaluateRaw,
  formatResult,
  formatV,
  referencedVariables,
} from '../../../src/workflow/expr/index.js';

/** Evaluates and renders the result the way Argo writes it into a template. */
const show = (src: string, env: Record<string, unknown> = {}): string => formatResult(evaluateRaw(src, env));
const typeOf = (src: string, env: Record<string, unknown> = {}): unknown => evaluate(`type(${src})`, env);
const errorOf = (src: string, env: Record<string, unknown> = {}): string => {
  try {
    evaluateRaw(src, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ExprError);
    return (e as Error).message;
  }
  throw new Error(`expected ${src} to fail`);
};

describe('literals', () => {
  it.each([
    ['42', '42'],
    ['0x2A', '42'],
    ['0o52', '42'],
    ['0b101010', '42'],
    ['1_000_000', '1000000'],
    ['0.5', '0.5'],
    ['.5', '0.5'],
    ['1e3', '1000'],
    ['"double"', 'double'],
    ["'single'", 'single'],
    ['`raw\\n`', 'raw\\n'],
    ['"a\\tb\\n"', 'a\tb\n'],
    ["'it\\'s'", "it's"],
    ['"\\u00e9\\x41\\101"', 'éAA'],
    ['"\\u{1F600}"', '😀'],
    ['true', 'true'],
    ['nil ?? "was nil"', 'was nil'],
    ['[1, "a", true, nil]', '[1,"a",true,null]'],
    ['{a: 1, "b": 2, 3: "c", (1 + 1): "d"}', '{"2":"d","3":"c","a":1,"b":2}'],
    ['[1, 2,]', '[1,2]'],
    ['keys({"__proto__": 1})', '["__proto__"]'],
    ['/* comment */ 1 // trailing', '1'],
  ])('%s -> %s', (src, expected) => {
    expect(show(src)).toBe(expected);
  });
});

describe('int and float semantics (expr-lang)', () => {
  it.each([
    ['1 + 2', '3', 'int'],
    ['1 + 2.0', '3', 'float'],
    ['1 / 2', '0.5', 'float'],
    ['4 / 2', '2', 'float'],
    ['7 % 3', '1', 'int'],
    ['-7 % 3', '-1', 'int'],
    ['2 ** 3', '8', 'float'],
    ['2 ^ 3', '8', 'float'],
    ['-2 ** 2', '-4', 'float'],
    ['10 - 2 - 3', '5', 'int'],
    ['2 * 3 + 4', '10', 'int'],
    ['(1 + 2) * 3', '9', 'int'],
    ['9223372036854775807 + 1', '-9223372036854775808', 'int'],
    ['int(7.9)', '7', 'int'],
    ['float(3)', '3', 'float'],
    ['abs(-3)', '3', 'int'],
    ['abs(-3.5)', '3.5', 'float'],
    ['ceil(1.2)', '2', 'float'],
    ['floor(-1.2)', '-2', 'float'],
    ['round(2.5)', '3', 'float'],
    ['round(-2.5)', '-3', 'float'],
  ])('%s = %s (%s)', (src, value, type) => {
    expect(show(src)).toBe(value);
    expect(typeOf(src)).toBe(type);
  });

  it('compares ints with floats by value', () => {
    expect(evaluate('1 == 1.0')).toBe(true);
    expect(evaluate('1/2 == 0.5')).toBe(true);
    expect(evaluate('3 > 2.5')).toBe(true);
  });

  it('formats floats like Go', () => {
    expect(show('string(1e6)')).toBe('1e+06');
    expect(show('string(123456.0)')).toBe('123456');
    expect(show('string(0.00001)')).toBe('1e-05');
    expect(show('string(1000000)')).toBe('1000000');
    expect(show('1e21')).toBe('1e+21');
    expect(show('1/3')).toBe('0.3333333333333333');
  });

  it('rejects modulo on floats and division of an int by zero with %', () => {
    expect(errorOf('7.5 % 2')).toContain('invalid operation: float64 % int');
    expect(errorOf('1 % 0')).toContain('integer divide by zero');
    expect(evaluate('1 / 0')).toBe(Infinity);
    expect(() => formatResult(evaluateRaw('1 / 0'))).toThrow('json: unsupported value: +Inf');
  });
});

const show2 = (src: string, env: Record<string, unknown> = {}): string => {
  try {
    return show(src, env);
  } catch (e) {
    return (e as Error).message;
  }
};

describe('operators', () => {
  it.each([
    ['"ab" + "cd"', 'abcd'],
    ['"hello" contains "ell"', 'true'],
    ['"hello" startsWith "he"', 'true'],
    ['"hello" endsWith "lo"', 'true'],
    ['"hello" not contains "x"', 'true'],
    ['"abc123" matches "^[a-z]+[0-9]+$"', 'true'],
    ['"ABC" matches "(?i)^abc$"', 'true'],
    ['"abc" not matches "z"', 'true'],
    ['2 in [1, 2, 3]', 'true'],
    ['2.0 in [1, 2, 3]', 'true'],
    ['"b" in {a: 1, b: 2}', 'true'],
    ['"c" not in {a: 1}', 'true'],
    ['1 in nil', 'false'],
    ['1 < 2 < 3', 'true'],
    ['3 > 2 > 2', 'false'],
    ['"a" < "b"', 'true'],
    ['[1, 2] == [1, 2]', 'true'],
    ['[1, 2] == [1, 2.0]', 'true'],
    ['{a: [1]} == {a: [1]}', 'true'],
    ['{a: 1} == {a: 1.0}', 'false'],
    ['nil == nil', 'true'],
    ['nil != 0', 'true'],
    ['true && false || true', 'true'],
    ['true and not false', 'true'],
    ['!true or !false', 'true'],
    ['1..3', '[1,2,3]'],
    ['3..1', '[]'],
    ['true ? "y" : "n"', 'y'],
    ['false ? "y" : 1 > 2 ? "a" : "b"', 'b'],
    ['true ?: false', 'true'],
    ['if 1 > 2 { "a" } else if 2 > 1 { "b" } else { "c" }', 'b'],
    ['let x = 2; let y = x * 3; y + 1', '7'],
    ['"a,b,c" | split(",") | join("-")', 'a-b-c'],
    ['"  x " | trim() | upper()', 'X'],
    ['[3, 1, 2] | sort() | map(# * 2)', '[2,4,6]'],
    ['"abc"[0]', 'a'],
    ['"héllo"[1:3]', 'él'],
    ['[1, 2, 3, 4][1:3]', '[2,3]'],
    ['[1, 2, 3, 4][:-1]', '[1,2,3]'],
    ['[1, 2, 3, 4][2:]', '[3,4]'],
    ['[1, 2, 3, 4][:]', '[1,2,3,4]'],
    ['[1, 2, 3, 4][-1]', '4'],
    ['{a: {b: "c"}}.a.b', 'c'],
    ['{a: {b: "c"}}["a"]["b"]', 'c'],
  ])('%s -> %s', (src, expected) => {
    expect(show(src)).toBe(expected);
  });

  it('short-circuits && and ||', () => {
    expect(evaluate('false && x.y', { x: null })).toBe(false);
    expect(evaluate('true || x.y', { x: null })).toBe(true);
    expect(errorOf('true && x.y', { x: null })).toBe('cannot fetch y from <nil> at 11 in "true && x.y"');
  });

  it('evaluates a chain of thousands of && and || (a DAG task with 10,000 dependencies)', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    const logic = names.map((n) => `(${n}.Succeeded || ${n}.Skipped)`).join(' && ');
    const env: Record<string, unknown> = {};
    for (const n of names) env[n] = { Succeeded: true, Skipped: false };
    expect(evaluateBool(logic, env)).toBe(true);
    env.t9999 = { Succeeded: false, Skipped: true };
    expect(evaluateBool(logic, env)).toBe(true);
    env.t5000 = { Succeeded: false, Skipped: false };
    expect(evaluateBool(logic, env)).toBe(false);
    expect(evaluate(names.map((n) => `${n}.Succeeded`).join(' || '), env)).toBe(true);
  });

  it('locates errors in a chain at the operator whose operand failed, as the nested form does', () => {
    // A left operand that is no bool: at its own operator; a failing right operand: at the next one.
    expect(errorOf('true && 1 && true')).toBe(
      '&&: interface conversion: interface {} is int, not bool at 11 in "true && 1 && true"',
    );
    expect(errorOf('true && x.y && true', { x: null })).toBe(
      'cannot fetch y from <nil> at 11 in "true && x.y && true"',
    );
    expect(errorOf('1 && true || false')).toMatch(/^&&: .*not bool at 3 in/);
    expect(errorOf('true && 1 || false')).toMatch(/^\|\|: .*not bool at 11 in/);
    expect(evaluate('true && 5')).toBe(5);
    expect(evaluate('false || true && "x"')).toBe('x');
  });

  it('handles nil with ?? and ?.', () => {
    const env = { a: null, m: { present: 'p', n: null } };
    expect(evaluate('a?.b', env)).toBe(null);
    expect(evaluate('a?.b.c.d', env)).toBe(null);
    expect(evaluate('a?.b ?? "fallback"', env)).toBe('fallback');
    expect(evaluate('m.missing ?? "fallback"', env)).toBe('fallback');
    expect(evaluate('m.n ?? "fallback"', env)).toBe('fallback');
    expect(evaluate('m.present ?? "fallback"', env)).toBe('p');
    expect(evaluate('a?.["k"]', env)).toBe(null);
    expect(errorOf('a.b', env)).toBe('cannot fetch b from <nil> at 3 in "a.b"');
    expect(errorOf('1 ?? 2 + 3')).toContain('Operator (+) and coalesce expressions (??) cannot be mixed');
  });

  it('reports type errors', () => {
    expect(errorOf('"a" + 1')).toBe('invalid operation: string + int at 5 in "\\"a\\" + 1"');
    expect(errorOf('1 < "a"')).toContain('invalid operation: int < string');
    expect(errorOf('!1')).toContain('not bool');
    expect(errorOf('1 && true')).toContain('not bool');
    expect(errorOf('[1][3]')).toContain('index out of range: 3 (array length is 1)');
    expect(errorOf('1 contains "a"')).toContain('invalid operation: int contains string');
  });
});

describe('predicates', () => {
  const users = {
    users: [
      { name: 'ann', age: 31, tags: ['a'] },
      { name: 'bob', age: 17, tags: [] },
      { name: 'cid', age: 45, tags: ['a', 'b'] },
    ],
  };
  it.each([
    ['filter([1, 2, 3, 4], # % 2 == 0)', '[2,4]'],
    ['filter([1, 2, 3], {# > 1})', '[2,3]'],
    ['map(users, .name)', '["ann","bob","cid"]'],
    ['map(users, #.name + "!")', '["ann!","bob!","cid!"]'],
    ['map([10, 20], #index)', '[0,1]'],
    ['all(users, .age > 10)', 'true'],
    ['any(users, .age < 18)', 'true'],
    ['none(users, .age > 100)', 'true'],
    ['one(users, .age < 18)', 'true'],
    ['count(users, .age > 18)', '2'],
    ['count([true, false, true])', '2'],
    ['sum([1, 2, 3])', '6'],
    ['sum([1, 2.5])', '3.5'],
    ['sum(users, .age)', '93'],
    ['find(users, .age > 40).name', 'cid'],
    ['find([1, 2], # > 5)', 'null'],
    ['findIndex([1, 2, 3], # > 1)', '1'],
    ['findLast([1, 2, 3], # < 3)', '2'],
    ['findLastIndex([1, 2, 3], # > 5)', '-1'],
    ['groupBy(users, .age > 18 ? "adult" : "minor").minor[0].name', 'bob'],
    ['sortBy(users, .age, "desc") | map(.name)', '["cid","ann","bob"]'],
    ['sortBy(["bb", "a", "ccc"], len(#))', '["a","bb","ccc"]'],
    ['reduce(1..4, #acc + #)', '10'],
    ['reduce(1..4, #acc + #, 10)', '20'],
    ['filter(users, { let u = #; any(u.tags, # == "b") }) | map(.name)', '["cid"]'],
    ['map([[1, 2], [3]], sum(#))', '[3,3]'],
    ['users | filter(.age > 18) | map(.name) | join(",")', 'ann,cid'],
  ])('%s -> %s', (src, expected) => {
    expect(show(src, users)).toBe(expected);
  });

  it('reports misuse', () => {
    expect(errorOf('filter(1, # > 0)')).toContain('expected an array');
    expect(errorOf('filter([1], #)')).toContain('not bool');
    expect(errorOf('reduce([], #acc + #)')).toContain('reduce of empty array with no initial value');
  });
});

describe('builtins', () => {
  it.each([
    ['len("héllo")', '5'],
    ['len([1, 2])', '2'],
    ['len({a: 1})', '1'],
    ['int("42") + 1', '43'],
    ['float("1.5") * 2', '3'],
    ['string(42) + string(true) + string(nil)', '42true<nil>'],
    ['string([1, "a"])', '[1 a]'],
    ['trim("  x  ")', 'x'],
    ['trim("__x__", "_")', 'x'],
    ['trimPrefix("HelloWorld", "Hello")', 'World'],
    ['trimSuffix("HelloWorld", "World")', 'Hello'],
    ['upper("abc") + lower("DEF")', 'ABCdef'],
    ['split("a,b,c", ",")', '["a","b","c"]'],
    ['split("a,b,c", ",", 2)', '["a","b,c"]'],
    ['split("", ",")', '[""]'],
    ['splitAfter("a,b,c", ",")', '["a,","b,","c"]'],
    ['replace("aaa", "a", "b")', 'bbb'],
    ['replace("aaa", "a", "b", 2)', 'bba'],
    ['repeat("ab", 3)', 'ababab'],
    ['indexOf("apple pie", "pie")', '6'],
    ['lastIndexOf("apple pie apple", "apple")', '10'],
    ['indexOf("héllo", "l")', '3'],
    ['hasPrefix("HelloWorld", "Hello") && hasSuffix("HelloWorld", "World")', 'true'],
    ['max(5, 7)', '7'],
    ['min(5, 7.5)', '5'],
    ['max([1, 9, 3])', '9'],
    ['mean([1, 2, 3, 4])', '2.5'],
    ['median([3, 1, 2])', '2'],
    ['median([1, 2, 3, 4])', '2.5'],
    ['first([1, 2])', '1'],
    ['first([])', 'null'],
    ['last([1, 2])', '2'],
    ['keys({b: 1, a: 2}) | sort()', '["a","b"]'],
    ['values({a: 1})', '[1]'],
    ['toJSON({b: [1, 2], a: "<x>"})', '{\n  "a": "\\u003cx\\u003e",\n  "b": [\n    1,\n    2\n  ]\n}'],
    ['fromJSON("{\\"a\\": [1, 2.5]}").a', '[1,2.5]'],
    ['type(fromJSON("1"))', 'float'],
    ['toBase64("Hello World")', 'SGVsbG8gV29ybGQ='],
    ['fromBase64("SGVsbG8gV29ybGQ=")', 'Hello World'],
    ['join(["a", "b"])', 'ab'],
    ['join(["a", "b"], ", ")', 'a, b'],
    ['sort([3, 1, 2], "desc")', '[3,2,1]'],
    ['sort(["b", "a"])', '["a","b"]'],
    ['reverse([1, 2, 3])', '[3,2,1]'],
    ['uniq([1, 2, 1.0, "a", "a"])', '[1,2,"a"]'],
    ['flatten([1, [2, [3]], []])', '[1,2,3]'],
    ['concat([1], [2, 3], [])', '[1,2,3]'],
    ['get([1, 2, 3], -1)', '3'],
    ['get([1], 5)', 'null'],
    ['get({a: 1}, "b")', 'null'],
    ['take([1, 2, 3], 2)', '[1,2]'],
    ['toPairs({a: 1})', '[["a",1]]'],
    ['fromPairs([["a", 1], ["b", 2]])', '{"a":1,"b":2}'],
    ['type(nil) + type(true) + type("") + type([]) + type({})', 'nilboolstringarraymap'],
    ['bitand(12, 10) + bitor(12, 10) + bitxor(12, 10) + bitnand(12, 10)', '32'],
    ['bitshl(1, 4) + bitshr(16, 2) + bitnot(0)', '19'],
  ])('%s -> %s', (src, expected) => {
    expect(show(src)).toBe(expected);
  });

  it('checks argument counts when compiling', () => {
    expect(() => compile('len()')).toThrow(
      'invalid number of arguments for len (expected 1, got 0) at 1 in "len()"',
    );
    expect(() => compile('split("a")')).toThrow('expected 2 or 3');
  });

  it('reports conversion failures', () => {
    expect(errorOf('int("1.5")')).toContain('invalid operation: int(1.5)');
    expect(errorOf('float("x")')).toContain('invalid operation: float(x)');
    expect(errorOf('fromBase64("!!")')).toContain('illegal base64 data at input byte 0');
    expect(errorOf('fromJSON("{")')).toMatch(/JSON.* at 1 in "fromJSON/);
    expect(errorOf('join([1])')).toContain('not string');
  });
});

describe('time', () => {
  it('works with durations', () => {
    expect(show('duration("1h30m").Minutes()')).toBe('90');
    expect(show('string(duration("90m"))')).toBe('1h30m0s');
    expect(show('string(duration("1.5s") + duration("250ms"))')).toBe('1.75s');
    expect(show('duration("-2m") < duration("1s")')).toBe('true');
    expect(errorOf('duration("abc")')).toContain('time: invalid duration "abc"');
  });

  it('parses and formats dates', () => {
    expect(show('date("2023-08-14").Year()')).toBe('2023');
    expect(show('date("2023-08-14T10:20:30Z").Format("2006/01/02 15:04:05 Mon Jan")')).toBe(
      '2023/08/14 10:20:30 Mon Aug',
    );
    expect(show('date("14.08.2023", "02.01.2006").Month()')).toBe('8');
    expect(show('date("2023-08-14 00:00:00", "2006-01-02 15:04:05", "Europe/Zurich").UTC().Hour()')).toBe(
      '22',
    );
    expect(show('date("2023-08-14T00:00:00+02:00").Unix()')).toBe('1691964000');
    expect(show('(date("2023-08-15") - date("2023-08-14")).Hours()')).toBe('24');
    expect(show('date("2023-08-14") + duration("36h") > date("2023-08-15")')).toBe('true');
    expect(show('date("2023-08-14T10:20:30.5Z")')).toBe('2023-08-14T10:20:30.5Z');
    expect(errorOf('date("not a date")')).toContain('invalid date not a date');
  });

  it('compares now() with times from the environment', () => {
    const last = new Date(Date.now() - 10 * 60 * 1000);
    const src = 'last == nil || (now() - last).Seconds() > 360';
    expect(evaluateBool(src, { last })).toBe(true);
    expect(evaluateBool(src, { last: new Date() })).toBe(false);
    expect(evaluateBool(src, { last: null })).toBe(true);
    expect(evaluate('type(now())')).toBe('time.Time');
  });
});

describe('environment and results', () => {
  it('treats integral host numbers as ints and keeps other values', () => {
    const env = { n: 7, f: 2.5, s: 'x', list: [1, 2], obj: { k: 'v' }, fn: (a: unknown) => `${String(a)}!` };
    expect(evaluate('n % 2', env)).toBe(1);
    expect(evaluate('type(n) + type(f)', env)).toBe('intfloat');
    expect(evaluate('fn(s)', env)).toBe('x!');
    expect(evaluate('$env["s"] + $env.obj.k', env)).toBe('xv');
    expect(evaluate('"s" in $env', env)).toBe(true);
    expect(evaluate('list', env)).toEqual([1, 2]);
  });

  it('returns plain JS values from evaluate and expr values from evaluateRaw', () => {
    expect(evaluate('1 + 1')).toBe(2);
    expect(evaluateRaw('1 + 1')).toBe(2n);
    expect(evaluate('{a: [1, 1.5]}')).toEqual({ a: [1, 1.5] });
    expect(evaluate('date("2023-08-14")')).toEqual(new Date('2023-08-14T00:00:00Z'));
  });

  it('fails on unknown names even in branches never taken, as expr compiles against the env', () => {
    expect(errorOf('true || unknown', {})).toBe('unknown name unknown at 9 in "true || unknown"');
    expect(errorOf('len2(1)')).toBe('unknown name len2 at 1 in "len2(1)"');
  });

  it('evaluateBool insists on a bool', () => {
    expect(evaluateBool('1 < 2')).toBe(true);
    expect(() => evaluateBool('"yes"')).toThrow("unable to cast expression result 'yes' to bool");
  });

  it('caches compiled expressions and lists their variables', () => {
    const a = compile('x.y + z * x.w');
    expect(compile('x.y + z * x.w')).toBe(a);
    expect(a.variables).toEqual(['x', 'z']);
    expect(a.run({ x: { y: 1, w: 2 }, z: 3 })).toBe(7);
  });

  it("formats values with Go's %v, as Argo stores valueFrom.expression results", () => {
    expect(formatV(evaluateRaw('{b: 1, a: [1, "x", nil]}'))).toBe('map[a:[1 x <nil>] b:1]');
    expect(formatV(evaluateRaw('1e6'))).toBe('1e+06');
    expect(formatV(evaluateRaw('1 / 4'))).toBe('0.25');
    expect(formatV(evaluateRaw('"s"'))).toBe('s');
    expect(formatV(evaluateRaw('duration("90s")'))).toBe('1m30s');
  });

  it('formats results like Argo (strings raw, everything else as Go JSON)', () => {
    expect(formatResult('plain "text"')).toBe('plain "text"');
    expect(formatResult(3n)).toBe('3');
    expect(formatResult(0.5)).toBe('0.5');
    expect(formatResult(true)).toBe('true');
    expect(formatResult({ b: 1n, a: ['x&y'] })).toBe('{"a":["x\\u0026y"],"b":1}');
  });
});

describe('syntax errors', () => {
  it.each([
    ['a + )', 'unexpected token \')\' at 5 in "a + )"'],
    ['(1 + 2', 'unexpected end of expression at 7 in "(1 + 2"'],
    ['"abc', 'literal not terminated at 5 in "\\"abc"'],
    ['1 +', 'unexpected end of expression at 4 in "1 +"'],
    ['', 'unexpected end of expression at 1 in ""'],
    ['a b', 'unexpected token \'b\' at 3 in "a b"'],
    ['1 @ 2', 'unrecognized character: U+0040 \'@\' at 3 in "1 @ 2"'],
    ['12abc', 'bad number syntax: "12a" at 3 in "12abc"'],
    ['{a 1}', 'unexpected token \'1\' at 4 in "{a 1}"'],
    ['#', 'unexpected token \'#\' at 1 in "#"'],
    ['filter([1], # > 0; 1)', 'wrap predicate with brackets { and }'],
    ['"\\q"', 'invalid char escape at 3'],
  ])('%s', (src, message) => {
    expect(() => compile(src)).toThrow(ExprError);
    expect(() => compile(src)).toThrow(message);
  });
});

describe('referencedVariables (what Argo checks before evaluating a tag)', () => {
  it.each([
    ['item.requiredKey', ['item', 'item.requiredKey']],
    ["item.optionalKey ?? 'fallback'", ['item']],
    ["item['optionalKey'] ?? ''", ['item']],
    ['item?.optionalKey', ['item']],
    ['item.a?.b', ['item']],
    ["item.requiredKey + (item.optionalKey ?? 'x')", ['item', 'item.requiredKey']],
    ["tasks.a.outputs.result ?? 'default'", ['tasks']],
    [
      "steps['flip-coin'].outputs.result",
      ['steps', 'steps.flip-coin', 'steps.flip-coin.outputs', 'steps.flip-coin.outputs.result'],
    ],
    ['let x = inputs.a; x.b', ['inputs', 'inputs.a']],
    [
      'asInt(inputs.parameters.n) + len(filter(list, .x))',
      ['asInt', 'inputs', 'inputs.parameters', 'inputs.parameters.n', 'list'],
    ],
    ['sprig.trim(x)', ['sprig', 'sprig.trim', 'x']],
  ])('%s', (src, expected) => {
    expect(referencedVariables(src)).toEqual(expected);
  });
});

describe("Argo's expression environment", () => {
  it('expands dotted variables and drops a parent that also has children', () => {
    const env = argoExprEnv({
      'inputs.parameters.message': 'hi',
      'steps.flip-coin.outputs.result': 'heads',
      item: '{"name":"a","n":1}',
      'item.name': 'a',
      'item.n': '1',
      'workflow.name': 'wf-1',
    });
    expect(evaluate('inputs.parameters.message', env)).toBe('hi');
    expect(evaluate("steps['flip-coin'].outputs.result == 'heads'", env)).toBe(true);
    expect(evaluate('item', env)).toEqual({ name: 'a', n: '1' });
    expect(evaluate('item.n', env)).toBe('1');
  });

  it('is an ordinary object the caller can read and extend', () => {
    const env = argoExprEnv({ 'inputs.parameters.a': 'x', 'workflow.name': 'wf', item: 'i' });
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['inputs', 'workflow', 'item', 'sprig']));
    (env.inputs as Record<string, unknown>).artifacts = { art: { name: 'art' } };
    expect(evaluate('inputs.artifacts.art.name + inputs.parameters.a', env)).toBe('artx');
    env.workflow = { name: 'replaced' };
    expect(evaluate('workflow.name', env)).toBe('replaced');
    expect(evaluate('item', env)).toBe('i');
  });

  it('keeps JSON-looking values as strings', () => {
    const env = argoExprEnv({ 'inputs.parameters.list': '[1,2]' });
    expect(evaluate('inputs.parameters.list', env)).toBe('[1,2]');
    expect(evaluate('fromJSON(inputs.parameters.list)[1]', env)).toBe(2);
  });

  it('has asInt, asFloat, toJson and jsonpath', () => {
    const env = argoExprEnv({
      'inputs.parameters.foo': '3',
      'workflow.parameters.json': '[{"value": "true"}]',
    });
    expect(show('asInt(inputs.parameters.foo) * 10', env)).toBe('30');
    expect(show('asFloat(inputs.parameters.foo) / 2', env)).toBe('1.5');
    expect(show('type(asFloat("2"))', env)).toBe('float');
    expect(show('toJson({b: "<", a: [1]})', env)).toBe('{"a":[1],"b":"\\u003c"}');
    expect(show("jsonpath(workflow.parameters.json, '$[0].value') == 'true'", env)).toBe('true');
    expect(show2('asInt("x")', env)).toContain('invalid operation: int(x)');
  });
});

describe('Argo call sites', () => {
  it('retryStrategy.expression with the retry scope', () => {
    const src = `asInt(lastRetry.exitCode) > 1 &&
      lastRetry.status != "Error" &&
      asInt(lastRetry.duration) < 120 &&
      (false == true || lastRetry.message matches 'imminent node shutdown|pod deleted')`;
    const scope = (exitCode: string, message: string): Record<string, unknown> =>
      argoExprEnv({
        retries: '1',
        'lastRetry.exitCode': exitCode,
        'lastRetry.status': 'Failed',
        'lastRetry.duration': '12',
        'lastRetry.message': message,
      });
    expect(evaluateBool(src, scope('2', 'pod deleted'))).toBe(true);
    expect(evaluateBool(src, scope('1', 'pod deleted'))).toBe(false);
    expect(evaluateBool(src, scope('2', 'oom'))).toBe(false);
  });

  it('hook expressions over step statuses', () => {
    const env = argoExprEnv({
      'steps.step-1.status': 'Running',
      'steps.step2.status': 'Succeeded',
      'workflow.status': 'Running',
    });
    expect(evaluateBool('steps["step-1"].status == "Running"', env)).toBe(true);
    expect(evaluateBool('steps.step2.status == "Succeeded"', env)).toBe(true);
    expect(evaluateBool('workflow.status == "Running"', env)).toBe(true);
  });

  it('data transformations over a list of keys', () => {
    const data = ['a/main.log', 'b/other.log', 'c/main.log'];
    expect(evaluate('filter(data, {# endsWith "main.log"})', { data })).toEqual(['a/main.log', 'c/main.log']);
  });

  it('http successCondition with request and response', () => {
    const scope = {
      request: { method: 'GET', url: 'http://x' },
      response: { statusCode: 201, body: '{"ok":true}', headers: {} },
    };
    expect(evaluateBool('response.statusCode == 201', scope)).toBe(true);
    expect(
      evaluateBool(
        'response.statusCode >= 200 && response.statusCode < 300 && fromJSON(response.body).ok',
        scope,
      ),
    ).toBe(true);
  });

  it('cron stopStrategy over the cron workflow status', () => {
    const env = { cronworkflow: { name: 'c', failed: 3, succeeded: 10, lastScheduledTime: null } };
    expect(evaluateBool('cronworkflow.failed >= 3', env)).toBe(true);
    expect(evaluateBool('cronworkflow.succeeded > 20 || cronworkflow.lastScheduledTime == nil', env)).toBe(
      true,
    );
  });
});
