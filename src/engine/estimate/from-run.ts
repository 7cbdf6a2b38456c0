// Iteration durations of a scenario as a finished run reports them: the summary's exact HDR histogram
// when it has one, else (an older or trimmed summary) nothing — percentiles alone cannot rebuild a tail.
import type { RunSummary } from '../../protocol';
import { histogramKey } from '../metrics/histograms';
import { distributionFromHistogram, type DurationDistribution } from './distribution';

export function iterationDurationKey(scenario: string): string {
  return histogramKey('iteration_duration', [['scenario', scenario]]);
}

/** The scenario's measured iteration durations, or undefined when the run has none for it. */
export function iterationDurationsOf(summary: RunSummary, scenario: string): DurationDistribution | undefined {
  const encoded = summary.histograms?.[iterationDurationKey(scenario)];
  if (encoded === undefined) return undefined;
  const d = distributionFromHistogram(encoded);
  return d.count > 0 ? d : undefined;
}
