// Flow control through the real CLI against a real target: what the server receives is what `repeat`
// (with its `as` index and a template count), `if`/`else`, `choose` (within binomial bounds) and `group`
// make of a flow; group_duration and the `group` tag in the summary, its export and thresholds (one that
// passes, one that fails with the threshold exit code). Every run is bounded by an iteration count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSP_REQUESTS } from '../../src/protocol';
import { mapResultsToLines } from '../../src/extension/result-lines';
import { digestRun, parseRunFile } from '../../src/extension/run-file';
import { TestClient } from '../server/lsp-client';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
let target: Target;
before(async () => {
  ws = workspace();
  target = await startTarget();
});
after(async () => {
  await target.close();
  ws.cleanup();
});

/** The paths (with queries) the target received under `prefix` since `since`. */
function paths(prefix: string, since: number): string[] {
  return target.received
    .slice(since)
    .map((r) => r.url)
    .filter((u) => u.startsWith(prefix));
}

function query(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://x').searchParams);
}

test('repeat runs its flow N times with the 0-based index as `as`; a template count; if/else per condition', async () => {
  const since = target.received.length;
  const path = ws.file(
    'repeat.volley.yaml',
    `baseUrl: ${target.url}
variables:
  pages: 2
scenarios:
  s:
    executor: per-vu-iterations
    vus: 2
    iterations: 3
    flow:
      - repeat: 3
        as: page
        flow:
          - name: list
            get: /r/list?vu={{ vu }}&it={{ iteration }}&page={{ page }}
      - repeat: "{{ pages }}"
        as: k
        flow:
          - name: by template
            get: /r/tpl?vu={{ vu }}&it={{ iteration }}&k={{ k }}
      - if: "{{ iteration % 2 == 0 }}"
        flow:
          - name: even
            get: /r/even?vu={{ vu }}&it={{ iteration }}
        else:
          - name: odd
            get: /r/odd?vu={{ vu }}&it={{ iteration }}
`,
  );
  const exported = join(ws.dir, 'repeat.json');
  const r = await volley(ws, ['run', path, '--workers', '1', '--no-store', '--quiet', '--summary-export', exported]);
  assert.equal(r.code, 0, r.stderr);

  const list = paths('/r/list', since).map(query);
  assert.equal(list.length, 2 * 3 * 3);
  const pagesByPass = new Map<string, string[]>();
  for (const q of list) pagesByPass.set(`${q.vu}/${q.it}`, [...(pagesByPass.get(`${q.vu}/${q.it}`) ?? []), q.page]);
  assert.equal(pagesByPass.size, 6);
  for (const pages of pagesByPass.values()) assert.deepEqual(pages, ['0', '1', '2'], 'rounds in order, 0-based');

  const byTemplate = paths('/r/tpl', since).map(query);
  assert.equal(byTemplate.length, 2 * 3 * 2);
  assert.deepEqual(new Set(byTemplate.map((q) => q.k)), new Set(['0', '1']));

  const even = paths('/r/even', since).map(query);
  const odd = paths('/r/odd', since).map(query);
  assert.equal(even.length + odd.length, 6, 'one of the two per iteration');
  assert.ok(even.every((q) => Number(q.it) % 2 === 0) && odd.every((q) => Number(q.it) % 2 === 1));
  assert.equal(even.length, 4);

  // Nested steps keep their own rows, in document order.
  const summary = JSON.parse(readFileSync(exported, 'utf8'));
  assert.deepEqual(
    summary.scenarios[0].steps.map((s: { step: string; stepIndex: number; requests: number }) => [s.step, s.stepIndex, s.requests]),
    [
      ['list', 0, 18],
      ['by template', 1, 12],
      ['even', 2, 4],
      ['odd', 3, 2],
    ],
  );
});

