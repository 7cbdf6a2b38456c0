// Random damage to valid files never makes parsing, validation or compilation throw, and every
// diagnostic it causes is located inside the document with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadScenario, parseScenarioDocument, type ScenarioDiagnostic } from '../../src/engine/scenario/index';

const ROOT = join(__dirname, '..', '..');
const FILES = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.volley.yaml'))
    .map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8')),
  readFileSync(join(ROOT, 'test', 'fixtures', 'design-example.volley.yaml'), 'utf8'),
];

type Mutation = (text: string) => string;

const lines = (text: string) => text.split('\n');
const pick = <T>(items: T[], n: number) => items[n % items.length];

const WRONG_VALUES = ['[]', '{}', '"x"', '1.5', '-1', '0', 'true', 'null', '~', '[1, {a: 2}]', '"{{ nope }}"', '{{ vu }}', '1e999', '&a x', '*a', '!!binary x', "'", '"'];
const NOISE = ['{', '}', '[', ']', ':', '- ', '#', '"', "'", '\t', '{{', '}}', '|', '>', '&', '*', '!', '%', '@', '`', '\\', 'é', '\u0000', '\r', '\n', '  ', '---\n', '...\n', '? '];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Deleted line.
  fc.nat().map((n) => (t: string) => { const l = lines(t); l.splice(n % l.length, 1); return l.join('\n'); }),
  // Cut line.
  fc.tuple(fc.nat(), fc.nat()).map(([n, k]) => (t: string) => {
    const l = lines(t); const i = n % l.length; l[i] = l[i].slice(0, k % (l[i].length + 1)); return l.join('\n');
  }),
  // Wrong indentation.
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 }), fc.boolean()).map(([n, d, tab]) => (t: string) => {
    const l = lines(t); const i = n % l.length;
    l[i] = d >= 0 ? (tab ? '\t' : ' '.repeat(d)) + l[i] : l[i].slice(Math.min(-d, l[i].length - l[i].trimStart().length));
    return l.join('\n');
  }),
  // Wrong type: replace what follows a key.
  fc.tuple(fc.nat(), fc.nat()).map(([n, v]) => (t: string) => {
    const l = lines(t); const i = n % l.length; const colon = l[i].indexOf(': ');
    if (colon >= 0) l[i] = l[i].slice(0, colon + 2) + pick(WRONG_VALUES, v);
    return l.join('\n');
  }),
  // Unclosed template: drop a "}}" or add a "{{".
  fc.tuple(fc.nat(), fc.boolean()).map(([n, drop]) => (t: string) => {
    if (drop) { const at = t.indexOf('}}', n % (t.length + 1)); return at < 0 ? t : t.slice(0, at) + t.slice(at + 2); }
    const at = n % (t.length + 1); return t.slice(0, at) + '{{ ' + t.slice(at);
  }),
  // Random characters.
  fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 3 })).map(([n, c, s]) => (t: string) => {
    const at = n % (t.length + 1); return t.slice(0, at) + pick(NOISE, c) + s + t.slice(at);
  }),
  // Truncated document: what the editor sees while typing.
  fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))),
  // Duplicated line.
  fc.nat().map((n) => (t: string) => { const l = lines(t); const i = n % l.length; l.splice(i, 0, l[i]); return l.join('\n'); }),
);

function assertLocated(text: string, d: ScenarioDiagnostic): void {
  const l = text.split('\n');
  const inside = (p: { line: number; character: number }) =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line < l.length && p.character <= l[p.line].length;
  assert.ok(inside(d.range.start) && inside(d.range.end), `range inside the document: ${JSON.stringify(d)}`);
  const { start, end } = d.range;
  assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), 'start <= end');
  assert.ok(typeof d.message === 'string' && d.message.trim().length > 0, 'a message');
  assert.ok(typeof d.code === 'string' && d.code.length > 0, 'a code');
  assert.notEqual(d.code, 'internal-error', d.message);
  for (const fix of d.fixes ?? []) assert.ok(inside(fix.range.start) && inside(fix.range.end), 'fix range inside');
}

test('mutated valid files never throw and always give located diagnostics', () => {
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(), (f, mutations, cursor) => {
      const text = mutations.reduce((t, m) => m(t), pick(FILES, f));
      const { diagnostics, plan } = loadScenario(text, 'mutated.volley.yaml');
      for (const d of diagnostics) assertLocated(text, d);
      if (plan) assert.ok(Object.isFrozen(plan));
      else assert.ok(diagnostics.some((d) => d.severity === 'error'), 'no plan means an error says why');
      const doc = parseScenarioDocument(text);
      const at = doc.locate(cursor % (text.length + 1));
      assert.ok(Array.isArray(at.path));
    }),
    { numRuns: 400 },
  );
});

test('arbitrary text never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      const { diagnostics } = loadScenario(text, 'random.volley.yaml');
      for (const d of diagnostics) assertLocated(text, d);
    }),
    { numRuns: 300 },
  );
});
