// Hand-built Plans for the metrics and report tests (only the fields the registry reads matter).
import type { CheckPlan, HttpMethod, Plan, Range, StepPlan, Template, ThresholdPlan } from '../../src/engine/scenario/plan';
import { parseMetricKey, parseThresholdExpression } from '../../src/engine/scenario/threshold-expr';

const RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

function constant(text: string): Template {
  return { source: text, constant: text, secret: false, render: () => text, renderValue: () => text };
}

export type StepSpec = string | { name: string; method?: HttpMethod; checks?: string[] } | { think: number };

export function plan(scenarios: Record<string, StepSpec[]>, thresholds: ThresholdPlan[] = []): Plan {
  return {
    file: 'test.volley.yaml',
    name: 'test',
    baseUrl: 'http://127.0.0.1:1',
    http: { connections: 'per-vu', maxConnectionsPerHost: 10, timeoutMs: 60_000, noVUConnectionReuse: false, insecureSkipTLSVerify: false, cookies: 'per-iteration' },
    variables: {},
    setup: [],
    teardown: [],
    thresholds,
    scenarios: Object.entries(scenarios).map(([name, specs]) => ({
      name,
      range: RANGE,
      executor: { type: 'constant-vus', vus: 1, durationMs: 1000 },
      startTimeMs: 0,
      gracefulStopMs: 30_000,
      steps: specs.map((spec, index): StepPlan => {
        if (typeof spec === 'object' && 'think' in spec) return { kind: 'think', name: `think ${spec.think}ms`, index, range: RANGE, durationMs: spec.think, maxDurationMs: spec.think };
        const s = typeof spec === 'string' ? { name: spec } : spec;
        const checks: CheckPlan[] = (s.checks ?? []).map((n) => ({ kind: 'status', name: n, allowed: [200] }));
        return {
          kind: 'request',
          name: s.name,
          index,
          range: RANGE,
          method: s.method ?? 'GET',
          once: false,
          url: constant('/x'),
          query: [],
          headers: [],
          cookies: [],
          body: { kind: 'none' },
          timeoutMs: 60_000,
          checks,
          captures: [],
        };
      }),
    })),
  };
}

/** A ThresholdPlan from k6 syntax, parsed with the scenario module's own parser. */
export function threshold(key: string, source: string, extra: Partial<ThresholdPlan> = {}): ThresholdPlan {
  const k = parseMetricKey(key);
  const e = parseThresholdExpression(source);
  if (!k.ok || !e.ok) throw new Error(`bad threshold ${key}: ${source}`);
  return {
    key,
    metric: k.metric,
    tags: k.tags,
    source,
    aggregation: e.aggregation,
    op: e.op,
    value: e.value,
    abortOnFail: false,
    delayAbortEvalMs: 0,
    range: RANGE,
    ...extra,
  };
}

export function timings(duration: number, extra: Partial<Record<'blocked' | 'queued' | 'connecting' | 'tlsHandshaking' | 'sending' | 'waiting' | 'receiving', number>> = {}) {
  return {
    blocked: extra.blocked ?? 0,
    queued: extra.queued ?? 0,
    connecting: extra.connecting ?? 0,
    tlsHandshaking: extra.tlsHandshaking ?? 0,
    sending: extra.sending ?? 0,
    waiting: extra.waiting ?? duration,
    receiving: extra.receiving ?? 0,
    duration,
  };
}

/** k6's classic percentile over raw samples (sorted, linear interpolation at p × (n − 1)). */
export function exactQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  if (s.length === 1) return s[0];
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
