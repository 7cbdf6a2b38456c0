// Every number the doctor decides with, in one place, each with the reason it has that value. The playbook
// is k6's "Running large tests" guide and its "Fine-tune OS" page; where they give no number, the reason
// says where ours comes from. Rules import these and never hard-code their own.

export const DOCTOR_THRESHOLDS = {
  /** Percentiles of a handful of requests are noise: a window needs this many before a latency rule reads it. */
  minRequestsPerWindow: 10,

  pool: {
    /**
     * Waiting for a pooled connection (blocked minus connecting and TLS) must be at least this long: k6's guide
     * calls blocked "in seconds" exhaustion; 100 ms is already more than a loopback or LAN request takes, so a
     * wait that long is never measurement noise.
     */
    minWaitMs: 100,
    /** "Dominating": the wait is at least as long as the request it precedes (wait ≥ 1 × duration). */
    minWaitShareOfDuration: 1,
    /** Suggested pool = Little's law (in-flight demand) with this headroom, so a burst does not queue again. */
    headroom: 1.2,
  },

  connect: {
    /**
     * connecting p90 at or above this is slow. Linux retransmits an unanswered SYN after 1 s (its initial RTO),
     * so a p90 near 1 s means one connect in ten lost its first SYN: a full SYN backlog or accept queue at the
     * SUT, or packet loss. Real round trips, even across continents, stay well below it.
     */
    slowP90Ms: 900,
  },

  vus: {
    /** Any dropped iteration of an arrival-rate scenario is a symptom: k6 drops only when no VU is idle. */
    minDropped: 1,
    /**
     * k6's rule is preAllocatedVUs = median iteration duration × rate; the variance term we add makes it
     * p95 × rate, so 19 in 20 iterations find a VU even when iterations run long.
     */
    suggestionQuantile: 'p95' as const,
  },

  generator: {
    /**
     * k6's guide: size the generator for at least 20% idle; at 100% its timings include its own queueing.
     * One engine thread is one core, so 80% of a core per thread.
     */
    busyCpuPercentPerCore: 80,
    /** With the CPU that busy, an event-loop delay p99 above this means timers and I/O callbacks run late. */
    busyLoopDelayP99Ms: 30,
    /** A stall this long (GC, a synchronous burst) corrupts the second's timings whatever the CPU says. */
    stallLoopDelayP99Ms: 100,
    /** Seconds in a row before it is reported live: one blip (start-up, a GC) is not saturation. */
    consecutiveSeconds: 2,
    /** At the end: saturated in at least this share of the run's seconds (and at least consecutiveSeconds). */
    minShareOfRun: 0.05,
  },

  churn: {
    /** "About one new connection per request": keep-alive works when this is far below 1. */
    minNewConnectionsPerRequest: 0.8,
    /** Enough requests that warm-up connections (one per VU) cannot make the ratio. */
    minRequests: 50,
    /** And the connections were replaced, not just opened once: at least this many times the peak open sockets. */
    minReplacements: 2,
    /** Linux keeps a closed connection in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN); not tunable by sysctl. */
    timeWaitSeconds: 60,
    /** TIME_WAIT sockets above this share of the ephemeral ports is a port-exhaustion risk worth an error. */
    portRiskShare: 0.5,
  },

  failures: {
    /** A burst second: at least this many transport errors (refused, reset, EOF, timeouts) of one step… */
    burstMinErrors: 5,
    /** …and at least this share of that step's requests in the second. */
    burstMinShare: 0.1,
  },

  timeouts: {
    /** Timeouts are never normal, but one or two can be a network blip: report from this many… */
    minCount: 3,
    /** …when they are at least this share of the step's requests. */
    minShare: 0.01,
  },

  gracefulStop: {
    /** Errors after the scenario's duration, at least this many… */
    minErrors: 3,
    /** …and at least this share of the scenario's errors: "concentrated" at the end. */
    minShare: 0.5,
    /** The suggested gracefulStop is the longest iteration seen times this, in whole seconds. */
    headroom: 1.5,
  },

  preflight: {
    /** Descriptors Node and Volley need besides connections (stdio, the event loop, files, workers). */
    reserveDescriptors: 64,
    /** The suggested `ulimit -n` is the need times this, rounded up to a multiple of 1024. */
    headroom: 1.25,
  },
} as const;
