// VU estimates from the run store: the server reads the latest stored run of an open file itself (the
// same store `volley run`, `volley estimate --trial` and the extension write), so a run made anywhere —
// terminal, CI checkout, the editor — shows up in hover and diagnostics without the extension relaying
// it. The estimate is recomputed against the scenario as it is written now (edit the rate, and the
// recommendation follows); the measured durations come from the run. A poll notices new runs.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { RunSummary } from '../protocol';
import { estimateVUs, iterationDurationsOf, type ArrivalRatePlan, type VUEstimate } from '../engine/estimate';
import { readRunSummary } from '../engine/runs/read';
import { RunStore, TRIAL_RUN_ID_PREFIX, type StoredRun } from '../engine/runs/store';
import { scenarioFileKey, type RunsDirOptions } from '../engine/runs/location';
import { parseDuration } from '../engine/scenario/duration';
import type { AnalysedDocument } from './documents';
import type { IterationEstimate } from './estimates';
import type { ScenarioInfo } from './model';

const DEFAULT_POLL_MS = 2000;

export interface RunEstimatesOptions extends RunsDirOptions {
  /** How often open files' stores are checked for new runs (ms). */
  pollMs?: number;
}

interface CachedSummary {
  mtimeMs: number;
  size: number;
  summary: RunSummary | undefined;
}

export class RunEstimates {
  private readonly summaries = new Map<string, CachedSummary>();
  private readonly estimates = new Map<string, VUEstimate>();
  /** Store directory + file key → signature of its newest run, for the poll. */
  private readonly tracked = new Map<string, { dir: string; key: string; signature: string }>();
  /**
   * A file's store and its runs, newest first. Looking them up costs file-system calls, and diagnostics
   * ask once per arrival-rate scenario on every keystroke, so the list is kept until a poll, a
   * `runsChanged` or new settings say the store may have changed.
   */
  private readonly runLists = new Map<string, { store: RunStore; runs: StoredRun[] }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private options: RunEstimatesOptions = {}) {}

  /** Settings from the client (initializationOptions.runsDir); forgets what the old ones found. */
  configure(options: RunEstimatesOptions): void {
    this.options = { ...this.options, ...options };
    this.tracked.clear();
    this.runLists.clear();
  }

  /** The estimate for one scenario of an open document from its file's latest measured run. */
  estimate(doc: AnalysedDocument, scenario: ScenarioInfo): IterationEstimate | undefined {
    const file = filePathOf(doc.uri);
    if (file === undefined) return undefined;
    const plan = executorPlanOf(doc, scenario);
    if (!plan) return undefined;
    const { store, runs } = this.runsOf(file);
    this.track(store.dir, scenarioFileKey(file), runs[0]);
    for (const run of runs) {
      const summary = this.summaryOf(run);
      const durations = summary && iterationDurationsOf(summary, scenario.name);
      if (!summary || !durations) continue;
      const cacheKey = `${run.path}\n${scenario.name}\n${JSON.stringify(plan)}`;
      let estimate = this.estimates.get(cacheKey);
      if (!estimate) {
        try {
          estimate = estimateVUs(plan, durations, { scenario: scenario.name });
        } catch {
          return undefined;
        }
        if (this.estimates.size > 200) this.estimates.clear();
        this.estimates.set(cacheKey, estimate);
      }
      const trial = summary.runId.startsWith(TRIAL_RUN_ID_PREFIX);
      return {
        medianMs: estimate.medianIterationMs,
        p95Ms: estimate.p95IterationMs,
        p99Ms: estimate.p99IterationMs,
        suggestedPreAllocatedVUs: estimate.recommendedPreAllocatedVUs,
        suggestedMaxVUs: estimate.recommendedMaxVUs,
        k6Rule: estimate.k6Rule,
        targetDropProbability: estimate.targetDropProbability,
        samples: estimate.samples,
        explanation: estimate.explanation,
        runPath: run.path,
        source: `${trial ? 'trial run' : 'last run'} ${localTime(new Date(summary.startedAt))}`,
      };
    }
    return undefined;
  }

  /** Calls `onChange` when a tracked store gets a new or finished run. */
  watch(onChange: () => void): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (this.poll()) onChange();
    }, this.options.pollMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  /** Re-reads the tracked stores; true when any has a run it did not have before. */
  poll(): boolean {
    this.runLists.clear();
    let changed = false;
    for (const entry of this.tracked.values()) {
      const newest = new RunStore(entry.dir).all().find((run) => run.fileKey === entry.key);
      const signature = signatureOf(newest);
      if (signature !== entry.signature) {
        entry.signature = signature;
        changed = true;
      }
    }
    return changed;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private runsOf(file: string): { store: RunStore; runs: StoredRun[] } {
    let entry = this.runLists.get(file);
    if (!entry) {
      const store = RunStore.for(file, this.options);
      entry = { store, runs: store.runsOf(file) };
      this.runLists.set(file, entry);
    }
    return entry;
  }

  private track(dir: string, key: string, newest: StoredRun | undefined): void {
    const id = `${dir}\n${key}`;
    if (!this.tracked.has(id)) this.tracked.set(id, { dir, key, signature: signatureOf(newest) });
  }

  /** A run's summary, re-read only when the file changed (a run still going grows). */
  private summaryOf(run: StoredRun): RunSummary | undefined {
    let mtimeMs = 0;
    let size = 0;
    try {
      ({ mtimeMs, size } = statSync(run.path));
    } catch {
      return undefined;
    }
    const cached = this.summaries.get(run.path);
    if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.summary;
    const summary = readRunSummary(run.path);
    if (this.summaries.size > 200) this.summaries.clear();
    this.summaries.set(run.path, { mtimeMs, size, summary });
    return summary;
  }
}

