// Checks a parsed scenario document against the schema (./schema.ts) and the semantic rules that the
// schema cannot say (k6's executor rules, template names, capture order, threshold metrics), and
// collects what compile.ts needs to build the Plan, so the document is walked once. Every diagnostic
// has a range in the document; nothing here throws on bad input.
import { isAlias, isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { METRICS } from '../metrics/catalogue';
import { keyText, type ScenarioDocument } from './document';
import { BlockCache, shiftDiagnostic, shiftRange } from './shift-lines';
import { parseDuration } from './duration';
import { parseCaptureSource, parseCheckExpectation, parseJsonPath } from './json-path';
import type {
  CapturePlan,
  CheckPlan,
  ConnectionMode,
  DiagnosticFix,
  ExecutorType,
  HttpMethod,
  JsonTemplate,
  Range,
  RequestStepPlan,
  ScenarioDiagnostic,
  Severity,
  Stage,
  Template,
  ThinkStepPlan,
  ThresholdPlan,
} from './plan';
import {
  EXECUTOR_TYPES,
  HTTP_METHOD_KEYS,
  RESERVED_TEMPLATE_NAMES,
  SCHEMA,
  METRIC_TAGS,
  THRESHOLD_TAGS,
  executorsTaking,
  isExecutorType,
  requiredScenarioKeysFor,
  scenarioKeysFor,
  scenarioSchema,
  stepSchema,
  thresholdObjectSchema,
  type ObjectSchema,
  type SchemaNode,
  type StringSchema,
} from './schema';
import { didYouMean } from './suggest';
import { compileTemplate, isTemplateIdentifier } from './template';
import { aggregationName, aggregationsFor, isAggregationAllowed, metricType, parseMetricKey, parseThresholdExpression } from './threshold-expr';

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
  };
  variables: Record<string, string | number | boolean>;
  scenarios: CheckedScenario[];
  thresholds: ThresholdPlan[];
}

export interface CheckedScenario {
  name: string;
  range: Range;
  executor: ExecutorType | undefined;
  /** Scenario keys that were given and valid: integers, durations in ms, stages. */
  values: Record<string, number | Stage[]>;
  steps: CheckedStep[];
}

/** A request step whose timeout may still be the file's default. */
export type CheckedStep = (Omit<RequestStepPlan, 'timeoutMs'> & { timeoutMs: number | undefined }) | ThinkStepPlan;

export interface CheckResult {
  diagnostics: ScenarioDiagnostic[];
  checked: CheckedFile;
}

export function validateDocument(doc: ScenarioDocument, cache?: CheckCache): ScenarioDiagnostic[] {
  return checkDocument(doc, cache).diagnostics;
}

/** What checking one scenario found, for a scenario block at `line`. */
interface ScenarioCheck {
  line: number;
  /** What checkScenario read outside the block. */
  context: string;
  diagnostics: ScenarioDiagnostic[];
  scenario: CheckedScenario;
  stepNames: string[];
  /** A message names a line of the document: valid only where it was computed. */
  lineBound: boolean;
}

/**
 * The checks of scenarios parsed as blocks of their own (see ScenarioDocument.blockOf), kept across
 * versions of one document: a scenario whose text and context (variables, baseUrl) did not change is
 * not checked again. Everything else in the file is checked every time; it is small, and it is where
 * the rules that span scenarios are (duplicate names, thresholds naming scenarios and steps).
 */
export class CheckCache {
  readonly scenarios = new BlockCache<ScenarioCheck>();
  /** Scenarios checked and reused by the last run: the tests and the benchmark look. */
  last = { checked: 0, reused: 0 };
}

export function checkDocument(doc: ScenarioDocument, cache?: CheckCache): CheckResult {
  const checker = new Checker(doc, cache);
  if (cache) cache.last = { checked: 0, reused: 0 };
  try {
    checker.checkFile();
  } catch (error) {
    // A bug here must not take the language server or the CLI down with a stack trace.
    checker.report('error', 'internal-error', `internal error while checking the file: ${String(error)}`, doc.rangeAt(0, 0));
  } finally {
    cache?.scenarios.endRun();
  }
  return { diagnostics: sortDiagnostics([...doc.syntaxDiagnostics, ...checker.diagnostics]), checked: checker.checked };
}

export function sortDiagnostics(diagnostics: ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };
  return diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      rank[a.severity] - rank[b.severity],
  );
}

interface Entry {
  key: string;
  keyNode: Scalar;
  value: Node | null;
  pair: Pair;
}

/** Names a step's templates may read, and who captures what, for "captured later" messages. */
interface StepScope {
  names: Set<string>;
  visible: Set<string>;
  capturedBy: Map<string, Array<{ index: number; name: string }>>;
  index: number;
  stepName: string;
}

const METHOD_BY_KEY: Record<string, HttpMethod> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
};

/** k6's rule for scenario names. */
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What "add the missing key" inserts. */
const PLACEHOLDERS: Record<string, string> = {
  executor: 'constant-vus',
  flow: '[{ get: / }]',
  rate: '10',
  duration: '30s',
  preAllocatedVUs: '10',
  stages: '[{ duration: 30s, target: 10 }]',
  target: '10',
  threshold: '"p(95)<500"',
  scenarios: '\n  main:\n    executor: constant-vus\n    duration: 10s\n    flow:\n      - get: /',
};

class Checker {
  readonly diagnostics: ScenarioDiagnostic[] = [];
  readonly checked: CheckedFile = {
    name: undefined,
    baseUrl: undefined,
    http: {},
    variables: {},
    scenarios: [],
    thresholds: [],
  };
  private baseUrlGiven = false;
  /** Every step name of the file, for thresholds' `step:` tags. */
  private readonly stepNames: string[] = [];

  constructor(
    private readonly doc: ScenarioDocument,
    private readonly cache?: CheckCache,
  ) {}

  report(severity: Severity, code: string, message: string, range: Range, fixes?: DiagnosticFix[]): void {
    const d: ScenarioDiagnostic = { severity, message, range, code };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    this.diagnostics.push(d);
  }

  private error(code: string, message: string, at: Node | Range, fixes?: DiagnosticFix[]): void {
    this.report('error', code, message, this.toRange(at), fixes);
  }

  private warning(code: string, message: string, at: Node | Range, fixes?: DiagnosticFix[]): void {
    this.report('warning', code, message, this.toRange(at), fixes);
  }

  private toRange(at: Node | Range): Range {
    return 'start' in at && 'end' in at && !('range' in at) ? (at as Range) : this.doc.rangeOf(at as Node);
  }

  /** Where a value is reported: the value, or its key when the value is empty. */
  private valueAt(entry: Entry): Node {
    return isEmpty(entry.value) ? entry.keyNode : (entry.value as Node);
  }

  // ------------------------------------------------------------------------------------------------
  // Generic structure

  private deref(node: Node | null): Node | null {
    if (isAlias(node)) {
      try {
        return (node.resolve(this.doc.yaml) as Node | undefined) ?? null;
      } catch {
        return null;
      }
    }
    return node;
  }

