// Failure samples (issue #18) on real runs against a real target on 127.0.0.1: per step and kind, the first
// 3 and 5 later picks, bounded under thousands of failures; secrets redacted in the run file; merged over 2
// worker threads and over 2 execution segments by `volley merge`; printed by the CLI summary and by
// `volley report RUN.ndjson --samples`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FailureSampleGroup, RunSummary } from '../../src/protocol';
import { BODY_START_CHARS } from '../../src/engine/samples/capture';
import { mergeFailureSamples } from '../../src/engine/samples/merge';
import { FIRST_KEPT, MAX_GROUPS, RESERVOIR } from '../../src/engine/samples/sampler';
import { compile, run } from '../engine/harness';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { startTarget, type Target } from '../support/target';

const SECRET = 'Zq7-secret-token-9f41c2';
const CAPTURED = 'Kx3-setup-captured-77ab';
const BIG_BODY = 'x'.repeat(20 * 1024);

let target: Target;
let closedPort: number;
let ws: Workspace;

before(async () => {
  target = await startTarget({
    routes: {
      '/big': (_req, res) => {
        res.statusCode = 503;
        res.end(BIG_BODY);
      },
      '/gz': (_req, res) => {
        res.statusCode = 500;
        res.setHeader('content-encoding', 'gzip');
        res.end(gzipSync(JSON.stringify({ error: 'out of stock', pad: 'y'.repeat(5000) })));
      },
      '/login': (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ value: CAPTURED }));
      },
      // Echoes what it was sent, with the secret once more just across the body start's end.
      '/echo-fail': (req, res, body) => {
        res.statusCode = 500;
        res.setHeader('x-echo-auth', String(req.headers.authorization));
        res.setHeader('x-echo-trace', String(req.headers['x-trace']));
        res.end(`${'a'.repeat(BODY_START_CHARS - 6)}${SECRET} url=${req.url} auth=${req.headers.authorization} trace=${req.headers['x-trace']} body=${body}`);
      },
    },
  });
  // A port nobody listens on: its requests are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  ws = workspace();
});

after(async () => {
  await target.close();
  ws.cleanup();
});

function groupsOf(summary: RunSummary): FailureSampleGroup[] {
  assert.ok(summary.failureSamples, 'the summary has failure samples');
  return summary.failureSamples;
}

function assertBounded(group: FailureSampleGroup): void {
  assert.ok(group.samples.length <= FIRST_KEPT + RESERVOIR, `${group.step}: ${group.samples.length} samples`);
  assert.equal(group.samples.filter((s) => s.first).length, Math.min(FIRST_KEPT, group.count));
  for (const s of group.samples) {
    assert.ok((s.response?.bodyStart ?? '').length <= BODY_START_CHARS);
    assert.ok((s.request.bodyStart ?? '').length <= BODY_START_CHARS);
  }
  const times = group.samples.map((s) => s.time);
  assert.deepEqual(times.slice(0, FIRST_KEPT), [...times.slice(0, FIRST_KEPT)].sort(), 'the first ones in time order');
}

