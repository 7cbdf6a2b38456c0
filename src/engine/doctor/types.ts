// The doctor's vocabulary: what a rule sees (the plan's facts, one second of the run, the run's end) and
// what it answers (candidate diagnoses, deduplicated by the doctor).
import type { Diagnosis, GeneratorHealth, RunSummary, ScenarioFigures } from '../../protocol';
import type { ExecutorPlan, HttpPlan } from '../scenario/plan';
import type { SystemLimits } from './system-limits';

/** What the plan says about one scenario, in the terms the rules need. */
export interface ScenarioFacts {
  name: string;
  /** This process's part of the scenario's executor (all of it unless an execution segment). */
  executor: ExecutorPlan;
  startTimeMs: number;
  /** Scheduled end of the scenario (from the run's start) without its graceful stop. */
  endMs: number;
  gracefulStopMs: number;
  maxVUs: number;
  /** Distinct origins its request steps reach (`http://host:port`); relative URLs count as the baseUrl's. */
  origins: string[];
  /** True when some step's origin is only known at run time (a template in scheme or host). */
  dynamicOrigins: boolean;
  /** Request steps per iteration. */
  requestsPerIteration: number;
  /** The longest think step, ms (a server's keep-alive timeout shorter than this closes idle connections). */
  maxThinkMs: number;
  /** Request step name → its timeout, ms. */
  stepTimeoutMs: Map<string, number>;
}

export interface DoctorContext {
  http: HttpPlan;
  scenarios: Map<string, ScenarioFacts>;
  /** Engine threads whose CPU the health figures sum (1 without workers). */
  threads: number;
  /**
   * The fraction of every scenario this process runs: 1, or its execution segment's. The facts and the
   * rules are in the segment's terms (what it can observe); the doctor turns VU edits into the file's.
   */
  share: number;
  /** The most connections the plan can hold open at once (preflight's count). */
  plannedConnections: number;
  /** The OS limits at the start of the run (ports for the TIME_WAIT arithmetic). */
  system: SystemLimits;
}

/** One aggregate of the run. */
export interface Second {
  t: number;
  scenarios: ScenarioFigures[];
  health: GeneratorHealth;
}

export interface RunEnd {
  durationMs: number;
  outcome: RunSummary['outcome'];
  /** Whole-run figures per scenario. */
  scenarios: ScenarioFigures[];
  /** The summary's base64 HDR histograms (exact iteration durations for the VU estimator), when kept. */
  histograms?: Record<string, string>;
}

/** A rule family. Both methods return candidates; the doctor keeps one per id, scenario and step. */
export interface Rule {
  /** After each aggregate: what is already certain (emitted live once). */
  observe(second: Second): Diagnosis[];
  /** At the end: the final word (replaces a live candidate with the same key, e.g. with run totals). */
  conclude(end: RunEnd): Diagnosis[];
}

export type RuleFactory = (context: DoctorContext) => Rule;
