// The language server parses, checks and outlines a file block by block, reusing what did not change
// (src/engine/scenario/incremental.ts). Whatever the edits, the result must be what a parse of the
// whole text from scratch gives: the same tree (values and offsets), diagnostics, Plan and outline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import { bigScenario } from '../../bench/big-scenario';
import { compileScenario } from '../../src/engine/scenario/compile';
import { maskScalarBrackets, parseScenarioDocument } from '../../src/engine/scenario/document';
import { IncrementalParser, type ParseReport } from '../../src/engine/scenario/incremental';
import { CheckCache, checkDocument } from '../../src/engine/scenario/validate';
import { buildModel, ModelCache } from '../../src/server/model';

const EXAMPLE = readFileSync(resolve(__dirname, '../fixtures/design-example.volley.yaml'), 'utf8');

/** First difference between two parsed trees: node kinds, values, scalar types, flow style, offsets. */
function treeDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  const kind = (n: unknown) =>
    n === null || n === undefined ? 'none' : isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? 'scalar' : isPair(n) ? 'pair' : isAlias(n) ? 'alias' : typeof n;
  if (kind(a) !== kind(b)) return `${path}: ${kind(a)} vs ${kind(b)}`;
  if (a === null || a === undefined) return undefined;
  if (isPair(a) && isPair(b)) return treeDifference(a.key, b.key, `${path}.key`) ?? treeDifference(a.value, b.value, `${path}.value`);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const field of ['range', 'value', 'type', 'source', 'flow', 'tag', 'format', 'anchor']) {
    if ((field === 'value' && !isScalar(a)) || (isAlias(a) && field !== 'range' && field !== 'source')) continue;
    if (JSON.stringify(x[field]) !== JSON.stringify(y[field])) return `${path}: ${field} ${JSON.stringify(x[field])} vs ${JSON.stringify(y[field])}`;
  }
  if ((isMap(a) || isSeq(a)) && (isMap(b) || isSeq(b))) {
    if (a.items.length !== b.items.length) return `${path}: ${a.items.length} vs ${b.items.length} items`;
    for (let i = 0; i < a.items.length; i++) {
      const d = treeDifference(a.items[i], b.items[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  return undefined;
}

/** The Plan as data: templates by their source (their closures are compiled from it). */
function planData(checked: ReturnType<typeof checkDocument>) {
  if (checked.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const plan = compileScenario(checked.checked, 'x.volley.yaml');
  return JSON.parse(JSON.stringify(plan, (_key, value) => (value instanceof RegExp ? `/${value.source}/${value.flags}` : value)));
}

/** A document's state kept across versions, as the server keeps it. */
class Session {
  static versions = { incremental: 0, full: 0, incrementalWithYamlErrors: 0 };
  readonly parser = new IncrementalParser();
  readonly checks = new CheckCache();
  readonly outlines = new ModelCache();

  /** Asserts that this version, read incrementally, is what a parse from scratch gives. */
  assertSameAsScratch(text: string): void {
    const incremental = this.parser.parse(text);
    Session.versions[this.parser.lastParse.mode]++;
    const scratch = parseScenarioDocument(text);
    if (this.parser.lastParse.mode === 'incremental' && scratch.yaml.errors.length > 0) Session.versions.incrementalWithYamlErrors++;
    const where = () => `${JSON.stringify(this.parser.lastParse)}\n${text.length > 3000 ? '(big file)' : text}`;
    assert.equal(treeDifference(incremental.yaml.contents, scratch.yaml.contents), undefined, where());
    assert.deepEqual(incremental.syntaxDiagnostics, scratch.syntaxDiagnostics, where());
    // The lexer of a whole parse skips the line ends inside a token it could not read; the blocks' line
    // counter knows every line, as the whole parse's does for text it reads.
    if (scratch.yaml.errors.length === 0) assert.deepEqual(incremental.lineCounter.lineStarts, scratch.lineCounter.lineStarts, where());
    const checked = checkDocument(incremental, this.checks);
    const expected = checkDocument(scratch);
    assert.deepEqual(checked.diagnostics, expected.diagnostics, where());
    assert.deepEqual(planData(checked), planData(expected), where());
    assert.deepEqual(buildModel(incremental, this.outlines), buildModel(scratch), where());
  }
}

// ---------------------------------------------------------------------------------------------------
// Generated files: every kind of top-level key and scenario, with the YAML forms people write (flow and
// block collections, quotes, block scalars, comments, blank lines) and mistakes the validator reports.

const word = fc.constantFrom('browse', 'checkout', 'login', 'search', 'cart', 'x', 'prefix', 'token', 'user_1');
const executors = fc.constantFrom(
  'constant-vus',
  'ramping-vus',
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'per-vu-iterations',
  'shared-iterations',
  'constant-vu',
);
const comment = fc.constantFrom('', '', '', '  # note', ' # {{ x }} [a]');

const step = fc.oneof(
  fc.tuple(word, fc.constantFrom('get', 'post', 'gett'), fc.constantFrom('/a', '/b?page={{ iteration % 10 }}', '"/c/{{ token }}"', 'relative', '/d/{{ nope }}')).map(
    ([name, method, url]) => [`- name: ${name}`, `  ${method}: ${url}`],
  ),
  fc.constantFrom(
    ['- get: /products', '  check: { status: 200 }', '  capture: { firstId: json.items[0].id }'],
    ['- think: 200ms'],
    ['- think: 2'],
    ['- post: /cart', '  json: { id: "{{ firstId }}", user: "{{ prefix }}-{{ vu }}" }'],
    ['- post: /cart', '  body: |', '    line one {{ vu }}', '', '    line two', '  headers:', '    X-Id: "{{ firstId }}"'],
    ['- get: /x', '  query: {a: 1, b: [1, 2]}', '  timeout: 5s'],
    ['- get: /multi', '  name: a plain', '    scalar on two lines'],
    ['- { get: /flow, check: { status: [200, 201] } }'],
    ['- get: /dup', '  get: /dup2'],
    ['- get: /quoted', '  name: "quote \\" inside"', "  check: { bodyContains: 'it''s' }"],
    ['- get: /products', '  capture:', '    firstId: json.items[0].id', '    tok: header.X-Token'],
    ['-'],
    ['- get: /x', '    # deeper comment'],
  ),
);

/** A comment line after a block, at column 0, at the block's column or deeper: each ends blocks differently. */
const trailer = fc.constantFrom([], [], [], ['# col 0'], ['  # at the entries'], ['      # deeper'], ['', '# after a blank line'], ['  # two', '# lines']);

const scenario = fc
  .tuple(word, fc.nat({ max: 99 }), executors, fc.array(step, { minLength: 0, maxLength: 4 }), comment, fc.boolean(), fc.boolean(), trailer)
  .map(([name, n, executor, steps, note, extras, blank, after]) => {
    const lines = [`${name}${n}:${note}`, `  executor: ${executor}`];
    if (executor.includes('arrival')) lines.push('  rate: 10', '  preAllocatedVUs: 5', '  maxVUs: 2');
    if (executor.startsWith('ramping')) lines.push('  stages:', '    - { duration: 10s, target: 5 }', '    - duration: 5s', '      target: 0');
    if (executor.includes('iterations')) lines.push('  vus: 4', '  iterations: 2');
    if (executor === 'constant-vus' || executor === 'constant-arrival-rate') lines.push('  duration: 30s');
    if (extras) lines.push('  gracefulStop: 30', '  vus: 3', '  executor: constant-vus');
    if (steps.length > 0) lines.push('  flow:', ...steps.flatMap((s) => s.map((l) => `    ${l}`)));
    if (blank) lines.push('');
    // Written below with the scenario's indentation added: keep column 0 at column 0.
    return [...lines, ...after.map((l) => (l.startsWith('#') ? `\u0000${l}` : l))];
  });

const smallFile = fc
  .tuple(
    fc.array(scenario, { minLength: 1, maxLength: 5 }),
    fc.boolean(),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom(2, 4),
    fc.constantFrom('\n', '\n', '\r\n'),
  )
  .map(([scenarios, baseUrl, variables, thresholdsFirst, indent, eol]) => {
    const pad = ' '.repeat(indent);
    const sections: string[][] = [['name: generated', '# a comment at column 0', '']];
    if (baseUrl) sections.push(['baseUrl: http://127.0.0.1:8080']);
    if (variables) sections.push(['variables:', '  prefix: load', '  token: abc', '  x: 1', ...(scenarios.length % 2 === 0 ? ['  # about the variables', '# about what follows'] : [])]);
    const thresholds = ['thresholds:', '  http_req_duration: [p(95)<300]', '  "http_req_duration{step:list products}": [p(99)<800]', '  "http_reqs{scenario:browse1}": [count>0]'];
    if (thresholdsFirst) sections.push(thresholds);
    sections.push(['scenarios:', ...scenarios.flatMap((s) => s.map((l) => (l === '' ? '' : l.startsWith('\u0000') ? l.slice(1) : pad + l)))]);
    if (!thresholdsFirst) sections.push(thresholds);
    return (sections.map((s) => s.join('\n')).join('\n') + '\n').replace(/\n/g, eol);
  })
;

/** Typing: mostly letters, sometimes punctuation, new lines, deletions or a pasted fragment. */
const edit = fc.record({
  at: fc.nat(),
  remove: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 40 }) }),
  insert: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('a', 'e', 's', 'x', '1', '0', ' ', '_', '-', '/') },
    { weight: 3, arbitrary: fc.constantFrom('.', ':', '{', '}', '[', ']', ',', '"', "'", '#', '*', '&', '!', '|', '>') },
    { weight: 3, arbitrary: fc.constantFrom('\n', '\n  ', '\n    ', '\n      - get: /new', '\n  extra: 1', '\n\n', '\r\n', '\n# c') },
    // A key being typed, before its colon, at the columns of scenario and step keys.
    { weight: 4, arbitrary: fc.constantFrom('\n    tim', '\n      tim', '\n        tim', '\n          tim') },
    { weight: 1, arbitrary: fc.constantFrom('\t', '&anchor ', '*anchor', '---\n', '|\n', '  # c\n', '{{ ', ' }}', 'x: [1,\n2]\n', 'key: "open\n', '\u00a0', 'scenarios:\n') },
    { weight: 3, arbitrary: fc.constant('') },
  ),
});

