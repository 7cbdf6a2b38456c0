// Turns what validate.ts checked into the Plan the engine runs: defaults applied (from the schema, the
// one place they are written), durations in ms, templates already compiled, and the whole Plan frozen.
import { basename } from 'node:path';
import { parseDuration } from './duration';
import type { CookieMode, DataSetPlan, ExecutorPlan, ExecutorType, Plan, ScenarioPlan, Stage, StepPlan } from './plan';
import { SCHEMA, scenarioSchema, type ObjectSchema, type SchemaNode } from './schema';
import type { CheckedFile, CheckedScenario, CheckedStep } from './validate';

/**
 * Builds the Plan from a document that validated without errors (see loadScenario). Missing required
 * values mean the caller skipped validation; that is a programming error and throws.
 */
export function compileScenario(checked: CheckedFile, file: string, data: DataSetPlan[] = []): Plan {
  const httpSchema = SCHEMA.properties.http as ObjectSchema;
  const timeoutMs = checked.http.timeoutMs ?? defaultMs(httpSchema.properties.timeout);
  const plan: Plan = {
    file,
    name: checked.name ?? nameFromFile(file),
    baseUrl: checked.baseUrl,
    http: {
      connections: checked.http.connections ?? (httpSchema.properties.connections.default as 'per-vu'),
      maxConnectionsPerHost: checked.http.maxConnectionsPerHost ?? (httpSchema.properties.maxConnectionsPerHost.default as number),
      timeoutMs,
      noVUConnectionReuse: checked.http.noVUConnectionReuse ?? false,
      insecureSkipTLSVerify: checked.http.insecureSkipTLSVerify ?? false,
      cookies: checked.http.cookies ?? (httpSchema.properties.cookies.default as CookieMode),
    },
    variables: { ...checked.variables },
    setup: withTimeouts(checked.setup ?? [], timeoutMs),
    teardown: withTimeouts(checked.teardown ?? [], timeoutMs),
    scenarios: checked.scenarios.map((s) => compileScenarioPlan(s, timeoutMs)),
    ...(data.length > 0 ? { data } : {}),
    thresholds: checked.thresholds,
  };
  return deepFreeze(plan);
}

/** `checkout.volley.yaml` → `checkout`. */
export function nameFromFile(file: string): string {
  return basename(file).replace(/\.volley\.ya?ml$|\.ya?ml$/i, '') || 'volley';
}

function compileScenarioPlan(s: CheckedScenario, httpTimeoutMs: number): ScenarioPlan {
  if (!s.executor) throw new Error(`scenario "${s.name}" has no valid executor: compile only validated documents`);
  const props = scenarioSchema().properties;
  const steps = withTimeouts(s.steps, httpTimeoutMs);
  return {
    name: s.name,
    range: s.range,
    executor: executorPlan(s.executor, s),
    startTimeMs: num(s, 'startTime', defaultMs(props.startTime)),
    gracefulStopMs: num(s, 'gracefulStop', defaultMs(props.gracefulStop)),
    steps,
    ...(s.dataSets !== undefined ? { dataSets: s.dataSets } : {}),
    ...(s.nodes ? { flow: s.nodes } : {}),
    ...(s.groups.length > 0 ? { groups: s.groups } : {}),
  };
}

/** A request step without its own `timeout:` takes the file's. */
function withTimeouts(steps: readonly CheckedStep[], httpTimeoutMs: number): StepPlan[] {
  return steps.map((step) => (step.kind === 'think' ? step : { ...step, timeoutMs: step.timeoutMs ?? httpTimeoutMs }));
}

function executorPlan(type: ExecutorType, s: CheckedScenario): ExecutorPlan {
  const props = scenarioSchema().properties;
  const timeUnitMs = () => num(s, 'timeUnit', defaultMs(props.timeUnit));
  const int = (key: string) => num(s, key, props[key].default as number | undefined);
  switch (type) {
    case 'constant-arrival-rate': {
      const preAllocatedVUs = int('preAllocatedVUs');
      return {
        type,
        rate: int('rate'),
        timeUnitMs: timeUnitMs(),
        durationMs: num(s, 'duration', undefined),
        preAllocatedVUs,
        maxVUs: num(s, 'maxVUs', preAllocatedVUs),
      };
    }
    case 'ramping-arrival-rate': {
      const preAllocatedVUs = int('preAllocatedVUs');
      return {
        type,
        startRate: int('startRate'),
        timeUnitMs: timeUnitMs(),
        stages: stages(s),
        preAllocatedVUs,
        maxVUs: num(s, 'maxVUs', preAllocatedVUs),
      };
    }
    case 'constant-vus':
      return { type, vus: int('vus'), durationMs: num(s, 'duration', undefined) };
    case 'ramping-vus':
      return { type, startVUs: int('startVUs'), stages: stages(s), gracefulRampDownMs: num(s, 'gracefulRampDown', defaultMs(props.gracefulRampDown)) };
    case 'per-vu-iterations':
    case 'shared-iterations':
      return { type, vus: int('vus'), iterations: int('iterations'), maxDurationMs: num(s, 'maxDuration', defaultMs(props.maxDuration)) };
  }
}

function num(s: CheckedScenario, key: string, fallback: number | undefined): number {
  const value = s.values[key];
  if (typeof value === 'number') return value;
  if (fallback === undefined) throw new Error(`scenario "${s.name}" has no ${key}: compile only validated documents`);
  return fallback;
}

function stages(s: CheckedScenario): Stage[] {
  const value = s.values.stages;
  if (!Array.isArray(value)) throw new Error(`scenario "${s.name}" has no stages: compile only validated documents`);
  return value;
}

function defaultMs(schema: SchemaNode): number {
  const parsed = typeof schema.default === 'string' ? parseDuration(schema.default) : undefined;
  if (!parsed?.ok) throw new Error('schema default is not a duration');
  return parsed.ms;
}

/** Freezes plain data; templates and regexes are frozen as objects too (their closures stay callable). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  // A RegExp must keep a writable lastIndex for exec(); a file's bytes cannot be frozen (and are never written).
  if (value instanceof RegExp || ArrayBuffer.isView(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
