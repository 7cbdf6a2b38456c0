// Iteration durations measured for a scenario (by a last run or a trial run), which the VU-sizing hover
// turns into numbers. The estimator is built later (its own issue): it fills this store through the
// `volley/iterationEstimate` notification, from the extension after a run. Until then the store is empty
// and the hover explains the rule with the scenario's own rate only.
import type { Connection } from 'vscode-languageserver/node';

export interface IterationEstimate {
  /** Median iteration duration, ms. */
  medianMs: number;
  p95Ms?: number;
  /** preAllocatedVUs the estimator recommends (median × rate + the variance term). */
  suggestedPreAllocatedVUs?: number;
  /** Where the numbers come from, e.g. "last run, 12:04" or "trial run". */
  source: string;
}

export interface IterationEstimateParams {
  uri: string;
  scenario: string;
  /** Absent: forget the scenario's estimate. */
  estimate?: IterationEstimate;
}

export const ITERATION_ESTIMATE_NOTIFICATION = 'volley/iterationEstimate';

export class EstimateStore {
  private readonly byUri = new Map<string, Map<string, IterationEstimate>>();

  get(uri: string, scenario: string): IterationEstimate | undefined {
    return this.byUri.get(uri)?.get(scenario);
  }

  set({ uri, scenario, estimate }: IterationEstimateParams): void {
    const map = this.byUri.get(uri) ?? new Map<string, IterationEstimate>();
    if (estimate && Number.isFinite(estimate.medianMs) && estimate.medianMs >= 0) map.set(scenario, estimate);
    else map.delete(scenario);
    this.byUri.set(uri, map);
  }

  listen(connection: Connection): void {
    connection.onNotification(ITERATION_ESTIMATE_NOTIFICATION, (params: IterationEstimateParams) => {
      if (params && typeof params.uri === 'string' && typeof params.scenario === 'string') this.set(params);
    });
  }
}
