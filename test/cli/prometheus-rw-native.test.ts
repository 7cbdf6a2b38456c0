// Trends as native histograms (VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true, k6's
// K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM) against a real Prometheus started with
// --enable-feature=native-histograms: histogram_quantile(0.95, …) of each step falls in the schema-3 bucket
// (bounds 2^(1/8) apart: 9.05%) of the summary export's p95 or a neighbouring one — Prometheus ranks at q·n
// and interpolates inside the bucket, k6 interpolates between the samples at q·(n−1), so a rank can land one
// bucket over: at most two bucket widths (18.9%) apart, measured 0–14% — histogram_count with the request
// count, and every request phase k6 pushes is there. Then `volley k8s --out prometheus-rw`: two pods' own
// command lines, run here, push under one testid, and Prometheus sums them to the merged run's total.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { startPrometheus, type Prometheus } from '../support/prometheus';
import { volley, workspace, type Workspace } from './helpers';

import { bucketIndex } from '../../src/engine/output/prometheus-rw/native-histogram';

let ws: Workspace;
let target: DemoServer;
let prometheus: Prometheus;

before(async () => {
  ws = workspace();
  target = await startDemoServer({ port: 0, latencyMs: 15, seed: 5 });
  prometheus = await startPrometheus(ws.dir, ['native-histograms']);
});
after(async () => {
  prometheus?.stop();
  await target.close();
  ws.cleanup();
});

const scenarioText = (baseUrl: string): string => `name: native histograms
baseUrl: ${baseUrl}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 50
    timeUnit: 1s
    duration: 3s
    preAllocatedVUs: 6
    maxVUs: 12
    flow:
      - name: list products
        get: /products?page={{ iteration % 10 }}
        check: { status: 200 }
      - group: details
        flow:
          - name: one product
            get: /products/1
`;

interface Summary {
  metrics: Record<string, Record<string, number>>;
  scenarios: Array<{ scenario: string; steps: Array<{ step: string; requests: number; duration: { p95: number } }> }>;
}

test('trends as native histograms: histogram_quantile(0.95) per step in the summary p95 bucket or a neighbour', async () => {
  const testid = `native-${process.pid}`;
  const file = ws.file('native.volley.yaml', scenarioText(target.url));
  const exported = join(ws.dir, 'summary.json');
  const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--out', `prometheus-rw=${prometheus.url}/api/v1/write`, '--summary-export', exported], {
    VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
    VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
    VOLLEY_PROMETHEUS_RW_TESTID: testid,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /samples dropped/);
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as Summary;
  const steps = summary.scenarios[0].steps;
  assert.deepEqual(steps.map((s) => s.step), ['list products', 'one product']);
  for (const step of steps) {
    const selector = `k6_http_req_duration_seconds{testid="${testid}", scenario="browse", name="${step.step}"}`;
    const p95 = await prometheus.query(`histogram_quantile(0.95, ${selector})`);
    assert.equal(p95.length, 1, `${JSON.stringify(p95)}\n${prometheus.log()}`);
    const ms = Number(p95[0].value[1]) * 1000;
    const apart = `${step.step}: Prometheus p95 ${ms.toFixed(2)} ms, summary ${step.duration.p95} ms (${((Math.abs(ms - step.duration.p95) / step.duration.p95) * 100).toFixed(1)}% apart)`;
    assert.ok(Math.abs(bucketIndex(ms / 1000) - bucketIndex(step.duration.p95 / 1000)) <= 1, apart);
    process.stdout.write(`# ${apart}\n`);
    const count = await prometheus.query(`histogram_count(${selector})`);
    assert.equal(Number(count[0].value[1]), step.requests);
  }
  // The stat gauges are not pushed with native histograms; k6's phases, iteration and group durations are.
  assert.deepEqual(await prometheus.query(`k6_http_req_duration_p99{testid="${testid}"}`), []);
  const names = new Set((await prometheus.query(`{testid="${testid}", __name__=~"k6_.*_seconds"}`)).map((s) => s.metric.__name__));
  for (const name of [
    'k6_http_req_duration_seconds',
    'k6_http_req_blocked_seconds',
    'k6_http_req_connecting_seconds',
    'k6_http_req_tls_handshaking_seconds',
    'k6_http_req_sending_seconds',
    'k6_http_req_waiting_seconds',
    'k6_http_req_receiving_seconds',
    'k6_volley_req_queued_seconds',
    'k6_iteration_duration_seconds',
    'k6_group_duration_seconds',
  ]) {
    assert.ok(names.has(name), `${name} missing from ${[...names].join(', ')}`);
  }
  const group = await prometheus.query(`histogram_count(k6_group_duration_seconds{testid="${testid}", group="details"})`);
  assert.equal(Number(group[0].value[1]), summary.metrics.iterations.count);
});

test('volley k8s --out prometheus-rw: the pods push under one testid and Prometheus sums them to the merged total', async () => {
  const file = ws.file('shop.volley.yaml', scenarioText(target.url));
  const printed = await volley(ws, ['k8s', file, '-n', '2', '--start-at', '+3s', '--out', `prometheus-rw=${prometheus.url}/api/v1/write`], {
    VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
    VOLLEY_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
  });
  assert.equal(printed.code, 0, printed.stderr);
  const job = parseAllDocuments(printed.stdout).map((d) => d.toJS() as unknown)[1] as {
    spec: { template: { spec: { containers: Array<{ args: string[]; env: Array<{ name: string; value?: string }> }> } } };
  };
  const container = job.spec.template.spec.containers[0];
  const env = Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  const testid = env.VOLLEY_PROMETHEUS_RW_TESTID;
  assert.match(testid, /^volley-shop-\d{8}T\d{6}Z$/);
  // Each pod: its args with the index the kubelet expands and the ConfigMap's path pointing at the file.
  const logs = await Promise.all(
    [0, 1].map(async (index) => {
      const args = container.args.map((a) => a.replaceAll('$(JOB_COMPLETION_INDEX)', String(index))).map((a) => (a === '/scenario/shop.volley.yaml' ? file : a));
      const pod = await volley(ws, args, env);
      assert.equal(pod.code, 0, pod.stderr);
      const log = join(ws.dir, `pod-${index}.ndjson`);
      writeFileSync(log, pod.stdout);
      return log;
    }),
  );
  const exported = join(ws.dir, 'merged.json');
  const merged = await volley(ws, ['merge', ...logs, '--quiet', '--run-id', testid, '--summary-export', exported]);
  assert.equal(merged.code, 0, merged.stderr);
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as Summary;
  const total = await prometheus.query(`sum(k6_http_reqs_total{testid="${testid}"})`);
  assert.equal(Number(total[0]?.value[1]), summary.metrics.http_reqs.count, JSON.stringify(total));
  const segments = await prometheus.query(`sum by (segment) (k6_iterations_total{testid="${testid}"})`);
  assert.deepEqual(segments.map((s) => s.metric.segment).sort(), ['0:1/2', '1/2:1']);
  const durations = await prometheus.query(`histogram_count(sum(k6_http_req_duration_seconds{testid="${testid}"}))`);
  assert.equal(Number(durations[0].value[1]), summary.metrics.http_reqs.count);
});
