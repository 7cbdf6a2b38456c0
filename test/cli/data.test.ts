// `data:` sets through the real CLI against a real target: unique rows exactly once over 2 worker threads
// and over 2 execution-segment processes, a unique set running out (the scenario stops, the summary and its
// export say so), sequential rows evenly across workers, per-vu rows stable, random rows from the set, JSON
// files; and every bad data file as one located line from `volley validate`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
let target: Target;
before(async () => {
  ws = workspace();
  mkdirSync(join(ws.dir, 'data'), { recursive: true });
  target = await startTarget();
});
after(async () => {
  await target.close();
  ws.cleanup();
});

/** A CSV of `rows` users: id, email, and a password with a comma and a quote (RFC 4180 quoting). */
function usersCsv(name: string, rows: number): void {
  const lines = ['id,email,password'];
  for (let i = 0; i < rows; i++) lines.push(`${i},u${i}@example.test,"p,${i}""q"`);
  ws.file(`data/${name}`, lines.join('\r\n') + '\r\n');
}

function scenarioFile(name: string, data: string, executor: string, url: string): string {
  return ws.file(
    name,
    `baseUrl: ${target.url}
data:
${data}
scenarios:
  users:
${executor}
    flow:
      - get: "${url}"
`,
  );
}

/** The query of every request to `path` since `since`, decoded. */
function queries(path: string, since: number): URLSearchParams[] {
  return target.received
    .slice(since)
    .filter((r) => r.url.startsWith(`${path}?`))
    .map((r) => new URL(r.url, target.url).searchParams);
}

