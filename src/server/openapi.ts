// The editor's side of `openapi:`: the document read once per version (src/engine/openapi/documents.ts),
// watched so that a change on disk re-publishes the diagnostics, and what it gives completion (paths and
// methods, `json:` keys), hover (the operation) and diagnostics (src/engine/openapi/check.ts, shared with
// `volley validate`). Nothing here waits for a read: until the document is read, features answer without it.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, InsertTextMode, MarkupKind, type CompletionItem, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { PathSegment } from '../engine/scenario';
import type { ScenarioDiagnostic } from '../engine/scenario/plan';
import { OpenApiDocuments, type OpenApiOutcome } from '../engine/openapi/documents';
import { openApiPath } from '../engine/openapi/reference';
import { basePathOf, openApiDiagnostics, operationLabel, requestStepOf } from '../engine/openapi/check';
import { objectShape, schemaAtPath, schemaSummary } from '../engine/openapi/body-schema';
import { OpenApiIndex, pathSnippet, type OpenApiOperation } from '../engine/openapi/operations';
import type { CursorContext } from './cursor';
import type { AnalysedDocument } from './documents';

/** How long after the last change on disk the document is read again (editors write in several steps). */
const WATCH_SETTLE_MS = 50;

export class OpenApiSupport {
  readonly documents = new OpenApiDocuments();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private readonly awaited = new WeakSet<Promise<OpenApiOutcome>>();

  /** `changed`: a document was read (again); the open files' diagnostics should be published again. */
  constructor(private readonly changed: () => void) {}

  /** The scenario's document and its operations, or undefined when it has no `openapi:` or it is still being read. */
  lookup(doc: AnalysedDocument): { outcome: OpenApiOutcome; baseUrl: string | undefined } | undefined {
    const file = doc.file;
    // Most files have no `openapi:`: asking the parse first keeps completion from waiting for the check.
    if (file === undefined || doc.scenario.nodeAt(['openapi']) === undefined) return undefined;
    const reference = doc.checkedFile.openapi;
    if (reference === undefined) return undefined;
    const path = openApiPath(file, reference.file);
    this.watchFile(path);
    const outcome = this.documents.current(path);
    if (outcome === undefined) {
      const loading = this.documents.load(path);
      if (!this.awaited.has(loading)) {
        this.awaited.add(loading);
        void loading.then(() => this.changed());
      }
      return undefined;
    }
    return { outcome, baseUrl: doc.checkedFile.baseUrl };
  }

  index(doc: AnalysedDocument): { index: OpenApiIndex; basePath: string } | undefined {
    const found = this.lookup(doc);
    return found?.outcome.index ? { index: found.outcome.index, basePath: basePathOf(found.baseUrl) } : undefined;
  }

  /** A watched file changed (the client's file events, or the server's own watch): read it again. */
  fileChanged(path: string): boolean {
    if (!this.watchers.has(path) && !this.documents.paths().includes(path)) return false;
    this.documents.invalidate(path);
    this.changed();
    return true;
  }

  /** The directory, not the file: editors save by replacing the file, which ends a watch on the file itself. */
  private watchFile(path: string): void {
    if (this.watchers.has(path)) return;
    try {
      const name = basename(path);
      const watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        clearTimeout(this.settling.get(path));
        this.settling.set(path, setTimeout(() => this.fileChanged(path), WATCH_SETTLE_MS));
      });
      watcher.on('error', () => watcher.close());
      this.watchers.set(path, watcher);
    } catch {
      // A directory that does not exist cannot be watched; the document's stamp is still checked on each ask.
    }
  }
}

export function openApiEditorDiagnostics(doc: AnalysedDocument, support: OpenApiSupport): ScenarioDiagnostic[] {
  const reference = doc.checkedFile.openapi;
  const found = support.lookup(doc);
  if (reference === undefined || found === undefined) return [];
  return openApiDiagnostics(doc.scenario, reference, found.outcome, found.baseUrl);
}

// ---------------------------------------------------------------------------------------------------
// Completion

const FLOW_LIST_KEYS = new Set(['flow', 'setup', 'teardown', 'else']);
const STEP_ACTION_KEYS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'think', 'repeat', 'if', 'choose', 'group']);

/**
 * At most this many paths or operations per answer, those that best match what is typed, the list marked
 * incomplete so the editor asks again as typing narrows it: a document of a thousand operations would
 * otherwise send a thousand items per keystroke.
 */
export const MAX_OPERATION_ITEMS = 150;

export interface OpenApiItems {
  items: CompletionItem[];
  /** More matched than were sent. */
  incomplete: boolean;
}

