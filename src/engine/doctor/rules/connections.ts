// Connection rules: the shared pool exhausted (requests queue for a connection), connections slow to
// establish (the SUT's SYN backlog or accept queue), and connection churn (one new connection per request).
import type { Diagnosis, ErrorClass, ScenarioFigures, StepFigures } from '../../../protocol';
import { ms, poolWaitMs, round, sum } from '../evidence';
import { portCount } from '../system-limits';
import { DOCTOR_THRESHOLDS } from '../thresholds';
import { block, SUT_BACKLOG_LINES, TIME_WAIT_REUSE, WIDE_PORT_RANGE } from '../tuning';
import type { DoctorContext, Rule, RunEnd, Second } from '../types';

const MIN_REQUESTS = DOCTOR_THRESHOLDS.minRequestsPerWindow;

/** Errors after which the connection is gone, so the next request needs a new one. */
const CONNECTION_KILLERS: readonly ErrorClass[] = ['reset', 'unexpected-eof', 'refused', 'connect-timeout', 'request-timeout', 'tls'];

const CONNECT_FAILURES: readonly ErrorClass[] = ['refused', 'connect-timeout', 'fd-exhausted', 'ports-exhausted'];

function countClasses(errors: Partial<Record<ErrorClass, number>>, classes: readonly ErrorClass[]): number {
  let n = 0;
  for (const c of classes) n += errors[c] ?? 0;
  return n;
}

interface PoolFinding {
  scenario: string;
  step: string;
  waitMs: number;
  blockedP90Ms: number;
  durationMs: number;
  /** Time a request holds its connection: duration plus connect and TLS work. */
  holdMs: number;
  requests: number;
  windowSeconds: number;
  openSockets: number | undefined;
  vusActive: number;
}

/** Shared mode only: a per-vu connection never waits for another VU's request. */
export function poolExhaustionRule(context: DoctorContext): Rule {
  const T = DOCTOR_THRESHOLDS.pool;
  const poolSize = Math.max(1, context.http.maxConnectionsPerHost);
  const totalMaxVUs = sum([...context.scenarios.values()], (s) => s.maxVUs);
  let worst: PoolFinding | undefined;

  const qualifies = (step: StepFigures): boolean => {
    const wait = poolWaitMs(step.phases);
    return step.requests >= MIN_REQUESTS && wait >= T.minWaitMs && wait >= T.minWaitShareOfDuration * step.duration.avg;
  };
  const finding = (s: ScenarioFigures, step: StepFigures, windowSeconds: number, openSockets: number | undefined): PoolFinding => ({
    scenario: s.scenario,
    step: step.step,
    waitMs: poolWaitMs(step.phases),
    blockedP90Ms: step.phases.blocked.p90,
    durationMs: step.duration.avg,
    holdMs: step.duration.avg + step.phases.connecting.avg + step.phases.tlsHandshaking.avg,
    requests: step.requests,
    windowSeconds,
    openSockets,
    vusActive: s.vusActive,
  });

  const build = (f: PoolFinding, scope: string): Diagnosis => {
    const throughput = f.requests / Math.max(f.windowSeconds, 1e-3);
    // Little's law: requests queued on average = throughput × wait; in flight = pool (all busy, or none would queue).
    const queued = throughput * (f.waitMs / 1000);
    const demand = poolSize * ((f.waitMs + f.holdMs) / Math.max(f.holdMs, 1e-3));
    const suggested = Math.min(Math.max(poolSize + 1, Math.ceil(demand * T.headroom)), Math.max(poolSize + 1, totalMaxVUs));
    const diagnosis: Diagnosis = {
      id: 'pool-exhausted',
      severity: 'warning',
      title: `The shared connection pool is exhausted: requests wait ${ms(f.waitMs)} for a connection`,
      evidence: {
        step: `${f.scenario} / ${f.step}`,
        scope,
        poolSize,
        waitAvgMs: round(f.waitMs),
        blockedP90Ms: round(f.blockedP90Ms),
        durationAvgMs: round(f.durationMs),
        queuedAvg: round(queued),
        inFlight: poolSize,
        ...(f.openSockets !== undefined ? { openSockets: f.openSockets } : {}),
        vusActive: f.vusActive,
        suggestedPoolSize: suggested,
      },
      explanation:
        `With http.connections: shared, at most ${poolSize} connection${poolSize === 1 ? '' : 's'} per origin exist; a request ` +
        'waits in line only when every one of them is busy. Here the wait (http_req_blocked minus connecting) averaged ' +
        `${ms(f.waitMs)}, against ${ms(f.durationMs)} for the request itself, with about ${round(queued)} requests queued: ` +
        'the pool, not the system under test, sets the pace, and iteration durations grow with the queue.',
      fix:
        `Raise http.maxConnectionsPerHost to about ${suggested} (the concurrency the load asks for, by Little's law, with headroom), ` +
        "or use http.connections: per-vu (k6's model: each VU keeps its own connection).",
      edit: { path: ['http', 'maxConnectionsPerHost'], value: suggested },
    };
    return diagnosis;
  };

  const inactive: Rule = { observe: () => [], conclude: () => [] };
  if (context.http.connections !== 'shared') return inactive;

  return {
    observe(second: Second): Diagnosis[] {
      let found: PoolFinding | undefined;
      for (const s of second.scenarios) {
        for (const step of s.steps) {
          if (!qualifies(step)) continue;
          const f = finding(s, step, 1, second.health.openSockets);
          if (!found || f.waitMs > found.waitMs) found = f;
        }
      }
      if (!found) return [];
      if (!worst || found.waitMs > worst.waitMs) worst = found;
      return [build(found, `second ${second.t}`)];
    },
    conclude(end: RunEnd): Diagnosis[] {
      let total: PoolFinding | undefined;
      for (const s of end.scenarios) {
        for (const step of s.steps) {
          if (!qualifies(step)) continue;
          const f = finding(s, step, end.durationMs / 1000, undefined);
          if (!total || f.waitMs > total.waitMs) total = f;
        }
      }
      if (total) return [build(total, 'whole run')];
      return worst ? [build(worst, 'worst second')] : [];
    },
  };
}

