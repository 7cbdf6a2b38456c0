// Load generator saturated: CPU near a full core per engine thread with a late event loop, or a long
// stall. Its timings then include its own queueing (k6's guide: keep 20% idle), so it is reported as a
// warning about the figures themselves, with the seconds it covers, and how long requests waited in the
// generator before they were written (volley_req_queued).
import type { Diagnosis, GeneratorHealth, ScenarioFigures } from '../../../protocol';
import { ms, round } from '../evidence';
import { DOCTOR_THRESHOLDS } from '../thresholds';
import type { DoctorContext, Rule, RunEnd, Second } from '../types';

const T = DOCTOR_THRESHOLDS.generator;

export function isSaturated(health: GeneratorHealth, threads: number): boolean {
  const cpuPerCore = health.cpuPercent / Math.max(1, threads);
  return (
    health.eventLoopDelayP99Ms >= T.stallLoopDelayP99Ms ||
    (cpuPerCore >= T.busyCpuPercentPerCore && health.eventLoopDelayP99Ms >= T.busyLoopDelayP99Ms)
  );
}

/** The highest p95 and average of volley_req_queued over the steps of these figures (0 without requests). */
function queuedOf(scenarios: readonly ScenarioFigures[]): { p95: number; avg: number } {
  let p95 = 0;
  let avg = 0;
  for (const scenario of scenarios) {
    for (const step of scenario.steps) {
      const queued = step.phases.queued;
      if (queued === undefined || queued.count === 0) continue;
      p95 = Math.max(p95, queued.p95);
      avg = Math.max(avg, queued.avg);
    }
  }
  return { p95, avg };
}

export function generatorRule(context: DoctorContext): Rule {
  let seconds = 0;
  let saturated = 0;
  let run = 0;
  let longestRun = 0;
  let firstT: number | undefined;
  let maxCpu = 0;
  let maxDelay = 0;
  let cpuSum = 0;
  /** volley_req_queued in the saturated seconds: the worst second's p95, and that second's average. */
  let queuedP95 = 0;
  let queuedAvg = 0;

  const build = (total: number): Diagnosis => ({
    id: 'generator-saturated',
    severity: 'warning',
    title: 'The load generator is saturated: latencies in these seconds are not trustworthy',
    evidence: {
      saturatedSeconds: saturated,
      ofSeconds: total,
      firstSecond: firstT ?? 0,
      longestStreakSeconds: longestRun,
      maxCpuPercent: round(maxCpu),
      meanCpuPercentWhenSaturated: round(saturated > 0 ? cpuSum / saturated : 0),
      maxEventLoopDelayP99Ms: round(maxDelay),
      threads: context.threads,
      cpuThresholdPercentPerCore: T.busyCpuPercentPerCore,
      queuedP95Ms: round(queuedP95, 2),
      queuedAvgMs: round(queuedAvg, 2),
    },
    explanation:
      `For ${saturated} of ${total} seconds Volley itself was the bottleneck: its CPU was near a full core per engine thread ` +
      `and its event loop ran callbacks up to ${round(maxDelay)} ms late. Every timestamp taken in those seconds includes that ` +
      'wait, so latencies read high and arrival-rate schedules slip; it says nothing about the system under test. ' +
      (queuedP95 > 0
        ? `In its worst second requests waited in the generator ${ms(queuedP95)} (p95 of volley_req_queued, average ${ms(queuedAvg)}) between ` +
          'having their connection and being written: time in neither http_req_blocked nor http_req_duration. '
        : '') +
      "k6's guide sizes generators to stay below 80% CPU.",
    fix:
      'Give the generator more CPU: fewer VUs or a lower rate per machine, split the load across processes or machines ' +
      '(execution segments), or drop per-request work (large captures, JSON checks on big bodies). Re-run and compare.',
  });

  return {
    observe(second: Second): Diagnosis[] {
      seconds++;
      const h = second.health;
      if (!isSaturated(h, context.threads)) {
        run = 0;
        return [];
      }
      saturated++;
      run++;
      longestRun = Math.max(longestRun, run);
      firstT ??= second.t;
      maxCpu = Math.max(maxCpu, h.cpuPercent);
      maxDelay = Math.max(maxDelay, h.eventLoopDelayP99Ms);
      cpuSum += h.cpuPercent;
      const queued = queuedOf(second.scenarios);
      if (queued.p95 > queuedP95) {
        queuedP95 = queued.p95;
        queuedAvg = queued.avg;
      }
      return run >= T.consecutiveSeconds ? [build(seconds)] : [];
    },
    conclude(_end: RunEnd): Diagnosis[] {
      const enough = saturated >= T.consecutiveSeconds && saturated >= T.minShareOfRun * seconds;
      return enough || longestRun >= T.consecutiveSeconds ? [build(seconds)] : [];
    },
  };
}
