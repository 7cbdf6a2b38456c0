// The static editor contributions: grammar, language configuration and snippets are valid JSON, every
// grammar regex compiles in Oniguruma, the editor rules behave on real lines, and every snippet expands
// to YAML that parses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as oniguruma from 'vscode-oniguruma';
import { parseDocument } from 'yaml';
import { loadScenario } from '../../src/engine/scenario';

const root = join(__dirname, '..', '..');
const require = createRequire(__filename);

function readJson(relative: string): any {
  const text = readFileSync(join(root, relative), 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    assert.fail(`${relative} is not valid JSON: ${(e as Error).message}`);
  }
}

const grammar = readJson('syntaxes/volley.tmLanguage.json');
const languageConfiguration = readJson('language-configuration.json');
const snippets: Record<string, { prefix: string | string[]; body: string | string[]; description?: string }> = readJson('snippets/volley.json');

/** Every rule object of the grammar, with a path for messages. */
function* rules(node: any, path: string): Generator<[string, any]> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* rules(node[i], `${path}[${i}]`);
    return;
  }
  yield [path, node];
  for (const [key, value] of Object.entries(node)) yield* rules(value, `${path}.${key}`);
}

test('grammar: scope name, self-contained includes', () => {
  assert.equal(grammar.scopeName, 'source.volley');
  const repository = new Set(Object.keys(grammar.repository));
  let includes = 0;
  for (const [path, rule] of rules(grammar, '$')) {
    if (typeof rule.include !== 'string') continue;
    includes++;
    assert.ok(rule.include.startsWith('#'), `${path}: include ${rule.include} depends on another grammar`);
    assert.ok(repository.has(rule.include.slice(1)), `${path}: include ${rule.include} names no repository entry`);
  }
  assert.ok(includes > 20);
});

test('grammar: every regex compiles in Oniguruma', async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  let count = 0;
  for (const [path, rule] of rules(grammar, '$')) {
    for (const key of ['match', 'begin', 'end', 'while']) {
      if (typeof rule[key] !== 'string') continue;
      // End patterns may hold back-references to begin captures; vscode-textmate substitutes them first.
      const source = key === 'end' ? rule[key].replace(/\\(\d+)/g, 'x') : rule[key];
      assert.doesNotThrow(() => new oniguruma.OnigScanner([source]).dispose(), `${path}.${key} does not compile: ${rule[key]}`);
      count++;
    }
  }
  assert.ok(count > 50, `only ${count} regexes found`);
});