describe('failure samples in one run', () => {
  it('keeps the first 3 and 5 later per step and kind, bounded under thousands of failures', async () => {
    const iterations = 2500;
    const plan = compile(`baseUrl: ${target.url}
scenarios:
  failing:
    executor: shared-iterations
    vus: 10
    iterations: ${iterations}
    maxDuration: 60s
    flow:
      - name: big
        get: /big
      - name: missing
        get: /status/404
      - name: gzipped
        get: /gz
      - name: refused
        get: http://127.0.0.1:${closedPort}/nothing
      - name: fine
        get: /products
`);
    const { summary } = await run(plan).finished;
    const groups = groupsOf(summary);
    const byStep = new Map(groups.map((g) => [g.step, g]));
    assert.deepEqual([...byStep.keys()].sort(), ['big', 'gzipped', 'missing', 'refused'], 'successful steps keep nothing');
    assert.equal(byStep.get('big')!.errorClass, 'http-status');
    assert.equal(byStep.get('big')!.status, 503);
    assert.equal(byStep.get('missing')!.status, 404);
    assert.equal(byStep.get('refused')!.errorClass, 'refused');
    for (const group of groups) {
      assert.equal(group.count, iterations, `${group.step}: every failure counted`);
      assert.equal(group.samples.length, FIRST_KEPT + RESERVOIR);
      assertBounded(group);
    }
    const big = byStep.get('big')!.samples[0];
    assert.equal(big.request.method, 'GET');
    assert.equal(big.request.url, `${target.url}/big`);
    assert.equal(big.response!.status, 503);
    assert.equal(big.response!.bodySize, BIG_BODY.length);
    assert.equal(big.response!.bodyStart, 'x'.repeat(BODY_START_CHARS));
    assert.ok(big.timings.duration > 0);
    assert.match(byStep.get('gzipped')!.samples[0].response!.bodyStart!, /^\{"error":"out of stock"/, 'a compressed body is decoded');
    const refused = byStep.get('refused')!.samples[0];
    assert.equal(refused.response, undefined);
    assert.match(refused.error!, /ECONNREFUSED|refused/i);
    // The bound in bytes: 4 groups of 8 samples, whatever the failure count.
    const bytes = JSON.stringify(groups).length;
    assert.ok(bytes < 4 * 8 * 4096, `${bytes} bytes of samples`);
  });

  it('keeps at most MAX_GROUPS kinds however many statuses fail', async () => {
    const statuses = Array.from({ length: MAX_GROUPS + 6 }, (_, i) => 400 + i);
    const plan = compile(`baseUrl: ${target.url}
scenarios:
  statuses:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
${statuses.map((s) => `      - get: /status/${s}`).join('\n')}
`);
    const { summary } = await run(plan).finished;
    assert.equal(groupsOf(summary).length, MAX_GROUPS);
  });
});

describe('mergeFailureSamples', () => {
  const sample = (time: string, first: boolean) => ({
    time,
    first,
    request: { method: 'GET', url: 'http://127.0.0.1/x', headers: [], bodySize: 0 },
    timings: { blocked: 0, queued: 0, connecting: 0, tlsHandshaking: 0, sending: 0, waiting: 1, receiving: 0, duration: 1 },
  });
  const part = (prefix: string, count: number): FailureSampleGroup[] => [
    {
      scenario: 's',
      step: 'a',
      stepIndex: 0,
      errorClass: 'http-status',
      status: 500,
      count,
      samples: [
        ...[1, 2, 3].map((i) => sample(`2026-01-01T00:00:0${i}.${prefix}Z`, true)),
        ...[4, 5, 6, 7, 8].map((i) => sample(`2026-01-01T00:00:0${i}.${prefix}Z`, false)),
      ],
    },
  ];

  it('adds counts, keeps the earliest first ones and at most 5 later ones', () => {
    const [merged] = mergeFailureSamples([part('100', 1000), part('050', 10)]);
    assert.equal(merged.count, 1010);
    assert.equal(merged.samples.length, FIRST_KEPT + RESERVOIR);
    assert.deepEqual(
      merged.samples.filter((s) => s.first).map((s) => s.time),
      ['2026-01-01T00:00:01.050Z', '2026-01-01T00:00:01.100Z', '2026-01-01T00:00:02.050Z'],
    );
  });

  it('picks later samples in proportion to the failures each part stands for', () => {
    let fromBig = 0;
    let draws = 0;
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 200; i++) {
      const [merged] = mergeFailureSamples([part('100', 10_000), part('050', 10)], random);
      for (const s of merged.samples.filter((x) => !x.first)) {
        draws++;
        if (s.time.endsWith('.100Z')) fromBig++;
      }
    }
    assert.ok(fromBig / draws > 0.9, `${fromBig} of ${draws} later picks from the part with 1000× the failures`);
  });
});

