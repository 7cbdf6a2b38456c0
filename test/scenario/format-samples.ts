// Documents built from the scenario format's description (schema.ts), for the cross-check and the
// property test: every key at every path, a value of the right type for each, and the smallest document
// around it that the validator and the JSON Schema both accept.
import Ajv from 'ajv';
import { stringify } from 'yaml';
import {
  EXECUTOR_TYPES,
  CONTROL_STEP_KEYS,
  HTTP_METHOD_KEYS,
  SCHEMA,
  executorsTaking,
  lifecycleStepSchema,
  requiredScenarioKeysFor,
  scenarioSchema,
  schemaAt,
  stepSchema,
  toJsonSchema,
  type MapSchema,
  type ObjectSchema,
  type PropertySchema,
  type SchemaNode,
} from '../../src/engine/scenario/schema';
import type { ExecutorType } from '../../src/engine/scenario/plan';
import { loadScenario, type ScenarioDiagnostic } from '../../src/engine/scenario/index';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The names a document uses where the description has a map: any name of the right kind would do. */
const SAMPLE_MAP_KEY: Record<MapSchema['keyFormat'], string> = {
  identifier: 'sample',
  scenarioName: 'sample',
  name: 'sample',
  metricKey: 'http_req_duration',
  header: 'X-Sample',
  cookie: 'sample',
  jsonPath: 'id',
};

/** The objects of the description; each has its section in docs/scenario-format.md. */
export type ObjectKind = 'file' | 'http' | 'dataSet' | 'scenario' | 'stage' | 'step' | 'check' | 'think' | 'filePart' | 'branch' | 'threshold';

export interface KeyAtPath {
  /** A concrete path: map keys replaced by a sample name, list indexes by 0. */
  parent: Array<string | number>;
  kind: ObjectKind;
  key: string;
  schema: PropertySchema;
}

function kindOf(parent: ReadonlyArray<string | number>): ObjectKind {
  const last = parent[parent.length - 1];
  if (parent.length === 0) return 'file';
  if (parent[0] === 'http') return 'http';
  if (parent[0] === 'data') return 'dataSet';
  if (parent[0] === 'thresholds') return 'threshold';
  // `setup:` and `teardown:` are lists of the same steps as a flow.
  if ((parent[0] === 'setup' || parent[0] === 'teardown') && parent.length === 2) return 'step';
  if (parent.length === 2) return 'scenario';
  if (parent[2] === 'stages') return 'stage';
  if (last === 'check') return 'check';
  if (last === 'think') return 'think';
  if (parent[parent.length - 2] === 'multipart') return 'filePart';
  if (parent[parent.length - 2] === 'choose') return 'branch';
  if (parent[2] === 'flow' && typeof last === 'number') return 'step';
  throw new Error(`format-samples: no kind for the object at ${JSON.stringify(parent)}: add it (and its docs section)`);
}

/** Every key of every object the description holds, with the concrete path of its object. */
export function keysAtEveryPath(): KeyAtPath[] {
  const out: KeyAtPath[] = [];
  // A nested flow's items are the step object again: each object is walked once, at its first path.
  const seen = new Set<SchemaNode>();
  const walk = (node: SchemaNode, at: Array<string | number>): void => {
    if (seen.has(node)) return;
    seen.add(node);
    switch (node.type) {
      case 'object':
        for (const [key, prop] of Object.entries(node.properties)) {
          out.push({ parent: at, kind: kindOf(at), key, schema: prop });
          walk(prop, [...at, key]);
        }
        return;
      case 'map':
        return walk(node.values, [...at, SAMPLE_MAP_KEY[node.keyFormat]]);
      case 'array':
        return walk(node.items, [...at, 0]);
      case 'union':
        for (const variant of node.variants) walk(variant, at);
        return;
      default:
        return;
    }
  };
  walk(SCHEMA, []);
  return out;
}

/** A value the description says is right for `node` (the smallest one, within its limits). */
export function sampleValue(node: SchemaNode): Json {
  switch (node.type) {
    case 'string':
      if (node.enum) return node.enum[0];
      switch (node.format) {
        case 'duration':
          return node.minimumMs !== undefined && node.minimumMs > 1000 ? `${Math.ceil(node.minimumMs / 1000)}s` : '1s';
        case 'baseUrl':
          return 'http://127.0.0.1:1';
        case 'url':
          return '/sample';
        case 'thresholdExpression':
          return 'p(95)<500';
        case 'captureSource':
          return 'json.id';
        case 'condition':
          return '{{ true }}';
        default:
          return 'sample';
      }
    case 'integer':
    case 'number':
      // 1 where the limits allow it: a 0 target or start rate would be a scenario with no load.
      if (node.exclusiveMinimum !== undefined) return Math.max(node.exclusiveMinimum + 1, 1);
      return Math.max(node.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'any':
      return 1;
    case 'union':
      return sampleValue(node.variants[0]);
    case 'array':
      return [sampleValue(node.items)];
    case 'map':
      return { [SAMPLE_MAP_KEY[node.keyFormat]]: sampleValue(node.values) };
    case 'object': {
      // Two cross-key rules the required lists do not say: an executor's own required keys, and a step's
      // one method (or think).
      if (node === scenarioSchema()) return sampleScenario(EXECUTOR_TYPES[0]);
      if (node === stepSchema() || node === lifecycleStepSchema()) return { get: '/sample' };
      if (node === objectSchemaAt(['scenarios', 'sample', 'flow', 0, 'choose', 0])) return { weight: 1, flow: [{ get: '/sample' }] };
      const out: Record<string, Json> = {};
      for (const required of node.required ?? []) out[required] = sampleValue(node.properties[required]);
      return out;
    }
  }
}

/** A scenario the executor runs: its required keys only. */
function sampleScenario(executor: ExecutorType): Record<string, Json> {
  const properties = scenarioSchema().properties;
  const scenario: Record<string, Json> = {};
  for (const key of requiredScenarioKeysFor(executor)) scenario[key] = sampleValue(properties[key]);
  return { ...scenario, executor };
}

/** The smallest file that runs, with one scenario of `executor` named `sample`. */
export function baseDocument(executor: ExecutorType = 'constant-vus'): Record<string, Json> {
  return { baseUrl: 'http://127.0.0.1:1', scenarios: { sample: sampleScenario(executor) } };
}

/** The object (or list) at `path` in `doc`, created empty where missing or not a container. */
export function objectAt(doc: Record<string, Json>, path: ReadonlyArray<string | number>): Record<string, Json> {
  let at: Json = doc;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (at[segment] === undefined || typeof at[segment] !== 'object') {
      const next = path[i + 1];
      at[segment] = typeof next === 'number' ? [] : {};
    }
    at = at[segment];
  }
  return at;
}

