// Failures: bursts of transport errors attributed to the SUT or to the generator (by the generator's own
// health in the same second), the generator's OS limits (descriptors, ports), and request timeouts told
// apart from connect timeouts, each with its own cause.
import type { Diagnosis, ErrorClass, StepFigures } from '../../../protocol';
import { ERROR_INFO } from '../../http/errors';
import { ms, round } from '../evidence';
import { portCount } from '../system-limits';
import { DOCTOR_THRESHOLDS } from '../thresholds';
import { block, descriptorsNeeded, SUT_BACKLOG_LINES, suggestedOpenFiles, TIME_WAIT_REUSE, ulimitLines, WIDE_PORT_RANGE } from '../tuning';
import type { DoctorContext, Rule, RunEnd, Second } from '../types';
import { isSaturated } from './generator';

const TRANSPORT: readonly ErrorClass[] = ['refused', 'reset', 'unexpected-eof', 'connect-timeout', 'request-timeout'];
const OS_LIMITS: readonly ErrorClass[] = ['fd-exhausted', 'ports-exhausted'];

const SUT_CAUSE: Partial<Record<ErrorClass, string>> = {
  refused: 'nothing accepted the connections: the SUT process was down or restarting, or its listen queue overflowed and it refuses (tcp_abort_on_overflow)',
  reset: 'the SUT (or a proxy in front of it) dropped connections: a connection cap, a crashed worker, or an idle timeout closing reused connections',
  'unexpected-eof': 'the SUT closed connections before the response was complete: a crash mid-response or a proxy timeout',
  'connect-timeout': 'connections were never accepted in time: the SUT\'s SYN backlog or accept queue was full',
  'request-timeout': 'the SUT accepted the requests but did not answer in time: it was queueing or stuck',
};

function countOf(errors: Partial<Record<ErrorClass, number>>, classes: readonly ErrorClass[]): number {
  let n = 0;
  for (const c of classes) n += errors[c] ?? 0;
  return n;
}

function dominant(counts: Partial<Record<ErrorClass, number>>): ErrorClass | undefined {
  let best: ErrorClass | undefined;
  for (const [cls, n] of Object.entries(counts) as Array<[ErrorClass, number]>) if (n > 0 && (!best || n > (counts[best] ?? 0))) best = cls;
  return best;
}

function addInto(into: Partial<Record<ErrorClass, number>>, errors: Partial<Record<ErrorClass, number>>, classes: readonly ErrorClass[]): void {
  for (const c of classes) if (errors[c]) into[c] = (into[c] ?? 0) + errors[c]!;
}

interface SideTally {
  seconds: number[];
  errors: Partial<Record<ErrorClass, number>>;
  maxCpu: number;
  maxDelay: number;
}

function emptySide(): SideTally {
  return { seconds: [], errors: {}, maxCpu: 0, maxDelay: 0 };
}

