// The mapping from a run's results to the lines of the file as it is now, from the language server's facts
// of each version (asked through the real LSP, as the extension asks).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LSP_REQUESTS, type FileFacts } from '../../src/protocol';
import { mapResultsToLines } from '../../src/extension/result-lines';
import { digestRun, parseRunFile } from '../../src/extension/run-file';
import { TestClient } from '../server/lsp-client';
import { ROOT, demoRun } from './helpers';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

let version = 0;
/** The server's facts of `text`, as one more version of the demo file. */
async function factsOf(text: string): Promise<FileFacts> {
  const uri = 'file:///work/demo.volley.yaml';
  if (version === 0) await client.open(uri, text, ++version);
  else await client.change(uri, text, ++version);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.ok(facts, 'no facts');
  assert.equal(facts.version, version);
  return facts;
}

const FILE = join(ROOT, 'examples/demo.volley.yaml');
const TEXT = readFileSync(FILE, 'utf8');
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

test('each step figure lands on its step line, each scenario lens on its name, thresholds on their expressions', async () => {
  const lines = mapResultsToLines(await factsOf(TEXT), digestRun(demoRun(FILE)));
  const step = (scenario: string, index: number) => lines.steps.find((s) => s.scenario === scenario && s.stepIndex === index);
  assert.equal(step('browse', 0)?.line, lineOf(TEXT, '- name: list products'));
  assert.equal(step('browse', 0)?.text, 'p95 41 ms · 0% failed · 1,204 req');
  assert.equal(step('shoppers', 1)?.line, lineOf(TEXT, '- name: add to cart'));
  assert.equal(step('shoppers', 1)?.failing, true);
  // Think steps have no requests, and say so rather than show zeros.
  assert.equal(step('shoppers', 2)?.text, 'no requests');
  // The run's own line numbers (1-based, in the plan) agree with the anchors for an unchanged file.
  for (const s of demoRun(FILE)[0]!.type === 'start' ? (demoRun(FILE)[0] as Extract<ReturnType<typeof demoRun>[0], { type: 'start' }>).plan.scenarios : []) {
    for (const planStep of s.steps) assert.equal(step(s.name, planStep.index)?.line, planStep.line - 1, `${s.name} › ${planStep.name}`);
  }

  assert.deepEqual(lines.scenarios.map((s) => [s.scenario, s.line, s.text]), [
    ['browse', lineOf(TEXT, '  browse:'), '19.9/s of 20/s · 0 dropped · VUs 7/20'],
    ['shoppers', lineOf(TEXT, '  shoppers:'), '3 it/s · VUs 3/3 · 0 interrupted'],
  ]);
  const failed = lines.thresholds.filter((t) => !t.result.ok);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.range.start.line, lineOf(TEXT, 'checks: [rate>0.99]'));
  assert.equal(TEXT.split('\n')[failed[0]!.range.start.line]!.slice(failed[0]!.range.start.character, failed[0]!.range.end.character), 'rate>0.99');
  const quoted = lines.thresholds.find((t) => t.result.key === 'http_req_duration{step:add to cart}');
  assert.equal(quoted?.range.start.line, lineOf(TEXT, '{step:add to cart}'));
  // The diagnosis names a scenario: it sits on the scenario's name.
  assert.deepEqual(lines.diagnoses.map((d) => [d.diagnosis.id, d.range.start.line]), [['too-few-vus', lineOf(TEXT, '  browse:')]]);
});

test('figures follow their steps when lines are added above and a step is moved', async () => {
  const digest = digestRun(demoRun(FILE));
  const edited = TEXT.replace('scenarios:\n', 'scenarios:\n  # a comment\n\n')
    // `view cart` moves before `add to cart`: matched by name, not by position.
    .replace(/( {6}- name: add to cart\n(?:.*\n)*? {6}- think: 500ms\n)( {6}- name: view cart\n.*\n.*\n)/, '$2$1');
  assert.notEqual(edited, TEXT);
  const lines = mapResultsToLines(await factsOf(edited), digest);
  const at = (scenario: string, name: string) => lines.steps.find((s) => s.scenario === scenario && s.line === lineOf(edited, `- name: ${name}`));
  assert.ok(at('browse', 'list products'), 'list products moved down with the inserted lines');
  assert.equal(at('shoppers', 'view cart')?.text, 'p95 20 ms · 0% failed · 30 req');
  assert.equal(at('shoppers', 'add to cart')?.failing, true);
});

