import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileTemplate,
  isTemplateIdentifier,
  TEMPLATE_BUILTINS,
  TEMPLATE_HELPERS,
  type TemplateScope,
} from '../../src/engine/scenario/template';
import { didYouMean, editDistance } from '../../src/engine/scenario/suggest';
import type { TemplateContext } from '../../src/engine/scenario/plan';

const scope: TemplateScope = { names: new Set(['firstId', 'prefix', 'user', 'items', 'count', 'flag', 'empty', 'nothing', 'tricky']) };

const ctx: TemplateContext = {
  vars: {
    firstId: 42,
    prefix: 'load',
    user: { name: 'Ada', tags: ['a', 'b'], 'first name': 'Ada L', nested: { deep: [1, { x: 'y' }] } },
    items: [{ id: 1 }, { id: 2 }, { id: 3 }],
    count: 0,
    flag: true,
    empty: '',
    nothing: null,
    // A response may use keys that JS coercion would call.
    tricky: { valueOf: 1, toString: 2, constructor: 'c' },
  },
  vu: 7,
  iteration: 23,
  scenario: 'browse',
  env: { TOKEN: 's3cret', 'X-KEY': 'dash', EMPTY: '' },
};

function compile(source: string) {
  return compileTemplate(source, scope);
}

function render(source: string, c: TemplateContext = ctx): string {
  const compiled = compile(source);
  assert.deepEqual(compiled.problems, [], `${source}: ${JSON.stringify(compiled.problems)}`);
  return compiled.template.render(c);
}

test('constant templates keep their text and skip rendering', () => {
  for (const s of ['', 'hello', '/products?page=1', 'a } b }} c', 'single { brace', '{ {not} }']) {
    const { template, problems, references } = compile(s);
    assert.deepEqual(problems, []);
    assert.deepEqual(references, []);
    assert.equal(template.constant, s);
    assert.equal(template.secret, false);
    assert.equal(template.source, s);
    assert.equal(template.render(ctx), s);
    assert.equal(template.renderValue(ctx), s);
  }
  // The hot path hands back the very same string, no copy.
  const t = compile('/static/path').template;
  assert.equal(t.render(ctx), t.constant);
});

test('renders variables, built-ins and env', () => {
  const cases: Array<[string, string]> = [
    ['{{ firstId }}', '42'],
    ['{{firstId}}', '42'],
    ['{{   firstId\t}}', '42'],
    ['/items/{{ firstId }}', '/items/42'],
    ['{{ prefix }}-{{ vu }}', 'load-7'],
    ['{{ iteration }}', '23'],
    ['page={{ iteration % 10 }}', 'page=3'],
    ['{{ scenario }}', 'browse'],
    ['Bearer {{ env.TOKEN }}', 'Bearer s3cret'],
    ["{{ env['X-KEY'] }}", 'dash'],
    ['{{ env["TOKEN"] }}', 's3cret'],
    ['[{{ env.MISSING }}]', '[]'],
    ['{{ user.name }}', 'Ada'],
    ["{{ user['first name'] }}", 'Ada L'],
    ['{{ user.tags[1] }}', 'b'],
    ['{{ user.tags[-1] }}', 'b'],
    ['{{ user.tags[5] }}', ''],
    ['{{ user.nested.deep[1].x }}', 'y'],
    ['{{ items[0].id }}', '1'],
    ['{{ items[vu - 6].id }}', '2'],
    ['{{ items.length }}', '3'],
    ['{{ user.tags }}', '["a","b"]'],
    ['{{ user.nested }}', '{"deep":[1,{"x":"y"}]}'],
    ['{{ nothing }}', ''],
    ['{{ nothing.x.y }}', ''],
    ['{{ firstId.x }}', ''],
    ['{{ empty }}', ''],
    ['{{ flag }}', 'true'],
    ['{{ count }}', '0'],
    ['{{ prefix[0] }}', 'l'],
    ['{{ prefix.length }}', '4'],
    ['a{{ vu }}b{{ iteration }}c', 'a7b23c'],
    ['{{vu}}{{vu}}', '77'],
  ];
  for (const [source, expected] of cases) assert.equal(render(source), expected, source);
});

