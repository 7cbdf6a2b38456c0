// Flow control in the editor's views of a run, from a real run: the engine forked as the runner forks it,
// its run file read back as the panel and the inline review read it, and the language server's facts of
// the file placing each figure on its line — steps nested in repeat/group/choose/if on their own lines, a
// `group:` line with its group_duration, `group_duration{group:…}` thresholds on their expressions and in
// the Testing view's ids, and a `unique` data set that ran out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSP_REQUESTS, type FileFacts } from '../../src/protocol';
import { EngineProcess } from '../../src/extension/engine-process';
import { mapResultsToLines } from '../../src/extension/result-lines';
import { digestRun, parseRunFile, type RunDigest } from '../../src/extension/run-file';
import { thresholdId } from '../../src/extension/threshold-id';
import { dataExhaustedText, groupRows } from '../../src/webview/groups';
import { compareRows } from '../../src/compare';
import { editorThresholdActual } from '../../src/format';
import { startTarget, type Target } from '../support/target';
import { TestClient } from '../server/lsp-client';
import { engineBundle, type EngineBundle } from './helpers';

let engine: EngineBundle;
let target: Target;
let client: TestClient;
let dir: string;

before(async () => {
  engine = engineBundle();
  dir = mkdtempSync(join(tmpdir(), 'volley-ext-groups-'));
  target = await startTarget();
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
  await target.close();
  engine.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const ROWS = 8;

function scenarioText(): string {
  return `baseUrl: ${target.url}
data:
  users: { file: users.csv, pick: unique }
scenarios:
  shoppers:
    executor: shared-iterations
    vus: 2
    iterations: 20
    maxDuration: 10s
    flow:
      - name: login
        get: /ok?user={{ users.id }}
      - group: browse
        flow:
          - repeat: 3
            as: page
            flow:
              - name: list products
                get: /products?page={{ page }}
          - group: details
            flow:
              - name: view product
                get: /ok?product=1
      - choose:
          - weight: 1
            flow: [ { name: branch a, get: /ok?branch=a } ]
          - weight: 1
            flow:
              - name: branch b
                get: /ok?branch=b
      - if: "{{ iteration % 2 == 0 }}"
        flow:
          - name: even iteration
            get: /ok?even=1
        else:
          - name: odd iteration
            get: /ok?even=0
thresholds:
  "group_duration{group:browse}": [p(95)<5000]
  "group_duration{group:browse::details}": [max<0.001]
`;
}

async function run(name: string, text: string): Promise<{ digest: RunDigest; file: string; exitCode: number | undefined }> {
  writeFileSync(join(dir, 'users.csv'), ['id', ...Array.from({ length: ROWS }, (_, i) => String(i))].join('\n') + '\n');
  const file = join(dir, name);
  writeFileSync(file, text);
  const out = join(dir, `${name}.ndjson`);
  const process = new EngineProcess({ enginePath: engine.path, command: { type: 'run', file, out }, onEvent: () => undefined });
  const exit = await process.exited;
  return { digest: digestRun(parseRunFile(readFileSync(out, 'utf8')).events), file, exitCode: exit.endExitCode };
}

async function factsOf(file: string, text: string): Promise<FileFacts> {
  const uri = pathToFileURL(file).toString();
  await client.open(uri, text, 1);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.ok(facts);
  return facts;
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

test('groups, nested steps, group thresholds and a data set that ran out: in the panel\'s rows and on their lines', async () => {
  const text = scenarioText();
  const { digest, file, exitCode } = await run('groups.volley.yaml', text);
  assert.equal(exitCode, 99, 'the browse::details threshold fails');
  const summary = digest.summary;
  assert.ok(summary);
  const iterations = summary.scenarios[0].iterations;
  assert.equal(iterations, ROWS, 'the unique set ended the scenario after its rows');

  // The panel's "Per group" rows: passes, and the requests tagged with each group (not its nested group's).
  const rows = groupRows(summary.scenarios, digest.plan);
  assert.deepEqual(
    rows.map((r) => [r.scenario, r.group, r.passes, r.requests, r.failed]),
    [
      ['shoppers', 'browse', String(ROWS), String(3 * ROWS), '0%'],
      ['shoppers', 'browse::details', String(ROWS), String(ROWS), '0%'],
    ],
  );
  for (const r of rows) for (const figure of [r.avg, r.p50, r.p95, r.p99, r.max]) assert.match(figure, /^[\d.]+ (ms|s)$/);

  // The notice of the set that ran out, where the summary is shown.
  assert.deepEqual(summary.dataExhausted, [{ dataSet: 'users', rows: ROWS, scenarios: ['shoppers'] }]);
  assert.equal(dataExhaustedText(summary.dataExhausted![0]), `data set users: all ${ROWS} unique rows were used; scenario "shoppers" started no more iterations`);

  // The inline review: every step on its own line, nested ones too, and the group lines with their figures.
  const facts = await factsOf(file, text);
  const lines = mapResultsToLines(facts, digest);
  const stepAt = (name: string) => lines.steps.find((s) => s.line === lineOf(text, `name: ${name}`));
  const requestsOf = (name: string): number => summary.scenarios[0].steps.find((s) => s.step === name)!.requests;
  for (const name of ['login', 'list products', 'view product', 'branch b', 'even iteration', 'odd iteration']) {
    const anchor = stepAt(name);
    assert.ok(anchor, `${name} has figures on its line`);
    assert.match(anchor.text, new RegExp(`· ${requestsOf(name)} req$`), `${name}: ${anchor.text}`);
  }
  // The one-line branch is on its own line too (the flow item's line).
  assert.ok(lines.steps.some((s) => s.line === lineOf(text, 'name: branch a') && s.text.endsWith(`· ${requestsOf('branch a')} req`)));
  assert.equal(requestsOf('list products'), 3 * ROWS);
  assert.equal(requestsOf('branch a') + requestsOf('branch b'), ROWS);
  assert.equal(requestsOf('even iteration') + requestsOf('odd iteration'), ROWS);
  assert.deepEqual(
    lines.groups.map((g) => [g.group, g.line]),
    [
      ['browse', lineOf(text, 'group: browse')],
      ['browse::details', lineOf(text, 'group: details')],
    ],
  );
  for (const g of lines.groups) assert.match(g.text, new RegExp(`^p95 [\\d.]+ (ms|s) · ${ROWS} passes$`));

  // group_duration thresholds: on their expressions' lines, as durations, and matched by the Testing view's ids.
  assert.deepEqual(
    lines.thresholds.map((t) => [t.result.key, t.result.ok, t.range.start.line]),
    [
      ['group_duration{group:browse}', true, lineOf(text, '"group_duration{group:browse}"')],
      ['group_duration{group:browse::details}', false, lineOf(text, '"group_duration{group:browse::details}"')],
    ],
  );
  for (const t of summary.thresholds) assert.match(editorThresholdActual(t.actual, t.metric), /^[\d.]+ (ms|s)$/);
  const itemIds = facts.thresholds.flatMap((t) => t.expressions.map((e) => thresholdId(t.name, e.text)));
  assert.deepEqual(summary.thresholds.map((r) => thresholdId(r.key, r.source)), itemIds);

  // Two runs compared: each group's p95 is a row of the delta table.
  const events = parseRunFile(readFileSync(join(dir, 'groups.volley.yaml.ndjson'), 'utf8')).events;
  const compared = compareRows(events, events).filter((r) => r.name.includes('group'));
  assert.deepEqual(compared.map((r) => [r.name, r.verdict]), [
    ['shoppers › group browse p95', 'same'],
    ['shoppers › group browse::details p95', 'same'],
  ]);
});