/** Bursts of resets, refusals and timeouts: the SUT's failure, or the generator's? */
export function failureSideRule(context: DoctorContext): Rule {
  const T = DOCTOR_THRESHOLDS.failures;
  const sides = new Map<string, { scenario: string; step: string; sut: SideTally; generator: SideTally }>();

  const build = (scenario: string, step: string, side: 'sut' | 'generator', tally: SideTally): Diagnosis => {
    const total = countOf(tally.errors, TRANSPORT);
    const main = dominant(tally.errors);
    const classes = Object.entries(tally.errors).map(([c, n]) => `${c} ${n}`).join(', ');
    const evidence: Record<string, number | string> = {
      errors: total,
      burstSeconds: tally.seconds.length,
      seconds: tally.seconds.slice(0, 10).join(',') + (tally.seconds.length > 10 ? ',…' : ''),
      ...(Object.fromEntries(Object.entries(tally.errors)) as Record<string, number>),
      maxCpuPercent: round(tally.maxCpu),
      maxEventLoopDelayP99Ms: round(tally.maxDelay),
    };
    if (side === 'sut') {
      return {
        id: 'failures-sut-side',
        severity: 'error',
        title: `The system under test failed: ${total} ${main ?? 'transport'} errors while the generator was healthy`,
        scenario,
        step,
        evidence,
        explanation:
          `In ${tally.seconds.length} second${tally.seconds.length === 1 ? '' : 's'} at least ${Math.round(T.burstMinShare * 100)}% of this step's requests failed (${classes}), ` +
          `and in those same seconds the generator had CPU and event-loop time to spare (CPU at most ${round(tally.maxCpu)}%, loop delay p99 at most ${round(tally.maxDelay)} ms). ` +
          `So the failures come from the SUT's side: ${main ? SUT_CAUSE[main] ?? ERROR_INFO[main].cause : 'see the classes'}.`,
        fix:
          'Look at the SUT (and any proxy or load balancer in front of it) at those seconds of the run: its logs, restarts, connection ' +
          'limits and queues. If it is at capacity, this is the load it cannot carry; if not, raise the limit that rejects connections.' +
          (main === 'connect-timeout' || main === 'refused' ? '\n' + block(SUT_BACKLOG_LINES) : ''),
      };
    }
    return {
      id: 'failures-generator-side',
      severity: 'warning',
      title: `${total} ${main ?? 'transport'} errors while the load generator was saturated: they may be its own`,
      scenario,
      step,
      evidence,
      explanation:
        `In ${tally.seconds.length} second${tally.seconds.length === 1 ? '' : 's'} at least ${Math.round(T.burstMinShare * 100)}% of this step's requests failed (${classes}) ` +
        `while the generator itself was saturated (CPU up to ${round(tally.maxCpu)}%, event-loop delay p99 up to ${round(tally.maxDelay)} ms). ` +
        'A late event loop reads responses late: timeouts fire on requests the SUT already answered, and peers reset connections nobody read. ' +
        'These errors do not show that the SUT failed.',
      fix: 'Re-run with the generator below saturation (less load per process, more processes or machines) before drawing conclusions about the SUT.',
    };
  };

  return {
    observe(second: Second): Diagnosis[] {
      const out: Diagnosis[] = [];
      const generatorBusy =
        isSaturated(second.health, context.threads) ||
        second.scenarios.some((s) => s.steps.some((st) => countOf(st.errors, OS_LIMITS) > 0));
      for (const s of second.scenarios) {
        for (const st of s.steps) {
          const errors = countOf(st.errors, TRANSPORT);
          if (errors < T.burstMinErrors || errors < T.burstMinShare * st.requests) continue;
          const key = `${s.scenario}\u0000${st.step}`;
          let entry = sides.get(key);
          if (!entry) sides.set(key, (entry = { scenario: s.scenario, step: st.step, sut: emptySide(), generator: emptySide() }));
          const side = generatorBusy ? 'generator' : 'sut';
          const tally = entry[side];
          tally.seconds.push(second.t);
          addInto(tally.errors, st.errors, TRANSPORT);
          tally.maxCpu = Math.max(tally.maxCpu, second.health.cpuPercent);
          tally.maxDelay = Math.max(tally.maxDelay, second.health.eventLoopDelayP99Ms);
          out.push(build(s.scenario, st.step, side, tally));
        }
      }
      return out;
    },
    conclude(_end: RunEnd): Diagnosis[] {
      const out: Diagnosis[] = [];
      for (const e of sides.values()) {
        if (e.sut.seconds.length > 0) out.push(build(e.scenario, e.step, 'sut', e.sut));
        if (e.generator.seconds.length > 0) out.push(build(e.scenario, e.step, 'generator', e.generator));
      }
      return out;
    },
  };
}

/** Descriptors or ephemeral ports ran out on the generator: always its own limit, with the exact tuning. */
export function osLimitsRule(context: DoctorContext): Rule {
  let fd = 0;
  let ports = 0;
  let firstT = 0;
  let peakOpen = 0;

  const build = (): Diagnosis[] => {
    if (fd + ports === 0) return [];
    const sys = context.system;
    const lines: string[] = [];
    // The same number preflight gives: the plan's connections (or more, if more were seen) plus the process's own.
    const needed = descriptorsNeeded(Math.max(context.plannedConnections, peakOpen), sys.openFilesInUse);
    if (fd > 0) lines.push(...ulimitLines(suggestedOpenFiles(needed), sys.openFilesHard));
    if (ports > 0) lines.push(WIDE_PORT_RANGE, TIME_WAIT_REUSE);
    return [
      {
        id: 'generator-os-limits',
        severity: 'error',
        title:
          fd > 0
            ? `The generator ran out of file descriptors: ${fd} requests failed with EMFILE`
            : `The generator ran out of ephemeral ports: ${ports} requests failed with EADDRNOTAVAIL`,
        evidence: {
          fdExhausted: fd,
          portsExhausted: ports,
          firstSecond: firstT,
          peakOpenSockets: peakOpen,
          ...(sys.openFilesSoft !== undefined && Number.isFinite(sys.openFilesSoft) ? { openFilesLimit: sys.openFilesSoft } : {}),
          ...(portCount(sys) !== undefined ? { ephemeralPorts: portCount(sys)! } : {}),
        },
        explanation:
          'These requests never left the generator: every connection is a file descriptor bound by RLIMIT_NOFILE (ulimit -n), and every ' +
          'connection to one destination needs its own local port from ip_local_port_range, each held for 60 s in TIME_WAIT after close. ' +
          'The failures are classified and the run went on, but the SUT saw less load than planned.',
        fix:
          'Raise the limits on the generator (as root where noted):\n' +
          block(lines) +
          '\nor open fewer connections: http.connections: shared with a maxConnectionsPerHost below the limit.',
      },
    ];
  };

  return {
    observe(second: Second): Diagnosis[] {
      peakOpen = Math.max(peakOpen, second.health.openSockets);
      const before = fd + ports;
      for (const s of second.scenarios) {
        for (const st of s.steps) {
          fd += st.errors['fd-exhausted'] ?? 0;
          ports += st.errors['ports-exhausted'] ?? 0;
        }
      }
      if (before === 0 && fd + ports > 0) firstT = second.t;
      return build();
    },
    conclude: (_end: RunEnd) => build(),
  };
}

