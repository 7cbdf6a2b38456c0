// The connections a plan can hold open at once: per-vu, maxVUs × origins of the scenarios running at the
// same time; shared, the pool size per origin (never more than the VUs using it). Preflight compares it
// with the OS limits; the OS-limit rule suggests the same `ulimit -n` from it.
import { sharedPoolShare } from '../http/pool-share';
import type { Plan } from '../scenario/plan';
import type { WorkShare } from '../segments';
import type { ScenarioFacts } from './types';

/** Key for origins only known at run time: counted as one more origin. */
export const DYNAMIC_ORIGIN = '(runtime)';

export function originsOf(facts: ScenarioFacts): string[] {
  const out = [...facts.origins];
  if (facts.dynamicOrigins) out.push(DYNAMIC_ORIGIN);
  return facts.requestsPerIteration > 0 && out.length === 0 ? [DYNAMIC_ORIGIN] : out;
}

export interface Peak {
  /** Connections that can be open at once over all origins. */
  connections: number;
  /** The most connections to one destination at once (each needs its own local port). */
  perDestination: number;
  destination: string;
  origins: number;
  scenarios: string[];
}

/**
 * The busiest moment: scenarios whose [start, end + gracefulStop] overlap add up. `share`: this process's
 * segment, whose part of a shared pool's limit is what it opens (the facts are the segment's already).
 */
export function peakConnections(all: ScenarioFacts[], plan: Plan, share?: WorkShare): Peak {
  const shared = plan.http.connections === 'shared';
  const pool = Math.max(1, sharedPoolShare(plan.http, share));
  let best: Peak = { connections: 0, perDestination: 0, destination: '', origins: 0, scenarios: [] };
  for (const at of all) {
    const live = all.filter((s) => s.startTimeMs <= at.startTimeMs && at.startTimeMs < s.endMs + s.gracefulStopMs);
    const perOrigin = new Map<string, number>();
    for (const s of live) for (const o of originsOf(s)) perOrigin.set(o, (perOrigin.get(o) ?? 0) + s.maxVUs);
    let connections = 0;
    let perDestination = 0;
    let destination = '';
    for (const [origin, vus] of perOrigin) {
      // A VU makes one request at a time, so a pool never holds more connections than VUs using it.
      const n = shared ? Math.min(pool, vus) : vus;
      connections += n;
      if (n > perDestination) {
        perDestination = n;
        destination = origin;
      }
    }
    if (connections > best.connections) {
      best = { connections, perDestination, destination, origins: perOrigin.size, scenarios: live.map((s) => s.name) };
    }
  }
  return best;
}