function applyEdit(text: string, e: { at: number; remove: number; insert: string }): string {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(at + e.remove);
}

/** Edits that type `typed` into EXAMPLE one character at a time, right after the first `after`. */
function typingAfter(after: string, typed: string): Array<{ at: number; remove: number; insert: string }> {
  const at = EXAMPLE.indexOf(after) + after.length;
  return [...typed].map((insert, i) => ({ at: at + i, remove: 0, insert }));
}

/** More runs for a deeper search: INCREMENTAL_RUNS=2000 node --import tsx --test test/scenario/incremental.test.ts */
const RUNS = Number(process.env.INCREMENTAL_RUNS ?? 30);

test('random edits of small files: incremental parse, checks and outline equal a parse from scratch', () => {
  Session.versions = { incremental: 0, full: 0, incrementalWithYamlErrors: 0 };
  fc.assert(
    fc.property(smallFile, fc.array(edit, { minLength: 1, maxLength: 8 }), (text, edits) => {
      const session = new Session();
      session.assertSameAsScratch(text);
      for (const e of edits) {
        text = applyEdit(text, e);
        session.assertSameAsScratch(text);
      }
    }),
    // Always among them: a key typed into a step, invalid YAML until its colon.
    { numRuns: RUNS, examples: [[EXAMPLE, typingAfter('post: /cart', '\n        timeout: 5s')]] },
  );
  // Worth something only if many versions took the incremental path (most versions with a YAML syntax
  // error, which edits leave behind and later edits keep, are parsed whole), some of them with errors.
  assert.ok(Session.versions.incremental > (Session.versions.incremental + Session.versions.full) / 5, JSON.stringify(Session.versions));
  assert.ok(Session.versions.incrementalWithYamlErrors > 0, JSON.stringify(Session.versions));
});