/** Request timeouts (connected, no response in time) vs connect timeouts (never connected). */
export function timeoutsRule(context: DoctorContext): Rule {
  const T = DOCTOR_THRESHOLDS.timeouts;
  const tallies = new Map<string, { scenario: string; step: string; requests: number; request: number; connect: number; waitingP95: number; connectingP90: number }>();
  const defaultTimeout = context.http.timeoutMs;

  const build = (t: NonNullable<ReturnType<typeof tallies.get>>): Diagnosis[] => {
    const out: Diagnosis[] = [];
    const timeoutMs = context.scenarios.get(t.scenario)?.stepTimeoutMs.get(t.step) ?? defaultTimeout;
    const enough = (n: number): boolean => n >= T.minCount && n >= T.minShare * t.requests;
    if (enough(t.request)) {
      out.push({
        id: 'request-timeouts',
        severity: 'error',
        title: `${t.request} requests timed out waiting for the response (timeout ${ms(timeoutMs)})`,
        scenario: t.scenario,
        step: t.step,
        evidence: { requestTimeouts: t.request, requests: t.requests, share: round(t.request / Math.max(1, t.requests), 3), timeoutMs, waitingP95Ms: round(t.waitingP95) },
        explanation:
          'The connection was open and the request sent, but no complete response came within the timeout (k6: "context deadline exceeded"). ' +
          'The SUT is slow or stuck on these requests (its own queues, a database, a lock); waiting p95 of the answered ones was ' +
          `${ms(t.waitingP95)}. Unlike connect timeouts this is not about accepting connections.`,
        fix:
          'Find where the SUT spends the time (its traces and logs for this endpoint). Raise http.timeout (or the step\'s timeout) only if ' +
          'responses that slow are acceptable to your users.',
      });
    }
    if (enough(t.connect)) {
      out.push({
        id: 'connect-timeouts',
        severity: 'error',
        title: `${t.connect} connections could not be established in time (connect timeout)`,
        scenario: t.scenario,
        step: t.step,
        evidence: { connectTimeouts: t.connect, requests: t.requests, share: round(t.connect / Math.max(1, t.requests), 3), timeoutMs, connectingP90Ms: round(t.connectingP90) },
        explanation:
          'The TCP handshake never completed (k6: "dial tcp: i/o timeout"): SYNs went unanswered. The SUT\'s SYN backlog or accept queue ' +
          'was full, a firewall dropped them, or the generator ran out of local ports. The requests were never sent, so the SUT never saw them.',
        fix: 'Check the listening side of the SUT:\n' + block(SUT_BACKLOG_LINES) + '\nand on the generator, that ephemeral ports are not exhausted (ss -s).',
      });
    }
    return out;
  };

  const update = (scenario: string, st: StepFigures, add: boolean): NonNullable<ReturnType<typeof tallies.get>> => {
    const key = `${scenario}\u0000${st.step}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { scenario, step: st.step, requests: 0, request: 0, connect: 0, waitingP95: 0, connectingP90: 0 }));
    if (add) {
      t.requests += st.requests;
      t.request += st.errors['request-timeout'] ?? 0;
      t.connect += st.errors['connect-timeout'] ?? 0;
    } else {
      t.requests = st.requests;
      t.request = st.errors['request-timeout'] ?? 0;
      t.connect = st.errors['connect-timeout'] ?? 0;
    }
    t.waitingP95 = Math.max(t.waitingP95, st.phases.waiting.p95);
    t.connectingP90 = Math.max(t.connectingP90, st.phases.connecting.p90);
    return t;
  };

  return {
    observe(second: Second): Diagnosis[] {
      const out: Diagnosis[] = [];
      for (const s of second.scenarios) for (const st of s.steps) out.push(...build(update(s.scenario, st, true)));
      return out;
    },
    conclude(end: RunEnd): Diagnosis[] {
      const out: Diagnosis[] = [];
      for (const s of end.scenarios) for (const st of s.steps) out.push(...build(update(s.scenario, st, false)));
      return out;
    },
  };
}
