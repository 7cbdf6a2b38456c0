// How a failure sample reads wherever it is shown — the CLI summary and `volley report --samples`, the
// results panel, the inline hover: pure, importing only wire types, so every bundle may use it.
import type { FailureSample, FailureSampleGroup } from './protocol';

/** The kind of failure: `503` for an unexpected status, else the error class (`refused`, `request-timeout`…). */
export function sampleKind(group: Pick<FailureSampleGroup, 'errorClass' | 'status'>): string {
  return group.errorClass === 'http-status' && group.status !== undefined ? `HTTP ${group.status}` : group.errorClass;
}

/** The latest sample the group kept. */
export function latestSample(group: FailureSampleGroup): FailureSample | undefined {
  let latest: FailureSample | undefined;
  for (const sample of group.samples) if (latest === undefined || sample.time > latest.time) latest = sample;
  return latest;
}

/** A body start on one line: whitespace runs as one space, control characters out, cut to `max` with `…`. */
export function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\x00-\x08\x0e-\x1f\x7f]/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What came back: `503 (1.2 kB body)`, or the transport error. */
export function sampleOutcome(sample: FailureSample): string {
  if (sample.response === undefined) return sample.error ?? 'no response';
  return `${sample.response.status} (${sample.response.bodySize} B body)`;
}

/** The groups of one step, most frequent first. */
export function groupsOfStep(groups: readonly FailureSampleGroup[] | undefined, scenario: string, stepIndex: number): FailureSampleGroup[] {
  return (groups ?? []).filter((g) => g.scenario === scenario && g.stepIndex === stepIndex).sort((a, b) => b.count - a.count);
}