test('expression operators', () => {
  const cases: Array<[string, string]> = [
    ['{{ 1 + 2 * 3 }}', '7'],
    ['{{ (1 + 2) * 3 }}', '9'],
    ['{{ 10 / 4 }}', '2.5'],
    ['{{ 10 % 4 }}', '2'],
    ['{{ 1 / 0 }}', 'Infinity'],
    ['{{ -vu }}', '-7'],
    ['{{ - -vu }}', '7'],
    ['{{ !flag }}', 'false'],
    ['{{ !!count }}', 'false'],
    ['{{ "a" + 1 + 2 }}', 'a12'],
    ['{{ 1 + 2 + "a" }}', '3a'],
    ["{{ 'id-' + firstId }}", 'id-42'],
    ['{{ prefix + nothing }}', 'load'],
    ['{{ "x" + user.tags }}', 'x["a","b"]'],
    ['{{ vu == 7 }}', 'true'],
    ['{{ vu == "7" }}', 'true'],
    ['{{ vu === "7" }}', 'false'],
    ['{{ vu !== "7" }}', 'true'],
    ['{{ vu != 7 }}', 'false'],
    ['{{ vu < 8 }}', 'true'],
    ['{{ vu <= 7 }}', 'true'],
    ['{{ vu > 7 }}', 'false'],
    ['{{ vu >= 7 }}', 'true'],
    ['{{ "b" > "a" }}', 'true'],
    ['{{ "10" < "9" }}', 'true'],
    ['{{ flag && vu }}', '7'],
    ['{{ count || "default" }}', 'default'],
    ['{{ flag && boom }}', ''], // unknown name: reported in problems, renders ''
    ['{{ vu > 5 ? "big" : "small" }}', 'big'],
    ['{{ vu > 50 ? "big" : vu > 5 ? "mid" : "small" }}', 'mid'],
    ['{{ 1.5e2 }}', '150'],
    ['{{ .5 }}', '0.5'],
    ['{{ true }}-{{ false }}-{{ null }}', 'true-false-'],
    ["{{ 'it\\'s' }}", "it's"],
    ['{{ "a\\nb" }}', 'a\nb'],
    ['{{ "\\u0041" }}', 'A'],
    ["{{ '}}' }}", '}}'],
    ['{{ "{{" }}', '{{'],
    ['{{ tricky == 1 }}', 'false'],
    ['{{ tricky + 1 }}', 'NaN'],
    ['{{ tricky < 1 }}', 'false'],
    ['{{ tricky.valueOf }}', '1'],
    ['{{ tricky.constructor }}', 'c'],
    ['{{ user.constructor }}', ''],
    ['{{ user.__proto__ }}', ''],
    ['{{ user.hasOwnProperty }}', ''],
    ['{{ items.map }}', ''],
    ['{{ prefix.toUpperCase }}', ''],
  ];
  for (const [source, expected] of cases) {
    const compiled = compile(source);
    const unexpected = compiled.problems.filter((p) => !(source.includes('boom') && p.code === 'unknown-name'));
    assert.deepEqual(unexpected, [], source);
    assert.equal(compiled.template.render(ctx), expected, source);
  }
});

test('renderValue keeps the type only for a template that is exactly one expression', () => {
  assert.equal(compile('{{ firstId }}').template.renderValue(ctx), 42);
  assert.equal(compile('{{ flag }}').template.renderValue(ctx), true);
  assert.equal(compile('{{ nothing }}').template.renderValue(ctx), null);
  assert.equal(compile('{{ user.missing }}').template.renderValue(ctx), undefined);
  assert.deepEqual(compile('{{ user.tags }}').template.renderValue(ctx), ['a', 'b']);
  assert.deepEqual(compile('{{items[1]}}').template.renderValue(ctx), { id: 2 });
  assert.equal(compile('{{ vu * 2 }}').template.renderValue(ctx), 14);
  // Anything around the braces makes it text.
  assert.equal(compile(' {{ firstId }}').template.renderValue(ctx), ' 42');
  assert.equal(compile('{{ firstId }} ').template.renderValue(ctx), '42 ');
  assert.equal(compile('{{ firstId }}{{ vu }}').template.renderValue(ctx), '427');
  assert.equal(compile('{{ user.tags }}!').template.renderValue(ctx), '["a","b"]!');
  assert.equal(compile('{{ firstId }}').template.constant, undefined);
});