/** connecting p90 high: SYNs dropped or answered late, at the SUT's listen queue or on the way. */
export function slowConnectRule(_context: DoctorContext): Rule {
  const T = DOCTOR_THRESHOLDS.connect;
  const worst = new Map<string, { scenario: string; step: StepFigures; scope: string }>();

  // When most requests failed to connect at all, their connecting times say little: the timeout and
  // OS-limit rules explain those.
  const qualifies = (step: StepFigures): boolean =>
    step.requests >= MIN_REQUESTS &&
    step.phases.connecting.p90 >= T.slowP90Ms &&
    countClasses(step.errors, CONNECT_FAILURES) < 0.5 * step.requests;
  const build = (scenario: string, step: StepFigures, scope: string): Diagnosis => {
    const c = step.phases.connecting;
    return {
      id: 'slow-connect',
      severity: 'warning',
      title: `Connections are slow to establish: connecting p90 ${ms(c.p90)}`,
      scenario,
      step: step.step,
      evidence: {
        scope,
        connectingP90Ms: round(c.p90),
        connectingMaxMs: round(c.max),
        connectingAvgMs: round(c.avg),
        requests: step.requests,
        waitingMedMs: round(step.phases.waiting.med),
        thresholdMs: T.slowP90Ms,
      },
      explanation:
        `At least one request in ten spent ${ms(c.p90)} or more just opening its TCP connection. Linux resends an unanswered ` +
        'SYN after 1 s, so connect times of a second or more mean SYNs were dropped: usually the SUT\'s accept queue or SYN ' +
        'backlog is full (the server accepts connections more slowly than they arrive), sometimes a firewall or packet loss.',
      fix:
        'Look at the listening side of the SUT:\n' +
        block(SUT_BACKLOG_LINES) +
        '\nMore server instances or a faster accept loop help too; keep-alive (fewer new connections) takes pressure off the queue.',
    };
  };

  return {
    observe(second: Second): Diagnosis[] {
      const out: Diagnosis[] = [];
      for (const s of second.scenarios) {
        for (const step of s.steps) {
          if (!qualifies(step)) continue;
          const key = `${s.scenario}\u0000${step.step}`;
          const prev = worst.get(key);
          if (!prev || step.phases.connecting.p90 > prev.step.phases.connecting.p90) {
            worst.set(key, { scenario: s.scenario, step, scope: `second ${second.t}` });
          }
          out.push(build(s.scenario, step, `second ${second.t}`));
        }
      }
      return out;
    },
    conclude(end: RunEnd): Diagnosis[] {
      const out: Diagnosis[] = [];
      const done = new Set<string>();
      for (const s of end.scenarios) {
        for (const step of s.steps) {
          if (!qualifies(step)) continue;
          done.add(`${s.scenario}\u0000${step.step}`);
          out.push(build(s.scenario, step, 'whole run'));
        }
      }
      for (const [key, w] of worst) if (!done.has(key)) out.push(build(w.scenario, w.step, w.scope));
      return out;
    },
  };
}

