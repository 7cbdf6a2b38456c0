// Writes an imported document as a scenario file with the `yaml` library, so quoting is the library's
// (a value starting with `{{` is quoted, `: ` and `#` in values are safe) and comments sit beside the
// steps they are about.
import { Document, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { ExecutorType } from '../scenario/plan';
import { SCENARIO_NAME_PATTERN } from '../scenario/names';
import { requestStepName } from '../scenario/step-name';
import type { ImportContext } from './context';
import { isSection, type ImportedDocument, type ImportedFlow, type ImportedRequest, type ImportedSection, type ImportedStep } from './model';

export interface WriteOptions {
  /** What the header comment names as the source: the input file, or "standard input". */
  source: string;
  executor: ExecutorType;
}

/** Each executor's required keys with values for a short smoke run (k6's defaults where it has them). */
export const EXECUTOR_DEFAULTS: Record<ExecutorType, Record<string, unknown>> = {
  'per-vu-iterations': { vus: 1, iterations: 1 },
  'shared-iterations': { vus: 1, iterations: 1 },
  'constant-vus': { vus: 1, duration: '10s' },
  'ramping-vus': { startVUs: 0, stages: [{ duration: '10s', target: 1 }, { duration: '5s', target: 0 }] },
  'constant-arrival-rate': { rate: 1, timeUnit: '1s', duration: '10s', preAllocatedVUs: 1, maxVUs: 5 },
  'ramping-arrival-rate': { startRate: 0, timeUnit: '1s', preAllocatedVUs: 1, maxVUs: 5, stages: [{ duration: '10s', target: 1 }] },
};

export function writeScenario(imported: ImportedDocument, context: ImportContext, options: WriteOptions): string {
  const doc = new Document({}) as Document<YAMLMap>;
  const root = doc.contents!;
  doc.commentBefore = headerComment(imported, context, options);
  if (imported.baseUrl) root.set('baseUrl', imported.baseUrl);
  if (imported.openapi) root.set('openapi', imported.openapi);
  if (imported.insecureTls) root.set('http', doc.createNode({ insecureSkipTLSVerify: true }));
  if (Object.keys(imported.variables).length > 0) root.set('variables', doc.createNode(imported.variables));
  const scenarios = new YAMLMap();
  const taken = new Set<string>();
  for (const flow of imported.flows) {
    const name = uniqueName(scenarioName(flow.name), taken);
    scenarios.set(name, scenarioNode(doc, flow, options.executor));
  }
  root.set('scenarios', scenarios);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

function headerComment(imported: ImportedDocument, context: ImportContext, options: WriteOptions): string {
  const lines = [` Imported by volley import from ${options.source}: ${imported.description}.`];
  const env = context.envVariables;
  if (env.length > 0) {
    lines.push(' Secrets are not in this file: set them when you run it,');
    lines.push(`   volley run FILE ${env.map((e) => `-e ${e.name}=…`).join(' ')}`);
    for (const e of env) lines.push(`   ${e.name}: ${e.what}`);
  }
  for (const note of context.fileNotes) lines.push(` ${note}`);
  for (const warning of context.fileWarnings) lines.push(` warning: ${warning}`);
  if (context.stepWarnings > 0) lines.push(` ${context.stepWarnings} warning(s) about steps: see the comments marked "warning:" below.`);
  return lines.join('\n');
}

function scenarioName(text: string): string {
  const name = text.replace(/[^0-9a-zA-Z_-]+/g, '-').replace(/^-+|-+$/g, '');
  return SCENARIO_NAME_PATTERN.test(name) ? name : 'imported';
}

function uniqueName(base: string, taken: Set<string>, separator = '-'): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${separator}${n}`;
  taken.add(name);
  return name;
}

function scenarioNode(doc: Document, flow: ImportedFlow, executor: ExecutorType): YAMLMap {
  const scenario = new YAMLMap();
  scenario.set('executor', executor);
  for (const [key, value] of Object.entries(EXECUTOR_DEFAULTS[executor])) scenario.set(key, doc.createNode(value, { flow: typeof value === 'object' }));
  const steps = new YAMLSeq();
  const stepNames = new Set<string>();
  for (const item of flow.items) {
    const nodes = isSection(item) ? sectionNodes(doc, item, stepNames) : [stepNode(doc, item, stepNames)];
    steps.items.push(...nodes);
  }
  scenario.set('flow', steps);
  return scenario;
}

/**
 * A HAR page or Postman folder becomes a `group:` (k6's group) holding its steps, so its requests carry the
 * `group` tag and each pass through it is a `group_duration` sample. A group name cannot hold `::` (it
 * joins nested groups' names), so a title that has one reads `:` there.
 */
function sectionNodes(doc: Document, section: ImportedSection, stepNames: Set<string>): Node[] {
  if (section.steps.length === 0) return [];
  const group = new YAMLMap();
  const name = section.name.replace(/::+/g, ':').trim();
  group.set('group', name === '' ? section.kind : name);
  const flow = new YAMLSeq();
  flow.items.push(...section.steps.map((step) => stepNode(doc, step, stepNames)));
  group.set('flow', flow);
  return [group];
}

function stepNode(doc: Document, step: ImportedStep, stepNames: Set<string>): YAMLMap {
  const map = step.kind === 'think' ? thinkNode(step.duration) : requestNode(doc, step, stepNames);
  if (step.notes.length > 0) map.commentBefore = step.notes.map((n) => ` ${n.replace(/\n/g, '\n ')}`).join('\n');
  return map;
}

function thinkNode(duration: string): YAMLMap {
  const map = new YAMLMap();
  map.set('think', duration);
  return map;
}

function requestNode(doc: Document, step: ImportedRequest, stepNames: Set<string>): YAMLMap {
  const map = new YAMLMap();
  // Two steps of one name would mix their metrics: the second gets " #2".
  const name = uniqueName(step.name ?? requestStepName(step.method.toUpperCase(), step.url), stepNames, ' #');
  if (step.name !== undefined || name !== requestStepName(step.method.toUpperCase(), step.url)) map.set('name', name);
  map.set(step.method, step.url);
  const compact = (value: unknown): Node => doc.createNode(value, { flow: false });
  if (step.headers && Object.keys(step.headers).length > 0) map.set('headers', compact(step.headers));
  if (step.query && Object.keys(step.query).length > 0) map.set('query', compact(step.query));
  if (step.cookies && Object.keys(step.cookies).length > 0) map.set('cookies', compact(step.cookies));
  const body = step.body;
  if (body?.kind === 'json') map.set('json', compact(body.value));
  else if (body?.kind === 'body') map.set('body', body.text);
  else if (body?.kind === 'form') map.set('form', compact(body.fields));
  else if (body?.kind === 'multipart') map.set('multipart', compact(body.parts));
  if (step.check) map.set('check', doc.createNode(step.check, { flow: true }));
  if (step.capture && Object.keys(step.capture).length > 0) map.set('capture', doc.createNode(step.capture, { flow: false }));
  return map;
}
