// The file's top level: name, baseUrl, http settings and variables, checked here; scenarios
// (./scenario.ts, through ./cache.ts) and thresholds (./thresholds.ts) get what they read from the rest
// of the file passed in.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ConnectionMode, CookieMode, ThresholdPlan } from '../plan';
import { SCHEMA, type ObjectSchema } from '../schema';
import { checkScenarioBlock, type CheckCache } from './cache';
import type { Findings } from './findings';
import { checkData, type CheckedDataSet } from './data';
import { checkFlow, type CheckedStep, type FlowContext } from './flow';
import { replaceFix } from './fixes';
import { deref, describe, entries, expectMap, isEmpty, misspelled, missingKey, readName, readScalar, scalarText, unknownKey, valueAt, type Entry } from './read';
import type { CheckedScenario } from './scenario';
import { checkThresholds } from './thresholds';
import { isUrlReference, type OpenApiReference } from '../../openapi/reference';

/** What the checks found valid, for compile.ts: values as given (durations in ms), no defaults yet. */
export interface CheckedFile {
  name: string | undefined;
  baseUrl: string | undefined;
  http: {
    connections?: ConnectionMode;
    maxConnectionsPerHost?: number;
    timeoutMs?: number;
    noVUConnectionReuse?: boolean;
    insecureSkipTLSVerify?: boolean;
    cookies?: CookieMode;
  };
  variables: Record<string, string | number | boolean>;
  /** `setup:` and `teardown:`: every step, or undefined when absent or broken. */
  setup: CheckedStep[] | undefined;
  teardown: CheckedStep[] | undefined;
  scenarios: CheckedScenario[];
  thresholds: ThresholdPlan[];
  /** `data:`: the valid data sets (absent when the file has none). */
  data?: CheckedDataSet[];
  /** `openapi:`: the document the editor and `volley validate` check the steps against. */
  openapi?: OpenApiReference;
}

/** What the caller knows beyond the document. */
export interface CheckOptions {
  /** A data set's columns, from its file's header (../data-files.ts); undefined when the file could not be read. */
  dataColumns?: (set: { name: string; file: string }) => readonly string[] | undefined;
}

/** Fills `checked` as it goes, so that what was found before an internal error is still returned. */
export function checkFile(f: Findings, cache: CheckCache | undefined, checked: CheckedFile, options: CheckOptions = {}): void {
  const root = deref(f, f.doc.yaml.contents as Node | null);
  if (isEmpty(root)) {
    if (f.doc.syntaxDiagnostics.some((d) => d.severity === 'error')) return;
    f.error('empty-document', 'the file is empty: add at least `scenarios:` with one scenario', f.doc.rangeAt(0, 0));
    return;
  }
  if (!isMap(root)) {
    f.error('wrong-type', `a scenario file must be a map of keys (name, baseUrl, scenarios, …), not ${describe(f, root)}`, root!);
    return;
  }
  const fileEntries = entries(f, root);
  const byKey = new Map(fileEntries.map((e) => [e.key, e]));
  const allowed = Object.keys(SCHEMA.properties);
  for (const entry of fileEntries) if (!allowed.includes(entry.key)) unknownKey(f, entry, allowed, 'the file');

  const name = byKey.get('name');
  if (name) {
    const text = scalarText(f, name, 'text');
    if (text !== undefined && text.trim() === '') f.error('invalid-value', 'name must not be empty', valueAt(name));
    else checked.name = text;
  }
  const baseUrl = byKey.get('baseUrl');
  if (baseUrl) checked.baseUrl = checkBaseUrl(f, baseUrl);
  const openapi = byKey.get('openapi');
  if (openapi) checked.openapi = checkOpenApiReference(f, openapi);
  const http = byKey.get('http');
  if (http) checkHttp(f, http, checked.http);
  const variables = byKey.get('variables');
  if (variables) checkVariables(f, variables, checked.variables);
  const baseUrlGiven = baseUrl !== undefined;
  const dataEntry = byKey.get('data');
  const data = dataEntry ? checkData(f, dataEntry, checked.variables) : undefined;
  if (data !== undefined) checked.data = data.sets;
  // Every set with a usable name is in scope (reading a broken one is not a second error); columns only of valid ones.
  const dataColumns = new Map(
    (data?.names ?? []).map((name) => {
      const set = data!.sets.find((s) => s.name === name);
      return [name, set === undefined ? undefined : options.dataColumns?.(set)] as const;
    }),
  );
  const setup = byKey.get('setup');
  const setupCaptures = setup ? checkLifecycle(f, setup, { variables: checked.variables, setupCaptures: [], baseUrlGiven, captureLifetime: 'in setup, teardown and every scenario' }, checked) : [];
  const teardown = byKey.get('teardown');
  if (teardown) checkLifecycle(f, teardown, { variables: checked.variables, setupCaptures, baseUrlGiven, captureLifetime: 'for the rest of teardown' }, checked);
  const stepNames: string[] = [];
  const scenarios = byKey.get('scenarios');
  if (scenarios) {
    checkScenarios(f, scenarios, { variables: checked.variables, setupCaptures, baseUrlGiven, data: dataColumns }, cache, checked.scenarios, stepNames);
  } else if (!misspelled(fileEntries, allowed, 'scenarios')) {
    const first = fileEntries[0]?.keyNode ?? root;
    missingKey(f, 'the file has no scenarios: add `scenarios:` with at least one scenario', first, root, undefined, 'scenarios');
  }
  const thresholds = byKey.get('thresholds');
  if (thresholds) {
    const groupNames = [...new Set(checked.scenarios.flatMap((s) => s.groups.map((g) => g.name)))];
    checked.thresholds = checkThresholds(f, thresholds, { scenarioNames: checked.scenarios.map((s) => s.name), stepNames, groupNames });
  }
}