test('secret is set exactly when the template reads env', () => {
  const secret = ['{{ env.TOKEN }}', 'Bearer {{ env.TOKEN }}', "{{ env['TOKEN'] }}", '{{ lower(env.TOKEN) }}', '{{ vu > 1 ? env.TOKEN : "" }}'];
  for (const s of secret) assert.equal(compile(s).template.secret, true, s);
  const plain = ['{{ vu }}', 'env.TOKEN', '{{ "env.TOKEN" }}', '{{ user.env }}', 'plain'];
  for (const s of plain) assert.equal(compile(s).template.secret, false, s);
});

test('references list every name read, with its offset', () => {
  const source = "{{ prefix }}-{{ vu + iteration }}/{{ env.TOKEN }}{{ env['X-KEY'] }}{{ lower(user.name) }}{{ fristId }}";
  const { references } = compile(source);
  const expected = [
    { name: 'prefix', kind: 'variable' },
    { name: 'vu', kind: 'builtin' },
    { name: 'iteration', kind: 'builtin' },
    { name: 'TOKEN', kind: 'env' },
    { name: 'X-KEY', kind: 'env' },
    { name: 'lower', kind: 'helper' },
    { name: 'user', kind: 'variable' },
    { name: 'fristId', kind: 'variable' },
  ];
  assert.deepEqual(
    references.map(({ name, kind }) => ({ name, kind })),
    expected,
  );
  for (const r of references) assert.equal(source.slice(r.offset, r.offset + r.length), r.name, r.name);
  const scenario = compile('{{ scenario }}').references[0];
  assert.deepEqual(scenario, { name: 'scenario', offset: 3, length: 8, kind: 'builtin' });
});

interface ProblemCase {
  source: string;
  code: string;
  offset: number;
  length: number;
  message?: RegExp;
  suggestion?: string;
}

