// Iteration-duration estimates per scenario, which the VU-sizing hover, the "below the estimate" warning
// and its quick fix turn into numbers. Two sources: the run store, which the server reads itself
// (./run-estimates.ts: the latest stored run of the file, re-estimated against the scenario as written),
// and the `volley/iterationEstimate` notification, with which a client may push an estimate of its own
// (it wins over the store for that scenario until the client clears it). `volley/runsChanged` tells the
// server a run was just stored, so it re-reads at once instead of at its next poll.
import type { Connection } from 'vscode-languageserver/node';
import { LSP_NOTIFICATIONS } from '../protocol';
import type { AnalysedDocument } from './documents';
import type { ScenarioInfo } from './model';
import type { RunEstimates } from './run-estimates';

export interface IterationEstimate {
  /** Median iteration duration, ms. */
  medianMs: number;
  p95Ms?: number;
  p99Ms?: number;
  /** preAllocatedVUs the estimator recommends (median × rate + the variance term). */
  suggestedPreAllocatedVUs?: number;
  /** maxVUs the estimator recommends (p99 × rate × slowdown). */
  suggestedMaxVUs?: number;
  /** k6's rule alone: ceil(median × peak rate). */
  k6Rule?: number;
  /** The chance of any dropped iteration the recommendation keeps below. */
  targetDropProbability?: number;
  /** How many iterations were measured. */
  samples?: number;
  /** The estimator's arithmetic in words. */
  explanation?: string;
  /** The run file the numbers come from. */
  runPath?: string;
  /** Where the numbers come from, e.g. "last run 2025-05-01 12:04" or "trial run …". */
  source: string;
}

export interface IterationEstimateParams {
  uri: string;
  scenario: string;
  /** Absent: forget the scenario's estimate. */
  estimate?: IterationEstimate;
}


export class EstimateStore {
  private readonly byUri = new Map<string, Map<string, IterationEstimate>>();

  constructor(private readonly runs?: RunEstimates) {}

  /** An estimate a client pushed for the scenario. */
  get(uri: string, scenario: string): IterationEstimate | undefined {
    return this.byUri.get(uri)?.get(scenario);
  }

  /** The scenario's estimate: the pushed one, else from the file's latest stored run. */
  for(doc: AnalysedDocument, scenario: ScenarioInfo): IterationEstimate | undefined {
    return this.get(doc.uri, scenario.name) ?? this.runs?.estimate(doc, scenario);
  }

  set({ uri, scenario, estimate }: IterationEstimateParams): void {
    const map = this.byUri.get(uri) ?? new Map<string, IterationEstimate>();
    if (estimate && Number.isFinite(estimate.medianMs) && estimate.medianMs >= 0) map.set(scenario, estimate);
    else map.delete(scenario);
    this.byUri.set(uri, map);
  }

  /** `onChange` runs when the estimates may have changed: a push, a stored run, a poll that found one. */
  listen(connection: Connection, onChange: () => void = () => undefined): void {
    connection.onNotification(LSP_NOTIFICATIONS.iterationEstimate, (params: IterationEstimateParams) => {
      if (params && typeof params.uri === 'string' && typeof params.scenario === 'string') {
        this.set(params);
        onChange();
      }
    });
    connection.onNotification(LSP_NOTIFICATIONS.runsChanged, () => {
      this.runs?.poll();
      onChange();
    });
    this.runs?.watch(onChange);
  }
}