  /** The pairs of a map with scalar keys; reports other keys and duplicates (the first one counts). */
  private entries(map: YAMLMap): Entry[] {
    const seen = new Map<string, Scalar>();
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        const at = keyNode && keyNode.range ? keyNode : map;
        this.error('invalid-key', 'keys must be plain names, not lists, maps or empty', at);
        continue;
      }
      const key = keyText(pair)!;
      const first = seen.get(key);
      if (first) {
        const line = this.doc.rangeOf(first).start.line + 1;
        this.error('duplicate-key', `duplicate key "${key}": it is already set on line ${line}; remove one`, keyNode);
        continue;
      }
      seen.set(key, keyNode);
      out.push({ key, keyNode, value: this.deref(pair.value as Node | null), pair });
    }
    return out;
  }

  private expectMap(entry: Entry, what: string): YAMLMap | undefined {
    if (isMap(entry.value)) return entry.value;
    if (isEmpty(entry.value)) {
      this.error('missing-value', `${entry.key} has no value: it should be ${what}`, entry.keyNode);
    } else {
      this.error('wrong-type', `${entry.key} must be ${what}, not ${this.describe(entry.value)}`, entry.value!);
    }
    return undefined;
  }

  private expectSeq(entry: Entry, what: string): YAMLSeq | undefined {
    if (isSeq(entry.value)) return entry.value;
    if (isEmpty(entry.value)) {
      this.error('missing-value', `${entry.key} has no value: it should be ${what}`, entry.keyNode);
    } else {
      this.error('wrong-type', `${entry.key} must be ${what}, not ${this.describe(entry.value)}`, entry.value!);
    }
    return undefined;
  }

  private describe(node: Node | null): string {
    if (isEmpty(node)) return 'nothing';
    if (isMap(node)) return this.isUnquotedTemplate(node) ? 'an unquoted {{ }} template (YAML reads it as a map)' : 'a map';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 37) + '...' : v}"`;
      if (typeof v === 'number') return `the number ${node.source ?? String(v)}`;
      return String(v);
    }
    return 'this value';
  }

  /** `get: {{ url }}`: YAML reads an unquoted value starting with `{` as a flow map. */
  private isUnquotedTemplate(node: Node | null): boolean {
    if (!isMap(node) || !node.flow || !node.range) return false;
    return this.doc.text.startsWith('{{', node.range[0]);
  }

  private quoteFix(node: Node): DiagnosticFix[] {
    const [start, end] = this.doc.offsetsOf(node);
    const text = this.doc.text.slice(start, end);
    return [{ title: 'Quote the template', range: this.doc.rangeAt(start, end), newText: `"${text.replace(/"/g, '\\"')}"` }];
  }

  /** Whether an unknown key is a misspelling of `key`: its "did you mean" already says what is missing. */
  private misspelled(entries: Entry[], allowed: readonly string[], key: string): boolean {
    return entries.some((e) => !allowed.includes(e.key) && suggest(e.key, allowed) === key);
  }

  /** Reports keys not in `allowed`, with "did you mean" when one is close. */
  private unknownKey(entry: Entry, allowed: readonly string[], where: string): void {
    const suggestion = suggest(entry.key, allowed);
    const list = allowed.length <= 12 ? `: ${allowed.join(', ')}` : '';
    if (suggestion !== undefined) {
      this.error('unknown-key', `unknown key "${entry.key}" in ${where}: did you mean "${suggestion}"?`, entry.keyNode, [
        this.replaceFix(entry.keyNode, suggestion),
      ]);
    } else {
      this.error('unknown-key', `unknown key "${entry.key}" in ${where}; allowed keys${list}`, entry.keyNode);
    }
  }

  private replaceFix(node: Node, newText: string): DiagnosticFix {
    const [start, end] = this.doc.offsetsOf(node);
    return { title: `Change to "${newText}"`, range: this.doc.rangeAt(start, end), newText };
  }

  /** A fix that adds `key: placeholder` to a map (or, when the map is missing, under its key). */
  private insertKeyFix(map: YAMLMap | undefined, parentKey: Scalar | undefined, key: string): DiagnosticFix | undefined {
    const value = PLACEHOLDERS[key];
    if (value === undefined) return undefined;
    const title = `Add ${key}`;
    const text = this.doc.text;
    if (map && map.flow && map.range) {
      const close = text.lastIndexOf('}', map.range[1]);
      if (close < map.range[0]) return undefined;
      const sep = map.items.length > 0 ? ', ' : ' ';
      return { title, range: this.doc.rangeAt(close, close), newText: `${sep}${key}: ${value} ` };
    }
    if (map && map.items.length > 0) {
      const first = map.items[0].key as Node;
      const last = map.items[map.items.length - 1];
      const lastNode = (last.value as Node | null)?.range ? (last.value as Node) : (last.key as Node);
      const end = this.doc.offsetsOf(lastNode)[1];
      const column = this.doc.rangeOf(first).start.character;
      const indented = value.replace(/\n/g, `\n${' '.repeat(column)}`);
      return { title, range: this.doc.rangeAt(end, end), newText: `\n${' '.repeat(column)}${key}:${value.startsWith('\n') ? '' : ' '}${indented}` };
    }
    if (parentKey?.range) {
      const end = this.doc.offsetsOf(parentKey)[1];
      const lineEnd = text.indexOf('\n', end) < 0 ? text.length : text.indexOf('\n', end);
      const column = this.doc.rangeOf(parentKey).start.character;
      // Only when the key's value is empty: `browse:` alone on its line.
      if (/^\s*:\s*$/.test(text.slice(end, lineEnd))) {
        return { title, range: this.doc.rangeAt(lineEnd, lineEnd), newText: `\n${' '.repeat(column + 2)}${key}: ${value}` };
      }
    }
    return undefined;
  }

  private missingKey(message: string, at: Node | Range, map: YAMLMap | undefined, parentKey: Scalar | undefined, key: string): void {
    const fix = this.insertKeyFix(map, parentKey, key);
    this.error('missing-key', message, at, fix ? [fix] : undefined);
  }

  // ------------------------------------------------------------------------------------------------
  // Scalars, typed by the schema

  /** Any non-empty scalar as text (numbers and booleans as written). */
  private scalarText(entry: Entry, what: string): string | undefined {
    const node = entry.value;
    if (isScalar(node) && node.value !== null && typeof node.value !== 'object') {
      return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
    }
    if (this.isUnquotedTemplate(node)) {
      this.error('unquoted-template', `a value starting with "{{" must be quoted in YAML: write "${this.doc.text.slice(...this.doc.offsetsOf(node!))}"`, node!, this.quoteFix(node!));
      return undefined;
    }
    if (isEmpty(node)) this.error('missing-value', `${entry.key} has no value: it should be ${what}`, entry.keyNode);
    else this.error('wrong-type', `${entry.key} must be ${what}, not ${this.describe(node)}`, node!);
    return undefined;
  }

  private readScalar(entry: Entry, schema: SchemaNode): string | number | boolean | undefined {
    switch (schema.type) {
      case 'string':
        if (schema.format === 'duration') return this.readDuration(entry, schema);
        if (schema.enum) return this.readEnum(entry, schema.enum);
        return this.scalarText(entry, 'text');
      case 'integer':
      case 'number':
        return this.readNumber(entry, schema.type, schema.minimum, schema.exclusiveMinimum);
      case 'boolean':
        return this.readBoolean(entry);
      default:
        return undefined;
    }
  }

  private readNumber(entry: Entry, type: 'integer' | 'number', minimum?: number, exclusiveMinimum?: number): number | undefined {
    const noun = type === 'integer' ? 'an integer' : 'a number';
    const bound =
      exclusiveMinimum !== undefined ? ` greater than ${exclusiveMinimum}` : minimum !== undefined ? ` of ${minimum} or more` : '';
    const expected = `${noun}${bound}`;
    const node = entry.value;
    if (!isScalar(node) || typeof node.value !== 'number') {
      const hint =
        isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '' && Number.isFinite(Number(node.value))
          ? ' (remove the quotes)'
          : '';
      if (isEmpty(node)) this.error('missing-value', `${entry.key} has no value: it should be ${expected}`, entry.keyNode);
      else this.error('wrong-type', `${entry.key} must be ${expected}, not ${this.describe(node)}${hint}`, node!);
      return undefined;
    }
    const v = node.value;
    if (!Number.isFinite(v) || (type === 'integer' && !Number.isInteger(v))) {
      this.error('wrong-type', `${entry.key} must be ${expected}, not ${this.describe(node)}`, node);
      return undefined;
    }
    if ((minimum !== undefined && v < minimum) || (exclusiveMinimum !== undefined && v <= exclusiveMinimum)) {
      this.error('out-of-range', `${entry.key} must be ${expected}, not ${this.describe(node).replace('the number ', '')}`, node);
      return undefined;
    }
    return v;
  }

  private readBoolean(entry: Entry): boolean | undefined {
    const node = entry.value;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    if (isEmpty(node)) {
      this.error('missing-value', `${entry.key} has no value: it should be true or false`, entry.keyNode);
      return undefined;
    }
    const fixes =
      isScalar(node) && typeof node.value === 'string' && /^(yes|on|no|off|"?(true|false)"?)$/i.test(node.value)
        ? [this.replaceFix(node, /^(yes|on|"?true"?)$/i.test(node.value) ? 'true' : 'false')]
        : undefined;
    this.error('wrong-type', `${entry.key} must be true or false, not ${this.describe(node)}`, node!, fixes);
    return undefined;
  }

  private readEnum(entry: Entry, values: readonly string[]): string | undefined {
    const text = this.scalarText(entry, `one of ${values.join(', ')}`);
    if (text === undefined) return undefined;
    if (values.includes(text)) return text;
    const suggestion = suggest(text, values);
    const node = entry.value!;
    if (suggestion !== undefined) {
      this.error('unknown-value', `${entry.key} "${text}" is not one of ${values.join(', ')}: did you mean "${suggestion}"?`, node, [
        this.replaceFix(node, suggestion),
      ]);
    } else {
      this.error('unknown-value', `${entry.key} "${text}" is not one of ${values.join(', ')}`, node);
    }
    return undefined;
  }

  private readDuration(entry: Entry, schema: Pick<StringSchema, 'minimumMs' | 'exclusiveMinimumMs'>): number | undefined {
    const text = this.scalarText(entry, 'a duration such as 30s');
    if (text === undefined) return undefined;
    const node = entry.value!;
    const parsed = parseDuration(text);
    if (!parsed.ok) {
      const fixes = /^\d+(\.\d+)?$/.test(text.trim()) ? [this.replaceFix(node, `${text.trim()}s`)] : undefined;
      this.error('invalid-duration', `${entry.key}: ${parsed.message}`, node, fixes);
      return undefined;
    }
    if (schema.minimumMs !== undefined && parsed.ms < schema.minimumMs) {
      this.error('out-of-range', `${entry.key} must be at least ${formatMs(schema.minimumMs)}, not ${text}`, node);
      return undefined;
    }
    if (schema.exclusiveMinimumMs !== undefined && parsed.ms <= schema.exclusiveMinimumMs) {
      this.error('out-of-range', `${entry.key} must be longer than ${formatMs(schema.exclusiveMinimumMs)}, not ${text}`, node);
      return undefined;
    }
    return parsed.ms;
  }

  // ------------------------------------------------------------------------------------------------
  // Text inside scalars: templates, metric keys, expressions

  /** Offset in the document of a scalar's first value character, when value offsets map 1:1 to it. */
  private exactStart(node: Scalar): number | undefined {
    if (!node.range || typeof node.value !== 'string') return undefined;
    const raw = this.doc.text.slice(node.range[0], node.range[1]);
    if (node.type === 'PLAIN' && raw === node.value) return node.range[0];
    if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.length >= 2 && raw.slice(1, -1) === node.value) {
      return node.range[0] + 1;
    }
    return undefined;
  }

  /** The range of characters [offset, offset+length) of a scalar's value, or the whole value. */
  private innerRange(node: Scalar, offset: number, length: number): { range: Range; exact: boolean } {
    const start = this.exactStart(node);
    if (start === undefined) return { range: this.doc.rangeOf(node), exact: false };
    const value = node.value as string;
    const from = Math.max(0, Math.min(offset, value.length));
    const to = Math.max(from, Math.min(offset + length, value.length));
    return { range: this.doc.rangeAt(start + from, start + to), exact: true };
  }

  private template(node: Scalar, source: string, scope: StepScope | undefined, names: Set<string>): Template {
    const compiled = compileTemplate(source, { names: scope ? scope.names : names });
    // Problems are offsets into `source`; numbers and booleans are written as themselves.
    for (const p of compiled.problems) {
      const { range, exact } = this.innerRange(node, p.offset, p.length);
      const code = p.code.includes('template') ? p.code : `template-${p.code}`;
      const fixes = exact && p.suggestion !== undefined ? [{ title: `Change to "${p.suggestion}"`, range, newText: p.suggestion }] : undefined;
      this.error(code, p.message, range, fixes);
    }
    if (scope) {
      for (const ref of compiled.references) {
        if (ref.kind !== 'variable' || !scope.names.has(ref.name) || scope.visible.has(ref.name)) continue;
        const by = (scope.capturedBy.get(ref.name) ?? []).find((c) => c.index >= scope.index);
        if (!by) continue;
        const { range } = this.innerRange(node, ref.offset, ref.length);
        const message =
          by.index === scope.index
            ? `"${ref.name}" is captured by this step ("${by.name}") from its own response, so its request cannot use it: capture it in an earlier step`
            : `"${ref.name}" is captured by step ${by.index + 1} "${by.name}", later in the flow: a step can only use captures of earlier steps`;
        this.error('capture-not-yet-defined', message, range);
      }
    }
    return compiled.template;
  }

  /** A string-valued template from an entry's value (numbers and booleans are text too). */
  private templateEntry(entry: Entry, scope: StepScope, what: string): Template | undefined {
    const text = this.scalarText(entry, what);
    if (text === undefined) return undefined;
    return this.template(entry.value as Scalar, text, scope, scope.names);
  }

  // ------------------------------------------------------------------------------------------------
  // The file

  checkFile(): void {
    const root = this.deref(this.doc.yaml.contents as Node | null);
    if (isEmpty(root)) {
      if (this.doc.syntaxDiagnostics.some((d) => d.severity === 'error')) return;
      this.error('empty-document', 'the file is empty: add at least `scenarios:` with one scenario', this.doc.rangeAt(0, 0));
      return;
    }
    if (!isMap(root)) {
      this.error('wrong-type', `a scenario file must be a map of keys (name, baseUrl, scenarios, …), not ${this.describe(root)}`, root!);
      return;
    }
    const entries = this.entries(root);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const allowed = Object.keys(SCHEMA.properties);
    for (const entry of entries) if (!allowed.includes(entry.key)) this.unknownKey(entry, allowed, 'the file');

    const name = byKey.get('name');
    if (name) {
      const text = this.scalarText(name, 'text');
      if (text !== undefined && text.trim() === '') this.error('invalid-value', 'name must not be empty', this.valueAt(name));
      else this.checked.name = text;
    }
    const baseUrl = byKey.get('baseUrl');
    if (baseUrl) {
      this.baseUrlGiven = true;
      this.checked.baseUrl = this.checkBaseUrl(baseUrl);
    }
    const http = byKey.get('http');
    if (http) this.checkHttp(http);
    const variables = byKey.get('variables');
    if (variables) this.checkVariables(variables);
    const scenarios = byKey.get('scenarios');
    if (scenarios) this.checkScenarios(scenarios);
    else if (!this.misspelled(entries, allowed, 'scenarios')) {
      const first = entries[0]?.keyNode ?? root;
      this.missingKey('the file has no scenarios: add `scenarios:` with at least one scenario', first, root, undefined, 'scenarios');
    }
    const thresholds = byKey.get('thresholds');
    if (thresholds) this.checkThresholds(thresholds);
  }

  private checkBaseUrl(entry: Entry): string | undefined {
    const text = this.scalarText(entry, 'an http:// or https:// URL');
    if (text === undefined) return undefined;
    const node = entry.value!;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      const fixes = /^[\w.-]+(:\d+)?(\/.*)?$/.test(text) ? [this.replaceFix(node, `http://${text}`)] : undefined;
      this.error('invalid-url', `baseUrl "${text}" is not a URL: write it as http://host:port or https://host`, node, fixes);
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.error('invalid-url', `baseUrl must use http:// or https://, not ${url.protocol}//`, node);
      return undefined;
    }
    if (url.search || url.hash) {
      this.error('invalid-url', 'baseUrl must not have a query or fragment: put them in the step URLs', node);
      return undefined;
    }
    // Steps' URLs start with "/": joining needs no slash at the end.
    return text.replace(/\/+$/, '');
  }

  private checkHttp(entry: Entry): void {
    const map = this.expectMap(entry, 'a map of HTTP settings');
    if (!map) return;
    const schema = SCHEMA.properties.http as ObjectSchema;
    const allowed = Object.keys(schema.properties);
    const out = this.checked.http as Record<string, unknown>;
    for (const e of this.entries(map)) {
      if (!allowed.includes(e.key)) {
        this.unknownKey(e, allowed, 'http');
        continue;
      }
      const value = this.readScalar(e, schema.properties[e.key]);
      if (value === undefined) continue;
      out[e.key === 'timeout' ? 'timeoutMs' : e.key] = value;
    }
  }

  private checkVariables(entry: Entry): void {
    const map = this.expectMap(entry, 'a map of names to values');
    if (!map) return;
    for (const e of this.entries(map)) {
      if (!this.checkName(e, 'variable')) continue;
      const node = e.value;
      if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) {
        this.checked.variables[e.key] = node.value;
      } else if (isEmpty(node)) {
        this.error('missing-value', `variable ${e.key} has no value: give it a text, number or boolean`, e.keyNode);
      } else {
        this.error('wrong-type', `variable ${e.key} must be a text, number or boolean, not ${this.describe(node)}`, node!);
      }
    }
  }

  /** Variable and capture names: identifiers templates can read, not a built-in. */
  private checkName(e: Entry, kind: 'variable' | 'capture'): boolean {
    if ((RESERVED_TEMPLATE_NAMES as readonly string[]).includes(e.key)) {
      this.error('reserved-name', `"${e.key}" is a built-in template name (vu, iteration, scenario, env): rename the ${kind}`, e.keyNode);
      return false;
    }
    if (!isTemplateIdentifier(e.key)) {
      this.error(
        'invalid-name',
        `${kind} name "${e.key}" cannot be read in templates: use letters, digits and _, not starting with a digit`,
        e.keyNode,
      );
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------------
  // Scenarios

  private checkScenarios(entry: Entry): void {
    const map = this.expectMap(entry, 'a map of scenario names to scenarios');
    if (!map) return;
    const entries = this.entries(map);
    if (entries.length === 0) {
      this.error('empty-scenarios', 'scenarios is empty: add at least one scenario', entry.value!);
      return;
    }
    for (const e of entries) this.checkScenarioBlock(e);
  }

  /**
   * checkScenario, or its cached result when the scenario is a block of its own whose text and context
   * were checked before: the same diagnostics, scenario and step names, moved to the block's line.
   */
  private checkScenarioBlock(entry: Entry): void {
    const block = this.cache ? this.doc.blockOf(entry.pair) : undefined;
    if (!this.cache || !block) {
      this.checkScenario(entry);
      return;
    }
    // What checkScenario reads outside its block.
    const context = `${this.baseUrlGiven ? 1 : 0}:${Object.keys(this.checked.variables).join(',')}`;
    const key = block.key;
    const hit = this.cache.scenarios.get(key);
    if (hit && hit.context === context && (!hit.lineBound || hit.line === block.line)) {
      this.cache.last.reused++;
      const delta = block.line - hit.line;
      for (const d of hit.diagnostics) this.diagnostics.push(delta === 0 ? d : shiftDiagnostic(d, delta));
      this.checked.scenarios.push(delta === 0 ? hit.scenario : shiftScenario(hit.scenario, delta));
      this.stepNames.push(...hit.stepNames);
      return;
    }
    this.cache.last.checked++;
    const firstDiagnostic = this.diagnostics.length;
    const firstStepName = this.stepNames.length;
    this.checkScenario(entry);
    const diagnostics = this.diagnostics.slice(firstDiagnostic);
    this.cache.scenarios.set(key, {
      line: block.line,
      context,
      diagnostics,
      scenario: this.checked.scenarios[this.checked.scenarios.length - 1],
      stepNames: this.stepNames.slice(firstStepName),
      lineBound: diagnostics.some((d) => d.code === 'duplicate-key' || /\bline \d/.test(d.message)),
    });
  }

  private checkScenario(entry: Entry): void {
    const name = entry.key;
    if (!SCENARIO_NAME.test(name)) {
      this.error('invalid-scenario-name', `scenario name "${name}" may only hold letters, digits, - and _ (k6's rule)`, entry.keyNode);
    }
    const scenario: CheckedScenario = {
      name,
      range: this.doc.rangeOf(entry.keyNode),
      executor: undefined,
      values: {},
      steps: [],
    };
    this.checked.scenarios.push(scenario);
    if (isEmpty(entry.value)) {
      this.missingKey(`scenario "${name}" is empty: give it an executor and a flow`, entry.keyNode, undefined, entry.keyNode, 'executor');
      return;
    }
    const map = this.expectMap(entry, 'a map with executor, flow and the executor\'s options');
    if (!map) return;
    const entries = this.entries(map);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const props = scenarioSchema().properties;

    const executorEntry = byKey.get('executor');
    let executor: ExecutorType | undefined;
    if (executorEntry) {
      const value = this.readEnum(executorEntry, EXECUTOR_TYPES);
      if (isExecutorType(value)) executor = value;
    } else {
      this.missingKey(
        `scenario "${name}" has no executor: add one of ${EXECUTOR_TYPES.join(', ')}`,
        entry.keyNode,
        map,
        entry.keyNode,
        'executor',
      );
    }
    scenario.executor = executor;
    const allowed = executor ? scenarioKeysFor(executor) : Object.keys(props);

    for (const e of entries) {
      if (e.key === 'executor' || e.key === 'flow') continue;
      if (!Object.prototype.hasOwnProperty.call(props, e.key)) {
        this.unknownKey(e, allowed, `scenario "${name}"`);
        continue;
      }
      if (!allowed.includes(e.key)) {
        const takers = executorsTaking(e.key);
        this.error(
          'key-not-for-executor',
          `${e.key} does not apply to ${executor}: it is an option of ${joinOr(takers, 'and')}${executorHint(e.key, executor!)}`,
          e.keyNode,
        );
        continue;
      }
      const prop = props[e.key];
      if (e.key === 'stages') {
        const stages = this.checkStages(e, executor);
        if (stages) scenario.values.stages = stages;
        continue;
      }
      const value = this.readScalar(e, prop);
      if (typeof value === 'number') scenario.values[e.key] = value;
    }

    if (executor) {
      for (const key of requiredScenarioKeysFor(executor)) {
        if (key === 'executor' || byKey.has(key) || this.misspelled(entries, allowed, key)) continue;
        this.missingKey(
          `scenario "${name}" (${executor}) needs ${key}${requiredHint(key)}`,
          entry.keyNode,
          map,
          entry.keyNode,
          key,
        );
      }
      this.checkExecutorRules(scenario, executor, byKey);
    } else if (!byKey.has('flow') && executorEntry === undefined) {
      this.missingKey(`scenario "${name}" has no flow: add a list of steps`, entry.keyNode, map, entry.keyNode, 'flow');
    }

    const flow = byKey.get('flow');
    if (flow) scenario.steps = this.checkFlow(flow, scenario, executor);
  }

  private checkExecutorRules(scenario: CheckedScenario, executor: ExecutorType, byKey: Map<string, Entry>): void {
    const v = scenario.values;
    if (typeof v.maxVUs === 'number' && typeof v.preAllocatedVUs === 'number' && v.maxVUs < v.preAllocatedVUs) {
      const node = byKey.get('maxVUs')!.value!;
      this.error(
        'max-vus-below-preallocated',
        `maxVUs (${v.maxVUs}) must be at least preAllocatedVUs (${v.preAllocatedVUs}): raise maxVUs or lower preAllocatedVUs`,
        node,
        [{ ...this.replaceFix(node, String(v.preAllocatedVUs)), title: `Set maxVUs to ${v.preAllocatedVUs}` }],
      );
    }
    if (executor === 'shared-iterations') {
      const vus = typeof v.vus === 'number' ? v.vus : 1;
      const iterations = typeof v.iterations === 'number' ? v.iterations : 1;
      if (vus > iterations && byKey.has('vus')) {
        const node = byKey.get('vus')!.value!;
        this.warning(
          'vus-exceed-iterations',
          `only ${iterations} of the ${vus} VUs will run: shared-iterations starts at most as many VUs as iterations (k6 caps vus at iterations)`,
          node,
          [{ ...this.replaceFix(node, String(iterations)), title: `Set vus to ${iterations}` }],
        );
      }
    }
    const stages = Array.isArray(v.stages) ? v.stages : undefined;
    const stagesEntry = byKey.get('stages');
    if (stages && stagesEntry) {
      if (stages.every((s) => s.durationMs === 0)) {
        this.error('stages-without-duration', 'the stages last 0s in total: give at least one stage a duration', stagesEntry.keyNode);
      } else if (executor === 'ramping-arrival-rate' && stages.every((s) => s.target === 0) && (v.startRate ?? 0) === 0) {
        this.warning('no-load', 'this scenario starts no iterations: startRate and every stage target are 0', stagesEntry.keyNode);
      } else if (executor === 'ramping-vus' && stages.every((s) => s.target === 0) && v.startVUs === 0) {
        this.warning('no-load', 'this scenario runs no VUs: startVUs and every stage target are 0', stagesEntry.keyNode);
      }
    }
  }

  private checkStages(entry: Entry, executor: ExecutorType | undefined): Stage[] | undefined {
    const seq = this.expectSeq(entry, 'a list of { duration, target } stages');
    if (!seq) return undefined;
    if (seq.items.length === 0) {
      this.error('empty-list', 'stages is empty: add at least one { duration, target } stage', seq);
      return undefined;
    }
    const stageSchema = (scenarioSchema().properties.stages as { items: ObjectSchema }).items;
    const stages: Stage[] = [];
    let ok = true;
    seq.items.forEach((raw, i) => {
      const item = this.deref(raw as Node | null);
      if (!isMap(item)) {
        const at = (isEmpty(item) ? seq : item) as Node;
        this.error('wrong-type', `stage ${i + 1} must be a map { duration, target }, not ${this.describe(item)}`, at);
        ok = false;
        return;
      }
      let durationMs: number | undefined;
      let target: number | undefined;
      for (const e of this.entries(item)) {
        if (e.key === 'duration') durationMs = this.readDuration(e, stageSchema.properties.duration as StringSchema);
        else if (e.key === 'target') target = this.readScalar(e, stageSchema.properties.target) as number | undefined;
        else this.unknownKey(e, ['duration', 'target'], `stage ${i + 1}`);
      }
      for (const key of ['duration', 'target']) {
        if (item.items.some((p) => keyText(p) === key)) continue;
        const what = key === 'target' ? (executor === 'ramping-vus' ? ' (VUs at its end)' : ' (its rate at its end)') : '';
        this.missingKey(`stage ${i + 1} needs ${key}${what}`, this.firstLine(item), item, undefined, key);
      }
      if (durationMs === undefined || target === undefined) ok = false;
      else stages.push({ durationMs, target });
    });
    return ok ? stages : undefined;
  }

  /** A map's first line, where "missing key" goes when the map has no key of its own (list items). */
  private firstLine(node: Node): Range {
    const [start, end] = this.doc.offsetsOf(node);
    const nl = this.doc.text.indexOf('\n', start);
    return this.doc.rangeAt(start, nl < 0 || nl > end ? end : nl);
  }

  // ------------------------------------------------------------------------------------------------
  // Flow and steps

  private checkFlow(entry: Entry, scenario: CheckedScenario, executor: ExecutorType | undefined): CheckedStep[] {
    const seq = this.expectSeq(entry, 'a list of steps (each line starting with "- ")');
    if (!seq) return [];
    if (seq.items.length === 0) {
      this.error('empty-flow', `the flow of scenario "${scenario.name}" is empty: add at least one step, e.g. - get: /`, seq);
      return [];
    }
    const items = seq.items.map((raw) => this.deref(raw as Node | null));
    // First pass: who captures what, so templates can say "captured later" instead of "unknown".
    const capturedBy = new Map<string, Array<{ index: number; name: string }>>();
    items.forEach((item, index) => {
      if (!isMap(item)) return;
      const capture = item.items.find((p) => keyText(p) === 'capture');
      const captureMap = capture ? this.deref(capture.value as Node | null) : null;
      if (!isMap(captureMap)) return;
      const name = this.defaultStepName(item);
      for (const p of captureMap.items) {
        const key = keyText(p);
        if (key === undefined) continue;
        const list = capturedBy.get(key) ?? [];
        list.push({ index, name });
        capturedBy.set(key, list);
      }
    });
    const names = new Set<string>([...Object.keys(this.checked.variables), ...capturedBy.keys()]);
    const visible = new Set<string>(Object.keys(this.checked.variables));
    const steps: CheckedStep[] = [];
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const scope: StepScope = { names, visible, capturedBy, index, stepName: '' };
      const step = this.checkStep(item, index, seq, scope, scenario.name);
      if (step) {
        // Think steps have no metrics of their own: the same pause twice in a flow is normal.
        const previous = step.kind === 'request' ? seen.get(step.name) : undefined;
        if (previous !== undefined) {
          this.warning(
            'duplicate-step-name',
            `step name "${step.name}" is already used by step ${previous + 1} of this scenario: their metrics and results would mix; give this step its own name`,
            this.stepNameNode(item as YAMLMap) ?? (item as Node),
          );
        } else if (step.kind === 'request') {
          seen.set(step.name, index);
        }
        steps.push(step);
      }
      // Names of broken steps count too: a threshold on them is not a second error.
      const name = step?.name ?? (isMap(item) ? this.defaultStepName(item) : '');
      if (name !== '') this.stepNames.push(name);
      // Captures become visible to later steps even when this step has other errors.
      if (isMap(item)) {
        const capture = item.items.find((p) => keyText(p) === 'capture');
        const captureMap = capture ? this.deref(capture.value as Node | null) : null;
        if (isMap(captureMap)) for (const p of captureMap.items) if (keyText(p) !== undefined) visible.add(keyText(p)!);
      }
    });
    const last = items[items.length - 1];
    if (
      (executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate') &&
      isMap(last) &&
      items.length > 1 &&
      last.items.some((p) => keyText(p) === 'think') &&
      steps.length === items.length
    ) {
      this.warning(
        'trailing-think',
        'a think at the end of the flow only keeps the VU busy: arrival-rate executors start iterations on their schedule, not after a pause; remove it',
        last,
      );
    }
    return steps.length === items.length ? steps : [];
  }

  /** The name a step shows in messages: `name:`, else "METHOD url", else "think 1s". */
  private defaultStepName(item: YAMLMap): string {
    let method: string | undefined;
    let url: string | undefined;
    let think: string | undefined;
    for (const p of item.items) {
      const key = keyText(p);
      const value = this.deref(p.value as Node | null);
      const text = isScalar(value) && value.value !== null ? String(value.value) : undefined;
      if (key === 'name' && text !== undefined && text.trim() !== '') return text;
      if (key !== undefined && key in METHOD_BY_KEY && method === undefined) {
        method = METHOD_BY_KEY[key];
        url = text ?? '';
      }
      if (key === 'think') think = text ?? '';
    }
    if (method !== undefined) return `${method} ${url}`;
    if (think !== undefined) return `think ${think}`;
    return '';
  }

  private stepNameNode(item: YAMLMap): Node | undefined {
    const pair = item.items.find((p) => keyText(p) === 'name') ?? item.items.find((p) => (keyText(p) ?? '') in METHOD_BY_KEY);
    return (pair?.value as Node | null) ?? (pair?.key as Node | undefined) ?? undefined;
  }

  private checkStep(item: Node | null, index: number, seq: YAMLSeq, scope: StepScope, scenarioName: string): CheckedStep | undefined {
    const label = `step ${index + 1}`;
    if (!isMap(item)) {
      const at = isEmpty(item) ? this.emptyItemRange(seq, index) : this.doc.rangeOf(item!);
      this.error(
        'wrong-type',
        `${label} must be a map such as { get: /path } or { think: 1s }, not ${this.describe(item)}`,
        at,
      );
      return undefined;
    }
    const range = this.doc.rangeOf(item);
    const entries = this.entries(item);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const allowed = Object.keys(stepSchema().properties);
    let typoOfAction = false;
    for (const e of entries) {
      if (allowed.includes(e.key)) continue;
      const suggestion = suggest(e.key, allowed);
      if (suggestion !== undefined && (suggestion in METHOD_BY_KEY || suggestion === 'think')) typoOfAction = true;
      this.unknownKey(e, allowed, label);
    }
    const methods = entries.filter((e) => e.key in METHOD_BY_KEY);
    const think = byKey.get('think');
    scope.stepName = this.defaultStepName(item);

    if (think) {
      if (methods.length > 0) {
        this.error(
          'think-and-request',
          `${label} has both think and ${methods[0].key}: a step is a request or a pause, so split it into two steps`,
          think.keyNode,
        );
        return undefined;
      }
      for (const e of entries) {
        if (e.key === 'think' || e.key === 'name' || !allowed.includes(e.key)) continue;
        this.error('think-step-key', `a think step takes only name and think: move ${e.key} to a request step`, e.keyNode);
      }
      const durationMs = this.readDuration(think, {});
      const name = this.stepName(byKey.get('name')) ?? `think ${this.scalarSource(think.value)}`;
      if (durationMs === undefined || entries.some((e) => e.key !== 'think' && e.key !== 'name')) return undefined;
      return { kind: 'think', name, index, range, durationMs };
    }

    if (methods.length === 0) {
      if (!typoOfAction) {
        this.error(
          'missing-request',
          `${label} has no request: add one of ${HTTP_METHOD_KEYS.join(', ')} with a URL (or think: <duration> for a pause)`,
          entries[0]?.keyNode ?? range,
        );
      }
      return undefined;
    }
    for (const extra of methods.slice(1)) {
      this.error(
        'multiple-requests',
        `${label} already sends ${methods[0].key.toUpperCase()}: a step sends one request, so move ${extra.key} to its own step`,
        extra.keyNode,
      );
    }
    const methodEntry = methods[0];
    let ok = methods.length === 1 && !entries.some((e) => !allowed.includes(e.key));
    const explicitName = this.stepName(byKey.get('name'));
    if (byKey.has('name') && explicitName === undefined) ok = false;

    const url = this.checkUrl(methodEntry, scope);
    if (!url) ok = false;
    const name = explicitName ?? `${METHOD_BY_KEY[methodEntry.key]} ${url?.source ?? this.scalarSource(methodEntry.value)}`;

    const headers = this.templateMap(byKey.get('headers'), scope, 'header');
    const query = this.templateMap(byKey.get('query'), scope, 'query');
    if (!headers || !query) ok = false;

    let body: RequestStepPlan['body'] = { kind: 'none' };
    const json = byKey.get('json');
    const text = byKey.get('body');
    if (json && text) {
      this.error('json-and-body', `${label} has both json and body: a request has one body, so remove one of them`, text.keyNode);
      ok = false;
    } else if (json) {
      const value = this.jsonTemplate(json.value, scope);
      if (value) body = { kind: 'json', value };
      else ok = false;
    } else if (text) {
      const template = this.templateEntry(text, scope, 'text (the request body)');
      if (template) body = { kind: 'text', template };
      else ok = false;
    }

    let timeoutMs: number | undefined;
    const timeout = byKey.get('timeout');
    if (timeout) {
      timeoutMs = this.readDuration(timeout, stepSchema().properties.timeout as StringSchema);
      if (timeoutMs === undefined) ok = false;
    }

    const checks = byKey.has('check') ? this.checkChecks(byKey.get('check')!) : [];
    if (!checks) ok = false;
    const captures = byKey.has('capture') ? this.checkCaptures(byKey.get('capture')!) : [];
    if (!captures) ok = false;
    void scenarioName;

    if (!ok || !url || !headers || !query || !checks || !captures) return undefined;
    return {
      kind: 'request',
      name,
      index,
      range,
      method: METHOD_BY_KEY[methodEntry.key],
      url,
      query,
      headers,
      body,
      timeoutMs,
      checks,
      captures,
    };
  }

  /** An empty list item (`- ` alone): its dash. */
  private emptyItemRange(seq: YAMLSeq, index: number): Range {
    const item = seq.items[index] as Node | null;
    if (item?.range) {
      const start = item.range[0];
      const dash = this.doc.text.lastIndexOf('-', start);
      if (dash >= 0 && dash >= (seq.range?.[0] ?? 0)) return this.doc.rangeAt(dash, dash + 1);
    }
    return this.firstLine(seq);
  }

  private scalarSource(node: Node | null): string {
    if (isScalar(node) && node.value !== null) return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
    return '';
  }

  private stepName(entry: Entry | undefined): string | undefined {
    if (!entry) return undefined;
    const text = this.scalarText(entry, 'text');
    if (text === undefined) return undefined;
    if (text.trim() === '') {
      this.error('invalid-value', 'a step name must not be empty: remove name to use the default "METHOD url"', this.valueAt(entry));
      return undefined;
    }
    return text;
  }

  private checkUrl(entry: Entry, scope: StepScope): Template | undefined {
    const template = this.templateEntry(entry, scope, 'a URL such as /products or http://host/path');
    if (!template) return undefined;
    const node = entry.value as Scalar;
    const source = template.source;
    const open = source.indexOf('{{');
    const prefix = open < 0 ? source : source.slice(0, open);
    if (source.trim() === '') {
      this.error('invalid-url', `${entry.key} has an empty URL: write a path such as /products`, node);
      return undefined;
    }
    if (open === 0) return template; // The whole URL is computed: checked when it is rendered.
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(prefix);
    if (scheme) {
      const s = scheme[1].toLowerCase();
      if (s !== 'http' && s !== 'https') {
        this.error('invalid-url', `URL scheme "${scheme[1]}:" is not supported: use http:// or https://`, node);
        return undefined;
      }
      if (template.constant !== undefined) {
        try {
          new URL(source);
        } catch {
          this.error('invalid-url', `"${source}" is not a valid URL`, node);
          return undefined;
        }
      }
      return template;
    }
    if (!prefix.startsWith('/')) {
      this.error(
        'invalid-url',
        `URL "${source}" must start with "/" (relative to baseUrl) or with http:// or https://`,
        node,
        this.exactStart(node) !== undefined ? [{ title: 'Add "/"', range: this.doc.rangeAt(this.exactStart(node)!, this.exactStart(node)!), newText: '/' }] : undefined,
      );
      return undefined;
    }
    if (prefix.startsWith('//')) {
      this.error('invalid-url', `URL "${source}" starts with "//": write a path with one "/" or a full http:// URL`, node);
      return undefined;
    }
    if (!this.baseUrlGiven) {
      this.error(
        'relative-url-without-base',
        `relative URL "${source}" needs a baseUrl: add baseUrl: http://host:port at the top of the file, or write an absolute URL`,
        node,
      );
      return undefined;
    }
    return template;
  }

  private templateMap(entry: Entry | undefined, scope: StepScope, kind: 'header' | 'query'): Array<[string, Template]> | undefined {
    if (!entry) return [];
    const what = kind === 'header' ? 'a map of header names to values' : 'a map of query parameters to values';
    const map = this.expectMap(entry, what);
    if (!map) return undefined;
    const out: Array<[string, Template]> = [];
    let ok = true;
    for (const e of this.entries(map)) {
      if (kind === 'header' && !HEADER_NAME.test(e.key)) {
        this.error('invalid-header-name', `"${e.key}" is not a valid header name: use letters, digits and - (no spaces or colons)`, e.keyNode);
        ok = false;
        continue;
      }
      const template = this.templateEntry(e, scope, kind === 'header' ? 'a text (templates allowed)' : 'a text, number or boolean (templates allowed)');
      if (template) out.push([e.key, template]);
      else ok = false;
    }
    return ok ? out : undefined;
  }

  private jsonTemplate(node: Node | null, scope: StepScope): JsonTemplate | undefined {
    const value = this.deref(node);
    if (isScalar(value)) {
      const v = value.value;
      if (typeof v === 'string') return { kind: 'string', template: this.template(value, v, scope, scope.names) };
      if (v === null || typeof v === 'boolean') return { kind: 'value', value: v };
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) {
          this.error('wrong-type', `${this.describe(value)} cannot be sent as JSON: use a finite number`, value);
          return undefined;
        }
        return { kind: 'value', value: v };
      }
      this.error('wrong-type', 'this value cannot be sent as JSON', value);
      return undefined;
    }
    if (this.isUnquotedTemplate(value)) {
      this.error(
        'unquoted-template',
        `a value starting with "{{" must be quoted in YAML: write "${this.doc.text.slice(...this.doc.offsetsOf(value!))}"`,
        value!,
        this.quoteFix(value!),
      );
      return undefined;
    }
    if (isSeq(value)) {
      const items: JsonTemplate[] = [];
      let ok = true;
      for (const item of value.items) {
        const t = this.jsonTemplate(item as Node | null, scope);
        if (t) items.push(t);
        else ok = false;
      }
      return ok ? { kind: 'array', items } : undefined;
    }
    if (isMap(value)) {
      const entries: Array<[string, JsonTemplate]> = [];
      let ok = true;
      for (const e of this.entries(value)) {
        const t = this.jsonTemplate(e.value, scope);
        if (t) entries.push([e.key, t]);
        else ok = false;
      }
      if (value.items.length !== entries.length) ok = false;
      return ok ? { kind: 'object', entries } : undefined;
    }
    if (value === null) return { kind: 'value', value: null };
    this.error('wrong-type', 'this value cannot be sent as JSON', node!);
    return undefined;
  }

  private checkChecks(entry: Entry): CheckPlan[] | undefined {
    const map = this.expectMap(entry, 'a map of checks: status, header, bodyContains, json');
    if (!map) return undefined;
    const checkSchema = stepSchema().properties.check as ObjectSchema;
    const allowed = Object.keys(checkSchema.properties);
    const out: CheckPlan[] = [];
    let ok = true;
    for (const e of this.entries(map)) {
      switch (e.key) {
        case 'status': {
          const allowedStatuses = this.readStatuses(e);
          if (allowedStatuses) out.push({ kind: 'status', name: `status is ${allowedStatuses.join(' or ')}`, allowed: allowedStatuses });
          else ok = false;
          break;
        }
        case 'header': {
          const headers = this.expectMap(e, 'a map of header names to expected values');
          if (!headers) {
            ok = false;
            break;
          }
          for (const h of this.entries(headers)) {
            if (!HEADER_NAME.test(h.key)) {
              this.error('invalid-header-name', `"${h.key}" is not a valid header name`, h.keyNode);
              ok = false;
              continue;
            }
            const value = this.scalarText(h, 'the header\'s expected value');
            if (value === undefined) ok = false;
            else out.push({ kind: 'header', name: `header ${h.key} is ${value}`, header: h.key.toLowerCase(), equals: value });
          }
          break;
        }
        case 'bodyContains': {
          const text = this.scalarText(e, 'the text the body must contain');
          if (text === undefined) ok = false;
          else if (text === '') {
            this.error('invalid-value', 'bodyContains is empty: every body contains "", so write the text to look for', e.value!);
            ok = false;
          } else out.push({ kind: 'bodyContains', name: `body contains ${text}`, text });
          break;
        }
        case 'json': {
          const paths = this.expectMap(e, 'a map of JSON paths to expected values, e.g. { "items[0].id": "> 0" }');
          if (!paths) {
            ok = false;
            break;
          }
          for (const p of this.entries(paths)) {
            const parsed = parseJsonPath(p.key);
            if (!parsed.ok) {
              this.error('invalid-json-path', `JSON path "${p.key}": ${parsed.message}`, this.innerRange(p.keyNode, parsed.offset, parsed.length).range);
              ok = false;
              continue;
            }
            const value = this.deref(p.value);
            if (!isScalar(value)) {
              this.error(
                'invalid-check',
                `the check on ${p.key} must be a value (200, "ok", true, null) or a comparison such as "> 0", not ${this.describe(value)}`,
                isEmpty(value) ? p.keyNode : value!,
              );
              ok = false;
              continue;
            }
            const expectation = parseCheckExpectation(value.value);
            if (!expectation.ok) {
              this.error('invalid-check', `the check on ${p.key}: ${expectation.message}`, value);
              ok = false;
              continue;
            }
            const expectedText = typeof expectation.expected === 'string' ? JSON.stringify(expectation.expected) : String(expectation.expected);
            out.push({
              kind: 'json',
              name: `json ${p.key} ${expectation.op} ${expectedText}`,
              path: parsed.path,
              op: expectation.op,
              expected: expectation.expected,
            });
          }
          break;
        }
        default:
          this.unknownKey(e, allowed, 'check');
          ok = false;
      }
    }
    return ok ? out : undefined;
  }

  private readStatuses(entry: Entry): number[] | undefined {
    const what = 'a status code such as 200, or a list such as [200, 201]';
    const one = (node: Node | null): number | undefined => {
      if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 100 && node.value <= 599) {
        return node.value;
      }
      if (isScalar(node) && typeof node.value === 'number') {
        this.error('out-of-range', `status ${node.source ?? node.value} is not an HTTP status: use 100 to 599`, node);
      } else {
        this.error('wrong-type', `status must be ${what}, not ${this.describe(node)}`, isEmpty(node) ? entry.keyNode : node!);
      }
      return undefined;
    };
    const value = entry.value;
    if (isSeq(value)) {
      if (value.items.length === 0) {
        this.error('empty-list', 'status is an empty list: list the allowed codes, e.g. [200, 201]', value);
        return undefined;
      }
      const codes = value.items.map((i) => one(this.deref(i as Node | null)));
      return codes.every((c) => c !== undefined) ? (codes as number[]) : undefined;
    }
    const code = one(value);
    return code === undefined ? undefined : [code];
  }

  private checkCaptures(entry: Entry): CapturePlan[] | undefined {
    const map = this.expectMap(entry, 'a map of names to sources such as json.items[0].id');
    if (!map) return undefined;
    const out: CapturePlan[] = [];
    let ok = true;
    for (const e of this.entries(map)) {
      if (!this.checkName(e, 'capture')) {
        ok = false;
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(this.checked.variables, e.key)) {
        this.warning(
          'capture-shadows-variable',
          `capture ${e.key} hides the variable of the same name for the rest of the iteration: rename one of them`,
          e.keyNode,
        );
      }
      const text = this.scalarText(e, 'a source: json.PATH, header.NAME or regex:PATTERN');
      if (text === undefined) {
        ok = false;
        continue;
      }
      const parsed = parseCaptureSource(text);
      if (!parsed.ok) {
        this.error('invalid-capture', `capture ${e.key}: ${parsed.message}`, this.innerRange(e.value as Scalar, parsed.offset, parsed.length).range);
        ok = false;
        continue;
      }
      out.push({ ...parsed.capture, name: e.key } as CapturePlan);
    }
    return ok ? out : undefined;
  }

  // ------------------------------------------------------------------------------------------------
  // Thresholds

  private checkThresholds(entry: Entry): void {
    const map = this.expectMap(entry, 'a map of metric names to lists of expressions');
    if (!map) return;
    const metrics = Object.keys(METRICS);
    const scenarioNames = this.checked.scenarios.map((s) => s.name);
    for (const e of this.entries(map)) {
      const parsed = parseMetricKey(e.key);
      if (!parsed.ok) {
        this.error('invalid-threshold-key', `threshold key "${e.key}": ${parsed.message}`, this.innerRange(e.keyNode, parsed.offset, parsed.length).range);
        continue;
      }
      let keyOk = true;
      const type = metricType(parsed.metric);
      const metricStart = e.key.indexOf(parsed.metric);
      if (type === undefined) {
        const suggestion = suggest(parsed.metric, metrics);
        const { range, exact } = this.innerRange(e.keyNode, metricStart, parsed.metric.length);
        this.error(
          'unknown-metric',
          suggestion !== undefined
            ? `unknown metric "${parsed.metric}": did you mean "${suggestion}"?`
            : `unknown metric "${parsed.metric}": thresholds apply to ${metrics.join(', ')}`,
          range,
          suggestion !== undefined && exact ? [{ title: `Change to "${suggestion}"`, range, newText: suggestion }] : undefined,
        );
        keyOk = false;
      }
      for (const tag of this.tagSpans(e.key)) {
        const value = parsed.tags[tag.key];
        if (!(THRESHOLD_TAGS as readonly string[]).includes(tag.key)) {
          const suggestion = suggest(tag.key, THRESHOLD_TAGS);
          const { range, exact } = this.innerRange(e.keyNode, tag.keyOffset, tag.key.length);
          this.error(
            'unknown-threshold-tag',
            `unknown tag "${tag.key}" in a threshold filter: ${suggestion !== undefined ? `did you mean "${suggestion}"?` : `use ${THRESHOLD_TAGS.join(', ')}`}`,
            range,
            suggestion !== undefined && exact ? [{ title: `Change to "${suggestion}"`, range, newText: suggestion }] : undefined,
          );
          keyOk = false;
          continue;
        }
        const carried: readonly string[] | undefined = type === undefined ? undefined : METRIC_TAGS[parsed.metric as keyof typeof METRIC_TAGS];
        if (carried !== undefined && !carried.includes(tag.key)) {
          const { range } = this.innerRange(e.keyNode, tag.keyOffset, tag.key.length);
          this.error(
            'unsupported-threshold-tag',
            `${parsed.metric} cannot be filtered by "${tag.key}": its samples carry ${carried.map((t) => `"${t}"`).join(', ')}`,
            range,
          );
          keyOk = false;
          continue;
        }
        if (value === undefined) continue;
        if (tag.key === 'expected_response' && value !== 'true' && value !== 'false') {
          const { range } = this.innerRange(e.keyNode, tag.valueOffset, tag.valueLength);
          this.error('invalid-value', `expected_response is true or false, not "${value}"`, range);
          keyOk = false;
        }
        const names = tag.key === 'scenario' ? scenarioNames : tag.key === 'step' ? this.stepNames : undefined;
        if (names && !names.includes(value)) {
          const suggestion = suggest(value, names);
          const { range, exact } = this.innerRange(e.keyNode, tag.valueOffset, tag.valueLength);
          const what = tag.key === 'scenario' ? 'scenario' : 'step';
          this.error(
            `unknown-${what}`,
            suggestion !== undefined
              ? `no ${what} is named "${value}": did you mean "${suggestion}"?`
              : `no ${what} is named "${value}"${names.length > 0 && names.length <= 10 ? `: the ${what}s are ${names.map((n) => `"${n}"`).join(', ')}` : ''}`,
            range,
            suggestion !== undefined && exact ? [{ title: `Change to "${suggestion}"`, range, newText: suggestion }] : undefined,
          );
          keyOk = false;
        }
        if (tag.key === 'method' && !Object.values(METHOD_BY_KEY).includes(value as HttpMethod)) {
          const { range } = this.innerRange(e.keyNode, tag.valueOffset, tag.valueLength);
          this.error('invalid-value', `method "${value}" is not an HTTP method: use ${Object.values(METHOD_BY_KEY).join(', ')}`, range);
          keyOk = false;
        }
        if (tag.key === 'status' && !/^[1-5]\d\d$/.test(value)) {
          const { range } = this.innerRange(e.keyNode, tag.valueOffset, tag.valueLength);
          this.error('invalid-value', `status "${value}" is not an HTTP status code such as 200`, range);
          keyOk = false;
        }
      }
      const list = this.thresholdList(e);
      if (!list) continue;
      for (const item of list) {
        const t = this.checkThresholdItem(item, e, parsed.metric, type);
        if (t && keyOk) this.checked.thresholds.push({ ...t, key: e.key, metric: parsed.metric, tags: parsed.tags });
      }
    }
  }

  /** Tag names and values with their offsets in the key, as parseMetricKey splits them. */
  private tagSpans(key: string): Array<{ key: string; keyOffset: number; valueOffset: number; valueLength: number }> {
    const open = key.indexOf('{');
    const close = key.indexOf('}', open);
    if (open < 0 || close < 0) return [];
    const spans: Array<{ key: string; keyOffset: number; valueOffset: number; valueLength: number }> = [];
    let at = open + 1;
    for (const piece of key.slice(open + 1, close).split(',')) {
      const colon = piece.indexOf(':');
      if (colon >= 0) {
        const rawKey = piece.slice(0, colon);
        const name = rawKey.trim().replace(/^["']+|["']+$/g, '').trim();
        const keyOffset = at + rawKey.indexOf(name);
        const rawValue = piece.slice(colon + 1);
        const value = rawValue.trim().replace(/^["']+|["']+$/g, '');
        const valueOffset = at + colon + 1 + Math.max(0, rawValue.indexOf(value));
        spans.push({ key: name, keyOffset, valueOffset, valueLength: value.length });
      }
      at += piece.length + 1;
    }
    return spans;
  }

  private thresholdList(e: Entry): Node[] | undefined {
    const value = e.value;
    if (isSeq(value)) {
      if (value.items.length === 0) {
        this.error('empty-list', `thresholds of ${e.key} is an empty list: add an expression such as p(95)<500`, value);
        return undefined;
      }
      return value.items.map((i) => this.deref(i as Node | null)) as Node[];
    }
    if (isScalar(value) && typeof value.value === 'string') {
      const [start, end] = this.doc.offsetsOf(value);
      this.error('wrong-type', `thresholds of ${e.key} must be a list: write [${value.value}]`, value, [
        { title: 'Make it a list', range: this.doc.rangeAt(start, end), newText: `[${this.doc.text.slice(start, end)}]` },
      ]);
      return undefined;
    }
    if (isEmpty(value)) this.error('missing-value', `${e.key} has no thresholds: add a list such as [p(95)<500]`, e.keyNode);
    else this.error('wrong-type', `thresholds of ${e.key} must be a list of expressions, not ${this.describe(value)}`, value!);
    return undefined;
  }

  private checkThresholdItem(
    item: Node | null,
    owner: Entry,
    metric: string,
    type: ReturnType<typeof metricType>,
  ): Omit<ThresholdPlan, 'key' | 'metric' | 'tags'> | undefined {
    let expression: Scalar | undefined;
    let abortOnFail = false;
    let delayAbortEvalMs = 0;
    if (isScalar(item) && typeof item.value === 'string') {
      expression = item;
    } else if (isMap(item)) {
      const props = thresholdObjectSchema().properties;
      let ok = true;
      for (const e of this.entries(item)) {
        if (e.key === 'threshold') {
          if (isScalar(e.value) && typeof e.value.value === 'string') expression = e.value;
          else {
            this.scalarText(e, 'an expression such as p(95)<500');
            if (isScalar(e.value) && e.value.value !== null) {
              this.error('wrong-type', `threshold must be an expression such as p(95)<500, not ${this.describe(e.value)}`, e.value);
            }
            ok = false;
          }
        } else if (e.key === 'abortOnFail') {
          const v = this.readBoolean(e);
          if (v === undefined) ok = false;
          else abortOnFail = v;
        } else if (e.key === 'delayAbortEval') {
          const v = this.readDuration(e, props.delayAbortEval as StringSchema);
          if (v === undefined) ok = false;
          else delayAbortEvalMs = v;
        } else {
          this.unknownKey(e, Object.keys(props), 'a threshold');
          ok = false;
        }
      }
      if (!item.items.some((p) => keyText(p) === 'threshold')) {
        this.missingKey('this threshold needs threshold: the expression, e.g. threshold: p(95)<500', this.firstLine(item), item, undefined, 'threshold');
        return undefined;
      }
      if (!ok) return undefined;
    } else {
      const at = isEmpty(item) ? owner.keyNode : item!;
      this.error(
        'wrong-type',
        `a threshold must be an expression such as p(95)<500 or { threshold, abortOnFail, delayAbortEval }, not ${this.describe(item)}`,
        at,
      );
      return undefined;
    }
    if (!expression) return undefined;
    const source = expression.value as string;
    const parsed = parseThresholdExpression(source);
    if (!parsed.ok) {
      this.error('invalid-threshold', `threshold "${source}": ${parsed.message}`, this.innerRange(expression, parsed.offset, parsed.length).range);
      return undefined;
    }
    if (type !== undefined && !isAggregationAllowed(type, parsed.aggregation)) {
      const lead = source.length - source.trimStart().length;
      const word = /^[A-Za-z]+(\s*\([^)]*\))?/.exec(source.slice(lead))?.[0] ?? source;
      this.error(
        'threshold-aggregation',
        `${metric} is a ${type} metric: ${aggregationName(parsed.aggregation)} does not apply; use ${aggregationsFor(type).join(', ')}`,
        this.innerRange(expression, lead, word.length).range,
      );
      return undefined;
    }
    return {
      source,
      aggregation: parsed.aggregation,
      op: parsed.op,
      value: parsed.value,
      abortOnFail,
      delayAbortEvalMs,
      range: this.doc.rangeOf(expression),
    };
  }
}

function shiftScenario(s: CheckedScenario, delta: number): CheckedScenario {
  return { ...s, range: shiftRange(s.range, delta), steps: s.steps.map((step) => ({ ...step, range: shiftRange(step.range, delta) })) };
}

function isEmpty(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** "Did you mean": the one candidate the word starts (a half-typed value), else a close spelling. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length >= 3) {
    const lowered = word.toLowerCase();
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lowered));
    if (prefixed.length === 1) return prefixed[0];
  }
  return didYouMean(word, candidates);
}

function joinOr(items: readonly string[], word: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function requiredHint(key: string): string {
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
function executorHint(key: string, executor: ExecutorType): string {
  const arrival = executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate';
  if (key === 'vus' && arrival) return '; arrival-rate executors size their VU pool with preAllocatedVUs and maxVUs';
  if (key === 'rate' && executor === 'ramping-arrival-rate') return '; ramping-arrival-rate starts from startRate and follows stages';
  if (key === 'duration' && (executor === 'ramping-arrival-rate' || executor === 'ramping-vus')) return '; the stages set how long it runs';
  if (key === 'duration' && (executor === 'per-vu-iterations' || executor === 'shared-iterations')) return '; use maxDuration to bound the run';
  if ((key === 'preAllocatedVUs' || key === 'maxVUs') && !arrival) return `; ${executor} runs a fixed set of VUs`;
  if (key === 'stages') return `; use ramping-${arrival ? 'arrival-rate' : 'vus'} for a ramp`;
  return '';
}