test('random edits of a big file equal a parse from scratch', () => {
  const session = new Session();
  // 1,000 lines: big enough for every kind of block move, small enough to parse from scratch each time.
  let text = bigScenario(1000);
  session.assertSameAsScratch(text);
  assert.equal(session.parser.lastParse.mode, 'incremental');
  // Fewer runs: every check parses the whole file from scratch too.
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 2 }), (edits) => {
      for (const e of edits) {
        text = applyEdit(text, e);
        session.assertSameAsScratch(text);
      }
    }),
    { numRuns: Math.max(3, Math.round(RUNS / 10)) },
  );
});

/** Blocks the last parse had to parse; -1 when it parsed the whole text. */
function parsedBlocks(parser: IncrementalParser): number {
  const report: ParseReport = parser.lastParse;
  return report.mode === 'incremental' ? report.parsedBlocks : -1;
}

test('typing in a step of a 2,000-line file re-reads only that scenario', () => {
  const session = new Session();
  let text = bigScenario(2000);
  session.parser.parse(text);
  checkDocument(session.parser.parse(text), session.checks);
  let at = text.indexOf('post: /cart', text.length / 2) + 'post: /cart'.length;
  for (const typed of 'sxyz') {
    text = text.slice(0, at) + typed + text.slice(at);
    at++;
    const doc = session.parser.parse(text);
    assert.equal(parsedBlocks(session.parser), 1);
    checkDocument(doc, session.checks);
    assert.equal(session.checks.last.checked, 1);
  }
  // A new line moves every later scenario: their checks are reused, moved down.
  text = text.slice(0, at) + '\n        timeout: 5s' + text.slice(at);
  session.assertSameAsScratch(text);
  assert.equal(session.checks.last.checked, 1);
  // A YAML error whose recovery can reach past its block is parsed whole; once it is gone, what the
  // blocks had is still there.
  const broken = text.replace('timeout: 5s', 'timeout: [5s');
  session.assertSameAsScratch(broken);
  assert.equal(session.parser.lastParse.mode, 'full');
  session.assertSameAsScratch(text);
  assert.equal(parsedBlocks(session.parser), 0);
  assert.equal(session.checks.last.checked, 0);
});

