// `setup:` and `teardown:` as the results panel shows them, apart from the scenarios: one row per step (its
// outcome, requests, duration and checks) and a failed setup as the run's outcome. Pure: the run's events in,
// rows and sentences out, so it is tested without a browser.
import type { RunEvent, ScenarioFigures, SetupFailure } from '../protocol';
import { editorCount, editorDuration } from '../format';

export interface LifecycleView {
  /** setup, then teardown, as far as they have run: the summary's, else each stage's `lifecycle` event. */
  stages: ScenarioFigures[];
  failure: SetupFailure | undefined;
}

export interface LifecycleRow {
  stage: string;
  step: string;
  stepIndex: number;
  /** The statuses the step got (`200`), or its error classes (`reset`) when it got no response. */
  outcome: string;
  failed: boolean;
  requests: string;
  /** The median duration (a stage runs once per process, so usually its one request's). */
  duration: string;
  checks: string;
}

export function lifecycleOf(events: readonly RunEvent[]): LifecycleView {
  let summaryStages: ScenarioFigures[] | undefined;
  const stages: ScenarioFigures[] = [];
  let failure: SetupFailure | undefined;
  for (const event of events) {
    if (event.type === 'lifecycle') {
      stages.push(event.figures);
      failure ??= event.failure;
    } else if (event.type === 'summary') {
      summaryStages = event.summary.lifecycle;
    }
  }
  return { stages: summaryStages ?? stages, failure };
}

function outcomeOf(step: ScenarioFigures['steps'][number]): string {
  const errors = Object.entries(step.errors).filter(([name, n]) => n && name !== 'http-status');
  const statuses = Object.entries(step.statuses).filter(([status, n]) => n && status !== '0');
  const parts = [...statuses.map(([status, n]) => (n === step.requests ? status : `${status} ×${editorCount(n)}`)), ...errors.map(([name]) => name)];
  return parts.length > 0 ? parts.join(', ') : '–';
}

export function lifecycleRows(view: LifecycleView): LifecycleRow[] {
  return view.stages.flatMap((stage) =>
    stage.steps.map((step) => {
      const checks = step.checksPassed + step.checksFailed;
      return {
        stage: stage.scenario,
        step: step.step,
        stepIndex: step.stepIndex,
        outcome: outcomeOf(step),
        failed: step.failed > 0 || step.checksFailed > 0,
        requests: editorCount(step.requests),
        duration: step.duration.count > 0 ? editorDuration(step.duration.med) : '–',
        checks: checks > 0 ? `${step.checksPassed}/${checks}` : '–',
      };
    }),
  );
}

/** `✓ 200` / `✗ 403`: the row's outcome with its mark. */
export function markedOutcome(row: LifecycleRow): string {
  return `${row.failed ? '✗' : '✓'} ${row.outcome}`;
}

/** What failed, in a phrase: `status 403, check "status is 200" failed` or `reset (no response)`. */
export function failureWhat(failure: SetupFailure): string {
  const checks = failure.failedChecks.length > 0 ? `, check ${failure.failedChecks.map((c) => `"${c}"`).join(', ')} failed` : '';
  return failure.status === 0 ? `${failure.errorClass ?? 'no response'} (no response)` : `status ${failure.status}${checks}`;
}

/** The run's outcome line when setup failed. */
export function setupFailedStatus(failure: SetupFailure): string {
  return `setup failed at "${failure.step}" (line ${failure.line + 1}): ${failureWhat(failure)} · no scenario ran`;
}
