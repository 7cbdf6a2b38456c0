// The rules across a scenario's keys that depend on its executor, beside the executors they govern the
// way k6 keeps Validate() beside each executor's config; the stage lists of the ramping executors; and
// the hints that say why a key belongs to another executor. Which keys an executor takes, and which it
// requires, are in the description (../schema.ts); only what spans keys is here.
import { isMap, type Node } from 'yaml';
import { keyText } from '../document';
import type { ExecutorType, Stage } from '../plan';
import { scenarioSchema, type ObjectSchema } from '../schema';
import { stagesDurationMs } from '../stages';
import type { Findings } from './findings';
import { replaceFix } from './fixes';
import { firstLine } from './ranges';
import { deref, describe, entries, expectSeq, isEmpty, missingKey, readScalar, unknownKey, type Entry } from './read';

/** A scenario's keys as checked: the valid values (numbers, ms, stages) and every entry, by key. */
export interface ScenarioKeys {
  values: Record<string, number | Stage[]>;
  byKey: Map<string, Entry>;
}

type Rule = (f: Findings, keys: ScenarioKeys) => void;

function maxVUsAtLeastPreAllocated(f: Findings, { values: v, byKey }: ScenarioKeys): void {
  if (typeof v.maxVUs !== 'number' || typeof v.preAllocatedVUs !== 'number' || v.maxVUs >= v.preAllocatedVUs) return;
  const node = byKey.get('maxVUs')!.value!;
  f.error(
    'max-vus-below-preallocated',
    `maxVUs (${v.maxVUs}) must be at least preAllocatedVUs (${v.preAllocatedVUs}): raise maxVUs or lower preAllocatedVUs`,
    node,
    [{ ...replaceFix(f.doc, node, String(v.preAllocatedVUs)), title: `Set maxVUs to ${v.preAllocatedVUs}` }],
  );
}

function vusAtMostIterations(f: Findings, { values: v, byKey }: ScenarioKeys): void {
  const vus = typeof v.vus === 'number' ? v.vus : 1;
  const iterations = typeof v.iterations === 'number' ? v.iterations : 1;
  if (vus <= iterations || !byKey.has('vus')) return;
  const node = byKey.get('vus')!.value!;
  f.warning(
    'vus-exceed-iterations',
    `only ${iterations} of the ${vus} VUs will run: shared-iterations starts at most as many VUs as iterations (k6 caps vus at iterations)`,
    node,
    [{ ...replaceFix(f.doc, node, String(iterations)), title: `Set vus to ${iterations}` }],
  );
}

/** The valid stage list and its key, when both are there. */
function stagesOf({ values, byKey }: ScenarioKeys): { stages: Stage[]; key: Node } | undefined {
  const entry = byKey.get('stages');
  return Array.isArray(values.stages) && entry ? { stages: values.stages, key: entry.keyNode } : undefined;
}

function stagesLast(f: Findings, keys: ScenarioKeys): void {
  const given = stagesOf(keys);
  if (given && stagesDurationMs(given.stages) === 0) {
    f.error('stages-without-duration', 'the stages last 0s in total: give at least one stage a duration', given.key);
  }
}

/** Load-free stages that do last: a 0s list is already an error. */
function idleStages(keys: ScenarioKeys): Node | undefined {
  const given = stagesOf(keys);
  return given && stagesDurationMs(given.stages) > 0 && given.stages.every((s) => s.target === 0) ? given.key : undefined;
}

function startsIterations(f: Findings, keys: ScenarioKeys): void {
  const at = idleStages(keys);
  if (at && (keys.values.startRate ?? 0) === 0) {
    f.warning('no-load', 'this scenario starts no iterations: startRate and every stage target are 0', at);
  }
}

function runsVUs(f: Findings, keys: ScenarioKeys): void {
  const at = idleStages(keys);
  if (at && keys.values.startVUs === 0) f.warning('no-load', 'this scenario runs no VUs: startVUs and every stage target are 0', at);
}