test('choose takes one branch per iteration by weight: 1,000 iterations at 70/30 within 6 sigma', async () => {
  const since = target.received.length;
  const path = ws.file(
    'choose.volley.yaml',
    `baseUrl: ${target.url}
scenarios:
  s:
    executor: shared-iterations
    vus: 4
    iterations: 1000
    maxDuration: 60s
    flow:
      - choose:
          - weight: 70
            flow: [ { name: seventy, get: /c/seventy } ]
          - weight: 30
            flow:
              - name: thirty
                get: /c/thirty
      - name: after
        get: /c/after
`,
  );
  const r = await volley(ws, ['run', path, '--workers', '1', '--no-store', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const seventy = paths('/c/seventy', since).length;
  const thirty = paths('/c/thirty', since).length;
  assert.equal(seventy + thirty, 1000, 'exactly one branch per iteration');
  assert.equal(paths('/c/after', since).length, 1000);
  // Binomial(1000, 0.7): mean 700, sigma 14.5; 6 sigma is 87 (a false failure once in 500 million runs).
  assert.ok(Math.abs(seventy - 700) <= 87, `70% branch taken ${seventy} times of 1000`);
});

function groupFile(name: string, thresholds: string): string {
  return ws.file(
    name,
    `baseUrl: ${target.url}
scenarios:
  s:
    executor: per-vu-iterations
    vus: 2
    iterations: 3
    flow:
      - group: browse
        flow:
          - name: home
            get: /g/home
          - group: inner
            flow:
              - name: slow
                get: /slow?ms=30
      - name: outside
        get: /g/outside
thresholds:
${thresholds}`,
  );
}

test('group: its requests carry the group tag, each pass is a group_duration sample, nested as outer::inner, across 2 workers', async () => {
  const exported = join(ws.dir, 'groups.json');
  const path = groupFile(
    'groups.volley.yaml',
    `  "group_duration{group:browse}": [p(95)<5000, "min>=30"]
  "group_duration{group:::browse::inner}": ["min>=30"]
  "http_reqs{group:browse}": [count==6]
  "http_reqs{group:browse::inner}": [count==6]
  "http_req_duration{group:::browse}": [max<5000]
`,
  );
  // Two worker threads, one VU each: their group_duration windows merge into the main thread's.
  const r = await volley(ws, ['run', path, '--workers', '2', '--no-store', '--summary-export', exported]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const summary = JSON.parse(readFileSync(exported, 'utf8'));
  const groups = summary.scenarios[0].groups as Array<{ group: string; line: number; duration: { count: number; min: number } }>;
  assert.deepEqual(
    groups.map((g) => [g.group, g.line, g.duration.count]),
    [
      ['browse', 8, 6],
      ['browse::inner', 12, 6],
    ],
  );
  // A pass through browse holds the inner group's 30 ms request.
  assert.ok(groups[0].duration.min >= 30 && groups[1].duration.min >= 30);
  assert.ok(summary.thresholds.every((t: { ok: boolean }) => t.ok), JSON.stringify(summary.thresholds));
  assert.ok(summary.metrics.group_duration['p(95)'] >= 30);
  assert.deepEqual(Object.keys(summary.root_group.groups), ['browse']);
  assert.equal(summary.root_group.groups.browse.groups.inner.path, '::browse::inner');
  // The summary's per-group rows.
  assert.match(r.stdout, /group\s+passes\s+avg\s+p50\s+p95\s+p99\s+max\n\s+browse\s+6\s/);
  assert.match(r.stdout, /\n\s+browse::inner\s+6\s/);
});

test("a run's figures of nested steps land on their own lines in the editor (run file → the server's file facts)", async () => {
  const path = groupFile('inline.volley.yaml', '  "group_duration{group:browse}": [max<60000]\n');
  const runFile = join(ws.dir, 'inline.ndjson');
  const r = await volley(ws, ['run', path, '--workers', '1', '--no-store', '--quiet', '--out', `ndjson=${runFile}`]);
  assert.equal(r.code, 0, r.stderr);
  const client = new TestClient();
  try {
    await client.initialize();
    const facts = await client.request(LSP_REQUESTS.fileFacts, { uri: pathToFileURL(path).href });
    assert.ok(facts);
    const lines = mapResultsToLines(facts, digestRun(parseRunFile(readFileSync(runFile, 'utf8')).events));
    const text = readFileSync(path, 'utf8').split('\n');
    assert.deepEqual(
      lines.steps.map((l) => [l.stepIndex, text[l.line]!.trim(), l.text.endsWith('6 req')]),
      [
        [0, '- name: home', true],
        [1, '- name: slow', true],
        [2, '- name: outside', true],
      ],
    );
  } finally {
    await client.close();
  }
});

test('a group_duration threshold that fails: exit code 99 and the threshold marked crossed', async () => {
  const exported = join(ws.dir, 'groups-fail.json');
  const path = groupFile('groups-fail.volley.yaml', '  "group_duration{group:browse}": [p(95)<1]\n');
  const r = await volley(ws, ['run', path, '--workers', '1', '--no-store', '--quiet', '--summary-export', exported]);
  assert.equal(r.code, 99, r.stderr);
  const summary = JSON.parse(readFileSync(exported, 'utf8'));
  assert.equal(summary.metrics['group_duration{group:browse}'].thresholds['p(95)<1'], true);
});

test('validate: the checker reports flow-control mistakes at their place', async () => {
  const path = ws.file(
    'bad.volley.yaml',
    `baseUrl: ${target.url}
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /a
        repeat: 3
        flow: [ { get: /b } ]
      - repeat: 0
        flow: [ { get: /c } ]
      - choose:
          - weight: 0
            flow: [ { get: /d } ]
          - weight: lots
            flow: []
      - group: g
        flwo: [ { get: /e } ]
      - repeat: 2
        as: vu
        flow: [ { get: /f } ]
`,
  );
  const r = await volley(ws, ['validate', path]);
  assert.equal(r.code, 1);
  const lines = r.stdout + r.stderr;
  assert.match(lines, /bad\.volley\.yaml:8:9: error: a step with repeat holds steps, so it cannot also send GET: move get into a step of its flow/);
  assert.match(lines, /:11:17: error: repeat must be a whole number of at least 1, or a \{\{ \}\} template such as "\{\{ pages \}\}", not 0/);
  assert.match(lines, /:14:21: error: weight must be a number greater than 0, not 0/);
  assert.match(lines, /:16:21: error: weight must be a number greater than 0, not the text "lots"/);
  assert.match(lines, /:17:19: error: the flow of choose branch 2 is empty/);
  assert.match(lines, /:19:9: error: unknown key "flwo" in group \(line 18\), which takes group, flow: did you mean "flow"\?/);
  assert.match(lines, /:21:13: error: "vu" is a built-in template name/);
  assert.doesNotMatch(lines, /group \(line 18\) has no flow/, 'the misspelt key is the one error');
});
