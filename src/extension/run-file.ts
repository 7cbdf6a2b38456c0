// Reading a run back from its NDJSON file (the engine writes one line per RunEvent as the run goes). A run
// that was killed ends mid-way, possibly in a half-written line: everything before it still counts.
// Pure (no vscode, no fs), so the panel, the inline review and the tests share it.
import type { Diagnosis, PlanInfo, RunEvent, RunSummary, ScenarioFigures } from '../protocol';
// Pure, shared with the panel: what it shows of setup and teardown is what the inline review marks.
import { lifecycleOf, type LifecycleView } from '../webview/lifecycle';

export interface ParsedRun {
  events: RunEvent[];
  /** Lines that were not events, with their 1-based line numbers (a cut last line among them). */
  skipped: Array<{ line: number; reason: string }>;
}

const TYPES = new Set(['start', 'aggregate', 'diagnosis', 'log', 'lifecycle', 'threshold-abort', 'summary', 'end']);

export function parseRunFile(text: string): ParsedRun {
  const events: RunEvent[] = [];
  const skipped: ParsedRun['skipped'] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped.push({ line: i + 1, reason: i === lines.length - 1 ? 'cut short (the run was killed while writing)' : 'not JSON' });
      continue;
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !TYPES.has(type)) {
      skipped.push({ line: i + 1, reason: `not a run event (type ${JSON.stringify(type)})` });
      continue;
    }
    events.push(value as RunEvent);
  }
  return { events, skipped };
}

/** What a run's events add up to, for the inline review and the Testing view. */
export interface RunDigest {
  runId: string | undefined;
  startedAt: string | undefined;
  plan: PlanInfo | undefined;
  summary: RunSummary | undefined;
  /** Diagnoses from `diagnosis` events and from the summary, each id once (the latest of an id). */
  diagnoses: Diagnosis[];
  /** Per scenario: the highest target rate and the most VUs allocated seen in any second. */
  peaks: Map<string, { targetRate: number | undefined; vusAllocated: number }>;
  /** The last second's figures (what a live view shows before the summary). */
  lastAggregate: { t: number; scenarios: ScenarioFigures[] } | undefined;
  /** setup's and teardown's figures, and the setup step that ended the test. */
  lifecycle: LifecycleView;
  exitCode: number | undefined;
}

export function digestRun(events: readonly RunEvent[]): RunDigest {
  const digest: RunDigest = {
    runId: undefined,
    startedAt: undefined,
    plan: undefined,
    summary: undefined,
    diagnoses: [],
    peaks: new Map(),
    lastAggregate: undefined,
    lifecycle: lifecycleOf(events),
    exitCode: undefined,
  };
  // A later diagnosis with the same id supersedes the earlier one in its place: the summary's is made from
  // the whole run, a live one from the seconds so far. The panel shows the latest, so Apply must use it too.
  const diagnosisAt = new Map<string, number>();
  const addDiagnosis = (d: Diagnosis): void => {
    const at = diagnosisAt.get(d.id);
    if (at !== undefined) digest.diagnoses[at] = d;
    else diagnosisAt.set(d.id, digest.diagnoses.push(d) - 1);
  };
  for (const event of events) {
    switch (event.type) {
      case 'start':
        digest.runId = event.runId;
        digest.startedAt = event.startedAt;
        digest.plan = event.plan;
        break;
      case 'aggregate':
        digest.lastAggregate = { t: event.t, scenarios: event.scenarios };
        for (const s of event.scenarios) {
          const peak = digest.peaks.get(s.scenario) ?? { targetRate: undefined, vusAllocated: 0 };
          if (s.targetRate !== undefined && s.targetRate > (peak.targetRate ?? 0)) peak.targetRate = s.targetRate;
          peak.vusAllocated = Math.max(peak.vusAllocated, s.vusAllocated, s.vusMax);
          digest.peaks.set(s.scenario, peak);
        }
        break;
      case 'diagnosis':
        addDiagnosis(event.diagnosis);
        break;
      case 'summary':
        digest.summary = event.summary;
        digest.runId ??= event.summary.runId;
        for (const d of event.summary.diagnoses) addDiagnosis(d);
        for (const s of event.summary.scenarios) {
          const peak = digest.peaks.get(s.scenario) ?? { targetRate: undefined, vusAllocated: 0 };
          peak.vusAllocated = Math.max(peak.vusAllocated, s.vusAllocated);
          digest.peaks.set(s.scenario, peak);
        }
        break;
      case 'end':
        digest.exitCode = event.exitCode;
        break;
      default:
        break;
    }
  }
  return digest;
}