describe('failure samples through the CLI', () => {
  const scenario = (iterations: number): string => `baseUrl: ${target.url}
setup:
  - name: login
    post: /login
    capture: { session: json.value }
scenarios:
  api:
    executor: shared-iterations
    vus: 4
    iterations: ${iterations}
    flow:
      - name: order
        post: /echo-fail?token={{ env.TOKEN }}
        headers: { Authorization: "Bearer {{ env.TOKEN }}", X-Trace: "{{ session }}" }
        json: { note: "{{ env.TOKEN }}" }
`;

  it('redacts every secret in the run file, merges 2 workers, prints one sample per kind and all with report --samples', async () => {
    const file = ws.file('secret.volley.yaml', scenario(200));
    const out = `${ws.dir}/secret.ndjson`;
    const ran = await volley(ws, ['run', file, '--workers', '2', '--out', `ndjson=${out}`, '--no-store', '--quiet', '-e', `TOKEN=${SECRET}`]);
    assert.equal(ran.code, 0, ran.stderr);
    const text = readFileSync(out, 'utf8');
    for (const leak of [SECRET, SECRET.slice(0, 8), CAPTURED]) {
      assert.ok(!text.includes(leak), `the run file holds "${leak}"`);
      assert.ok(!ran.stdout.includes(leak), `the summary holds "${leak}"`);
    }
    const summary = (JSON.parse(text.trim().split('\n').find((l) => l.startsWith('{"type":"summary"'))!) as { summary: RunSummary }).summary;
    const [group] = groupsOf(summary);
    assert.equal(group.count, 200, 'both workers counted');
    assertBounded(group);
    const s = group.samples[0];
    assert.equal(s.request.url, `${target.url}/echo-fail?token=[redacted]`);
    assert.deepEqual(s.request.headers.find(([n]) => n === 'Authorization'), ['Authorization', '[redacted]']);
    assert.deepEqual(s.request.headers.find(([n]) => n === 'X-Trace'), ['X-Trace', '[redacted]']);
    assert.equal(s.request.bodyStart, '{"note":"[redacted]"}');
    assert.match(s.response!.bodyStart!, /^a+\[redac/, 'the secret across the cut is redacted before the cut');

    assert.match(ran.stdout, /failed requests, the latest of each kind/);
    assert.match(ran.stdout, /✗ order · HTTP 500 × 200/);
    assert.match(ran.stdout, new RegExp(`POST ${target.url.replace(/[.]/g, '\\.')}/echo-fail\\?token=\\[redacted\\] → 500`));

    const report = await volley(ws, ['report', out, '--samples']);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(report.stdout.match(/^ {4}#\d+ /gm)?.length, group.samples.length, 'every kept sample listed');
    assert.match(report.stdout, /api \/ order · HTTP 500 × 200 \(8 kept\)/);
    assert.match(report.stdout, /Authorization: \[redacted\]/);
    assert.match(report.stdout, /timings: blocked/);
    assert.ok(!report.stdout.includes(SECRET));

    const missing = await volley(ws, ['report', `${ws.dir}/nope.ndjson`, '--samples']);
    assert.equal(missing.code, 104);
    assert.match(missing.stderr, /nope\.ndjson: cannot read: no such file/);
  });

  it('merges the samples of 2 execution segments with volley merge', async () => {
    const file = ws.file('segments.volley.yaml', scenario(60));
    const parts = ['0:1/2', '1/2:1'];
    const outs = parts.map((_, i) => `${ws.dir}/part${i}.ndjson`);
    const ran = await Promise.all(
      parts.map((segment, i) =>
        volley(ws, ['run', file, '--execution-segment', segment, '--execution-segment-sequence', '0,1/2,1', '--workers', '1', '--out', `ndjson=${outs[i]}`, '--no-store', '--quiet', '-e', `TOKEN=${SECRET}`]),
      ),
    );
    for (const r of ran) assert.equal(r.code, 0, r.stderr);
    const counts = outs.map((o) => groupsOf((JSON.parse(readFileSync(o, 'utf8').split('\n').find((l) => l.startsWith('{"type":"summary"'))!) as { summary: RunSummary }).summary)[0].count);
    assert.equal(counts[0] + counts[1], 60);
    const merged = `${ws.dir}/merged.ndjson`;
    const merge = await volley(ws, ['merge', ...outs, '--out', `ndjson=${merged}`, '--quiet']);
    assert.equal(merge.code, 0, merge.stderr);
    const summary = (JSON.parse(readFileSync(merged, 'utf8').split('\n').find((l) => l.startsWith('{"type":"summary"'))!) as { summary: RunSummary }).summary;
    const [group] = groupsOf(summary);
    assert.equal(group.count, 60);
    assertBounded(group);
    assert.equal(group.samples.length, FIRST_KEPT + RESERVOIR);
    assert.ok(!readFileSync(merged, 'utf8').includes(SECRET));
  });
});