/**
 * A valid document that uses `entry.key` in its object (for a scenario key, in a scenario of `executor`,
 * by default the first that takes the key), or undefined when `executor` does not take the key. An object
 * created for it gets its required keys; a step holds exactly one method or `think`, so another step key
 * is added to a GET step.
 */
export function documentUsing(entry: KeyAtPath, executor?: ExecutorType): Record<string, Json> | undefined {
  const takers = executorsFor(entry);
  const chosen = executor ?? takers[0];
  if (!takers.includes(chosen)) return undefined;
  const doc = baseDocument(chosen);
  const lifecycle = entry.parent[0];
  if (lifecycle === 'setup' || lifecycle === 'teardown') doc[lifecycle] = [{ get: '/sample' }];
  const object = objectAt(doc, entry.parent);
  if (entry.kind === 'step') {
    delete object.get;
    const action = entry.key === 'think' || (HTTP_METHOD_KEYS as readonly string[]).includes(entry.key);
    const control = Object.entries(CONTROL_STEP_KEYS).find(([, keys]) => (keys as readonly string[]).includes(entry.key));
    // A control step's other keys come with the step they belong to.
    if (control) Object.assign(object, CONTROL_SAMPLES[control[0] as keyof typeof CONTROL_SAMPLES]);
    else if (!action) object.get = '/sample';
  }
  // A think range's step is a think step, a choose branch's step a choose step: they hold no request.
  if (entry.kind === 'think') delete objectAt(doc, entry.parent.slice(0, -1)).get;
  if (entry.kind === 'branch') delete objectAt(doc, entry.parent.slice(0, -2)).get;
  if (Object.keys(object).length === 0 && entry.kind !== 'step') Object.assign(object, sampleValue(objectSchemaAt(entry.parent)));
  object[entry.key] = sampleValue(entry.schema);
  return doc;
}

/** The smallest control step of each kind (a key of it is then set to its own sample). */
const CONTROL_SAMPLES = {
  repeat: { repeat: 1, flow: [{ get: '/sample' }] },
  if: { if: '{{ true }}', flow: [{ get: '/sample' }] },
  choose: { choose: [{ weight: 1, flow: [{ get: '/sample' }] }] },
  group: { group: 'sample', flow: [{ get: '/sample' }] },
} as const satisfies Record<keyof typeof CONTROL_STEP_KEYS, Json>;

/** The executors a document using this key can have: those taking the scenario key it is, or is under. */
export function executorsFor(entry: KeyAtPath): readonly ExecutorType[] {
  if (entry.kind === 'scenario') return executorsTaking(entry.key);
  if (entry.parent[0] === 'scenarios' && entry.parent.length > 2) return executorsTaking(String(entry.parent[2]));
  return EXECUTOR_TYPES;
}

/** The object schema at a path; a threshold list item is a union of an expression and an object. */
export function objectSchemaAt(path: ReadonlyArray<string | number>): ObjectSchema {
  const node = schemaAt(path);
  const object = node?.type === 'union' ? node.variants.find((v) => v.type === 'object') : node;
  if (object?.type !== 'object') throw new Error(`format-samples: no object at ${JSON.stringify(path)}`);
  return object;
}

/** The validator's errors on a file's text (warnings aside). */
export function validatorErrors(text: string): ScenarioDiagnostic[] {
  // The text alone, as the JSON Schema sees it: a multipart part's file is not read.
  return loadScenario(text, 'sample.volley.yaml', { readBodyFiles: false }).diagnostics.filter((d) => d.severity === 'error');
}

export function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}

/** ajv for draft-07 in strict mode, which refuses unknown keywords; VS Code's annotations are known. */
export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addVocabulary(['markdownDescription', 'markdownEnumDescriptions']);
  return ajv;
}

/** ajv on a JSON Schema, by default the description's toJsonSchema() (what gen:schema writes). */
export function jsonSchemaValidator(schema: object = toJsonSchema()): (doc: unknown) => { valid: boolean; errors: string } {
  const ajv = newAjv();
  const validate = ajv.compile(schema);
  return (doc) => {
    const valid = validate(doc) as boolean;
    return { valid, errors: valid ? '' : ajv.errorsText(validate.errors) };
  };
}