const problemCases: ProblemCase[] = [
  { source: '{{ fristId }}', code: 'unknown-name', offset: 3, length: 7, message: /^unknown name "fristId" — did you mean "firstId"\?$/, suggestion: 'firstId' },
  { source: '/x/{{ itration }}', code: 'unknown-name', offset: 6, length: 8, suggestion: 'iteration' },
  { source: '{{ VU }}', code: 'unknown-name', offset: 3, length: 2, suggestion: 'vu' },
  { source: '{{ zzzzzz }}', code: 'unknown-name', offset: 3, length: 6, message: /unknown name "zzzzzz": not a variable/ },
  { source: 'a {{ b', code: 'unclosed-template', offset: 2, length: 2 },
  { source: '{{ vu }} {{', code: 'unclosed-template', offset: 9, length: 2 },
  { source: '{{', code: 'unclosed-template', offset: 0, length: 2 },
  { source: '{{ }}', code: 'empty-template', offset: 0, length: 5 },
  { source: 'x{{}}', code: 'empty-template', offset: 1, length: 4 },
  { source: '{{ 1 + }}', code: 'template-syntax', offset: 7, length: 2, message: /ends too early/ },
  { source: '{{ vu vu }}', code: 'template-syntax', offset: 6, length: 2, message: /unexpected "vu" after the expression/ },
  { source: '{{ (vu }}', code: 'template-syntax', offset: 7, length: 2, message: /expected "\)"/ },
  { source: '{{ vu ) }}', code: 'template-syntax', offset: 6, length: 1 },
  { source: '{{ items[0 }}', code: 'template-syntax', offset: 11, length: 2, message: /expected "\]"/ },
  { source: '{{ vu = 1 }}', code: 'template-syntax', offset: 6, length: 1, message: /use "=="/ },
  { source: '{{ vu & 1 }}', code: 'template-syntax', offset: 6, length: 1, message: /"&&"/ },
  { source: '{{ vu | 1 }}', code: 'template-syntax', offset: 6, length: 1, message: /"\|\|"/ },
  { source: '{{ vu # }}', code: 'template-syntax', offset: 6, length: 1, message: /unexpected character "#"/ },
  { source: "{{ 'abc }}", code: 'template-syntax', offset: 3, length: 5, message: /unterminated string/ },
  { source: '{{ 12abc }}', code: 'template-syntax', offset: 3, length: 5, message: /not a number/ },
  { source: '{{ user. }}', code: 'template-syntax', offset: 9, length: 2, message: /property name/ },
  { source: '{{ vu ? 1 }}', code: 'template-syntax', offset: 10, length: 2, message: /expected ":"/ },
  { source: '{{ user.name(1) }}', code: 'template-syntax', offset: 12, length: 1, message: /only helpers/ },
  { source: '{{ "\\u12" }}', code: 'template-syntax', offset: 4, length: 2, message: /\\u escape/ },
  { source: '{{ lowr(prefix) }}', code: 'unknown-helper', offset: 3, length: 4, message: /did you mean "lower"/, suggestion: 'lower' },
  { source: '{{ frobnicate() }}', code: 'unknown-helper', offset: 3, length: 10, message: /helpers are randomInt/ },
  { source: '{{ lower() }}', code: 'helper-arity', offset: 3, length: 7, message: /lower\(text\) takes 1 argument, got 0/ },
  { source: '{{ randomInt(1) }}', code: 'helper-arity', offset: 3, length: 12, message: /takes 2 arguments, got 1/ },
  { source: '{{ uuid(1) }}', code: 'helper-arity', offset: 3, length: 7 },
  { source: '{{ pick() }}', code: 'helper-arity', offset: 3, length: 6, message: /at least 1 argument/ },
  { source: '{{ uuid }}', code: 'helper-not-called', offset: 3, length: 4, suggestion: 'uuid()' },
  { source: '{{ env }}', code: 'env-access', offset: 3, length: 3, suggestion: 'env.NAME' },
  { source: '{{ env[prefix] }}', code: 'env-access', offset: 3, length: 11 },
  { source: '{{ env. }}', code: 'template-syntax', offset: 8, length: 2 },
];

test('problems carry a code, an exact offset and length', () => {
  for (const c of problemCases) {
    const { problems, template } = compile(c.source);
    assert.equal(problems.length, 1, `${c.source}: ${JSON.stringify(problems)}`);
    const [p] = problems;
    assert.equal(p.code, c.code, c.source);
    assert.equal(p.offset, c.offset, `${c.source} offset: ${JSON.stringify(p)}`);
    assert.equal(p.length, c.length, `${c.source} length: ${JSON.stringify(p)}`);
    if (c.message) assert.match(p.message, c.message, c.source);
    assert.equal(p.suggestion, c.suggestion, c.source);
    // A template with problems still renders, as '' for the broken part.
    assert.equal(typeof template.render(ctx), 'string');
  }
});

test('templates with problems still compile and render the rest', () => {
  const { template, problems } = compile('id={{ fristId }}&vu={{ vu }}');
  assert.equal(problems.length, 1);
  assert.equal(template.render(ctx), 'id=&vu=7');
  const unclosed = compile('{{ vu }} and {{ oops').template;
  assert.equal(unclosed.render(ctx), '7 and {{ oops');
  // Each broken part reports on its own.
  assert.deepEqual(
    compile('{{ a }}{{ 1 + }}{{ }}{{ lower() }}').problems.map((p) => p.code),
    ['unknown-name', 'template-syntax', 'empty-template', 'helper-arity'],
  );
});

test('names in scope win over helpers; built-ins are fixed', () => {
  const withNow = compileTemplate('{{ now }}', { names: new Set(['now']) });
  assert.deepEqual(withNow.problems, []);
  assert.equal(withNow.template.render({ ...ctx, vars: { now: 'then' } }), 'then');
  // A declared variable missing at run time (a capture not yet made) renders as ''.
  assert.equal(compile('[{{ firstId }}]').template.render({ ...ctx, vars: {} }), '[]');
  // Inherited properties of vars are not variables.
  const proto = compileTemplate('{{ toString }}', { names: new Set(['toString']) });
  assert.equal(proto.template.render({ ...ctx, vars: {} }), '');
});

