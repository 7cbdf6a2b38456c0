// --out prometheus-rw against a real Prometheus (Debian's package; scripts/e2e/setup.sh installs it), started
// here on 127.0.0.1 with its remote-write receiver, a temp storage dir and no scrape targets. After a bounded
// run (20 iterations/s for 2 s), PromQL over its HTTP API gives the summary export's request total exactly
// and each step's p95 within 1% (the same HDR histograms; the tolerance covers float rounding only).
// A receiver that is down: the run ends on time and reports the dropped samples.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { startPrometheus, type PromVector, type Prometheus } from '../support/prometheus';
import { freePort, scenario, volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
let target: DemoServer;
let prometheus: Prometheus;
let promUrl: string;

before(async () => {
  ws = workspace();
  target = await startDemoServer({ port: 0, latencyMs: 5, seed: 2 });
  prometheus = await startPrometheus(ws.dir);
  promUrl = prometheus.url;
});
after(async () => {
  prometheus?.stop();
  await target.close();
  ws.cleanup();
});

const query = (promql: string): Promise<PromVector> => prometheus.query(promql);

test('a run pushed to Prometheus: the request total and each step p95 equal the summary export', async () => {
  const testid = `volley-test-${process.pid}`;
  const file = ws.file('prw.volley.yaml', scenario(target.url, { rate: 20, duration: '2s' }));
  const exported = join(ws.dir, 'summary.json');
  const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--out', `prometheus-rw=${promUrl}/api/v1/write`, '--summary-export', exported], {
    VOLLEY_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),avg,count',
    VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
    VOLLEY_PROMETHEUS_RW_TESTID: testid,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /prometheus-rw: \d+ samples dropped/);
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as {
    metrics: Record<string, Record<string, number>>;
    scenarios: Array<{ scenario: string; steps: Array<{ step: string; requests: number; duration: { p95: number } }> }>;
  };

  const total = await query(`sum(k6_http_reqs_total{testid="${testid}"})`);
  assert.equal(Number(total[0]?.value[1]), summary.metrics.http_reqs.count, `${JSON.stringify(total)}\n${prometheus.log()}`);
  const byStatus = await query(`sum by (name, method, status) (k6_http_reqs_total{testid="${testid}", scenario="browse"})`);
  assert.deepEqual(byStatus.map((s) => `${s.metric.name} ${s.metric.method} ${s.metric.status}`).sort(), ['add to cart POST 201', 'list products GET 200']);

  for (const step of summary.scenarios[0].steps) {
    const p95 = await query(`k6_http_req_duration_p95{testid="${testid}", scenario="browse", name="${step.step}"}`);
    assert.equal(p95.length, 1, JSON.stringify(p95));
    const seconds = Number(p95[0].value[1]);
    assert.ok(Math.abs(seconds * 1000 - step.duration.p95) <= step.duration.p95 * 0.01, `${step.step}: ${seconds * 1000} ms vs ${step.duration.p95} ms`);
    const count = await query(`k6_http_req_duration_count{testid="${testid}", name="${step.step}"}`);
    assert.equal(Number(count[0].value[1]), step.requests);
  }
  const iterations = await query(`k6_iterations_total{testid="${testid}"}`);
  assert.equal(Number(iterations[0].value[1]), summary.metrics.iterations.count);
  const failed = await query(`k6_http_req_failed_rate{testid="${testid}", name="list products"}`);
  assert.equal(Number(failed[0].value[1]), 0);
});

test('a receiver that is down: the run finishes on time and reports the dropped samples', async () => {
  const file = ws.file('down.volley.yaml', scenario(target.url, { rate: 10, duration: '1s' }));
  const down = await freePort();
  const started = Date.now();
  const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--out', `prometheus-rw=http://127.0.0.1:${down}/api/v1/write`], { VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL: '500ms' });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.code, 0, r.stderr);
  // 1 s of load, then at most the 5 s the end waits for the last push; the rest is process start-up.
  assert.ok(seconds < 10, `took ${seconds} s`);
  assert.match(r.stderr, /warning: --out prometheus-rw: \d+ samples dropped, 0 delivered \(last error: ECONNREFUSED/);
});

test('bad prometheus-rw settings are refused before the run', async () => {
  const file = ws.file('bad.volley.yaml', scenario(target.url, { rate: 1, duration: '1s' }));
  const stat = await volley(ws, ['run', file, '--out', `prometheus-rw=${promUrl}/api/v1/write`], { VOLLEY_PROMETHEUS_RW_TREND_STATS: 'p95' });
  assert.equal(stat.code, 104);
  assert.match(stat.stderr, /VOLLEY_PROMETHEUS_RW_TREND_STATS: "p95" is not a trend stat/);
  const url = await volley(ws, ['run', file, '--out', 'prometheus-rw=localhost:9090']);
  assert.equal(url.code, 104);
  assert.match(url.stderr, /an http:\/\/ or https:\/\/ URL/);
});
