// The checks of a scenario file against the OpenAPI document its `openapi:` key names: a step whose method
// and path match no operation, a `json:` body that lacks a required property or has one the schema does
// not admit (the rule is in ./body-schema.ts), a `check: { status }` the operation does not document. All
// are warnings: the document describes the API, the target decides. Shared by `volley validate` and the
// language server, which pass in the document as they read it (./documents.ts).
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { keyText, resolveAlias, type PathSegment, type ScenarioDocument } from '../scenario/document';
import type { ScenarioDiagnostic } from '../scenario/plan';
import { CONTROL_STEP_KEYS, HTTP_METHOD_KEYS } from '../scenario/schema';
import { didYouMean } from '../scenario/suggest';
import { itemsSchema, objectShape } from './body-schema';
import type { OpenApiOutcome } from './documents';
import { OpenApiIndex, type OpenApiOperation } from './operations';
import type { ParsedJson as Json } from '../import/model';
import type { OpenApiReference } from './reference';

/** A request step of the file: its map, method and URL node, and its key path. */
export interface RequestStepNode {
  map: YAMLMap;
  method: string;
  url: Node;
  path: PathSegment[];
}

export function openApiDiagnostics(doc: ScenarioDocument, reference: OpenApiReference, outcome: OpenApiOutcome, baseUrl: string | undefined): ScenarioDiagnostic[] {
  if (outcome.problem !== undefined) {
    return [{ severity: 'warning', code: 'openapi-document', message: `the OpenAPI document ${reference.file} cannot be used: ${outcome.problem}`, range: reference.range }];
  }
  const out: ScenarioDiagnostic[] = [];
  const warn = (code: string, message: string, node: Node): void => {
    out.push({ severity: 'warning', code, message, range: doc.rangeOf(node) });
  };
  const index = outcome.index;
  const basePath = basePathOf(baseUrl);
  for (const step of requestSteps(doc)) {
    const url = isScalar(step.url) && typeof step.url.value === 'string' ? step.url.value : undefined;
    if (url === undefined || elsewhere(url, baseUrl)) continue;
    const match = index.match(step.method, url, basePath);
    if (match === undefined) continue;
    const operation = match.operation;
    if (operation === undefined) {
      warn('openapi-unknown-operation', unknownOperationMessage(index, step.method, url, match.methods), step.url);
      continue;
    }
    const json = pairOf(doc, step.map, 'json');
    if (json && operation.bodySchema !== undefined) checkJsonObject(doc, json.value, operation.bodySchema, json.key, 'the json body', operationLabel(operation), warn);
    const check = resolveAlias(doc.yaml, pairOf(doc, step.map, 'check')?.value);
    const status = isMap(check) ? pairOf(doc, check, 'status')?.value : undefined;
    for (const node of isSeq(status) ? status.items : [status]) {
      const code = resolveAlias(doc.yaml, node);
      if (!isScalar(code) || typeof code.value !== 'number') continue;
      if (!OpenApiIndex.documents(operation, code.value)) {
        warn('openapi-undocumented-status', `${operationLabel(operation)} does not document status ${code.value}: it documents ${operation.statuses.join(', ') || 'no responses'}`, code);
      }
    }
  }
  return out;
}

export function operationLabel(operation: OpenApiOperation): string {
  return `${operation.method} ${operation.path}${operation.operationId ? ` (${operation.operationId})` : ''}`;
}