test('a key being typed, an error until its colon, keeps the parse to its block', () => {
  const session = new Session();
  let text = bigScenario(2000);
  session.assertSameAsScratch(text);
  // A new key in a step, and one in the scenario (read with the next line as one key until the colon).
  for (const [after, indent] of [['post: /cart', '        '], ['timeUnit: 1s', '    ']] as const) {
    let at = text.indexOf(after, text.length / 3) + after.length;
    for (const typed of '\ntimeout: 5s') {
      text = text.slice(0, at) + (typed === '\n' ? `\n${indent}` : typed) + text.slice(at);
      at += typed === '\n' ? indent.length + 1 : 1;
      session.assertSameAsScratch(text);
      assert.equal(parsedBlocks(session.parser), 1, `${JSON.stringify(session.parser.lastParse)} after ${JSON.stringify(typed)}`);
    }
  }
  // Not a single keystroke parsed the whole file, though most left it invalid.
  assert.ok(parseScenarioDocument(text.replace('timeout: 5s', 'timeou')).syntaxDiagnostics.length > 0);
});

test('a document the parser has moved on from is parsed again when its tree is used', () => {
  const parser = new IncrementalParser();
  const first = parser.parse(EXAMPLE);
  const second = parser.parse(`# a line above everything\n${EXAMPLE}`);
  // The second parse moved the first one's nodes in place; the first document notices and re-reads.
  assert.equal(treeDifference(first.yaml.contents, parseScenarioDocument(EXAMPLE).yaml.contents), undefined);
  assert.equal(treeDifference(second.yaml.contents, parseScenarioDocument(`# a line above everything\n${EXAMPLE}`).yaml.contents), undefined);
});

test('the whole text is parsed, and says why, where blocks cannot be read alone', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['tabs', EXAMPLE.replace('  prefix: load', '\tprefix: load'), /tabs/],
    ['an alias of an anchor in another block', EXAMPLE.replace('  prefix: load', '  prefix: &p load').replace('user: "{{ prefix }}-{{ vu }}"', 'user: *p'), /anchors or aliases/],
    ['an anchor', EXAMPLE.replace('rate: 200', 'rate: &r 200'), /anchors or aliases/],
    ['two documents', `${EXAMPLE}---\nname: second\n`, /starts with "-"/],
    ['a document end marker', `${EXAMPLE}...\n`, /starts with "\."/],
    ['a block scalar with lines at column 0', EXAMPLE.replace('name: checkout', 'name: |\ncheckout'), /line 2: (not one key|YAML error)/],
    ['a flow collection closed at column 0', EXAMPLE.replace('variables:\n  prefix: load', 'variables: { prefix: load\n}'), /starts with "}"/],
    ['a quote across blocks', EXAMPLE.replace('name: checkout', 'name: "checkout\nbaseUrl: x"'), /YAML error/],
    ['a syntax error inside a scenario', EXAMPLE.replace('    timeUnit: 1s', '    timeUnit: [1s'), /YAML error/],
    ['a top-level list', '- a\n- b\n', /starts with "-"/],
    ['indented text first', '  a: 1\nb: 2\n', /indented content before the first key/],
    ['a value on the scenarios line', EXAMPLE.replace('scenarios:\n', 'scenarios: {}\n  x: 1\n'), /YAML error|one key/],
    ['an empty file', '', /no top-level key/],
    ['a comment only', '# nothing yet\n', /no top-level key/],
  ];
  for (const [what, text, reason] of cases) {
    const session = new Session();
    session.assertSameAsScratch(text);
    const report = session.parser.lastParse;
    assert.equal(report.mode, 'full', what);
    assert.match(report.mode === 'full' ? report.reason : '', reason, what);
  }
});

