// Writes the scenario snippets of snippets/volley.json, one per executor, from the format's description:
// each executor's template writes every key the executor requires and no key it does not take (the
// generator fails otherwise), and a key written at its default shows the description's default. What is
// left to choose, which optional keys to show, in what order and with what example values, is the table
// below. The other snippets of the file (steps, thresholds, the
// new file) are hand-written and kept as they are. test/grammar/generated.test.ts keeps the committed file
// equal to the output: run `npm run gen:snippets` after changing an executor's keys or the table.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorType } from '../src/engine/scenario/plan';
import { EXECUTOR_TYPES, requiredScenarioKeysFor, scenarioKeysFor, scenarioSchema } from '../src/engine/scenario/schema';

export const SNIPPETS_FILE = join(__dirname, '..', 'snippets', 'volley.json');

/** Write the key with the description's default. */
const DEFAULT = Symbol('default');
/** A stage's duration and target; a number target is written as it is (the ramp down to 0), not as a placeholder. */
type Stage = readonly [duration: string, target: string | number];
type ExampleValue = string | typeof DEFAULT | readonly Stage[];

interface ScenarioExample {
  description: string;
  /** The keys the template writes besides `executor` and `flow`, with the example each offers. */
  values: Readonly<Record<string, ExampleValue>>;
}

const RAMP: readonly Stage[] = [['30s', '100'], ['1m', '100'], ['30s', 0]];

const EXAMPLES: Record<ExecutorType, ScenarioExample> = {
  'constant-arrival-rate': {
    description: 'Open model: a fixed number of iterations per timeUnit, whatever the response times (k6 constant-arrival-rate).',
    values: { rate: '100', timeUnit: DEFAULT, duration: '1m', preAllocatedVUs: '20', maxVUs: '50' },
  },
  'ramping-arrival-rate': {
    description: 'Open model: the iteration rate ramps linearly through stages (k6 ramping-arrival-rate).',
    values: { startRate: '10', timeUnit: DEFAULT, preAllocatedVUs: '20', maxVUs: '100', stages: RAMP },
  },
  'constant-vus': {
    description: 'Closed model: a fixed number of VUs loop over the flow for a duration (k6 constant-vus).',
    values: { vus: '10', duration: '1m' },
  },
  'ramping-vus': {
    description: 'Closed model: the number of VUs ramps through stages (k6 ramping-vus).',
    values: { startVUs: '0', stages: [['30s', '20'], ['1m', '20'], ['30s', 0]], gracefulRampDown: DEFAULT },
  },
  'per-vu-iterations': {
    description: 'Closed model: each VU runs the flow a fixed number of times (k6 per-vu-iterations).',
    values: { vus: '10', iterations: '20', maxDuration: DEFAULT },
  },
  'shared-iterations': {
    description: 'Closed model: VUs share a fixed total of iterations (k6 shared-iterations).',
    values: { vus: '10', iterations: '200', maxDuration: DEFAULT },
  },
};

function scenarioBody(executor: ExecutorType): string[] {
  const { values } = EXAMPLES[executor];
  const taken = scenarioKeysFor(executor).filter((k) => k !== 'executor' && k !== 'flow');
  for (const key of Object.keys(values)) {
    if (!taken.includes(key)) throw new Error(`gen-snippets: ${executor} does not take ${key}`);
  }
  for (const key of requiredScenarioKeysFor(executor)) {
    if (key !== 'executor' && key !== 'flow' && !Object.hasOwn(values, key)) {
      throw new Error(`gen-snippets: ${executor} requires ${key}: give it an example`);
    }
  }
  let tabstop = 1;
  const placeholder = (text: string) => `\${${++tabstop}:${text}}`;
  const lines = ['${1:browse}:', `  executor: ${executor}`];
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (Array.isArray(value)) {
      lines.push(`  ${key}:`);
      for (const [duration, target] of value as readonly Stage[]) {
        lines.push(`    - { duration: ${placeholder(duration)}, target: ${typeof target === 'number' ? target : placeholder(target)} }`);
      }
    } else if (value === DEFAULT) {
      const fallback = scenarioSchema().properties[key].default;
      if (fallback === undefined) throw new Error(`gen-snippets: ${key} has no default in the description`);
      lines.push(`  ${key}: ${placeholder(String(fallback))}`);
    } else {
      lines.push(`  ${key}: ${placeholder(value as string)}`);
    }
  }
  lines.push('  flow:', `    - name: ${placeholder('home page')}`, `      get: ${placeholder('/')}`, '      check: { status: 200 }', '$0');
  return lines;
}

/** The file with each executor's snippet (re)written in place; a new executor's goes after the last one. */
export function renderSnippets(current: string = readFileSync(SNIPPETS_FILE, 'utf8')): string {
  const entries = Object.entries(JSON.parse(current) as Record<string, unknown>);
  for (const executor of EXECUTOR_TYPES) {
    const name = `Scenario: ${executor}`;
    const entry = { prefix: [`scenario-${executor}`], description: EXAMPLES[executor].description, body: scenarioBody(executor) };
    const at = entries.findIndex(([n]) => n === name);
    if (at >= 0) entries[at] = [name, entry];
    else {
      const last = entries.map(([n]) => n.startsWith('Scenario: ')).lastIndexOf(true);
      entries.splice(last + 1, 0, [name, entry]);
    }
  }
  return JSON.stringify(Object.fromEntries(entries), null, 2) + '\n';
}

if (require.main === module) {
  writeFileSync(SNIPPETS_FILE, renderSnippets());
  console.log(`wrote ${SNIPPETS_FILE}`);
}
