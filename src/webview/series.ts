// Turns a run's per-second aggregates into the time series the charts draw. Pure (no DOM), so it is tested
// in Node. Percentiles of several steps in one second are combined weighted by request count: not an exact
// percentile of the union, which the per-second aggregates cannot give, but close when steps are alike,
// and each step's own figures are in the per-step table.
import type { ErrorClass, RunEvent, ScenarioFigures, TrendStats } from '../protocol';

export interface RunSeries {
  t: number[];
  requestsPerSecond: number[];
  iterationsPerSecond: number[];
  /** Sum of the arrival-rate scenarios' target iterations/s; null where no scenario has one. */
  targetIterationsPerSecond: Array<number | null>;
  p50: Array<number | null>;
  p95: Array<number | null>;
  p99: Array<number | null>;
  vusActive: number[];
  vusAllocated: number[];
  /** The plan's maxVUs summed over scenarios: a constant line. */
  vusMax: number[];
  dropped: number[];
  errors: Map<ErrorClass, number[]>;
  blockedP95: Array<number | null>;
  connectingP95: Array<number | null>;
  cpuPercent: number[];
  eventLoopDelayMs: number[];
  /** How many events of the run these series have taken in, and the plan's maxVUs from its start. */
  eventsSeen: number;
  planMaxVUs: number;
}

function weighted(parts: Array<{ count: number; value: number }>): number | null {
  let total = 0;
  let sum = 0;
  for (const p of parts) {
    if (p.count <= 0 || !Number.isFinite(p.value)) continue;
    total += p.count;
    sum += p.count * p.value;
  }
  return total > 0 ? sum / total : null;
}

function trendParts(scenarios: readonly ScenarioFigures[], pick: (s: ScenarioFigures['steps'][number]) => TrendStats, field: keyof TrendStats) {
  const parts: Array<{ count: number; value: number }> = [];
  for (const s of scenarios) for (const step of s.steps) parts.push({ count: step.requests, value: pick(step)[field] });
  return parts;
}

/**
 * The series of a run's events. With `previous` (the series of an earlier, shorter copy of the same events,
 * as a live run grows), only the events after those it saw are added: a live hour is not re-read every second.
 */
export function runSeries(events: readonly RunEvent[], previous?: RunSeries): RunSeries {
  if (previous && previous.eventsSeen <= events.length) return addEvents(previous, events);
  const series: RunSeries = {
    t: [],
    requestsPerSecond: [],
    iterationsPerSecond: [],
    targetIterationsPerSecond: [],
    p50: [],
    p95: [],
    p99: [],
    vusActive: [],
    vusAllocated: [],
    vusMax: [],
    dropped: [],
    errors: new Map(),
    blockedP95: [],
    connectingP95: [],
    cpuPercent: [],
    eventLoopDelayMs: [],
    eventsSeen: 0,
    planMaxVUs: 0,
  };
  return addEvents(series, events);
}

function addEvents(series: RunSeries, events: readonly RunEvent[]): RunSeries {
  for (let e = series.eventsSeen; e < events.length; e++) {
    const event = events[e]!;
    if (event.type === 'start') series.planMaxVUs = event.plan.scenarios.reduce((sum, s) => sum + s.maxVUs, 0);
    if (event.type !== 'aggregate') continue;
    const index = series.t.length;
    series.t.push(event.t);
    let requests = 0;
    let iterations = 0;
    let target: number | null = null;
    let active = 0;
    let allocated = 0;
    let dropped = 0;
    const errors = new Map<ErrorClass, number>();
    for (const s of event.scenarios) {
      iterations += s.iterations;
      dropped += s.dropped;
      active += s.vusActive;
      allocated += s.vusAllocated;
      if (s.targetRate !== undefined) target = (target ?? 0) + s.targetRate;
      for (const step of s.steps) {
        requests += step.requests;
        for (const [name, count] of Object.entries(step.errors) as Array<[ErrorClass, number]>) errors.set(name, (errors.get(name) ?? 0) + count);
      }
    }
    series.requestsPerSecond.push(requests);
    series.iterationsPerSecond.push(iterations);
    series.targetIterationsPerSecond.push(target);
    series.p50.push(weighted(trendParts(event.scenarios, (s) => s.duration, 'med')));
    series.p95.push(weighted(trendParts(event.scenarios, (s) => s.duration, 'p95')));
    series.p99.push(weighted(trendParts(event.scenarios, (s) => s.duration, 'p99')));
    series.blockedP95.push(weighted(trendParts(event.scenarios, (s) => s.phases.blocked, 'p95')));
    series.connectingP95.push(weighted(trendParts(event.scenarios, (s) => s.phases.connecting, 'p95')));
    series.vusActive.push(active);
    series.vusAllocated.push(allocated);
    series.vusMax.push(series.planMaxVUs);
    series.dropped.push(dropped);
    // A class first seen now was zero in every earlier second.
    for (const name of errors.keys()) if (!series.errors.has(name)) series.errors.set(name, new Array<number>(index).fill(0));
    for (const [name, values] of series.errors) values.push(errors.get(name) ?? 0);
    series.cpuPercent.push(event.health.cpuPercent);
    series.eventLoopDelayMs.push(event.health.eventLoopDelayP99Ms);
  }
  series.eventsSeen = events.length;
  return series;
}