test('blocks that read the same alone are parsed alone, offsets and all', () => {
  const cases: Array<[string, string]> = [
    ['the example', EXAMPLE],
    ['CRLF line ends', EXAMPLE.replace(/\n/g, '\r\n')],
    ['no newline at the end', EXAMPLE.trimEnd()],
    ['comments and blank lines between blocks', EXAMPLE.replace('scenarios:\n', '# scenarios follow\n\nscenarios:   # the load\n\n  # first\n')],
    ['a comment after a list, above the next scenario', EXAMPLE.replace('thresholds:', '       # trailing\n  second:\n    executor: constant-vus\n    flow:\n      - get: /\n      # after\n\nthresholds:')],
    ['scenarios indented by 4', EXAMPLE.replace(/\n {2}browse:/, '\n    browse:').replace(/\n {4}(?=\S)/g, '\n      ')],
    ['a block scalar in a scenario', EXAMPLE.replace('        post: /cart', '        post: /cart\n        body: |\n          one\n\n          two')],
    ['quoted keys', EXAMPLE.replace('name: checkout', '"name": checkout')],
    ['a flow collection over the lines of its block', EXAMPLE.replace('variables:\n  prefix: load', 'variables: { prefix:\n  load }')],
    ['duplicate scenarios', EXAMPLE.replace('thresholds:', '  browse:\n    executor: constant-vus\n    duration: 1s\n    flow: [{ get: / }]\nthresholds:')],
  ];
  for (const [what, text] of cases) {
    const session = new Session();
    session.assertSameAsScratch(text);
    assert.equal(session.parser.lastParse.mode, 'incremental', `${what}: ${JSON.stringify(session.parser.lastParse)}`);
  }
});

test('a scenario checked before is reused with the line named in a duplicate-key message kept right', () => {
  const session = new Session();
  const text = EXAMPLE.replace('    duration: 1m\n', '    duration: 1m\n    duration: 2m\n');
  session.assertSameAsScratch(text);
  // Lines added above the scenario: the message names another line now.
  session.assertSameAsScratch(text.replace('variables:\n', '# one\n# two\nvariables:\n'));
  session.assertSameAsScratch(text.replace('  prefix: load\n', '  prefix: load\n  other: 1\n'));
});

test('a scenario reading a setup capture is checked again when setup stops or starts capturing it', () => {
  const session = new Session();
  const setup = 'setup:\n  - post: /login\n    capture: { adminToken: json.token }\n';
  const text = EXAMPLE.replace('variables:\n', `${setup}variables:\n`).replace(/get: \/products\?page=[^\n]*/, 'get: "/products?t={{ adminToken }}"');
  assert.notEqual(text, EXAMPLE);
  session.assertSameAsScratch(text);
  session.assertSameAsScratch(text.replace('adminToken: json.token', 'otherToken: json.token'));
  session.assertSameAsScratch(text);
});

/** maskScalarBrackets as first written (per-character regexes): the fast one must agree with it. */
function referenceMask(text: string): string | undefined {
  if (text.includes('\uE000') || text.includes('\uE001')) return undefined;
  const out = text.split('');
  let depth = 0;
  let scalarBrackets = 0;
  let quote: '"' | "'" | undefined;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const prev = i > 0 ? text[i - 1] : '\n';
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    const atScalarStart = /[\s,[{:]/.test(prev);
    if ((c === '"' || c === "'") && atScalarStart) {
      quote = c;
      continue;
    }
    if (c === '#' && /\s/.test(prev)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if (/[\s,{}]/.test(c)) scalarBrackets = 0;
    if (c === '[' || c === '{') {
      if (depth > 0 && c === '[' && !atScalarStart) {
        out[i] = '\uE000';
        scalarBrackets++;
        changed = true;
      } else if (atScalarStart) {
        depth++;
      }
    } else if (c === ']' && scalarBrackets > 0) {
      out[i] = '\uE001';
      scalarBrackets--;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return changed ? out.join('') : undefined;
}

test('the fast bracket masking masks what the per-character one did', () => {
  const yamlish = fc
    .array(fc.constantFrom('a', 'b', '0', ' ', '\n', '\t', '\u00a0', '\u2028', ':', ',', '[', ']', '{', '}', '"', "'", '\\', '#', '-', 'x[0]', '{ a: b[1].c }', "''", '\uE000'), { maxLength: 60 })
    .map((parts) => parts.join(''));
  fc.assert(fc.property(yamlish, (text) => assert.equal(maskScalarBrackets(text), referenceMask(text), JSON.stringify(text))), { numRuns: 3000 });
  const big = bigScenario(2000);
  assert.equal(maskScalarBrackets(big), referenceMask(big));
});
