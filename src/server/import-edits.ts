// What the editor's import commands need of YAML, answered here because the server already parses YAML
// and the extension bundles no parser: where imported steps go in the flow at the cursor (Paste cURL as
// Step), and where the operations of an OpenAPI document are (the "Load test this" lenses).
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { InsertStepsResult, OpenApiOperation, TextPosition } from '../protocol';
import type { ScenarioDocument } from '../engine/scenario/document';
import { lineStartsOf } from '../engine/scenario/document';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

interface FlowSite {
  pair: Pair;
  /** The key's column: a line indented no deeper ends the flow. */
  keyIndent: number;
}

/** `setup:`, `teardown:` and every scenario's `flow:`. */
function flowSites(doc: ScenarioDocument): FlowSite[] {
  const root = doc.yaml.contents;
  if (!isMap(root)) return [];
  const pairs: Pair[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'setup' || key === 'teardown') pairs.push(pair);
    if (key === 'scenarios' && isMap(pair.value)) {
      for (const scenario of pair.value.items) {
        if (!isMap(scenario.value)) continue;
        const flow = scenario.value.items.find((p) => isScalar(p.key) && p.key.value === 'flow');
        if (flow) pairs.push(flow);
      }
    }
  }
  return pairs.map((pair) => ({ pair, keyIndent: doc.positionAt((pair.key as Node).range![0]).character }));
}

/** The steps of the imported scenario's first flow, with URLs made absolute unless the file shares the import's baseUrl. */
function importedSteps(scenarioText: string, targetBaseUrl: unknown): YAMLSeq | string {
  const imported = parseDocument(scenarioText);
  const root = imported.contents;
  if (imported.errors.length > 0 || !isMap(root)) return 'the import did not give a scenario';
  const scenarios = root.get('scenarios', true);
  const first = isMap(scenarios) ? scenarios.items[0]?.value : undefined;
  const flow = isMap(first) ? first.get('flow', true) : undefined;
  if (!isSeq(flow) || flow.items.length === 0) return 'the import gave no steps';
  const base = root.get('baseUrl');
  if (typeof base === 'string' && base !== targetBaseUrl) {
    for (const step of flow.items) {
      if (!isMap(step)) continue;
      for (const method of METHODS) {
        const url = step.get(method, true);
        if (isScalar(url) && typeof url.value === 'string' && url.value.startsWith('/')) url.value = base + url.value;
      }
    }
  }
  return flow;
}

