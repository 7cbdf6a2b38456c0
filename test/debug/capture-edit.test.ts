// The suggestion's edit on the shapes a step is written in: a block map or a `{ … }` one, with or without
// a `capture:` (block or inline), a literal inside a path, a whole number in a JSON body, a header inside a
// flow map. Each edited file must still validate with no new problem and read the capture back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMap } from 'yaml';
import { parseScenarioDocument } from '../../src/engine/scenario/document';
import { loadScenario } from '../../src/engine/scenario/index';
import { addCaptureEdit, applyTextEdits, findLiteral, replaceLiteralEdits, requestScalars } from '../../src/engine/debug/capture-edit';
import type { StepNode } from '../../src/engine/debug/step-nodes';
import { worthSuggesting } from '../../src/engine/debug/suggestions';

const file = (flow: string): string => `baseUrl: http://127.0.0.1:9
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
${flow}`;

function step(text: string, i: number): StepNode {
  const doc = parseScenarioDocument(text);
  const path = ['scenarios', 's', 'flow', i];
  const map = doc.nodeAt(path);
  assert.ok(isMap(map));
  return { path, map };
}

/** Adds `name: source` to step `from` and replaces `value` in step `to`; the result as text. */
function suggest(text: string, from: number, to: number, value: string, name: string, source: string): string {
  const doc = parseScenarioDocument(text);
  const occurrences = findLiteral(doc, requestScalars(step(text, to)), value);
  assert.ok(occurrences.length > 0, `no ${value} in step ${to}`);
  const edits = [addCaptureEdit(doc, step(text, from), name, source), ...replaceLiteralEdits(doc, occurrences, name)];
  const out = applyTextEdits(text, edits);
  const loaded = loadScenario(out, 'edited.volley.yaml');
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], out);
  const steps = loaded.plan!.scenarios[0]!.steps;
  const captures = steps[from]!.kind === 'request' ? steps[from]!.captures.map((c) => c.name) : [];
  assert.ok(captures.includes(name), out);
  return out;
}

test('block step without capture; a literal in a path; a number in a JSON body keeps its type through quotes', () => {
  const text = file(`      - name: list
        get: /items
      - name: order
        post: /items/1042/orders
        json:
          item: 1042
          note: "for 1042x"
`);
  const out = suggest(text, 0, 1, '1042', 'itemId', 'json.items[0].id');
  assert.ok(out.includes(`      - name: list
        get: /items
        capture: { itemId: "json.items[0].id" }
`), out);
  assert.ok(out.includes('post: /items/{{ itemId }}/orders'), out);
  assert.ok(out.includes('item: "{{ itemId }}"'), out);
  assert.ok(out.includes('note: "for 1042x"'), 'a longer word is not the value');
});

test('an existing block capture, an inline capture, and a step written as a flow map', () => {
  const block = file(`      - name: login
        post: /login
        capture:
          token: json.token
      - get: /me
        headers: { X-Session: abcd1234 }
`);
  const a = suggest(block, 0, 1, 'abcd1234', 'session', 'header.X-Session');
  assert.ok(a.includes('          token: json.token\n          session: header.X-Session\n'), a);
  assert.ok(a.includes('headers: { X-Session: "{{ session }}" }'), a);

  const inline = file(`      - name: login
        post: /login
        capture: { token: json.token }
      - get: /carts/c-77aa
`);
  const b = suggest(inline, 0, 1, 'c-77aa', 'cartId', 'json.cart.id');
  assert.ok(b.includes('capture: { token: json.token, cartId: json.cart.id }'), b);
  assert.ok(b.includes('get: /carts/{{ cartId }}'), b);

  const flowMap = file(`      - { name: list, get: /items }
      - { name: one, get: /items/it-5f3c }
`);
  const c = suggest(flowMap, 0, 1, 'it-5f3c', 'itemId', 'json.items[0].id');
  assert.ok(c.includes('- { name: list, get: /items, capture: { itemId: "json.items[0].id" } }'), c);
  assert.ok(c.includes('get: "/items/{{ itemId }}" }'), c);
});

test('a value inside {{ }} is not a literal', () => {
  const text = file(`      - get: /a
      - get: /b/{{ x1234 }}/x1234
`);
  const doc = parseScenarioDocument(text);
  const found = findLiteral(doc, requestScalars(step(text, 1)), 'x1234');
  assert.equal(found.length, 1);
  assert.equal(text.slice(found[0]!.start - 1, found[0]!.end), '/x1234');
});

test('which values are worth a suggestion', () => {
  for (const yes of ['1042', 'a1b2', 'it-5f3c', '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'customer']) assert.equal(worthSuggesting(yes), true, yes);
  for (const no of ['1', '42', '999', 'true', 'null', 'ok', 'open', 'admin', 'two words']) assert.equal(worthSuggesting(no), false, no);
});
