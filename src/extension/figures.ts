// The short texts the editor shows for a run: at the end of a step's line, in a scenario's code lens, in
// the status bar. Pure, so the wording is tested without an editor.
import { editorCount, editorDuration, editorPercent, editorRate } from '../format';
import type { PlanInfo, ScenarioFigures, StepFigures } from '../protocol';

/** `+12%`, `−5%`, `±0%`: how far this run's figure is from the baseline's. */
export function baselineDeltaText(run: number, base: number): string {
  if (!(base > 0)) return run > 0 ? '+∞%' : '±0%';
  const percent = Math.round(((run - base) / base) * 100);
  return percent > 0 ? `+${percent}%` : percent < 0 ? `−${-percent}%` : '±0%';
}

/** `p95 123 ms · 0.2% failed · 1,204 req`; with a baseline's p95, `p95 123 ms (+12% vs baseline) · …`. */
export function stepLineText(step: StepFigures, baselineP95?: number): string {
  if (step.requests === 0) return 'no requests';
  const vsBaseline = baselineP95 === undefined ? '' : ` (${baselineDeltaText(step.duration.p95, baselineP95)} vs baseline)`;
  return `p95 ${editorDuration(step.duration.p95)}${vsBaseline} · ${editorPercent(step.failed / step.requests)} failed · ${editorCount(step.requests)} req`;
}

export interface ScenarioLensInput {
  figures: ScenarioFigures;
  plan: PlanInfo['scenarios'][number] | undefined;
  /** Highest target iteration rate seen during the run (arrival-rate executors). */
  peakTargetRate: number | undefined;
  /** Most VUs allocated at any time. */
  peakVUs: number;
}

/** Arrival-rate: `198.7/s of 200/s · 0 dropped · VUs 23/30`; closed models: `45.2 it/s · VUs 3/3 · 0 interrupted`. */
export function scenarioLensText({ figures, plan, peakTargetRate, peakVUs }: ScenarioLensInput): string {
  const seconds = plan ? plan.durationMs / 1000 : 0;
  const rate = seconds > 0 ? figures.iterations / seconds : undefined;
  const vus = `VUs ${editorCount(peakVUs)}/${editorCount(plan?.maxVUs ?? figures.vusMax)}`;
  if (peakTargetRate !== undefined && peakTargetRate > 0) {
    const achieved = rate === undefined ? '–' : `${editorRate(rate)}/s`;
    return `${achieved} of ${editorRate(peakTargetRate)}/s · ${editorCount(figures.dropped)} dropped · ${vus}`;
  }
  const achieved = rate === undefined ? `${editorCount(figures.iterations)} it` : `${editorRate(rate)} it/s`;
  return `${achieved} · ${vus} · ${editorCount(figures.interrupted)} interrupted`;
}

export interface LiveFigures {
  requestsPerSecond: number;
  p95Ms: number | undefined;
  failed: number;
  requests: number;
}

/** One second of a run, over every step of every scenario: what the status bar shows. */
export function liveFigures(scenarios: readonly ScenarioFigures[]): LiveFigures {
  let requests = 0;
  let failed = 0;
  let p95: number | undefined;
  for (const s of scenarios) {
    for (const step of s.steps) {
      requests += step.requests;
      failed += step.failed;
      // The slowest step's p95 is an upper bound of the overall p95, and the figure a person acts on.
      if (step.requests > 0) p95 = Math.max(p95 ?? 0, step.duration.p95);
    }
  }
  return { requestsPerSecond: requests, p95Ms: p95, failed, requests };
}

/** `$(pulse) 198 req/s · p95 41 ms · 0% errors` */
export function statusBarText(live: LiveFigures, t: number): string {
  const p95 = live.p95Ms === undefined ? '–' : editorDuration(live.p95Ms);
  const errors = live.requests > 0 ? editorPercent(live.failed / live.requests) : '0%';
  return `$(pulse) ${editorCount(live.requestsPerSecond)} req/s · p95 ${p95} · ${errors} errors · ${editorCount(t)} s`;
}