test('language configuration: comments, brackets, folding', () => {
  assert.equal(languageConfiguration.comments.lineComment, '#');
  assert.deepEqual(languageConfiguration.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  assert.equal(languageConfiguration.folding.offSide, true);
  const opens = languageConfiguration.autoClosingPairs.map((p: { open: string }) => p.open);
  assert.deepEqual(opens, ['{', '[', '(', '"', "'"]);
});

test('language configuration: indentation after a key, a dash or an open bracket', () => {
  const increase = new RegExp(languageConfiguration.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(languageConfiguration.indentationRules.decreaseIndentPattern);
  for (const line of ['scenarios:', '  browse:  # the main one', '    flow:', '      -', '    body: |', '    body: >-', '    check: { status: 200', '  base: &defaults']) {
    assert.ok(increase.test(line), `indent after ${JSON.stringify(line)}`);
  }
  for (const line of ['    rate: 200', 'baseUrl: http://127.0.0.1:8080', '    check: { status: 200 }', '        get: /products?page={{ iteration % 10 }}', 'name: x # note:', '  - p(95)<300']) {
    assert.ok(!increase.test(line), `no indent after ${JSON.stringify(line)}`);
  }
  assert.ok(decrease.test('    }'));
  assert.ok(decrease.test('  ],'));
  assert.ok(!decrease.test('  x }'));
});

test('language configuration: Enter after "- key: value" lines up with the key', () => {
  const [rule] = languageConfiguration.onEnterRules;
  const before = new RegExp(rule.beforeText);
  assert.ok(before.test('      - name: list products'));
  assert.ok(!before.test('      - name:'), 'a key that opens a block is handled by increaseIndentPattern');
  assert.ok(!before.test('  - p(95)<300'));
  assert.equal(rule.action.appendText, '  ');
});

test('language configuration: words keep dashes, durations and identifiers whole', () => {
  const word = new RegExp(languageConfiguration.wordPattern, 'g');
  const words = 'executor: constant-arrival-rate # 1m30s {{ env.API_TOKEN }} per-vu-iterations'.match(word);
  assert.deepEqual(words, ['executor', 'constant-arrival-rate', '1m30s', 'env', 'API_TOKEN', 'per-vu-iterations']);
  assert.deepEqual('- name: x'.match(word), ['name', 'x']);
});

/** Expands a snippet body the way VS Code would, with each placeholder's default or first choice. */
function expand(body: string | string[], indent = ''): string {
  const lines = Array.isArray(body) ? body : body.split('\n');
  // VS Code indents every line after the first like the line the snippet is inserted on.
  let text = lines.map((line, i) => (i === 0 ? indent + line : line === '$0' || line === '' ? line : indent + line)).join('\n');
  const samples: Record<string, string> = { TM_FILENAME_BASE: 'checkout.volley' };
  for (let guard = 0; guard < 20; guard++) {
    const before = text;
    text = text
      .replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_, _n, choices: string) => choices.split(',')[0])
      .replace(/\$\{(\d+):([^${}]*)\}/g, (_, _n, value: string) => value)
      .replace(/\$\{([A-Z_]+)\/([^/]*)\/([^/]*)\/([gimsuy]*)\}/g, (_, name: string, regex: string, format: string, flags: string) =>
        (samples[name] ?? '').replace(new RegExp(regex, flags), format.replace(/\$(\d+)/g, '$$$1')),
      )
      .replace(/\$\{([A-Z_]+)(?::([^${}]*))?\}/g, (_, name: string, fallback?: string) => samples[name] ?? fallback ?? '')
      .replace(/\$(?:\d+|\{\d+\})/g, '');
    if (text === before) break;
  }
  assert.ok(!/\$[\d{A-Z]/.test(text), `unexpanded snippet syntax left in:\n${text}`);
  return text;
}

function parseYaml(text: string, what: string): unknown {
  const document = parseDocument(text);
  assert.deepEqual(document.errors.map((e) => e.message), [], `${what} is not valid YAML:\n${text}`);
  return document.toJS();
}

test('snippets: every body expands to YAML that parses', () => {
  const names = Object.keys(snippets);
  assert.ok(names.length >= 10);
  for (const [name, snippet] of Object.entries(snippets)) {
    assert.ok(snippet.prefix.length > 0 && snippet.description, `${name}: prefix and description`);
    const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
    assert.ok(!body.includes('\t'), `${name}: tabs are not YAML indentation`);
    const value = parseYaml(expand(snippet.body), name);
    assert.ok(value !== null && typeof value === 'object', `${name}: expands to a mapping or a list`);
  }
});

const EXECUTORS = ['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations'];

test('snippets: one whole scenario per executor, valid where it is inserted', () => {
  for (const executor of EXECUTORS) {
    const entry = Object.values(snippets).find((s) => ([] as string[]).concat(s.prefix).includes(`scenario-${executor}`));
    assert.ok(entry, `a snippet for ${executor}`);
    // Inserted under "scenarios:" at the scenario-name indentation.
    const file = `name: t\nscenarios:\n${expand(entry.body, '  ')}\nthresholds:\n  http_req_failed: [rate<0.01]\n`;
    const doc = parseYaml(file, `scenario-${executor} in a file`) as { scenarios: Record<string, any> };
    const scenario = doc.scenarios.browse;
    assert.equal(scenario.executor, executor);
    assert.ok(Array.isArray(scenario.flow) && scenario.flow.length > 0, `${executor}: a flow with a step`);
    assert.equal(scenario.flow[0].get, '/');
    assert.ok(!(executor.endsWith('arrival-rate') && 'vus' in scenario), 'arrival-rate scenarios size VUs with preAllocatedVUs/maxVUs');
    if (executor.endsWith('arrival-rate')) assert.ok(scenario.preAllocatedVUs > 0 && scenario.maxVUs >= scenario.preAllocatedVUs);
    if (executor.startsWith('ramping')) assert.ok(Array.isArray(scenario.stages) && scenario.stages.every((s: any) => s.duration && 'target' in s));
  }
});

test('snippets: steps go into a flow, thresholds and the new file have the expected shape', () => {
  const byPrefix = (prefix: string) => {
    const entry = Object.values(snippets).find((s) => ([] as string[]).concat(s.prefix).includes(prefix));
    assert.ok(entry, `a snippet with prefix ${prefix}`);
    return entry;
  };
  const flow = (prefix: string) =>
    (parseYaml(`flow:\n  - think: 1s\n${expand(byPrefix(prefix).body, '  ')}\n`, prefix) as { flow: any[] }).flow[1];
  assert.equal(flow('step-request').get, '/path');
  assert.equal(flow('step-think').think, '1s');
  const post = flow('step-post-json');
  assert.equal(post.post, '/items');
  assert.equal(post.json.name, 'item-{{ vu }}-{{ iteration }}');

  const thresholds = (parseYaml(expand(byPrefix('thresholds').body), 'thresholds') as { thresholds: Record<string, string[]> }).thresholds;
  assert.deepEqual(thresholds.http_req_duration, ['p(95)<500', 'p(99)<1000']);
  const tagged = parseYaml(expand(byPrefix('threshold-step').body), 'threshold-step') as Record<string, string[]>;
  assert.deepEqual(tagged, { 'http_req_duration{step:step name}': ['p(95)<500'] });

  const file = parseYaml(expand(byPrefix('volley').body), 'new file') as any;
  assert.equal(file.name, 'checkout');
  assert.equal(file.scenarios.browse.executor, 'constant-arrival-rate');
  assert.deepEqual(file.thresholds.dropped_iterations, ['count==0']);
});

test('snippets: the engine compiles what the snippets write, without a diagnostic', () => {
  const byPrefix = (prefix: string) => Object.values(snippets).find((s) => ([] as string[]).concat(s.prefix).includes(prefix))!;
  const check = (what: string, text: string) => {
    const result = loadScenario(text, 'snippet.volley.yaml');
    assert.deepEqual(result.diagnostics.map((d) => `${d.code}: ${d.message}`), [], `${what}:\n${text}`);
    assert.ok(result.plan, `${what} compiles to a plan`);
    return result.plan;
  };
  check('new file', expand(byPrefix('volley').body));
  for (const executor of EXECUTORS) {
    const plan = check(executor, `name: t\nbaseUrl: http://127.0.0.1:8080\nscenarios:\n${expand(byPrefix(`scenario-${executor}`).body, '  ')}`);
    assert.equal(plan.scenarios[0].executor.type, executor);
  }
  const steps = ['step-request', 'step-post-json', 'step-think'].map((p) => expand(byPrefix(p).body, '      ')).join('\n');
  const plan = check(
    'steps and thresholds',
    `name: t\nbaseUrl: http://127.0.0.1:8080\nscenarios:\n  a:\n    executor: constant-vus\n    vus: 1\n    duration: 1s\n    flow:\n${steps}\n` +
      `${expand(byPrefix('thresholds').body)}\n${expand(byPrefix('threshold-step').body, '  ')}`,
  );
  assert.deepEqual(plan.scenarios[0].steps.map((s) => s.kind), ['request', 'request', 'think']);
  assert.ok(plan.thresholds.some((t) => t.tags.step === 'step name' && t.aggregation.kind === 'percentile'));
});