export function insertStepsEdit(doc: ScenarioDocument, position: TextPosition, scenarioText: string): Omit<Extract<InsertStepsResult, { ok: true }>, 'version'> | { ok: false; message: string } {
  const text = doc.text;
  const lineStarts = lineStartsOf(text);
  const lineOf = (offset: number): number => doc.positionAt(offset).line;
  const lineStart = (line: number): number => (line < lineStarts.length ? lineStarts[line] : text.length);
  const lineText = (line: number): string => text.slice(lineStart(line), lineStart(line + 1)).replace(/\r?\n$/, '');
  const indentOf = (line: number): number => /^ */.exec(lineText(line))![0].length;

  const site = flowSites(doc).find(({ pair, keyIndent }) => {
    const keyLine = lineOf((pair.key as Node).range![0]);
    if (position.line < keyLine) return false;
    // The flow goes on until a line (not blank) indented no deeper than its key.
    for (let line = keyLine + 1; line <= position.line; line++) {
      if (lineText(line).trim() !== '' && indentOf(line) <= keyIndent) return false;
    }
    return true;
  });
  if (!site) return { ok: false, message: 'put the cursor in a flow (under a scenario\'s `flow:`, or in `setup:` / `teardown:`) to paste steps there' };

  const root = doc.yaml.contents;
  const steps = importedSteps(scenarioText, isMap(root) ? (root as YAMLMap).get('baseUrl') : undefined);
  if (typeof steps === 'string') return { ok: false, message: steps };
  const block = (indent: number): string =>
    new Document(steps)
      .toString({ lineWidth: 0, flowCollectionPadding: true })
      .split('\n')
      .map((l) => (l === '' ? l : ' '.repeat(indent) + l))
      .join('\n');
  const env = [...new Set([...block(0).matchAll(/\benv\.([A-Za-z_]\w*)/g)].map((m) => m[1]!))];
  // The steps go in; a file-wide setting the import made is the person's to add (it changes every request).
  const notes = insecureTls(scenarioText) && !insecureTls(text) ? ['the command used -k: add `http: { insecureSkipTLSVerify: true }` to the file if the target\'s certificate is not trusted'] : [];
  const done = (start: number, end: number, newText: string) => ({ ok: true as const, range: doc.rangeAt(start, end), newText, steps: steps.items.length, env, notes });

  const key = site.pair.key as Node;
  const value = site.pair.value;
  if (isSeq(value) && !value.flow && value.items.length > 0) {
    const items = value.items.filter(isNodeWithRange);
    const indent = indentOf(lineOf(items[0]!.range![0]));
    const keyLine = lineOf(key.range![0]);
    let at: number;
    const around = items.find((item) => lineOf(item.range![0]) <= position.line && position.line <= lastLineOf(item));
    if (position.line === keyLine) at = lineStart(lineOf(items[0]!.range![0]));
    else if (around) at = lineStart(lastLineOf(around) + 1);
    else at = lineStart(position.line);
    const lead = at === text.length && !text.endsWith('\n') ? '\n' : '';
    return done(at, at, lead + block(indent));
  }
  if (isSeq(value) && value.items.length > 0) return { ok: false, message: 'this flow is written inline ([ … ]); write it as a list, one `- ` per step, to paste into it' };
  // `flow:` or `flow: []`: the steps replace the empty value, one level deeper than the key.
  const colon = text.indexOf(':', key.range![1]);
  const end = isNodeWithRange(value) ? value.range![1] : colon + 1;
  return done(colon + 1, end, '\n' + block(site.keyIndent + 2).replace(/\n$/, ''));

  function lastLineOf(item: Node): number {
    const end = item.range![1];
    let last = end - 1;
    while (last > item.range![0] && /\s/.test(text[last]!)) last--;
    return lineOf(last);
  }
}

function insecureTls(scenarioText: string): boolean {
  const root = parseDocument(scenarioText).contents;
  return isMap(root) && root.getIn(['http', 'insecureSkipTLSVerify']) === true;
}

function isNodeWithRange(node: unknown): node is Node {
  return node !== null && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range);
}

/** The operations of an OpenAPI 3 / Swagger 2 document (YAML or JSON), each at its method key; null when it is not one. */
export function openApiOperations(text: string): OpenApiOperation[] | null {
  const doc = parseDocument(text, { uniqueKeys: false });
  const root = doc.contents;
  if (!isMap(root) || !(root.has('openapi') || root.has('swagger'))) return null;
  const starts = lineStartsOf(text);
  const position = (offset: number): TextPosition => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    return { line, character: offset - starts[line]! };
  };
  const operations: OpenApiOperation[] = [];
  const paths = root.get('paths', true);
  if (!isMap(paths)) return operations;
  for (const pathPair of paths.items) {
    if (!isPair(pathPair) || !isScalar(pathPair.key) || !isMap(pathPair.value)) continue;
    const path = String(pathPair.key.value);
    for (const opPair of pathPair.value.items) {
      const method = isScalar(opPair.key) ? String(opPair.key.value).toLowerCase() : '';
      if (!METHODS.includes(method) || !isMap(opPair.value)) continue;
      const operationId = opPair.value.get('operationId');
      const range = (opPair.key as Node).range!;
      operations.push({
        id: typeof operationId === 'string' && operationId !== '' ? operationId : `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        range: { start: position(range[0]), end: position(range[1]) },
      });
    }
  }
  return operations;
}
