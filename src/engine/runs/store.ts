// The run store: one NDJSON per run in a directory (`.volley/runs/` by default, see ./location.ts), named
// by start time and scenario file. The directory is the index: file names say which scenario file and
// when, so listing it answers "latest run of this file" without a separate index that could go stale;
// the `start` and `summary` events inside answer which scenarios ran and what they measured. Only the last
// `keep` runs per scenario file are kept.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../protocol';
import { iterationDurationsOf } from '../estimate/from-run';
import type { DurationDistribution } from '../estimate/distribution';
import {
  newRunPath,
  parseRunFileName,
  resolveRunsDir,
  scenarioFileKey,
  type RunFileName,
  type RunsDirOptions,
} from './location';
import { readRunStart, readRunSummary, type StartEvent } from './read';

export const DEFAULT_KEEP_RUNS = 50;

export interface StoredRun extends RunFileName {
  path: string;
}

export interface MeasuredRun {
  run: StoredRun;
  summary: RunSummary;
  durations: DurationDistribution;
  /** Set for the short runs `volley estimate --trial` makes. */
  trial: boolean;
}

/** Trial runs carry this run-id prefix, so a reader can tell them from full runs. */
export const TRIAL_RUN_ID_PREFIX = 'trial-';

export class RunStore {
  constructor(readonly dir: string) {}

  /** The store a scenario file's runs go to (see resolveRunsDir). */
  static for(scenarioFile: string, options?: RunsDirOptions): RunStore {
    return new RunStore(resolveRunsDir(scenarioFile, options));
  }

  /** A fresh path for a run of `scenarioFile` starting now; the file is not created. */
  newRunPath(scenarioFile: string, startedAt = new Date()): string {
    return newRunPath(this.dir, scenarioFile, startedAt);
  }

  /** Runs of `scenarioFile`, newest first. */
  runsOf(scenarioFile: string): StoredRun[] {
    const key = scenarioFileKey(scenarioFile);
    return this.all().filter((run) => run.fileKey === key);
  }

  /** Every run in the store, newest first. */
  all(): StoredRun[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const runs: StoredRun[] = [];
    for (const name of names) {
      const parsed = parseRunFileName(name);
      if (parsed) runs.push({ ...parsed, path: join(this.dir, name) });
    }
    return runs.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.sequence - a.sequence);
  }

  /** The newest run of the file that ran `scenario` (by its start event), whatever it measured. */
  latestRun(scenarioFile: string, scenario?: string): StoredRun | undefined {
    for (const run of this.runsOf(scenarioFile)) {
      if (scenario === undefined || ranScenario(readRunStart(run.path), scenario)) return run;
    }
    return undefined;
  }

  /** The newest run of the file with iteration durations for `scenario` in its summary. */
  latestMeasured(scenarioFile: string, scenario: string): MeasuredRun | undefined {
    for (const run of this.runsOf(scenarioFile)) {
      const measured = measuredRun(run, scenario);
      if (measured) return measured;
    }
    return undefined;
  }

  /** Deletes all but the newest `keep` runs of the file; returns the paths deleted. */
  prune(scenarioFile: string, keep = DEFAULT_KEEP_RUNS): string[] {
    const removed: string[] = [];
    for (const run of this.runsOf(scenarioFile).slice(Math.max(0, keep))) {
      try {
        unlinkSync(run.path);
        removed.push(run.path);
      } catch {
        // Already gone (another process pruned it): nothing to do.
      }
    }
    return removed;
  }
}

function ranScenario(start: StartEvent | undefined, scenario: string): boolean {
  return start !== undefined && start.plan.scenarios.some((s) => s.name === scenario);
}

/** A run file's measurement of one scenario; undefined when it has no summary or no durations for it. */
export function measuredRun(run: StoredRun, scenario: string): MeasuredRun | undefined {
  const summary = readRunSummary(run.path);
  if (!summary) return undefined;
  const durations = iterationDurationsOf(summary, scenario);
  if (!durations) return undefined;
  return { run, summary, durations, trial: summary.runId.startsWith(TRIAL_RUN_ID_PREFIX) };
}