/** Items from the document at the cursor, or undefined where the document has nothing to offer. */
export function openApiCompletions(doc: AnalysedDocument, context: CursorContext, support: OpenApiSupport): OpenApiItems | undefined {
  if (context.kind !== 'key' && context.kind !== 'value') return undefined;
  const found = support.index(doc);
  if (found === undefined) return undefined;
  if (context.kind === 'value') {
    const method = context.path[context.path.length - 1];
    if (typeof method !== 'string' || !STEP_ACTION_KEYS.has(method) || typeof context.path[context.path.length - 2] !== 'number') return undefined;
    if (context.inFlow) return undefined;
    const prefix = pathPrefix(found.index, found.basePath);
    const operations = found.index.operations.filter((o) => o.method === method.toUpperCase());
    return best(operations, (o) => prefix + o.path, context.prefix, (operation, i) => ({
      label: prefix + operation.path,
      kind: CompletionItemKind.Value,
      detail: operationDetail(operation),
      sortText: `0${String(i).padStart(5, '0')}`,
      textEdit: { range: context.range, newText: pathSnippet(prefix + operation.path) },
      insertTextFormat: InsertTextFormat.Snippet,
      tags: operation.deprecated ? [CompletionItemTag.Deprecated] : undefined,
    }));
  }
  const { container, range, present } = context;
  const body = bodyPosition(doc, container);
  if (body !== undefined) {
    const items = bodyKeyItems(found.index, found.basePath, body, present, range, context.inFlow);
    return items && { items, incomplete: false };
  }
  const last = container[container.length - 1];
  const list = container[container.length - 2];
  const isStepItem = typeof last === 'number' && typeof list === 'string' && FLOW_LIST_KEYS.has(list);
  if (!isStepItem || context.inFlow || [...present].some((k) => STEP_ACTION_KEYS.has(k))) return undefined;
  // `- ‸` in a flow: one item per operation, `get: /products/${1:id}`.
  const prefix = pathPrefix(found.index, found.basePath);
  return best(found.index.operations, (o) => `${o.method} ${o.path}`, context.prefix, (operation, i) => ({
    label: `${operation.method} ${operation.path}`,
    kind: CompletionItemKind.Function,
    detail: operationDetail(operation),
    sortText: `2${String(i).padStart(5, '0')}`,
    textEdit: { range, newText: `${operation.method.toLowerCase()}: ${pathSnippet(prefix + operation.path)}` },
    insertTextFormat: InsertTextFormat.Snippet,
    tags: operation.deprecated ? [CompletionItemTag.Deprecated] : undefined,
  }));
}

/**
 * The operations whose text holds what is typed (its characters in order, ignoring case, as the editor's
 * own filter does), those starting with it first, at most MAX_OPERATION_ITEMS of them.
 */
function best(operations: readonly OpenApiOperation[], text: (o: OpenApiOperation) => string, typed: string, item: (o: OpenApiOperation, i: number) => CompletionItem): OpenApiItems {
  const wanted = typed.trim().toLowerCase();
  const starts: OpenApiOperation[] = [];
  const holds: OpenApiOperation[] = [];
  for (const operation of operations) {
    const candidate = text(operation).toLowerCase();
    if (candidate.startsWith(wanted)) starts.push(operation);
    else if (isSubsequence(wanted, candidate)) holds.push(operation);
  }
  const matched = [...starts, ...holds];
  return { items: matched.slice(0, MAX_OPERATION_ITEMS).map(item), incomplete: matched.length > MAX_OPERATION_ITEMS };
}