/** An absolute URL to another origin than baseUrl's: another API, not checked against this one's document. */
function elsewhere(url: string, baseUrl: string | undefined): boolean {
  if (baseUrl === undefined || !/^https?:\/\//i.test(url)) return false;
  try {
    return new URL(url).origin !== new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/** baseUrl's path (`http://host/api/v1` → `/api/v1`): step paths are relative to it. */
export function basePathOf(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return '';
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function unknownOperationMessage(index: OpenApiIndex, method: string, url: string, methods: string[]): string {
  const path = url.replace(/[?#].*$/, '');
  if (methods.length > 0) {
    return `${method} ${path}: the OpenAPI document has no ${method} operation on this path (it documents ${methods.join(', ')})`;
  }
  const suggestion = didYouMean(path, [...new Set(index.operations.map((o) => o.path))]);
  return `${method} ${path}: no operation of the OpenAPI document has this path${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
}

function checkJsonObject(
  doc: ScenarioDocument,
  value: unknown,
  schema: Json,
  keyNode: Node,
  where: string,
  operation: string,
  warn: (code: string, message: string, node: Node) => void,
): void {
  const node = resolveAlias(doc.yaml, value);
  if (isSeq(node)) {
    const items = itemsSchema(schema);
    if (items !== undefined) node.items.forEach((item, i) => checkJsonObject(doc, item, items, isMap(item) ? item : keyNode, `${where}[${i}]`, operation, warn));
    return;
  }
  if (!isMap(node)) return;
  const shape = objectShape(schema);
  if (shape === undefined) return;
  const present = new Set<string>();
  for (const pair of node.items) {
    const key = keyText(pair);
    if (key === undefined || key === '<<') continue;
    present.add(key);
    const property = shape.properties.get(key);
    if (property === undefined) {
      if (shape.closed) {
        const suggestion = didYouMean(key, [...shape.properties.keys()]);
        const known = suggestion ? ` (did you mean ${suggestion}?)` : `: it lists ${[...shape.properties.keys()].slice(0, 12).join(', ')}${shape.properties.size > 12 ? ', …' : ''}`;
        warn('openapi-unknown-property', `${where} has "${key}", which ${operation}'s request schema does not list${known}`, pair.key as Node);
      }
      continue;
    }
    checkJsonObject(doc, pair.value, property, pair.key as Node, `${where}.${key}`, operation, warn);
  }
  const missing = [...shape.required].filter((name) => !present.has(name));
  if (missing.length > 0) {
    const names = missing.map((n) => `"${n}"`).join(', ');
    warn('openapi-missing-property', `${where} lacks ${names}, required by ${operation}'s request schema`, keyNode);
  }
}

function pairOf(doc: ScenarioDocument, map: YAMLMap, key: string): { key: Node; value: unknown } | undefined {
  const pair = map.items.find((p) => keyText(p) === key);
  return pair && isScalar(pair.key) ? { key: pair.key, value: resolveAlias(doc.yaml, pair.value) } : undefined;
}

const METHOD_KEYS: readonly string[] = HTTP_METHOD_KEYS;
const NESTED_FLOW_KEYS = new Set<string>(Object.values(CONTROL_STEP_KEYS).flat().filter((k) => k === 'flow' || k === 'else'));

/** Every request step of the file (setup, teardown, every scenario's flow, the steps inside control steps). */
export function* requestSteps(doc: ScenarioDocument): Generator<RequestStepNode> {
  const root = resolveAlias(doc.yaml, doc.yaml.contents);
  if (!isMap(root)) return;
  for (const key of ['setup', 'teardown']) {
    const flow = pairOf(doc, root, key)?.value;
    yield* flowSteps(doc, flow, [key]);
  }
  const scenarios = pairOf(doc, root, 'scenarios')?.value;
  if (!isMap(scenarios)) return;
  for (const pair of scenarios.items) {
    const name = keyText(pair);
    const scenario = resolveAlias(doc.yaml, pair.value);
    if (name === undefined || !isMap(scenario)) continue;
    yield* flowSteps(doc, pairOf(doc, scenario, 'flow')?.value, ['scenarios', name, 'flow']);
  }
}

function* flowSteps(doc: ScenarioDocument, flow: unknown, path: PathSegment[]): Generator<RequestStepNode> {
  if (!isSeq(flow)) return;
  for (let i = 0; i < flow.items.length; i++) {
    const item = resolveAlias(doc.yaml, flow.items[i]);
    if (!isMap(item)) continue;
    const step = requestStepOf(item, [...path, i]);
    if (step) {
      yield step;
      continue;
    }
    for (const pair of item.items) {
      const key = keyText(pair);
      if (key === undefined) continue;
      const value = resolveAlias(doc.yaml, pair.value);
      if (NESTED_FLOW_KEYS.has(key)) yield* flowSteps(doc, value, [...path, i, key]);
      else if (key === 'choose' && isSeq(value)) {
        for (let b = 0; b < value.items.length; b++) {
          const branch = resolveAlias(doc.yaml, value.items[b]);
          if (isMap(branch)) yield* flowSteps(doc, pairOf(doc, branch, 'flow')?.value, [...path, i, 'choose', b, 'flow']);
        }
      }
    }
  }
}

/** The request step a flow item is, if it is one. */
export function requestStepOf(map: YAMLMap, path: PathSegment[]): RequestStepNode | undefined {
  for (const pair of map.items) {
    const key = keyText(pair);
    if (key !== undefined && METHOD_KEYS.includes(key) && pair.value) return { map, method: key.toUpperCase(), url: pair.value as Node, path };
  }
  return undefined;
}
