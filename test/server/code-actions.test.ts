// Diagnostics with exact ranges, and every quick fix applied to the text gives a file that validates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { parseScenarioDocument, validateDocument } from '../../src/engine/scenario';
import { TestClient, applyEdits, rangeOf } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

const VALID = readFileSync(resolve(__dirname, '../fixtures/design-example.volley.yaml'), 'utf8');

let opened = 0;
/** Opens the text, waits for its diagnostics, and returns the one whose message matches. */
async function diagnose(text: string, message: RegExp): Promise<{ uri: string; diagnostic: Diagnostic }> {
  const uri = `file:///work/fix-${++opened}.volley.yaml`;
  await client.open(uri, text);
  const published = await client.diagnosticsFor(uri, 1);
  const diagnostic = published.diagnostics.find((d) => message.test(String(d.message)));
  assert.ok(diagnostic, `no diagnostic matching ${message} in ${JSON.stringify(published.diagnostics)}`);
  return { uri, diagnostic };
}

/** Applies the quick fix titled `title` for the diagnostic and returns the new text. */
async function applyFix(text: string, uri: string, diagnostic: Diagnostic, title: string): Promise<string> {
  const actions = (await client.codeActions(uri, diagnostic.range, [diagnostic])) as CodeAction[];
  const action = actions.find((a) => a.title === title);
  assert.ok(action?.edit?.changes, `no "${title}" in ${JSON.stringify(actions.map((a) => a.title))}`);
  assert.equal(action.kind, 'quickfix');
  return applyEdits(text, action.edit.changes[uri]);
}

function assertValid(text: string): void {
  const problems = validateDocument(parseScenarioDocument(text));
  assert.deepEqual(problems.map((p) => p.message), [], text);
}

interface FixCase {
  name: string;
  text: string;
  message: RegExp;
  /** The diagnostic's exact range: the needle in the text (its first occurrence). */
  at?: string;
  title: string;
  /** What the fixed file holds, when more than "it validates" is worth checking. */
  expect?: (fixed: string) => void;
}

const NO_RATE = VALID.replace(/    rate: 200.*\n/, '');

const cases: FixCase[] = [
  {
    name: 'did you mean: an unknown scenario key',
    text: VALID.replace('timeUnit: 1s', 'timeUnti: 1s'),
    message: /unknown key "timeUnti".*did you mean "timeUnit"/,
    at: 'timeUnti',
    title: 'Change to "timeUnit"',
  },
  {
    name: 'did you mean: an unknown step key',
    text: VALID.replace('check: { status: 200 }', 'chek: { status: 200 }'),
    message: /unknown key "chek"/,
    at: 'chek',
    title: 'Change to "check"',
  },
  {
    name: 'did you mean: the executor',
    text: VALID.replace('executor: constant-arrival-rate', 'executor: constant-arival-rate'),
    message: /constant-arival-rate/,
    at: 'constant-arival-rate',
    title: 'Change to "constant-arrival-rate"',
  },
  {
    name: 'did you mean: a threshold metric',
    text: VALID.replace('http_req_failed:', 'http_req_faild:'),
    message: /unknown metric "http_req_faild"/,
    at: 'http_req_faild',
    title: 'Change to "http_req_failed"',
  },
  {
    name: 'did you mean: a step name in a threshold filter',
    text: VALID.replace('{step:add to cart}', '{step:add to crat}'),
    message: /no step is named "add to crat"/,
    at: 'add to crat',
    title: 'Change to "add to cart"',
  },
  {
    name: 'did you mean: a template variable',
    text: VALID.replace('{{ prefix }}', '{{ prefx }}'),
    message: /unknown name "prefx"/,
    at: 'prefx',
    title: 'Change to "prefix"',
  },
  {
    name: 'did you mean: a template name in an escaped string (server-side fix)',
    text: VALID.replace('"{{ prefix }}-{{ vu }}"', '"{{ prefx }}-{{ vu }}\\u0021"'),
    message: /unknown name "prefx"/,
    title: 'Change to "prefix"',
    expect: (fixed) => assert.match(fixed, /"\{\{ prefix \}\}-\{\{ vu \}\}\\u0021"/),
  },
  {
    name: 'add the missing required key: rate',
    text: NO_RATE,
    message: /needs rate/,
    at: 'browse',
    title: 'Add rate',
    expect: (fixed) => assert.match(fixed, /\n    rate: 10\n/),
  },
  {
    name: 'add the missing required key: duration',
    text: VALID.replace('    duration: 1m\n', ''),
    message: /needs duration/,
    title: 'Add duration',
  },
  {
    name: 'add the missing required key: preAllocatedVUs',
    text: VALID.replace('    preAllocatedVUs: 30\n', '').replace('maxVUs: 60', 'maxVUs: 60'),
    message: /needs preAllocatedVUs/,
    title: 'Add preAllocatedVUs',
  },
  {
    name: 'add the missing required key: flow',
    text: 'baseUrl: http://127.0.0.1:8080\nscenarios:\n  smoke:\n    executor: constant-vus\n    duration: 10s\n',
    message: /needs flow/,
    at: 'smoke',
    title: 'Add flow',
  },
  {
    name: 'add the missing executor where the validator has no fix (server-side)',
    text: 'baseUrl: http://127.0.0.1:8080\nscenarios:\n  smoke:   # to do\n    duration: 10s\n    flow:\n      - get: /\n',
    message: /has no executor/,
    at: 'smoke',
    title: 'Add executor',
    expect: (fixed) => assert.match(fixed, /\n    flow:\n      - get: \/\n    executor: constant-vus/),
  },
  {
    name: 'raise maxVUs to preAllocatedVUs',
    text: VALID.replace('maxVUs: 60', 'maxVUs: 10'),
    message: /maxVUs \(10\) must be at least preAllocatedVUs \(30\)/,
    title: 'Set maxVUs to 30',
    expect: (fixed) => assert.match(fixed, /maxVUs: 30\n/),
  },
];

// Opened together, so their debounced diagnostics arrive together and the file stays fast.
const diagnosed = new Map<FixCase, Promise<{ uri: string; diagnostic: Diagnostic }>>();
before(() => {
  for (const c of cases) {
    const pending = diagnose(c.text, c.message);
    pending.catch(() => undefined);
    diagnosed.set(c, pending);
  }
});

for (const c of cases) {
  test(`quick fix: ${c.name}`, async () => {
    const { uri, diagnostic } = await diagnosed.get(c)!;
    if (c.at) assert.deepEqual(diagnostic.range, rangeOf(c.text, c.at));
    const fixed = await applyFix(c.text, uri, diagnostic, c.title);
    assertValid(fixed);
    c.expect?.(fixed);
  });
}

test('a fix for the missing executor clears that diagnostic over the protocol too', async () => {
  const text = 'baseUrl: http://127.0.0.1:8080\nscenarios:\n  smoke:   # to do\n    duration: 10s\n    flow:\n      - get: /\n';
  const { uri, diagnostic } = await diagnose(text, /has no executor/);
  const fixed = await applyFix(text, uri, diagnostic, 'Add executor');
  await client.change(uri, fixed, 2);
  assert.deepEqual((await client.diagnosticsFor(uri, 2)).diagnostics, []);
});

test('no quick fix outside the diagnostic range', async () => {
  const text = VALID.replace('timeUnit: 1s', 'timeUnti: 1s');
  const { uri } = await diagnose(text, /timeUnti/);
  const actions = await client.codeActions(uri, rangeOf(text, 'name: checkout'));
  assert.deepEqual(actions, []);
});
