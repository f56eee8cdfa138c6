import { describe, expect, it } from 'vitest';
import {
  argoExprEnv,
  evaluate,
  evaluateRaw,
  formatResult,
  queryJsonPath,
} from '../../../src/workflow/expr/index.js';

const env = argoExprEnv({
  'inputs.parameters.message': 'hello world',
  'inputs.parameters.n': '42',
  'workflow.creationTimestamp': '2024-03-05T10:00:00Z',
});
const show = (src: string): string => formatResult(evaluateRaw(src, env));

describe('sprig', () => {
  it.each([
    ["sprig.trim('  x ')", 'x'],
    ["sprig.upper('abc')", 'ABC'],
    ["sprig.lower('ABC')", 'abc'],
    ["sprig.title('hello wide world')", 'Hello Wide World'],
    ['sprig.toString(5)', '5'],
    ['sprig.toString(1.5)', '1.5'],
    ["sprig.int('42') + 1", '43'],
    ["sprig.int('12.0')", '12'],
    ["sprig.int('0x1f')", '31'],
    ["sprig.int('nope')", '0'],
    ["sprig.atoi('7')", '7'],
    ["sprig.atoi('7.5')", '0'],
    ["sprig.float64('1.25')", '1.25'],
    ["sprig.add(1, '2', 3.7)", '6'],
    ['sprig.sub(10, 3)', '7'],
    ['sprig.mul(2, 3, 4)', '24'],
    ['sprig.div(7, 2)', '3'],
    ['sprig.mod(7, 2)', '1'],
    ['sprig.max(3, 9, 4)', '9'],
    ['sprig.min(3, 9, 4)', '3'],
    ['sprig.addf(0.1, 0.2)', '0.3'],
    ['sprig.list(1, "a")', '[1,"a"]'],
    ['sprig.dict("a", 1, "b")', '{"a":1,"b":""}'],
    ["sprig.get(sprig.dict('a', 1), 'a')", '1'],
    ["sprig.get(sprig.dict('a', 1), 'zz')", ''],
    ["sprig.hasKey(sprig.dict('a', 1), 'a')", 'true'],
    ["sprig.keys(sprig.dict('a', 1))", '["a"]'],
    ["sprig.join('-', ['a', 'b', 1])", 'a-b-1'],
    ["sprig.split('/', 'a/b')", '{"_0":"a","_1":"b"}'],
    ["sprig.splitList('/', 'a/b')", '["a","b"]'],
    ["sprig.replace('a', 'b', 'banana')", 'bbnbnb'],
    ["sprig.contains('ell', 'hello')", 'true'],
    ["sprig.hasPrefix('he', 'hello')", 'true'],
    ["sprig.hasSuffix('lo', 'hello')", 'true'],
    ["sprig.repeat(3, 'ab')", 'ababab'],
    ["sprig.substr(1, 3, 'hello')", 'el'],
    ['sprig.trunc(5, inputs.parameters.message)', 'hello'],
    ['sprig.trunc(-5, inputs.parameters.message)', 'world'],
    ["sprig.quote('a\"b', 1)", '"a\\"b" "1"'],
    ["sprig.squote('a')", "'a'"],
    ["sprig.b64enc('hi')", 'aGk='],
    ["sprig.b64dec('aGk=')", 'hi'],
    ["sprig.b64dec('!')", 'illegal base64 data at input byte 0'],
    ["sprig.toJson(sprig.dict('b', 1, 'a', '<'))", '{"a":"\\u003c","b":1}'],
    ['sprig.fromJson(\'{"a": 1}\').a', '1'],
    ["sprig.default('dflt', '')", 'dflt'],
    ["sprig.default('dflt', 'set')", 'set'],
    ['sprig.default("d", nil)', 'd'],
    ["sprig.empty('') && sprig.empty(0) && sprig.empty([]) && !sprig.empty('x')", 'true'],
    ["sprig.ternary('yes', 'no', 1 > 0)", 'yes'],
    ["sprig.sha256sum('abc')", 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['sprig.seq(3)', '1 2 3'],
    ['sprig.seq(5, -1, 3)', '5 4 3'],
    ['sprig.until(3)', '[0,1,2]'],
    ['sprig.first([1, 2])', '1'],
    ['sprig.last([1, 2])', '2'],
    ['sprig.append([1], 2)', '[1,2]'],
    ['sprig.uniq([1, 1, 2])', '[1,2]'],
    ["sprig.sortAlpha(['b', 'a', 'C'])", '["C","a","b"]'],
    ["sprig.nospace(' a b ')", 'ab'],
    ["sprig.trimAll('$', '$5.00$')", '5.00'],
    ["sprig.regexMatch('^[a-z]+$', 'abc')", 'true'],
    ["sprig.regexFind('[0-9]+', 'ab12cd34')", '12'],
    ["sprig.regexFindAll('[0-9]+', 'ab12cd34', -1)", '["12","34"]'],
    ["sprig.regexReplaceAll('a(x*)b', '-ab-axxb-', '${1}W')", '-W-xxW-'],
    ["sprig.regexReplaceAllLiteral('a(x*)b', '-ab-', '${1}')", '-${1}-'],
    ["sprig.regexSplit('z+', 'pizza', -1)", '["pi","a"]'],
    ["sprig.base('/a/b.txt') + sprig.ext('/a/b.txt') + sprig.dir('/a/b.txt')", 'b.txt.txt/a'],
    ["sprig.dig('a', 'b', 'none', sprig.dict('a', sprig.dict('b', 'found')))", 'found'],
    ["sprig.dig('status', nil, workflow)", 'null'],
    ["sprig.date('2006', sprig.toDate('2006-01-02', '2021-07-04'))", '2021'],
    ["sprig.unixEpoch(sprig.toDate('2006-01-02T15:04:05Z07:00', '2021-07-04T00:00:00Z'))", '1625356800'],
    ['sprig.duration(95)', '1m35s'],
    ["sprig.typeOf(1) + ' ' + sprig.kindOf([])", 'int slice'],
  ])('%s -> %s', (src, expected) => {
    expect(show(src)).toBe(expected);
  });

  it('makes random and time values of the right shape', () => {
    expect(show('sprig.randAlphaNum(12)')).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(show('sprig.randNumeric(5)')).toMatch(/^[0-9]{5}$/);
    expect(show('sprig.uuidv4()')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // sprig's date formats only time values and int seconds; a string means "now", as in Argo.
    expect(show("sprig.date('2006', workflow.creationTimestamp)")).toBe(String(new Date().getFullYear()));
    expect(show('type(sprig.now())')).toBe('time.Time');
  });

  it('averages a week of temperatures the way the upstream example does', () => {
    const weather = argoExprEnv({
      'workflow.parameters.weather': '{"weekWeather": "eyJ0ZW1wcyI6IFszNCwgMjcsIDE1LCA1NywgNDZdfQo="}',
    });
    const src = `
      map([
          jsonpath(sprig.b64dec(jsonpath(workflow.parameters.weather, '$.weekWeather')), '$.temps')
        ], {
          toJson({
            avg: sprig.add(#[0], #[1], #[2], #[3], #[4]) / 5,
            min: sprig.min(#[0], #[1], #[2], #[3], #[4]),
            max: sprig.max(#[0], #[1], #[2], #[3], #[4])
          })
      })[0]`;
    const json = evaluate(src, weather) as string;
    expect(json).toBe('{"avg":35.8,"max":57,"min":15}');
    const week = argoExprEnv({ 'inputs.parameters.week-temps': json });
    expect(formatResult(evaluateRaw("jsonpath(inputs.parameters['week-temps'], '$.avg')", week))).toBe(
      '35.8',
    );
    expect(formatResult(evaluateRaw("jsonpath(inputs.parameters['week-temps'], '$.min')", week))).toBe('15');
  });
});

describe('jsonpath', () => {
  const doc = {
    store: {
      book: [
        { category: 'reference', author: 'Nigel Rees', title: 'Sayings', price: 8.95 },
        { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword', price: 12.99, isbn: '0-553' },
        { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', price: 8.99, isbn: '0-679' },
      ],
      bicycle: { color: 'red', price: 19.95 },
      'odd key': 1,
    },
  };
  it.each([
    ['$.store.bicycle.color', 'red'],
    ["$['store']['bicycle']['price']", 19.95],
    ["$.store['odd key']", 1],
    ['$.store.book[0].title', 'Sayings'],
    ['$.store.book[-1].title', 'Moby Dick'],
    ['$.store.book[*].author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville']],
    ['$.store.book[0,2].price', [8.95, 8.99]],
    ['$.store.book[0:2].title', ['Sayings', 'Sword']],
    ['$.store.book[:-1].title', ['Sayings', 'Sword']],
    ['$.store.book[?(@.price < 10)].title', ['Sayings', 'Moby Dick']],
    ['$.store.book[?(@.isbn)].title', ['Sword', 'Moby Dick']],
    ["$.store.book[?(@.category == 'fiction' && @.price > 10)].title", ['Sword']],
    ["$.store.book[?(@.author =~ 'Mel')].title", ['Moby Dick']],
    ['$.store.book[?(@.price > 100)]', []],
    ['$.store.book[?(@.price < 10)][0].title', 'Sayings'],
    ['$.store.book.length', 3],
    ['$..price', [19.95, 8.95, 12.99, 8.99]],
    ['$..book[1].title', ['Sword']],
    ['$..title', ['Sayings', 'Sword', 'Moby Dick']],
    ['$.store.bicycle.*', ['red', 19.95]],
  ])('%s', (path, expected) => {
    expect(queryJsonPath(path, doc)).toEqual(expected);
  });

  it('fails on missing keys and out-of-range indices', () => {
    expect(() => queryJsonPath('$.store.car', doc)).toThrow("key: invalid token key 'car' not found");
    expect(() => queryJsonPath('$.store.book[9]', doc)).toThrow('out of range');
    expect(() => queryJsonPath('store', doc)).toThrow("path must start with '$'");
  });

  it('destructures the upstream employees example', () => {
    const config = argoExprEnv({
      'workflow.parameters.config':
        '{"employees": [{"name": "Baris", "age":43},{"name": "Mo", "age": 42}, {"name": "Jai", "age" :44}]}',
    });
    const q = (path: string): string =>
      formatResult(evaluateRaw(`jsonpath(workflow.parameters.config, '${path}')`, config));
    expect(q('$.employees[?(@.name=="Baris")].age')).toBe('[43]');
    expect(q('$.employees[?(@.age>42 && @.age<44)].age')).toBe('[43]');
    expect(q('$.employees[0:1]')).toBe('[{"age":43,"name":"Baris"}]');
    expect(q('$.employees[*].name')).toBe('["Baris","Mo","Jai"]');
    expect(() => evaluateRaw("jsonpath('not json', '$.a')", config)).toThrow();
  });
});
