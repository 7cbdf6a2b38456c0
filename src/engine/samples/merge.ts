// The failure samples of several parts of one run (worker threads, execution segments) as one run's: per
// step and kind, counts add; the first FIRST_KEPT are the earliest of the parts' first ones (each part's
// first are its earliest, so the whole run's first are among them); the later picks are drawn from what
// the parts kept, each weighted by how many failures it stands for (a part's reservoir sample stands for
// its later failures divided by its picks; a first sample that is no longer among the first, for itself),
// by Efraimidis–Spirakis weighted sampling without replacement. Bounds hold: MAX_GROUPS groups of at most
// FIRST_KEPT + RESERVOIR samples.
import type { FailureSample, FailureSampleGroup } from '../../protocol';
import { byTime, FIRST_KEPT, inStepOrder, MAX_GROUPS, RESERVOIR } from './sampler';

function groupKey(g: FailureSampleGroup): string {
  return `${g.scenario}\0${g.stepIndex}\0${g.errorClass}\0${g.status ?? 0}`;
}

export function mergeFailureSamples(parts: ReadonlyArray<readonly FailureSampleGroup[] | undefined>, random: () => number = Math.random): FailureSampleGroup[] {
  const byKey = new Map<string, FailureSampleGroup[]>();
  for (const part of parts) {
    for (const group of part ?? []) {
      const key = groupKey(group);
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [group]);
      else list.push(group);
    }
  }
  const merged: FailureSampleGroup[] = [];
  for (const list of byKey.values()) {
    if (merged.length >= MAX_GROUPS) break;
    const { samples: _samples, ...head } = list[0];
    const count = list.reduce((n, g) => n + g.count, 0);
    const firsts = byTime(list.flatMap((g) => g.samples.filter((s) => s.first)));
    const first = firsts.slice(0, FIRST_KEPT);
    const candidates: Array<{ sample: FailureSample; weight: number }> = firsts.slice(FIRST_KEPT).map((sample) => ({ sample: { ...sample, first: false }, weight: 1 }));
    for (const g of list) {
      const later = g.samples.filter((s) => !s.first);
      const stands = g.count - (g.samples.length - later.length);
      for (const sample of later) candidates.push({ sample, weight: Math.max(1, stands / later.length) });
    }
    const picked = candidates
      .map((c) => ({ sample: c.sample, key: Math.pow(random(), 1 / c.weight) }))
      .sort((a, b) => b.key - a.key)
      .slice(0, RESERVOIR)
      .map((c) => c.sample);
    merged.push({ ...head, count, samples: [...first, ...byTime(picked)] });
  }
  return inStepOrder(merged);
}
