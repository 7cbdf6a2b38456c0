// Windows between threads and processes (k6 moves samples; Volley moves each second's window): a
// registry's current window in the wire form of src/protocol.ts, and the windows of the parts of a run
// (worker threads, execution segments) added into one registry, so its next tick reports them exactly
// as one registry that saw every sample would. Per-check totals, which have no window, are added the same
// way at the end.
import type { CheckFigures, RegistryWindow, ScenarioWindow, StepWindow } from '../../protocol';
import { STATUS_SLOTS, type ScenarioSeries, type StepSeries } from './series';

function exportStepWindow(step: StepSeries): StepWindow {
  const w = step.win;
  const statuses: Array<[number, number]> = [];
  if (w.requests > 0) for (let i = 0; i < STATUS_SLOTS; i++) if (w.statuses[i] > 0) statuses.push([i, w.statuses[i]]);
  const errors = w.errors.some((e) => e > 0) ? Array.from(w.errors) : [];
  return {
    requests: w.requests,
    failed: w.failed,
    checksPassed: w.checksPassed,
    checksFailed: w.checksFailed,
    sent: w.sent,
    received: w.received,
    otherStatuses: w.otherStatuses,
    errors,
    statuses,
    trends: step.trends().map((t) => t.exportWindow()),
  };
}

function importStepWindow(step: StepSeries, sw: StepWindow): void {
  const w = step.win;
  w.add(sw);
  for (const [status, count] of sw.statuses) w.statuses[status] += count;
  const trends = step.trends();
  for (let i = 0; i < trends.length; i++) {
    const tw = sw.trends[i];
    if (tw !== undefined) trends[i].importWindow(tw);
  }
}

function exportScenarioWindow(scenario: ScenarioSeries): ScenarioWindow {
  const seen = scenario.vus.samples > 0;
  const window: ScenarioWindow = {
    iterations: scenario.win.iterations,
    dropped: scenario.win.dropped,
    interrupted: scenario.win.interrupted,
    vusActive: seen ? scenario.vus.value : 0,
    vusAllocated: seen ? scenario.vusMax.value : 0,
    maxActive: seen ? scenario.windowMaxActive : 0,
    maxAllocated: seen ? scenario.windowMaxAllocated : 0,
    vusSeen: seen,
    steps: scenario.steps.map(exportStepWindow),
  };
  if (scenario.groups.length > 0) window.groups = scenario.groups.map((g) => g.duration.exportWindow());
  if (scenario.targetRate !== undefined) window.targetRate = scenario.targetRate;
  const duration = scenario.iterationDuration.exportWindow();
  if (duration !== undefined) window.iterationDuration = duration;
  const lateness = scenario.iterationLateness.exportWindow();
  if (lateness !== undefined) window.lateness = lateness;
  return window;
}

/**
 * Adds the windows of several threads (each a part of this scenario): counters and trends add; VUs are
 * the sums of the parts, their peaks the sums of the parts' peaks; the target rate is the scenario's.
 */
function importScenarioWindows(scenario: ScenarioSeries, parts: readonly ScenarioWindow[]): void {
  let active = 0;
  let allocated = 0;
  let maxActive = 0;
  let maxAllocated = 0;
  let seen = false;
  for (const part of parts) {
    scenario.win.iterations += part.iterations;
    scenario.win.dropped += part.dropped;
    scenario.win.interrupted += part.interrupted;
    if (part.iterationDuration !== undefined) scenario.iterationDuration.importWindow(part.iterationDuration);
    if (part.lateness !== undefined) scenario.iterationLateness.importWindow(part.lateness);
    for (let i = 0; i < part.steps.length && i < scenario.steps.length; i++) importStepWindow(scenario.steps[i], part.steps[i]);
    const groups = part.groups ?? [];
    for (let i = 0; i < groups.length && i < scenario.groups.length; i++) {
      const tw = groups[i];
      if (tw !== undefined) scenario.groups[i].duration.importWindow(tw);
    }
    if (part.targetRate !== undefined) scenario.setTargetRate(part.targetRate);
    if (!part.vusSeen) continue;
    seen = true;
    active += part.vusActive;
    allocated += part.vusAllocated;
    maxActive += part.maxActive;
    maxAllocated += part.maxAllocated;
  }
  if (!seen) return;
  if (maxActive !== active || maxAllocated !== allocated) scenario.setVUs(maxActive, maxAllocated);
  scenario.setVUs(active, allocated);
}

/** The current window of every scenario, for another thread or process to merge (before `tick`). */
export function exportWindow(scenarios: readonly ScenarioSeries[]): RegistryWindow {
  return { scenarios: scenarios.map(exportScenarioWindow) };
}

/** Adds the windows of the parts of a run (index-aligned with `scenarios`) into the current window. */
export function importWindows(scenarios: readonly ScenarioSeries[], windows: readonly RegistryWindow[]): void {
  for (let i = 0; i < scenarios.length; i++) {
    const parts: ScenarioWindow[] = [];
    for (const w of windows) {
      const part = w.scenarios[i];
      if (part !== undefined) parts.push(part);
    }
    if (parts.length > 0) importScenarioWindows(scenarios[i], parts);
  }
}

/** Adds the per-check run totals of another thread's or run's summary, matched by scenario, step and name. */
export function importChecks(scenarios: readonly ScenarioSeries[], checks: readonly CheckFigures[]): void {
  for (const c of checks) {
    const step = scenarios.find((s) => s.name === c.scenario)?.steps.find((st) => st.name === c.step);
    const i = step === undefined ? -1 : step.checkNames.indexOf(c.name);
    if (step === undefined || i < 0) continue;
    step.checkPasses[i] += c.passes;
    step.checkFails[i] += c.fails;
  }
}
