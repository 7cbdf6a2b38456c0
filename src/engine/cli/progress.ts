// The live progress of `volley run`: on a terminal one line rewritten in place each second; otherwise one
// plain line every ~5 s, so CI logs show the run moving without a line per second.
import type { PlanInfo, RunEvent, ScenarioFigures } from '../../protocol';
import { k6Duration, k6RunClock } from '../../format';

type Aggregate = Extract<RunEvent, { type: 'aggregate' }>;

function formatRate(perSecond: number): string {
  return perSecond >= 100 || Number.isInteger(perSecond) ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** Turns the event stream into progress lines; cumulative figures (errors, dropped) are kept here. */
export class ProgressModel {
  private totalSeconds = 0;
  private errors = 0;
  private dropped = 0;
  stopping = false;

  start(plan: PlanInfo): void {
    let end = 0;
    for (const s of plan.scenarios) end = Math.max(end, s.startTimeMs + s.durationMs);
    this.totalSeconds = end / 1000;
  }

  line(aggregate: Aggregate): string {
    let requests = 0;
    let p95 = 0;
    const parts: string[] = [];
    for (const s of aggregate.scenarios) {
      parts.push(this.scenarioPart(s));
      this.dropped += s.dropped;
      for (const step of s.steps) {
        requests += step.requests;
        this.errors += step.failed;
        // Percentiles of different steps do not add up: the slowest step's p95 bounds the mix.
        if (step.requests > 0 && step.duration.p95 > p95) p95 = step.duration.p95;
      }
    }
    const clock = this.totalSeconds > 0
      ? `${k6RunClock(aggregate.t * 1000)}/${k6RunClock(this.totalSeconds * 1000)}`
      : k6RunClock(aggregate.t * 1000);
    return [
      `${this.stopping ? 'stopping' : 'running'} ${clock}`,
      parts.join(' · '),
      `${formatRate(requests)} req/s p95 ${requests > 0 ? k6Duration(p95) : '-'}`,
      `errors ${this.errors}`,
      `dropped ${this.dropped}`,
    ].join('  ');
  }

  private scenarioPart(s: ScenarioFigures): string {
    const rate = s.targetRate !== undefined ? `${formatRate(s.iterations)}/${formatRate(s.targetRate)} it/s` : `${formatRate(s.iterations)} it/s`;
    return `${s.scenario} ${rate} ${s.vusActive}/${s.vusAllocated} VUs`;
  }
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Where progress and run messages meet: messages must not be torn by the line rewritten in place. */
export class ProgressDisplay {
  private readonly model = new ProgressModel();
  private current = '';
  private lastPlainAt = -Infinity;

  constructor(
    private readonly stream: ProgressStream,
    private readonly mode: 'tty' | 'plain' | 'quiet',
    private readonly plainEverySeconds = 5,
  ) {}

  event(event: RunEvent): void {
    if (event.type === 'start') this.model.start(event.plan);
    else if (event.type === 'aggregate') this.aggregate(event);
  }

  set stopping(value: boolean) {
    this.model.stopping = value;
  }

  /** A message line (log, diagnosis, stop notice), printed above the progress line. */
  message(text: string): void {
    if (this.mode === 'tty' && this.current) {
      this.stream.write(`\r\x1b[2K${text}\n${this.current}`);
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Removes the progress line before the summary. */
  clear(): void {
    if (this.mode === 'tty' && this.current) this.stream.write('\r\x1b[2K');
    this.current = '';
  }

  private aggregate(event: Aggregate): void {
    const line = this.model.line(event);
    if (this.mode === 'tty') {
      // A line wider than the terminal wraps, and \r then rewrites only its last part.
      // Some terminals (and pseudo-terminals in CI) report 0 columns: assume a common width then.
      const columns = this.stream.columns || Number(process.env.COLUMNS) || 100;
      const width = Math.max(20, columns - 1);
      this.current = line.length > width ? line.slice(0, width - 1) + '…' : line;
      this.stream.write(`\r\x1b[2K${this.current}`);
    } else if (this.mode === 'plain' && event.t - this.lastPlainAt >= this.plainEverySeconds - 0.01) {
      this.lastPlainAt = event.t;
      this.stream.write(`${line}\n`);
    }
  }
}