function checkBaseUrl(f: Findings, entry: Entry): string | undefined {
  const text = scalarText(f, entry, 'an http:// or https:// URL');
  if (text === undefined) return undefined;
  const node = entry.value!;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const fixes = /^[\w.-]+(:\d+)?(\/.*)?$/.test(text) ? [replaceFix(f.doc, node, `http://${text}`)] : undefined;
    f.error('invalid-url', `baseUrl "${text}" is not a URL: write it as http://host:port or https://host`, node, fixes);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    f.error('invalid-url', `baseUrl must use http:// or https://, not ${url.protocol}//`, node);
    return undefined;
  }
  if (url.search || url.hash) {
    f.error('invalid-url', 'baseUrl must not have a query or fragment: put them in the step URLs', node);
    return undefined;
  }
  // Steps' URLs start with "/": joining needs no slash at the end.
  return text.replace(/\/+$/, '');
}

function checkOpenApiReference(f: Findings, entry: Entry): OpenApiReference | undefined {
  const text = scalarText(f, entry, 'a file path relative to the scenario file, such as ./openapi.yaml');
  if (text === undefined) return undefined;
  const node = valueAt(entry);
  if (text.trim() === '') {
    f.error('invalid-value', 'openapi must not be empty: give the OpenAPI document\'s file, relative to the scenario file', node);
    return undefined;
  }
  if (isUrlReference(text)) {
    f.error('invalid-value', `openapi takes a file, not a URL: download ${text.trim()} beside the scenario file and write its path, e.g. openapi: ./openapi.yaml`, node);
    return undefined;
  }
  return { file: text, range: f.doc.rangeOf(node) };
}

function checkHttp(f: Findings, entry: Entry, out: CheckedFile['http']): void {
  const map = expectMap(f, entry, 'a map of HTTP settings');
  if (!map) return;
  const schema = SCHEMA.properties.http as ObjectSchema;
  const allowed = Object.keys(schema.properties);
  const values = out as Record<string, unknown>;
  for (const e of entries(f, map)) {
    if (!allowed.includes(e.key)) {
      unknownKey(f, e, allowed, 'http');
      continue;
    }
    const value = readScalar(f, e, schema.properties[e.key]);
    if (value === undefined) continue;
    values[e.key === 'timeout' ? 'timeoutMs' : e.key] = value;
  }
}

function checkVariables(f: Findings, entry: Entry, out: CheckedFile['variables']): void {
  const map = expectMap(f, entry, 'a map of names to values');
  if (!map) return;
  for (const e of entries(f, map)) {
    if (!readName(f, e, 'variable')) continue;
    const node = e.value;
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) {
      out[e.key] = node.value;
    } else if (isEmpty(node)) {
      f.error('missing-value', `variable ${e.key} has no value: give it a text, number or boolean`, e.keyNode);
    } else {
      f.error('wrong-type', `variable ${e.key} must be a text, number or boolean, not ${describe(f, node)}`, node!);
    }
  }
}

/** `setup:` or `teardown:`, a flow run once; returns the names its steps capture. */
function checkLifecycle(f: Findings, entry: Entry, context: FlowContext, checked: CheckedFile): string[] {
  const flow = checkFlow(f, entry, entry.key, undefined, context, false);
  if (isSeq(entry.value)) {
    for (const item of entry.value.items) {
      const once = isMap(item) ? item.items.find((p) => isScalar(p.key) && p.key.value === 'once') : undefined;
      if (once) f.warning('once-in-lifecycle', `once does nothing in ${entry.key}: its steps run once anyway; remove it`, once.key as Node);
    }
  }
  const steps = flow.steps.length > 0 ? flow.steps : undefined;
  if (entry.key === 'setup') checked.setup = steps;
  else checked.teardown = steps;
  return flow.captureNames;
}

function checkScenarios(
  f: Findings,
  entry: Entry,
  context: FlowContext,
  cache: CheckCache | undefined,
  out: CheckedScenario[],
  stepNames: string[],
): void {
  const map = expectMap(f, entry, 'a map of scenario names to scenarios');
  if (!map) return;
  const scenarioEntries = entries(f, map);
  if (scenarioEntries.length === 0) {
    f.error('empty-scenarios', 'scenarios is empty: add at least one scenario', entry.value!);
    return;
  }
  for (const e of scenarioEntries) {
    const result = checkScenarioBlock(f, e, context, cache);
    out.push(result.scenario);
    for (const name of result.stepNames) stepNames.push(name);
  }
}