/** About one new connection per request: keep-alive refused or defeated; TIME_WAIT and port risk. */
export function churnRule(context: DoctorContext): Rule {
  const T = DOCTOR_THRESHOLDS.churn;
  let requests = 0;
  let newConnections = 0;
  /** Requests whose connection died with them (resets, EOFs, timeouts): the failure rules explain those. */
  let broken = 0;
  let peakOpen = 0;
  let peakNewPerSecond = 0;
  let seconds = 0;
  const scenarios = [...context.scenarios.values()];
  const requestsPerIteration = Math.max(...scenarios.map((s) => s.requestsPerIteration), 0);
  const maxThinkMs = Math.max(...scenarios.map((s) => s.maxThinkMs), 0);
  const ports = portCount(context.system);
  const reuse = context.system.tcpTwReuse;

  const build = (): Diagnosis | undefined => {
    const kept = requests - broken;
    const replaced = newConnections - broken;
    if (kept < T.minRequests) return undefined;
    const perRequest = replaced / kept;
    if (perRequest < T.minNewConnectionsPerRequest || replaced < T.minReplacements * Math.max(1, peakOpen)) return undefined;
    const perSecond = seconds > 0 ? newConnections / seconds : newConnections;
    const timeWait = Math.round(peakNewPerSecond * T.timeWaitSeconds);
    const risky = ports !== undefined && timeWait >= T.portRiskShare * ports;
    const byVUReuse = context.http.noVUConnectionReuse;
    // With noVUConnectionReuse an iteration reuses its connection between its own requests; one per request
    // then means the server closes too, unless iterations make one request each.
    const serverCloses = !byVUReuse || requestsPerIteration > 1.2;
    const causes: string[] = [];
    if (byVUReuse) causes.push('http.noVUConnectionReuse is on, so every iteration starts with new connections');
    if (serverCloses) {
      causes.push(
        'the server refuses keep-alive (it answers with Connection: close) or closes idle connections before the next request' +
          (maxThinkMs > 0 ? ` (the flow thinks up to ${ms(maxThinkMs)}; a server keep-alive timeout shorter than that closes them; Node's default is 5 s)` : ''),
      );
    }
    const diagnosis: Diagnosis = {
      id: 'connection-churn',
      severity: risky ? 'error' : 'warning',
      title: `Connection churn: ${round(perRequest, 2)} new connections per request`,
      evidence: {
        newConnections,
        requests,
        newConnectionsPerRequest: round(perRequest, 2),
        newConnectionsPerSecond: round(perSecond),
        peakNewConnectionsPerSecond: peakNewPerSecond,
        peakOpenSockets: peakOpen,
        timeWaitSocketsAtPeak: timeWait,
        ...(ports !== undefined ? { ephemeralPorts: ports } : {}),
        ...(reuse !== undefined ? { tcpTwReuse: reuse } : {}),
        noVUConnectionReuse: String(byVUReuse),
      },
      explanation:
        `Almost every request opened a new TCP connection (${newConnections} connections for ${requests} requests): ${causes.join('; and ')}. ` +
        'Each one costs a handshake (in connecting, and in the SUT\'s accept loop), so latencies are not those of real keep-alive clients. ' +
        `Every closed connection then stays in TIME_WAIT for ${T.timeWaitSeconds} s on the side that closed first (the generator ` +
        `with noVUConnectionReuse, usually the server with Connection: close): at the peak of ${peakNewPerSecond}/s that is about ` +
        `${timeWait} sockets` +
        (ports !== undefined ? ` against ${ports} ephemeral ports per destination${risky ? ', close to exhausting them (EADDRNOTAVAIL)' : ''}.` : '.'),
      fix:
        (byVUReuse ? 'Turn http.noVUConnectionReuse off unless new users per iteration are the point of the test. ' : '') +
        (serverCloses ? 'Enable keep-alive on the SUT (no Connection: close; an idle timeout longer than the think time). ' : '') +
        'If churn is intended, make room for TIME_WAIT on the generator:\n' +
        block([WIDE_PORT_RANGE, TIME_WAIT_REUSE]),
    };
    if (byVUReuse && !serverCloses) diagnosis.edit = { path: ['http', 'noVUConnectionReuse'], value: false };
    return diagnosis;
  };

  return {
    observe(second: Second): Diagnosis[] {
      seconds++;
      for (const s of second.scenarios) {
        requests += sum(s.steps, (step) => step.requests);
        broken += sum(s.steps, (step) => countClasses(step.errors, CONNECTION_KILLERS));
      }
      newConnections += second.health.newConnections;
      peakOpen = Math.max(peakOpen, second.health.openSockets);
      peakNewPerSecond = Math.max(peakNewPerSecond, second.health.newConnections);
      const d = build();
      return d ? [d] : [];
    },
    conclude(_end: RunEnd): Diagnosis[] {
      const d = build();
      return d ? [d] : [];
    },
  };
}
