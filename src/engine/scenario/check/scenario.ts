// One scenario: its name, its executor, the keys that executor takes (from the description in
// ../schema.ts), the ones it requires, the rules across keys (./executors.ts), and its flow (./flow.ts).
import type { ExecutorType, FlowNodePlan, GroupPlan, Range, Stage } from '../plan';
import { SCENARIO_NAME_PATTERN } from '../names';
import { EXECUTOR_TYPES, executorsTaking, isExecutorType, requiredScenarioKeysFor, scenarioKeysFor, scenarioSchema } from '../schema';
import { checkExecutorRules, checkStages, executorHint, requiredHint } from './executors';
import type { Findings } from './findings';
import { checkFlow, type CheckedStep, type FlowContext } from './flow';
import { entries, expectMap, isEmpty, misspelled, missingKey, readEnum, readScalar, unknownKey, type Entry } from './read';

export interface CheckedScenario {
  name: string;
  range: Range;
  executor: ExecutorType | undefined;
  /** Scenario keys that were given and valid: integers, durations in ms, stages. */
  values: Record<string, number | Stage[]>;
  steps: CheckedStep[];
  /** The data sets its flow reads. */
  dataSets?: string[];
  /** The flow's control structure, when it has one (see ScenarioPlan.flow). */
  nodes?: FlowNodePlan[];
  groups: GroupPlan[];
}

export interface ScenarioResult {
  scenario: CheckedScenario;
  /** Every step name, for thresholds' `step:` tags. */
  stepNames: string[];
}

export function checkScenario(f: Findings, entry: Entry, context: FlowContext): ScenarioResult {
  const name = entry.key;
  if (!SCENARIO_NAME_PATTERN.test(name)) {
    f.error('invalid-scenario-name', `scenario name "${name}" may only hold letters, digits, - and _ (k6's rule)`, entry.keyNode);
  }
  const scenario: CheckedScenario = {
    name,
    range: f.doc.rangeOf(entry.keyNode),
    executor: undefined,
    values: {},
    steps: [],
    groups: [],
  };
  const result: ScenarioResult = { scenario, stepNames: [] };
  if (isEmpty(entry.value)) {
    missingKey(f, `scenario "${name}" is empty: give it an executor and a flow`, entry.keyNode, undefined, entry.keyNode, 'executor');
    return result;
  }
  const map = expectMap(f, entry, "a map with executor, flow and the executor's options");
  if (!map) return result;
  const scenarioEntries = entries(f, map);
  const byKey = new Map(scenarioEntries.map((e) => [e.key, e]));
  const props = scenarioSchema().properties;

  const executorEntry = byKey.get('executor');
  let executor: ExecutorType | undefined;
  if (executorEntry) {
    const value = readEnum(f, executorEntry, EXECUTOR_TYPES);
    if (isExecutorType(value)) executor = value;
  } else {
    missingKey(f, `scenario "${name}" has no executor: add one of ${EXECUTOR_TYPES.join(', ')}`, entry.keyNode, map, entry.keyNode, 'executor');
  }
  scenario.executor = executor;
  const allowed = executor ? scenarioKeysFor(executor) : Object.keys(props);

  for (const e of scenarioEntries) {
    if (e.key === 'executor' || e.key === 'flow') continue;
    if (!Object.prototype.hasOwnProperty.call(props, e.key)) {
      unknownKey(f, e, allowed, `scenario "${name}"`);
      continue;
    }
    if (!allowed.includes(e.key)) {
      f.error(
        'key-not-for-executor',
        `${e.key} does not apply to ${executor}: it is an option of ${joinAnd(executorsTaking(e.key))}${executorHint(e.key, executor!)}`,
        e.keyNode,
      );
      continue;
    }
    if (e.key === 'stages') {
      const stages = checkStages(f, e, executor);
      if (stages) scenario.values.stages = stages;
      continue;
    }
    const value = readScalar(f, e, props[e.key]);
    if (typeof value === 'number') scenario.values[e.key] = value;
  }

  if (executor) {
    for (const key of requiredScenarioKeysFor(executor)) {
      if (key === 'executor' || byKey.has(key) || misspelled(scenarioEntries, allowed, key)) continue;
      missingKey(f, `scenario "${name}" (${executor}) needs ${key}${requiredHint(key)}`, entry.keyNode, map, entry.keyNode, key);
    }
    checkExecutorRules(f, executor, { values: scenario.values, byKey });
  } else if (!byKey.has('flow') && executorEntry === undefined) {
    missingKey(f, `scenario "${name}" has no flow: add a list of steps`, entry.keyNode, map, entry.keyNode, 'flow');
  }

  const flow = byKey.get('flow');
  if (flow) {
    const checked = checkFlow(f, flow, `the flow of scenario "${name}"`, executor, context);
    scenario.steps = checked.steps;
    if (checked.dataSets !== undefined && checked.dataSets.length > 0) scenario.dataSets = checked.dataSets;
    if (checked.nodes) scenario.nodes = checked.nodes;
    scenario.groups = checked.groups;
    result.stepNames = checked.stepNames;
  }
  return result;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