test('helpers', () => {
  for (let i = 0; i < 200; i++) {
    const n = compile('{{ randomInt(1, 3) }}').template.renderValue(ctx) as number;
    assert.ok(Number.isInteger(n) && n >= 1 && n <= 3, String(n));
  }
  const seen = new Set<unknown>();
  const t = compile('{{ randomInt(0, 1) }}').template;
  for (let i = 0; i < 200; i++) seen.add(t.renderValue(ctx));
  assert.deepEqual([...seen].sort(), [0, 1]);
  assert.equal(compile('{{ randomInt(5, 5) }}').template.renderValue(ctx), 5);
  const swapped = compile('{{ randomInt(3, 1) }}').template.renderValue(ctx) as number;
  assert.ok(swapped >= 1 && swapped <= 3);
  assert.equal(compile('{{ randomInt("a", 3) }}').template.render(ctx), '');

  const rs = compile('{{ randomString(12) }}').template.render(ctx);
  assert.match(rs, /^[A-Za-z0-9]{12}$/);
  assert.equal(compile('{{ randomString(0) }}').template.render(ctx), '');
  assert.equal(compile('{{ randomString(-1) }}').template.render(ctx), '');

  const id = compile('{{ uuid() }}').template;
  assert.match(id.render(ctx), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(id.render(ctx), id.render(ctx));

  const before = Date.now();
  const now = compile('{{ now() }}').template.renderValue(ctx) as number;
  assert.ok(now >= before && now <= Date.now());
  const iso = compile('{{ isoTime() }}').template.render(ctx);
  assert.match(iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const text: Array<[string, string]> = [
    ['{{ lower("AbC") }}', 'abc'],
    ['{{ upper(prefix) }}', 'LOAD'],
    ['{{ upper(nothing) }}', ''],
    ['{{ base64("user:pass") }}', 'dXNlcjpwYXNz'],
    ['{{ base64("é") }}', 'w6k='],
    ['{{ urlencode("a b&c=d/é") }}', 'a%20b%26c%3Dd%2F%C3%A9'],
    ['{{ urlencode("\\ud800") }}', ''], // a lone surrogate makes encodeURIComponent throw
    ['{{ json(user.tags) }}', '["a","b"]'],
    ['{{ json("x") }}', '"x"'],
    ['{{ json(nothing) }}', 'null'],
    ['{{ json(user.missing) }}', ''],
    ['{{ length(items) }}', '3'],
    ['{{ length(prefix) }}', '4'],
    ['{{ length(user) }}', '4'],
    ['{{ length(nothing) }}', '0'],
    ['{{ length(5) }}', ''],
    ['{{ upper(lower("X") + "y") }}', 'XY'],
    ['{{ items[length(items) - 1].id }}', '3'],
  ];
  for (const [source, expected] of text) assert.equal(render(source), expected, source);

  const picked = new Set<unknown>();
  const pick = compile('{{ pick("a", "b", vu) }}').template;
  for (let i = 0; i < 300; i++) picked.add(pick.renderValue(ctx));
  assert.deepEqual([...picked].sort(), [7, 'a', 'b'].sort());

  assert.deepEqual(TEMPLATE_BUILTINS, ['vu', 'iteration', 'scenario', 'env']);
  const names = TEMPLATE_HELPERS.map((h) => h.name);
  assert.deepEqual(names, ['randomInt', 'randomString', 'uuid', 'now', 'isoTime', 'lower', 'upper', 'base64', 'urlencode', 'json', 'length', 'pick']);
  for (const h of TEMPLATE_HELPERS) {
    assert.ok(h.signature.startsWith(`${h.name}(`), h.name);
    assert.ok(h.doc.length > 10, h.name);
  }
});

test('rendering never throws on odd run-time values', () => {
  const odd: TemplateContext = {
    vars: { firstId: 10n, user: Object.create(null), items: [undefined, null], prefix: Symbol('s') as unknown, count: () => 1 },
    vu: NaN,
    iteration: -1,
    scenario: '',
    env: {},
  };
  const sources = ['{{ firstId }}', '{{ json(firstId) }}', '{{ firstId + 1 }}', '{{ user.x }}', '{{ items[0].y }}', '{{ prefix }}', '{{ prefix + "a" }}', '{{ count }}', '{{ count.name }}', '{{ vu / 0 }}', '{{ env.X }}', '{{ length(user) }}'];
  for (const s of sources) {
    const t = compile(s).template;
    assert.equal(typeof t.render(odd), 'string', s);
    t.renderValue(odd);
  }
  assert.equal(compile('{{ count }}').template.renderValue(odd), undefined, 'functions are not data');
});

test('compileTemplate never throws and reports problems inside the source', () => {
  const alphabet = fc.constantFrom('{', '}', '{{', '}}', ' ', 'vu', 'env', '.', '[', ']', '(', ')', "'", '"', '\\', '+', '-', '!', '=', '?', ':', ',', '1', 'x', 'lower', 'firstId', 'é', '\n', '&', '|', '<', '>', '*', '%');
  const tokenSoup = fc.array(alphabet, { maxLength: 30 }).map((a) => a.join(''));
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), tokenSoup), (source) => {
      const { template, problems, references } = compileTemplate(source, scope);
      for (const p of problems) {
        if (!(p.offset >= 0 && p.length >= 0 && p.offset + p.length <= source.length)) return false;
        if (typeof p.message !== 'string' || p.message === '' || typeof p.code !== 'string') return false;
      }
      for (const r of references) if (r.offset < 0 || r.offset + r.length > source.length) return false;
      const out = template.render(ctx);
      template.renderValue(ctx);
      if (typeof out !== 'string') return false;
      if (!source.includes('{{') && out !== source) return false;
      return true;
    }),
    { numRuns: 2000 },
  );
});

