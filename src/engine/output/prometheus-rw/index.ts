// `--out prometheus-rw=URL`: the run's series pushed to a Prometheus remote-write receiver every few seconds
// and once at the end, in k6's mapping (mapping.ts). Fed from the main process's per-second windows (the
// ledger's onWindow, merged over the workers) into a registry of its own: nothing on the per-request path.
// Pushes never hold the run up (pusher.ts); what could not be delivered is counted and reported at the end.
import type { RegistryWindow, RunSummary } from '../../../protocol';
import { MetricsRegistry } from '../../metrics/registry';
import type { Plan } from '../../scenario/plan';
import { mapRun, type TrendStat } from './mapping';
import { RemoteWritePusher, type PushReport } from './pusher';

export { parseTrendStats } from './mapping';

/** k6's K6_PROMETHEUS_RW_PUSH_INTERVAL default. */
export const DEFAULT_PUSH_INTERVAL_MS = 5_000;
/** How long the end of a run waits for the last pushes. */
const CLOSE_DEADLINE_MS = 5_000;

export interface PrometheusRwOptions {
  url: string;
  plan: Plan;
  stats: readonly TrendStat[];
  /** The testid label; default the run id. */
  testid?: string;
  pushIntervalMs?: number;
  nativeHistograms?: boolean;
  /** This process's execution segment (`1/2:1`): a `segment` label, so the pods of one testid do not
   * overwrite each other's series and `sum by` adds them up. */
  segment?: string;
}

export class PrometheusRemoteWrite {
  private readonly registry: MetricsRegistry;
  private readonly pusher: RemoteWritePusher;
  private readonly methods: Map<string, Map<string, string | undefined>>;
  private timer: NodeJS.Timeout | undefined;
  private testid: string | undefined;
  private changed = false;

  constructor(private readonly options: PrometheusRwOptions) {
    this.registry = new MetricsRegistry(options.plan);
    this.pusher = new RemoteWritePusher(options.url);
    this.methods = new Map(
      options.plan.scenarios.map((s) => [s.name, new Map(s.steps.flatMap((st) => (st.kind === 'request' ? [[st.name, st.method] as const] : [])))]),
    );
  }

  /** The run started: its id is the default testid; pushes begin. */
  start(runId: string): void {
    this.testid = this.options.testid ?? runId;
    this.timer = setInterval(() => this.pushNow(), this.options.pushIntervalMs ?? DEFAULT_PUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** One second's window of every scenario, before the ledger folds it (see RunLedgerOptions.onWindow). */
  readonly onWindow = (_t: number, window: RegistryWindow): void => {
    this.registry.importWindows([window]);
    this.registry.tick();
    this.changed = true;
  };

  private pushNow(): void {
    if (!this.changed || this.testid === undefined) return;
    this.changed = false;
    this.pusher.push(mapRun({ registry: this.registry, totals: this.registry.totals(), methods: this.methods, testid: this.testid, segment: this.options.segment, stats: this.options.stats, timestamp: Date.now(), nativeHistograms: this.options.nativeHistograms }));
  }

  /** The last push (the run's totals, as the summary has them), bounded in time; then what was delivered. */
  async finish(summary: RunSummary | undefined): Promise<PushReport> {
    clearInterval(this.timer);
    if (this.testid === undefined && summary) this.testid = this.options.testid ?? summary.runId;
    this.changed = true;
    this.pushNow();
    return this.pusher.close(CLOSE_DEADLINE_MS);
  }
}