test('a renamed step keeps its figures by position; a removed scenario loses them', async () => {
  const digest = digestRun(demoRun(FILE));
  const edited = TEXT.replace('- name: product detail', '- name: product page').replace(/ {2}shoppers:[\s\S]*?(?=thresholds:)/, '');
  const lines = mapResultsToLines(await factsOf(edited), digest);
  assert.equal(lines.steps.find((s) => s.scenario === 'browse' && s.stepIndex === 1)?.line, lineOf(edited, '- name: product page'));
  assert.equal(lines.steps.some((s) => s.scenario === 'shoppers'), false);
  assert.deepEqual(lines.scenarios.map((s) => s.scenario), ['browse']);
});

test('a run file cut mid-line (the engine was killed) still gives every whole event', async () => {
  const events = demoRun(FILE).slice(0, 3);
  const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n' + '{"type":"aggregate","t":3,"scen';
  const parsed = parseRunFile(text);
  assert.deepEqual(parsed.events.map((e) => e.type), ['start', 'aggregate', 'aggregate']);
  assert.deepEqual(parsed.skipped, [{ line: 4, reason: 'cut short (the run was killed while writing)' }]);
  const digest = digestRun(parsed.events);
  assert.equal(digest.summary, undefined);
  assert.equal(digest.lastAggregate?.t, 2);
  assert.deepEqual(digest.peaks.get('browse'), { targetRate: 20, vusAllocated: 7 });
  // Without a summary, live step figures still map; scenario lenses wait for the summary.
  const lines = mapResultsToLines(await factsOf(TEXT), digest);
  assert.equal(lines.scenarios.length, 0);
  assert.equal(lines.steps.find((s) => s.scenario === 'browse' && s.stepIndex === 0)?.text, 'p95 41 ms · 0% failed · 19 req');
});

test('lines that are not events are skipped with their line numbers', () => {
  const parsed = parseRunFile('{"type":"end","exitCode":0}\nhello\n{"type":"nope"}\n\n');
  assert.deepEqual(parsed.events, [{ type: 'end', exitCode: 0 }]);
  assert.deepEqual(parsed.skipped.map((s) => s.line), [2, 3]);
});

test('with a baseline (volley.baseline): each step line says its p95 change, and the steps beyond the limit are regressions', async () => {
  const events = demoRun(FILE);
  const digest = digestRun(events);
  assert.ok(digest.summary);
  // The baseline: the same run, with "list products" 20% faster and "add to cart" failing less.
  const baseline = structuredClone(digest.summary);
  const browse = baseline.scenarios.find((s) => s.scenario === 'browse')!.steps[0]!;
  browse.duration.p95 = browse.duration.p95 / 1.2;
  const cart = baseline.scenarios.find((s) => s.scenario === 'shoppers')!.steps[1]!;
  cart.failed = 0;
  const lines = mapResultsToLines(await factsOf(TEXT), digest, { summary: baseline, maxRegression: 0.1 });
  const step = (scenario: string, index: number) => lines.steps.find((s) => s.scenario === scenario && s.stepIndex === index);
  assert.equal(step('browse', 0)?.text, 'p95 41 ms (+20% vs baseline) · 0% failed · 1,204 req');
  assert.match(step('shoppers', 1)?.text ?? '', /^p95 [\d.]+ ms \(±0% vs baseline\) · /);
  assert.deepEqual(
    lines.regressions.map((r) => [r.range.start.line, r.regression.step, r.regression.figure]),
    [
      [lineOf(TEXT, '- name: list products'), 'browse › list products', 'p95'],
      [lineOf(TEXT, '- name: add to cart'), 'shoppers › add to cart', 'failure rate'],
    ],
  );
  // Within the limit: no regression, the change still shown.
  const loose = mapResultsToLines(await factsOf(TEXT), digest, { summary: baseline, maxRegression: 0.25 });
  assert.deepEqual(loose.regressions.map((r) => r.regression.figure), ['failure rate']);
});
