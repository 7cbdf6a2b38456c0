// Shared by the extension's node-level tests: a real run's events (recorded from the engine's own types,
// small enough to read), and the engine bundle for the process tests.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { PlanInfo, RunEvent, ScenarioFigures, StepFigures, TrendStats } from '../../src/protocol';

export const ROOT = resolve(__dirname, '../..');

export function trend(p95: number, count = 10): TrendStats {
  return { count, avg: p95 / 2, min: 1, med: p95 / 2, max: p95 * 1.5, p90: p95 * 0.9, p95, p99: p95 * 1.2 };
}

export function step(scenario: string, name: string, stepIndex: number, requests: number, failed: number, p95: number): StepFigures {
  const t = trend(p95, requests);
  return {
    scenario,
    step: name,
    stepIndex,
    requests,
    failed,
    duration: t,
    phases: { blocked: trend(1), connecting: trend(0.5), tlsHandshaking: trend(0), sending: trend(0.1), waiting: t, receiving: trend(0.1) },
    errors: failed > 0 ? { 'http-status': failed } : {},
    statuses: failed > 0 ? { '200': requests - failed, '503': failed } : { '200': requests },
    checksPassed: requests - failed,
    checksFailed: failed,
    dataSent: 100 * requests,
    dataReceived: 1000 * requests,
  };
}

export function scenarioFigures(name: string, iterations: number, steps: StepFigures[], extra: Partial<ScenarioFigures> = {}): ScenarioFigures {
  return {
    scenario: name,
    iterations,
    dropped: 0,
    interrupted: 0,
    iterationDuration: trend(50, iterations),
    lateness: trend(1, iterations),
    vusActive: 2,
    vusAllocated: 5,
    vusMax: 5,
    steps,
    ...extra,
  };
}

/** The demo example's plan (examples/demo.volley.yaml): two scenarios, five thresholds. */
export function demoPlan(file: string): PlanInfo {
  return {
    file,
    name: 'demo-shop',
    baseUrl: 'http://127.0.0.1:7878',
    scenarios: [
      { name: 'browse', executor: 'constant-arrival-rate', startTimeMs: 0, durationMs: 10_000, gracefulStopMs: 5000, maxVUs: 20, steps: [
        { name: 'list products', index: 0, line: 21, kind: 'request' },
        { name: 'product detail', index: 1, line: 25, kind: 'request' },
      ] },
      { name: 'shoppers', executor: 'constant-vus', startTimeMs: 0, durationMs: 10_000, gracefulStopMs: 5000, maxVUs: 3, steps: [
        { name: 'login', index: 0, line: 34, kind: 'request' },
        { name: 'add to cart', index: 1, line: 39, kind: 'request' },
        { name: 'think 500ms', index: 2, line: 46, kind: 'think' },
        { name: 'view cart', index: 3, line: 47, kind: 'request' },
        { name: 'think 500ms', index: 4, line: 50, kind: 'think' },
      ] },
    ],
    thresholds: [
      { key: 'http_req_duration', source: 'p(95)<500', line: 52 },
      { key: 'http_req_duration{step:add to cart}', source: 'p(99)<800', line: 53 },
      { key: 'http_req_failed', source: 'rate<0.01', line: 54 },
      { key: 'checks', source: 'rate>0.99', line: 55 },
      { key: 'dropped_iterations', source: 'count==0', line: 56 },
    ],
  };
}

/** A finished demo run: browse at 19.87/s of 20/s, one failing request in `add to cart`, one threshold failed. */
export function demoRun(file: string): RunEvent[] {
  const browse = (iterations: number, targetRate?: number) =>
    scenarioFigures('browse', iterations, [step('browse', 'list products', 0, iterations, 0, 41), step('browse', 'product detail', 1, iterations, 0, 12.34)], {
      ...(targetRate === undefined ? {} : { targetRate }),
      vusAllocated: 7,
      vusMax: 7,
    });
  const shoppers = (iterations: number) =>
    scenarioFigures('shoppers', iterations, [
      step('shoppers', 'login', 0, iterations, 0, 30),
      step('shoppers', 'add to cart', 1, iterations, 1, 123),
      step('shoppers', 'think 500ms', 2, 0, 0, 0),
      step('shoppers', 'view cart', 3, iterations, 0, 20),
      step('shoppers', 'think 500ms', 4, 0, 0, 0),
    ], { vusAllocated: 3, vusMax: 3 });
  const health = { cpuPercent: 12, eventLoopDelayP99Ms: 3, rssBytes: 1, heapUsedBytes: 1, openSockets: 8, newConnections: 0 };
  return [
    { type: 'start', v: 1, runId: 'r1', startedAt: '2026-01-02T10:00:00.000Z', engineVersion: '0.1.0', plan: demoPlan(file) },
    { type: 'aggregate', t: 1, scenarios: [browse(20, 20), shoppers(3)], health },
    { type: 'aggregate', t: 2, scenarios: [browse(19, 20), shoppers(3)], health },
    { type: 'diagnosis', t: 2, diagnosis: { id: 'too-few-vus', severity: 'warning', title: 'Too few VUs', scenario: 'browse', evidence: { dropped: 3 }, explanation: 'Iterations were dropped.', fix: 'Set preAllocatedVUs to 9.', edit: { path: ['scenarios', 'browse', 'preAllocatedVUs'], value: 9 } } },
    {
      type: 'summary',
      summary: {
        runId: 'r1',
        startedAt: '2026-01-02T10:00:00.000Z',
        durationMs: 10_400,
        outcome: 'completed',
        scenarios: [
          scenarioFigures('browse', 199, [step('browse', 'list products', 0, 1204, 0, 41), step('browse', 'product detail', 1, 199, 0, 12.34)], { vusAllocated: 7, vusMax: 7, targetRate: 0 }),
          shoppers(30),
        ],
        metrics: { http_reqs: { count: 4000, rate: 384.6 }, http_req_duration: { avg: 20, min: 1, med: 15, max: 90, 'p(90)': 30, 'p(95)': 41, 'p(99)': 63 }, http_req_failed: { passes: 1, fails: 3999, rate: 0.00025 } },
        thresholds: [
          { key: 'http_req_duration', source: 'p(95)<500', metric: 'http_req_duration', ok: true, actual: 41 },
          { key: 'http_req_duration{step:add to cart}', source: 'p(99)<800', metric: 'http_req_duration', ok: true, actual: 150 },
          { key: 'http_req_failed', source: 'rate<0.01', metric: 'http_req_failed', ok: true, actual: 0.00025 },
          { key: 'checks', source: 'rate>0.99', metric: 'checks', ok: false, actual: 0.98 },
          { key: 'dropped_iterations', source: 'count==0', metric: 'dropped_iterations', ok: true, actual: undefined },
        ],
        diagnoses: [],
      },
    },
    { type: 'end', exitCode: 99 },
  ];
}

export interface EngineBundle {
  path: string;
  cleanup(): void;
}

/** The engine built from source into a temp dir (as the CLI tests do), so a stale dist/ never matters. */
export function engineBundle(): EngineBundle {
  const dir = mkdtempSync(join(tmpdir(), 'volley-ext-'));
  const path = join(dir, 'engine.js');
  try {
    buildSync({ entryPoints: [join(ROOT, 'src/engine/main.ts')], outfile: path, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
    return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    // The engine's sources can be mid-edit by someone else; the last good bundle still runs the same protocol.
    const dist = join(ROOT, 'dist/engine.js');
    if (!existsSync(dist)) throw err;
    rmSync(dir, { recursive: true, force: true });
    return { path: dist, cleanup: () => undefined };
  }
}

export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
