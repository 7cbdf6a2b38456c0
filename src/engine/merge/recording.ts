// What a run that is one segment of a test records so `volley merge` can put the segments back together:
// its segment on the `start` event, and each second's raw measurements (the registry's window, taken by
// startRun's onWindow just before the window is folded) on that second's `aggregate`. With
// `--no-thresholds` the plan still lists its thresholds, since the merge evaluates them on the whole.
import type { RegistryWindow, RunEvent } from '../../protocol';
import type { Plan } from '../scenario/plan';
import { specOf, type ExecutionTuple } from '../segments';

export class SegmentRecording {
  private window: { t: number; window: RegistryWindow } | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly segment: ExecutionTuple | undefined,
    private readonly thresholdsSkipped: boolean,
    /** The scenarios run (`--scenario`); empty for all. */
    private readonly selected: readonly string[] = [],
  ) {}

  /** Whether the run's aggregates carry their windows. */
  get recordsWindows(): boolean {
    return this.segment !== undefined;
  }

  readonly onWindow = (t: number, window: RegistryWindow): void => {
    this.window = { t, window };
  };

  /** The event as written: `start` with the segment (and the plan's thresholds), `aggregate` with its window. */
  decorate(event: RunEvent): RunEvent {
    if (event.type === 'start') {
      let decorated = event;
      if (this.segment !== undefined) decorated = { ...decorated, segment: specOf(this.segment) };
      if (this.thresholdsSkipped) {
        const thresholds = this.plan.thresholds.map((t) => ({ key: t.key, source: t.source, line: t.range.start.line + 1 }));
        decorated = { ...decorated, plan: { ...decorated.plan, thresholds } };
      }
      return decorated;
    }
    if (event.type === 'aggregate' && this.window !== undefined && this.window.t === event.t) {
      const window = this.onlySelected(this.window.window);
      this.window = undefined;
      return { ...event, window };
    }
    return event;
  }

  /**
   * The registry's window covers every scenario of the plan; the `start` event lists only the scenarios
   * run, so the window keeps those, in the same (plan) order, and the two stay index-aligned.
   */
  private onlySelected(window: RegistryWindow): RegistryWindow {
    if (this.selected.length === 0) return window;
    return { scenarios: window.scenarios.filter((_, i) => this.selected.includes(this.plan.scenarios[i]?.name ?? '')) };
  }
}

/** The plan a `--no-thresholds` run executes: the same, without thresholds to evaluate or abort on. */
export function withoutThresholds(plan: Plan): Plan {
  return { ...plan, thresholds: [] };
}