const RULES: Readonly<Record<ExecutorType, readonly Rule[]>> = {
  'constant-arrival-rate': [maxVUsAtLeastPreAllocated],
  'ramping-arrival-rate': [maxVUsAtLeastPreAllocated, stagesLast, startsIterations],
  'constant-vus': [],
  'ramping-vus': [stagesLast, runsVUs],
  'per-vu-iterations': [],
  'shared-iterations': [vusAtMostIterations],
};

/** The executor's rules across keys, once each key has been read on its own. */
export function checkExecutorRules(f: Findings, executor: ExecutorType, keys: ScenarioKeys): void {
  for (const rule of RULES[executor]) rule(f, keys);
}

export function checkStages(f: Findings, entry: Entry, executor: ExecutorType | undefined): Stage[] | undefined {
  const seq = expectSeq(f, entry, 'a list of { duration, target } stages');
  if (!seq) return undefined;
  if (seq.items.length === 0) {
    f.error('empty-list', 'stages is empty: add at least one { duration, target } stage', seq);
    return undefined;
  }
  const stageSchema = (scenarioSchema().properties.stages as { items: ObjectSchema }).items;
  const stageKeys = Object.keys(stageSchema.properties);
  const stages: Stage[] = [];
  let ok = true;
  seq.items.forEach((raw, i) => {
    const item = deref(f, raw as Node | null);
    if (!isMap(item)) {
      const at = (isEmpty(item) ? seq : item) as Node;
      f.error('wrong-type', `stage ${i + 1} must be a map { duration, target }, not ${describe(f, item)}`, at);
      ok = false;
      return;
    }
    let durationMs: number | undefined;
    let target: number | undefined;
    for (const e of entries(f, item)) {
      if (!stageKeys.includes(e.key)) {
        unknownKey(f, e, stageKeys, `stage ${i + 1}`);
        continue;
      }
      const value = readScalar(f, e, stageSchema.properties[e.key]) as number | undefined;
      if (e.key === 'duration') durationMs = value;
      else target = value;
    }
    for (const key of stageSchema.required ?? []) {
      if (item.items.some((p) => keyText(p) === key)) continue;
      const what = key === 'target' ? (executor === 'ramping-vus' ? ' (VUs at its end)' : ' (its rate at its end)') : '';
      missingKey(f, `stage ${i + 1} needs ${key}${what}`, firstLine(f.doc, item), item, undefined, key);
    }
    if (durationMs === undefined || target === undefined) ok = false;
    else stages.push({ durationMs, target });
  });
  return ok ? stages : undefined;
}

/** What a required key is for, after "needs key". */
export function requiredHint(key: string): string {
  switch (key) {
    case 'rate':
      return ': iterations to start per timeUnit';
    case 'duration':
      return ': how long it runs, e.g. 30s';
    case 'preAllocatedVUs':
      return ': the VUs started up front';
    case 'stages':
      return ': a list of { duration, target }';
    case 'flow':
      return ': the list of steps of an iteration';
    default:
      return '';
  }
}

/** Why a key of another executor is there, and what to use instead. */
export function executorHint(key: string, executor: ExecutorType): string {
  const arrival = executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate';
  if (key === 'vus' && arrival) return '; arrival-rate executors size their VU pool with preAllocatedVUs and maxVUs';
  if (key === 'rate' && executor === 'ramping-arrival-rate') return '; ramping-arrival-rate starts from startRate and follows stages';
  if (key === 'duration' && (executor === 'ramping-arrival-rate' || executor === 'ramping-vus')) return '; the stages set how long it runs';
  if (key === 'duration' && (executor === 'per-vu-iterations' || executor === 'shared-iterations')) return '; use maxDuration to bound the run';
  if ((key === 'preAllocatedVUs' || key === 'maxVUs') && !arrival) return `; ${executor} runs a fixed set of VUs`;
  if (key === 'stages') return `; use ramping-${arrival ? 'arrival-rate' : 'vus'} for a ramp`;
  return '';
}