/** Runs a one-step scenario reading `data`; the query of every request it sent to `path`. */
async function runQueries(name: string, data: string, executor: string, path: string, query: string, workers: number): Promise<URLSearchParams[]> {
  const since = target.received.length;
  const file = scenarioFile(`${name}.volley.yaml`, data, executor, `${path}?${query}`);
  const r = await volley(ws, ['run', file, '--workers', String(workers), '--no-store', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return queries(path, since);
}

test('unique: with 2 workers every row is sent exactly once, then the scenario stops and the summary says so', async () => {
  usersCsv('unique.csv', 40);
  const since = target.received.length;
  const exported = join(ws.dir, 'unique-summary.json');
  const path = scenarioFile(
    'unique.volley.yaml',
    '  users: { file: data/unique.csv, pick: unique }',
    '    executor: constant-vus\n    vus: 4\n    duration: 20s',
    '/unique?email={{ users.email }}&password={{ urlencode(users.password) }}',
  );
  const started = Date.now();
  const r = await volley(ws, ['run', path, '--workers', '2', '--no-store', '--summary-export', exported]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - started < 15_000, 'the scenario ended when the rows ran out, not at its duration');
  const sent = queries('/unique', since);
  assert.equal(sent.length, 40);
  assert.deepEqual(sent.map((q) => q.get('email')).sort(), Array.from({ length: 40 }, (_, i) => `u${i}@example.test`).sort());
  // The quoted field arrives decoded: `"p,7""q"` is p,7"q.
  for (const q of sent) assert.equal(q.get('password'), `p,${q.get('email')!.slice(1).split('@')[0]}"q`);
  assert.match(r.stdout, /data set users: all 40 unique rows were used; scenario "users" started no more iterations/);
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as { dataExhausted?: unknown };
  assert.deepEqual(summary.dataExhausted, [{ dataSet: 'users', rows: 40, scenarios: ['users'] }]);
});

test('unique: two execution segments never send the same row', async () => {
  usersCsv('segments.csv', 30);
  const since = target.received.length;
  const path = scenarioFile(
    'segments.volley.yaml',
    '  users: { file: data/segments.csv, pick: unique }',
    '    executor: constant-vus\n    vus: 4\n    duration: 20s',
    '/segments?email={{ users.email }}',
  );
  const runs = await Promise.all(
    ['0:1/2', '1/2:1'].map((segment) =>
      volley(ws, ['run', path, '--execution-segment', segment, '--execution-segment-sequence', '0,1/2,1', '--workers', '2', '--no-store', '--quiet']),
    ),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const emails = queries('/segments', since).map((q) => q.get('email'));
  assert.equal(new Set(emails).size, emails.length, 'no row twice');
  assert.equal(emails.length, 30, 'between them the segments used every row');
});

test('sequential: the n-th iteration of the test reads row n mod rows, evenly across 2 workers', async () => {
  usersCsv('sequential.csv', 10);
  const sent = await runQueries('sequential', '  users: { file: data/sequential.csv }', '    executor: shared-iterations\n    vus: 4\n    iterations: 30', '/sequential', 'id={{ users.id }}', 2);
  const counts = new Map<string, number>();
  for (const q of sent) counts.set(q.get('id')!, (counts.get(q.get('id')!) ?? 0) + 1);
  assert.deepEqual(
    [...counts].sort((a, b) => Number(a[0]) - Number(b[0])),
    Array.from({ length: 10 }, (_, i) => [String(i), 3]),
  );
});

test('per-vu: global VU n keeps row (n − 1) mod rows, across 2 workers; a JSON file reads the same', async () => {
  ws.file('data/people.json', JSON.stringify([{ id: 0, name: 'ann' }, { id: 1, name: 'bob' }, { id: 2, name: 'cy' }], null, 2));
  const sent = await runQueries(
    'per-vu',
    '  people: { file: data/people.json, pick: per-vu }',
    '    executor: per-vu-iterations\n    vus: 5\n    iterations: 3',
    '/per-vu',
    'vu={{ vu }}&id={{ people.id }}&name={{ people.name }}',
    2,
  );
  assert.equal(sent.length, 15);
  const names = ['ann', 'bob', 'cy'];
  for (const q of sent) {
    const row = (Number(q.get('vu')) - 1) % 3;
    assert.equal(q.get('id'), String(row));
    assert.equal(q.get('name'), names[row]);
  }
  assert.deepEqual(new Set(sent.map((q) => q.get('vu'))), new Set(['1', '2', '3', '4', '5']));
});

test('random: every iteration reads a row of the set, all templates of one iteration the same row', async () => {
  usersCsv('random.csv', 5);
  const sent = await runQueries('random', '  users: { file: data/random.csv, pick: random }', '    executor: shared-iterations\n    vus: 2\n    iterations: 60', '/random', 'id={{ users.id }}&email={{ users.email }}', 1);
  assert.equal(sent.length, 60);
  for (const q of sent) assert.equal(q.get('email'), `u${q.get('id')}@example.test`);
  const ids = new Set(sent.map((q) => q.get('id')));
  for (const id of ids) assert.ok(['0', '1', '2', '3', '4'].includes(id!));
  // 60 draws from 5 rows miss a row with probability 5·(4/5)^60 ≈ 8e-6.
  assert.equal(ids.size, 5);
});

test('volley validate: every bad data file or data read is one file:line:col line, exit 1, never a stack', async () => {
  ws.file('data/good.csv', 'email,password\na@x,1\n');
  ws.file('data/ragged.csv', 'email,password\na@x,1\nb@x\n');
  ws.file('data/unclosed.csv', 'email,password\n"a@x,1\n');
  ws.file('data/empty.csv', 'email,password\n');
  ws.file('data/object.json', '{ "email": "a@x" }');
  ws.file('data/numbers.json', '[{ "email": "a@x" },\n 7]');
  const cases: Array<{ data: string; url?: string; expected: (path: string) => string }> = [
    { data: '  users: { file: data/missing.csv }', expected: (p) => `${p}:3:18: error: data set users: "data/missing.csv" (${join(ws.dir, 'data', 'missing.csv')}): no such file` },
    { data: '  users: { file: data }', expected: (p) => `${p}:3:18: error: data set users: "data" (${join(ws.dir, 'data')}): it is a directory, not a file` },
    { data: '  users: { file: data/ragged.csv }', expected: (p) => `${p}:3:18: error: data set users: data/ragged.csv:3: bad CSV: Invalid Record Length: expect 2, got 1 on line 3` },
    { data: '  users: { file: data/unclosed.csv }', expected: (p) => `${p}:3:18: error: data set users: data/unclosed.csv:2: bad CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2` },
    { data: '  users: { file: data/empty.csv }', expected: (p) => `${p}:3:18: error: data set users: "data/empty.csv" (${join(ws.dir, 'data', 'empty.csv')}): the data set is empty: it has no rows` },
    { data: '  users: { file: data/object.json }', expected: (p) => `${p}:3:18: error: data set users: data/object.json:1: the JSON file must hold an array of objects: \`[ { "email": "…" }, … ]\`` },
    { data: '  users: { file: data/numbers.json }', expected: (p) => `${p}:3:18: error: data set users: data/numbers.json:2: element 2 of the array is not an object: each element is one row, e.g. { "email": "…" }` },
    { data: '  users: { file: data/good.csv }', url: '/x?e={{ users.emial }}', expected: (p) => `${p}:10:29: error: data set "users" has no column "emial" — did you mean "email"? (its columns: email, password)` },
    { data: '  users: { file: data/good.csv, pick: uniqe }', expected: (p) => `${p}:3:39: error: pick "uniqe" is not one of sequential, random, unique, per-vu: did you mean "unique"?` },
  ];
  for (const [i, c] of cases.entries()) {
    const path = scenarioFile(`bad-${i}.volley.yaml`, c.data, '    executor: shared-iterations\n    vus: 1\n    iterations: 1', c.url ?? '/x?e={{ users.email }}');
    const r = await volley(ws, ['validate', path]);
    assert.equal(r.code, 1, `case ${i}: ${r.stdout}`);
    assert.equal(r.stdout, `${c.expected(path)}\n`, `case ${i}`);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  }
  const fine = scenarioFile('fine.volley.yaml', '  users: { file: data/good.csv }', '    executor: shared-iterations\n    vus: 1\n    iterations: 1', '/x?e={{ users.email }}');
  const ok = await volley(ws, ['validate', fine]);
  assert.equal(ok.code, 0, ok.stdout);
});