function signatureOf(run: StoredRun | undefined): string {
  if (!run) return '';
  try {
    const { mtimeMs, size } = statSync(run.path);
    return `${run.name}:${mtimeMs}:${size}`;
  } catch {
    return run.name;
  }
}

function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function localTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function durationMs(value: unknown, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') return undefined;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.ms : undefined;
}

/**
 * The scenario's arrival schedule as written, read from the outline and (for stages) the YAML tree —
 * not a full compile, which would re-validate the whole file on every keystroke. Undefined when a
 * needed value is missing or malformed: the validator reports those.
 */
export function executorPlanOf(doc: AnalysedDocument, scenario: ScenarioInfo): ArrivalRatePlan | undefined {
  const v = scenario.values;
  const timeUnitMs = durationMs(v.timeUnit, 1000);
  const pre = v.preAllocatedVUs;
  if (timeUnitMs === undefined || !(timeUnitMs > 0) || typeof pre !== 'number') return undefined;
  const maxVUs = typeof v.maxVUs === 'number' ? v.maxVUs : pre;
  if (scenario.executor === 'constant-arrival-rate') {
    const duration = durationMs(v.duration);
    if (typeof v.rate !== 'number' || !(v.rate >= 0) || duration === undefined) return undefined;
    return { type: 'constant-arrival-rate', rate: v.rate, timeUnitMs, durationMs: duration, preAllocatedVUs: pre, maxVUs };
  }
  if (scenario.executor === 'ramping-arrival-rate') {
    const stages = stagesOf(doc, scenario.name);
    if (!stages || stages.length === 0) return undefined;
    const startRate = typeof v.startRate === 'number' ? v.startRate : 0;
    return { type: 'ramping-arrival-rate', startRate, timeUnitMs, stages, preAllocatedVUs: pre, maxVUs };
  }
  return undefined;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : undefined;
}

function stagesOf(doc: AnalysedDocument, name: string): Array<{ durationMs: number; target: number }> | undefined {
  const root = doc.scenario.yaml.contents;
  if (!isMap(root)) return undefined;
  const scenarios = root.items.find((p) => keyOf(p) === 'scenarios')?.value as Node | undefined;
  if (!isMap(scenarios)) return undefined;
  const scenario = scenarios.items.find((p) => String(keyOf(p)) === name)?.value as Node | undefined;
  if (!isMap(scenario)) return undefined;
  const stages = scenario.items.find((p) => keyOf(p) === 'stages')?.value as Node | undefined;
  if (!isSeq(stages)) return undefined;
  const out: Array<{ durationMs: number; target: number }> = [];
  for (const item of stages.items) {
    if (!isMap(item)) return undefined;
    const stageDuration = durationMs(item.get('duration'));
    const target = item.get('target');
    if (stageDuration === undefined || typeof target !== 'number') return undefined;
    out.push({ durationMs: stageDuration, target });
  }
  return out;
}