function isSubsequence(wanted: string, text: string): boolean {
  let at = 0;
  for (const char of wanted) {
    at = text.indexOf(char, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/** What a step path starts with beyond baseUrl's path: the server's path when baseUrl does not carry it. */
function pathPrefix(index: OpenApiIndex, basePath: string): string {
  const server = index.basePaths[0] ?? '';
  return server.startsWith(basePath) ? server.slice(basePath.length) : '';
}

function operationDetail(operation: OpenApiOperation): string | undefined {
  return operation.summary ?? operation.operationId;
}

interface BodyPosition {
  method: string;
  url: string;
  /** Keys and list indexes from `json:` to the map the cursor is in. */
  inner: PathSegment[];
}

/** The request step whose `json:` body the cursor is in, if it is. */
function bodyPosition(doc: AnalysedDocument, container: readonly PathSegment[]): BodyPosition | undefined {
  for (let i = 1; i < container.length; i++) {
    if (container[i] !== 'json' || typeof container[i - 1] !== 'number') continue;
    const map = doc.scenario.nodeAt(container.slice(0, i));
    if (!isMap(map)) continue;
    const step = requestStepOf(map, container.slice(0, i) as PathSegment[]);
    if (step === undefined || !isScalar(step.url) || typeof step.url.value !== 'string') return undefined;
    return { method: step.method, url: step.url.value, inner: container.slice(i + 1) as PathSegment[] };
  }
  return undefined;
}

function bodyKeyItems(index: OpenApiIndex, basePath: string, body: BodyPosition, present: Set<string>, range: Range, inFlow: boolean): CompletionItem[] | undefined {
  const operation = index.match(body.method, body.url, basePath)?.operation;
  if (operation?.bodySchema === undefined) return undefined;
  const shape = objectShape(schemaAtPath(operation.bodySchema, body.inner));
  if (shape === undefined) return undefined;
  return [...shape.properties]
    .filter(([name]) => !present.has(name))
    .map(([name, schema], i) => {
      const required = shape.required.has(name);
      const summary = schemaSummary(schema);
      const description = typeof schema?.description === 'string' ? schema.description : '';
      const nested = !inFlow && (summary === 'object' || summary.startsWith('array'));
      return {
        label: name,
        kind: CompletionItemKind.Field,
        detail: `${required ? 'required ' : ''}${summary}`,
        documentation: { kind: MarkupKind.Markdown, value: [`\`${name}\`: ${summary}${required ? ', required' : ''} (${operationLabel(operation)})`, description].filter((s) => s !== '').join('\n\n') },
        sortText: `${required ? '0' : '1'}${String(i).padStart(4, '0')}`,
        textEdit: { range, newText: nested ? `${name}:\n  ` : `${name}: ` },
        // A nested object's keys go on the next line, indented under it.
        insertTextMode: nested ? InsertTextMode.adjustIndentation : undefined,
      };
    });
}

// ---------------------------------------------------------------------------------------------------
// Hover

/** On a step's method key or URL: the operation it calls, with its parameters. */
export function openApiHover(doc: AnalysedDocument, position: Position, support: OpenApiSupport): Hover | null {
  const location = doc.scenario.locate(doc.scenario.offsetAt(position));
  const path = location.path;
  const key = path[path.length - 1];
  if (location.kind === 'none' || typeof key !== 'string' || typeof path[path.length - 2] !== 'number') return null;
  const map = doc.scenario.nodeAt(path.slice(0, -1));
  if (!isMap(map)) return null;
  const step = requestStepOf(map, path.slice(0, -1));
  if (step === undefined || step.method.toLowerCase() !== key) return null;
  const found = support.index(doc);
  if (found === undefined || !isScalar(step.url) || typeof step.url.value !== 'string') return null;
  const operation = found.index.match(step.method, step.url.value, found.basePath)?.operation;
  if (operation === undefined) return null;
  const range = location.node ? doc.scenario.rangeOf(location.node) : undefined;
  return { contents: { kind: MarkupKind.Markdown, value: operationMarkdown(operation, found.index) }, ...(range ? { range } : {}) };
}

export function operationMarkdown(operation: OpenApiOperation, index: OpenApiIndex): string {
  const lines = [`**${operation.method} ${operation.path}**${operation.operationId ? ` \`${operation.operationId}\`` : ''}${operation.deprecated ? ' (deprecated)' : ''}`];
  if (operation.summary) lines.push('', operation.summary);
  if (operation.description && operation.description !== operation.summary) {
    const text = operation.description.length > 600 ? `${operation.description.slice(0, 600)}…` : operation.description;
    lines.push('', text);
  }
  if (operation.parameters.length > 0) {
    lines.push('', '| parameter | in | required | type | description |', '|---|---|---|---|---|');
    for (const p of operation.parameters) {
      const description = (p.description ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
      lines.push(`| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : 'no'} | ${p.type ?? ''} | ${description.length > 160 ? `${description.slice(0, 160)}…` : description} |`);
    }
  }
  if (operation.bodySchema !== undefined) {
    const shape = objectShape(operation.bodySchema);
    const required = shape ? [...shape.required] : [];
    lines.push('', `JSON body${operation.bodyRequired ? ' (required)' : ''}${required.length > 0 ? `: requires ${required.map((r) => `\`${r}\``).join(', ')}` : ''}`);
  }
  lines.push('', `Responses: ${operation.statuses.join(', ') || 'none documented'}`, '', `_${index.title} (openapi:)_`);
  return lines.join('\n');
}
