// What `volley debug FILE --json` prints: one iteration of a flow, step by step, as the extension's
// results panel and quick fixes read it. Types only, so every bundle may import them.
import type { Timings } from '../metrics/recorder';

/** One of the file's lines, 1-based, and a column, 1-based: as an editor shows them. */
export interface DebugPosition {
  line: number;
  column: number;
}

/** A body as shown: text (JSON pretty-printed), cut when long, with its full size stated. */
export interface DebugBody {
  text: string;
  /** The body's size in bytes as sent or received (decoded). */
  bytes: number;
  /** True when `text` is a prefix of the body. */
  truncated: boolean;
  /** The text is JSON (pretty-printed). */
  json: boolean;
  /** Not text: `text` says so instead of holding bytes. */
  binary?: boolean;
}

export interface DebugHeader {
  name: string;
  value: string;
}

export interface DebugRequest {
  method: string;
  url: string;
  headers: DebugHeader[];
  body?: DebugBody;
}

export interface DebugResponse {
  /** 0 when no response came (the error says why). */
  status: number;
  headers: DebugHeader[];
  body?: DebugBody;
  /** The engine's error class (`connection-refused`, `request-timeout`, `http-status`…). */
  errorClass?: string;
  error?: string;
}

/** k6's phases of one request, ms (the recorder's Timings). */
export type DebugTimings = Timings;

export interface DebugCheck {
  name: string;
  passed: boolean;
  /** Where the check is written (its key under `check:`). */
  position?: DebugPosition;
}

export interface DebugCapture {
  name: string;
  /** As the file writes it: `json.items[0].id`, `header.X-Id`, `cookie.sid`, `regex:…`. */
  source: string;
  /** False when the source found nothing (the capture is empty for the rest of the iteration). */
  found: boolean;
  value?: unknown;
}

export type DebugStage = 'setup' | 'flow' | 'teardown';

export interface DebugStep {
  stage: DebugStage;
  /** The step's index in its stage's steps (the Plan's numbering, nested steps included). */
  index: number;
  name: string;
  /** Where the step's list item starts. */
  position: DebugPosition;
  group?: string;
  /** How deep in repeat/if/choose/group blocks the step ran (0 at the top of the flow). */
  depth: number;
  /** The repeat rounds around the step, outermost first, 0-based. */
  rounds?: number[];
  request: DebugRequest;
  response: DebugResponse;
  timings: DebugTimings;
  checks: DebugCheck[];
  captures: DebugCapture[];
  /** The request got a response below 400 and every check passed. */
  ok: boolean;
}

/** A control step's decision, shown before the step it led to. */
export type DebugControl = {
  position: DebugPosition;
  depth: number;
  /** Index in `steps` of the first step run after the decision (steps.length when none followed). */
  beforeStep: number;
} & (
  | { kind: 'if'; condition: string; value: unknown; taken: 'flow' | 'else' | 'none' }
  | { kind: 'choose'; branch: number; branches: number; weight: number }
  | { kind: 'repeat'; rounds: number }
  | { kind: 'group'; name: string }
  | { kind: 'think'; ms: number }
);

/** A text change of the scenario file: [start, end) offsets and the same as positions. */
export interface DebugTextEdit {
  start: number;
  end: number;
  range: { start: DebugPosition; end: DebugPosition };
  newText: string;
}

/** A literal of a later request that the suggestion replaces with `{{ name }}`. */
export interface DebugLiteral {
  stage: DebugStage;
  step: number;
  stepName: string;
  /** Where in the request: `url`, `query page`, `header Authorization`, `cookie sid`, `json id`, `body`. */
  where: string;
  position: DebugPosition;
}

export interface DebugSuggestion {
  kind: 'correlate' | 'credential';
  /** One sentence: what to capture where, and what to replace. */
  message: string;
  /** The step whose response gives the value. */
  from: { stage: DebugStage; step: number; stepName: string; position: DebugPosition };
  /** The capture's name and source, as the file would write them. */
  capture: { name: string; source: string; existing: boolean };
  /** The value found (left out for credentials). */
  value?: string;
  literals: DebugLiteral[];
  /** One edit of the file: the capture added (unless `existing`) and every literal replaced; sorted, not overlapping. */
  edits: DebugTextEdit[];
  /** The failed step (credential suggestions). */
  failedStep?: number;
}

export interface DebugReport {
  file: string;
  scenario: string;
  /** 0 when every request got a status below 400 and every check passed; see docs/debugging.md. */
  exitCode: number;
  ok: boolean;
  steps: DebugStep[];
  control: DebugControl[];
  suggestions: DebugSuggestion[];
  /** Why the iteration ended early (a failed setup step), when it did. */
  stopped?: string;
  /** How long the whole debug run took, ms. */
  durationMs: number;
}