test('isTemplateIdentifier', () => {
  for (const ok of ['firstId', '_x', '$y', 'a1']) assert.equal(isTemplateIdentifier(ok), true, ok);
  for (const bad of ['1a', 'first-id', 'a b', '', 'true', 'null']) assert.equal(isTemplateIdentifier(bad), false, bad);
});

test('didYouMean', () => {
  const cases: Array<[string, string[], string | undefined]> = [
    ['fristId', ['firstId', 'prefix'], 'firstId'],
    ['FIRSTID', ['firstId'], 'firstId'],
    ['executr', ['executor', 'exec'], 'executor'],
    ['preAlocatedVUs', ['preAllocatedVUs', 'maxVUs'], 'preAllocatedVUs'],
    ['maxvus', ['maxVUs'], 'maxVUs'],
    ['vu', ['vus', 'iteration'], 'vus'],
    ['x', ['y'], 'y'],
    ['ab', ['ba'], 'ba'], // a transposition is one edit
    ['abc', ['xyz'], undefined],
    ['duration', ['rate', 'stages'], undefined],
    ['', ['a'], undefined],
    ['timeUnit', [], undefined],
    ['rate', ['rat', 'rate'], 'rate'], // exact match wins
    ['http_req_duraton', ['http_reqs', 'http_req_duration'], 'http_req_duration'],
  ];
  for (const [word, candidates, expected] of cases) assert.equal(didYouMean(word, candidates), expected, word);
  assert.equal(editDistance('ca', 'abc'), 3);
  assert.equal(editDistance('abcd', 'acbd'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  fc.assert(fc.property(fc.string(), fc.array(fc.string()), (w, c) => {
    const r = didYouMean(w, c);
    return r === undefined || c.includes(r);
  }), { numRuns: 300 });
});

test('a compiled template renders the same text every time without re-parsing', () => {
  const t = compile('/products/{{ firstId }}?page={{ iteration % 10 }}&u={{ prefix }}-{{ vu }}').template;
  for (let i = 0; i < 3; i++) assert.equal(t.render(ctx), '/products/42?page=3&u=load-7');
});
