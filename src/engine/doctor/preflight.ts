// Preflight, from the plan before the first request: the connections the run can hold open at once
// (per-vu: maxVUs × origins; shared: the pool sizes) against the descriptor limit and the ephemeral port
// range, and the connection churn it plans (noVUConnectionReuse) against what TIME_WAIT leaves free. A
// shortage is a warning with the exact tuning and, where it helps, the shared-pool alternative. A pure
// function of the plan and the limits, so it can be tested with any limits.
import type { Diagnosis } from '../../protocol';
import type { WorkShare } from '../segments';
import type { Plan, ScenarioPlan } from '../scenario/plan';
import { arrivalsOf, isArrivalRate } from '../estimate';
import { sharedPoolShare, smallestSharedLimit } from '../http/pool-share';
import { scenarioFacts } from './context';
import { DYNAMIC_ORIGIN, originsOf, peakConnections } from './planned-connections';
import { portCount, type SystemLimits } from './system-limits';
import { DOCTOR_THRESHOLDS } from './thresholds';
import { block, descriptorsNeeded, suggestedOpenFiles, TIME_WAIT_REUSE, ulimitLines, WIDE_PORT_RANGE } from './tuning';
import type { ScenarioFacts } from './types';

function isLoopback(origin: string): boolean {
  if (origin === DYNAMIC_ORIGIN) return false;
  try {
    const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Iterations per second a scenario may start at its peak; undefined when only the SUT's speed decides. */
function peakIterationRate(facts: ScenarioFacts): number | undefined {
  if (isArrivalRate(facts.executor)) return arrivalsOf(facts.executor).peakPerSecond;
  // Closed models: each VU waits out its think time every iteration, which bounds its rate from above.
  return facts.maxThinkMs > 0 ? (facts.maxVUs * 1000) / facts.maxThinkMs : undefined;
}

/** `share`: this process's execution segment, whose part of the VUs is what it opens connections for. */
export function preflightDiagnoses(plan: Plan, scenarios: readonly ScenarioPlan[], limits: SystemLimits, share?: WorkShare): Diagnosis[] {
  const out: Diagnosis[] = [];
  const facts = scenarios.map((s) => scenarioFacts(plan, s, share));
  const peak = peakConnections(facts, plan, share);
  const perVU = plan.http.connections === 'per-vu';
  const ports = portCount(limits);
  const reserve = descriptorsNeeded(0, limits.openFilesInUse);

  const soft = limits.openFilesSoft;
  if (soft !== undefined && Number.isFinite(soft) && peak.connections + reserve > soft) {
    const needed = descriptorsNeeded(peak.connections, limits.openFilesInUse);
    const suggested = suggestedOpenFiles(needed);
    const poolFits = Math.floor((soft - reserve) / Math.max(1, peak.origins));
    const sharedHelps = perVU && poolFits >= 1;
    const d: Diagnosis = {
      id: 'preflight-file-descriptors',
      severity: 'warning',
      title: `Not enough file descriptors: the plan can open ${peak.connections} connections, the limit is ${soft} (ulimit -n)`,
      evidence: {
        connections: peak.connections,
        connectionMode: plan.http.connections,
        origins: peak.origins,
        scenarios: peak.scenarios.join(', '),
        openFilesLimit: soft,
        ...(limits.openFilesHard !== undefined && Number.isFinite(limits.openFilesHard) ? { openFilesHardLimit: limits.openFilesHard } : {}),
        descriptorsInUse: reserve,
        suggestedLimit: suggested,
      },
      explanation:
        `Every connection is a file descriptor. ${perVU ? `With per-vu connections each of up to ${peak.connections} VU connections (maxVUs × origins) ` : `The shared pools (up to ${plan.http.maxConnectionsPerHost} per origin) `}` +
        `plus the ${reserve} descriptors the process already needs exceed RLIMIT_NOFILE (${soft}). Requests beyond it fail at once ` +
        'with EMFILE (classified as fd-exhausted); the run goes on, with less load than planned.',
      fix:
        'Raise the limit in the shell that runs volley:\n' +
        block(ulimitLines(suggested, limits.openFilesHard)) +
        (sharedHelps
          ? `\nor share connections between VUs: http.connections: shared with maxConnectionsPerHost: ${Math.min(plan.http.maxConnectionsPerHost, poolFits)} ` +
            "(VUs then wait for a connection instead of failing; it is not k6's per-VU model)."
          : ''),
    };
    if (sharedHelps && plan.http.maxConnectionsPerHost <= poolFits) d.edit = { path: ['http', 'connections'], value: 'shared' };
    out.push(d);
  }

  if (ports !== undefined && peak.perDestination > ports) {
    out.push({
      id: 'preflight-ephemeral-ports',
      severity: 'warning',
      title: `Not enough ephemeral ports: up to ${peak.perDestination} connections to ${peak.destination}, ${ports} local ports`,
      evidence: {
        connectionsToOneDestination: peak.perDestination,
        destination: peak.destination,
        ephemeralPorts: ports,
        portRange: `${limits.portRange!.low}-${limits.portRange!.high}`,
      },
      explanation:
        'Each connection to one destination (address and port) needs its own local port from net.ipv4.ip_local_port_range. ' +
        'Past that, connects fail with EADDRNOTAVAIL (classified as ports-exhausted).',
      fix:
        'Widen the range on the generator:\n' +
        block([WIDE_PORT_RANGE]) +
        (perVU ? '\nor use http.connections: shared with fewer connections per host, or spread the VUs over more generator machines.' : ''),
    });
  }

  if (ports !== undefined && plan.http.noVUConnectionReuse && perVU) {
    // Each iteration reconnects to its origins; the generator closes first, so TIME_WAIT is on this side.
    let churn = 0;
    let loopbackOnly = true;
    for (const f of facts) {
      const rate = peakIterationRate(f);
      const origins = originsOf(f);
      if (rate !== undefined) churn += rate * origins.length;
      if (!origins.every(isLoopback)) loopbackOnly = false;
    }
    const capacity = ports / DOCTOR_THRESHOLDS.churn.timeWaitSeconds;
    // tcp_tw_reuse 1 lets new connects take TIME_WAIT ports (2: on loopback only): then TIME_WAIT does not bind.
    const reuseEffective = limits.tcpTwReuse === 1 || (limits.tcpTwReuse === 2 && loopbackOnly);
    if (churn > capacity && !reuseEffective) {
      out.push({
        id: 'preflight-time-wait',
        severity: 'warning',
        title: `Connection churn beyond TIME_WAIT capacity: up to ${Math.round(churn)} new connections/s, ${Math.floor(capacity)}/s sustainable`,
        evidence: {
          newConnectionsPerSecond: Math.round(churn),
          sustainablePerSecond: Math.floor(capacity),
          ephemeralPorts: ports,
          timeWaitSeconds: DOCTOR_THRESHOLDS.churn.timeWaitSeconds,
          ...(limits.tcpTwReuse !== undefined ? { tcpTwReuse: limits.tcpTwReuse } : {}),
          noVUConnectionReuse: 'true',
        },
        explanation:
          'With noVUConnectionReuse every iteration opens new connections and Volley closes the old ones, so each closed connection holds ' +
          `its local port in TIME_WAIT for ${DOCTOR_THRESHOLDS.churn.timeWaitSeconds} s. ${ports} ports last ${Math.floor(capacity)} new ` +
          'connections per second per destination; beyond that, connects fail with EADDRNOTAVAIL after a minute of load.',
        fix:
          'Let new connections reuse TIME_WAIT ports and widen the range:\n' +
          block([TIME_WAIT_REUSE, WIDE_PORT_RANGE]) +
          '\nor keep connections across iterations (http.noVUConnectionReuse: false).',
        edit: { path: ['http', 'noVUConnectionReuse'], value: false },
      });
    }
  }

  const limit = plan.http.maxConnectionsPerHost;
  if (!perVU && share !== undefined && !share.isFull && sharedPoolShare(plan.http, share) === 0) {
    const enough = smallestSharedLimit(share, limit + 1);
    out.push({
      id: 'preflight-shared-pool-share',
      severity: 'warning',
      title: `This execution segment gets none of the ${limit} shared connections per origin: it opens 1, above the test's limit`,
      evidence: { maxConnectionsPerHost: limit, segmentShare: Math.round(share.fraction * 10_000) / 10_000 },
      explanation:
        'With http.connections: shared, maxConnectionsPerHost is the limit of the whole test, split over the execution segments as ' +
        'their VUs are. This segment\'s part of it is 0, yet its VUs need a connection to send anything, so it opens one of its own ' +
        'and the segments together open more than the limit.',
      fix: `Raise http.maxConnectionsPerHost to ${enough} (the least that gives this segment a connection), or run fewer segments.`,
      edit: { path: ['http', 'maxConnectionsPerHost'], value: enough },
    });
  }
  return out;
}
