// Capture suggestions from one debug iteration. Two kinds:
// - correlate: a literal a later request writes (URL, header, query, cookie, form, JSON body, body) equals
//   a value an earlier response gave (a JSON leaf, a header, a Set-Cookie) — the ID copied by hand from
//   one run, which the next run's server no longer knows. A value counts when worthSuggesting says so.
// - credential: a request answered 401/403 sent a literal bearer token or session cookie, and an earlier
//   response issued one (a credential-named JSON field or header, a Set-Cookie).
// Each suggestion carries its edit of the file (./capture-edit.ts).
import { UNCORRELATED_HEADERS, walkJson } from '../import/har';
import { isCredentialName } from '../output/redact';
import { IDENTIFIER_PATTERN, RESERVED_TEMPLATE_NAMES } from '../scenario/names';
import type { ScenarioDocument } from '../scenario/document';
import type { Plan, RequestStepPlan } from '../scenario/plan';
import { addCaptureEdit, findLiteral, replaceLiteralEdits, requestScalars, type Occurrence } from './capture-edit';
import type { DebugLiteral, DebugStage, DebugSuggestion } from './report';
import type { Exchanged, IterationRecord } from './runner';
import { positionOf } from './step-nodes';

/**
 * A response value worth suggesting: at least 4 characters, no whitespace, not `true`/`false`/`null`, and
 * not a word of letters only shorter than 8 (`open`, `admin`). So `1042`, `a1b2`, `c0ffee-42` and UUIDs
 * count; `1`, `42`, `true`, `ok`, `user` do not.
 */
export function worthSuggesting(value: string): boolean {
  if (value.length < 4 || /\s/.test(value)) return false;
  if (/^(true|false|null|undefined)$/i.test(value)) return false;
  return !(/^[A-Za-z]+$/.test(value) && value.length < 8);
}

interface Candidate {
  value: string;
  /** Index in the record's exchanges of the response that gave it. */
  from: number;
  source: string;
  /** The name the capture would take, before it is made unique. */
  baseName: string;
  /** The JSON key or header name it came under (credential suggestions look for a token-like one). */
  key: string;
  cookie?: string;
}

/** `items`→`item`, `categories`→`category`; short or `-ss` words as they are. */
function singular(word: string): string {
  if (/ies$/i.test(word) && word.length > 4) return word.slice(0, -3) + 'y';
  if (/s$/i.test(word) && !/ss$/i.test(word) && word.length > 3) return word.slice(0, -1);
  return word;
}

function camel(text: string): string {
  const parts = text.split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
  const joined = parts.map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1))).join('');
  return /^[A-Za-z_]/.test(joined) ? joined : `value${joined}`;
}

/** A JSON leaf's name: its key, or for a generic key (`id`) the key above it made singular: `items[0].id` → `itemId`. */
function jsonName(path: string, key: string): string {
  const names = path.split(/[.[\]]+/).filter((s) => s !== '' && !/^\d+$/.test(s));
  const parent = names[names.length - 2];
  if (/^(id|uuid|key|code|value)$/i.test(key) && parent !== undefined) return camel(`${singular(parent)}-${key === 'id' ? 'Id' : key}`);
  return camel(key);
}

function candidatesOf(ex: Exchanged, from: number): Candidate[] {
  const out: Candidate[] = [];
  if (ex.status === 0) return out;
  if (ex.responseJson !== undefined) {
    walkJson(ex.responseJson, '', (path, key, value) => out.push({ value, from, source: `json.${path}`, baseName: jsonName(path, key), key }));
  }
  for (const [name, value] of ex.responseHeaders) {
    if (/^set-cookie$/i.test(name)) {
      const pair = value.split(';')[0];
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie = pair.slice(0, eq).trim();
      out.push({ value: pair.slice(eq + 1).trim(), from, source: `cookie.${cookie}`, baseName: camel(cookie), key: cookie, cookie });
    } else if (!UNCORRELATED_HEADERS.test(name)) {
      out.push({ value, from, source: `header.${name}`, baseName: camel(name.replace(/^x-/i, '')), key: name });
    }
  }
  return out;
}

/** The request an exchange sent, as text: a value it sent is an echo when its response repeats it. */
function sentText(ex: Exchanged): string {
  const body = ex.requestBody === null ? '' : typeof ex.requestBody === 'string' ? ex.requestBody : ex.requestBody.toString('latin1');
  return `${ex.url}\n${ex.requestHeaders.map(([n, v]) => `${n}: ${v}`).join('\n')}\n${body}`;
}

/** Stages a capture made in `stage` can be read in: setup's everywhere after it, the others in their own. */
function readableIn(stage: DebugStage, target: DebugStage): boolean {
  return stage === 'setup' || stage === target;
}

/** Every name the file already uses for a value: variables, captures, data sets, repeat indexes. */
function namesInUse(plan: Plan): Set<string> {
  const names = new Set<string>([...Object.keys(plan.variables), ...RESERVED_TEMPLATE_NAMES, ...(plan.data ?? []).map((d) => d.name)]);
  const steps = [...plan.setup, ...plan.teardown, ...plan.scenarios.flatMap((s) => s.steps)];
  for (const step of steps) if (step.kind === 'request') for (const c of step.captures) names.add(c.name);
  return names;
}

export function suggestCaptures(record: IterationRecord, doc: ScenarioDocument, plan: Plan): DebugSuggestion[] {
  const exchanges = record.exchanges;
  const used = namesInUse(plan);
  const covered = new Set<number>();
  const suggestions: DebugSuggestion[] = [];

  const stepNode = (stage: DebugStage, step: RequestStepPlan) => record.nodes[stage].steps.get(step.index);
  /** The distinct steps that ran after exchange `from`, where its captures can be read. */
  const laterSteps = (from: number): Exchanged[] => {
    const seen = new Set<string>();
    const out: Exchanged[] = [];
    for (let i = from + 1; i < exchanges.length; i++) {
      const ex = exchanges[i];
      const id = `${ex.stage}:${ex.step.index}`;
      if (!readableIn(exchanges[from].stage, ex.stage) || seen.has(id) || (ex.stage === exchanges[from].stage && ex.step.index === exchanges[from].step.index)) continue;
      seen.add(id);
      out.push(ex);
    }
    return out;
  };
  const occurrencesAfter = (from: number, value: string): Array<{ ex: Exchanged; at: Occurrence }> => {
    const out: Array<{ ex: Exchanged; at: Occurrence }> = [];
    for (const ex of laterSteps(from)) {
      const node = stepNode(ex.stage, ex.step);
      if (!node) continue;
      for (const at of findLiteral(doc, requestScalars(node), value)) if (!covered.has(at.start)) out.push({ ex, at });
    }
    return out;
  };
  const suggest = (kind: DebugSuggestion['kind'], c: Candidate, found: Array<{ ex: Exchanged; at: Occurrence }>, message: (name: string) => string, failedStep?: number): void => {
    const source = exchanges[c.from];
    const node = stepNode(source.stage, source.step);
    if (!node) return;
    const existing = source.step.captures.find((cap) => source.captures.some((made) => made.name === cap.name && made.source === c.source));
    let name = existing?.name ?? c.baseName;
    if (!existing) {
      if (!IDENTIFIER_PATTERN.test(name) || RESERVED_TEMPLATE_NAMES.includes(name)) name = `${name}Value`.replace(/^[^A-Za-z_]+/, '') || 'value';
      const base = name;
      for (let n = 2; used.has(name); n++) name = `${base}${n}`;
      used.add(name);
    }
    const occurrences = found.map((f) => f.at);
    for (const o of occurrences) covered.add(o.start);
    const edits = [...(existing ? [] : [addCaptureEdit(doc, node, name, c.source)]), ...replaceLiteralEdits(doc, occurrences, name)].sort((a, b) => a.start - b.start);
    const literals: DebugLiteral[] = found.map(({ ex, at }) => ({ stage: ex.stage, step: ex.step.index, stepName: ex.step.name, where: at.where, position: positionOf(doc, at.start) }));
    const suggestion: DebugSuggestion = {
      kind,
      message: message(name),
      from: { stage: source.stage, step: source.step.index, stepName: source.step.name, position: positionOf(doc, doc.offsetsOf(node.map)[0]) },
      capture: { name, source: c.source, existing: existing !== undefined },
      literals,
      edits,
    };
    if (kind === 'correlate') suggestion.value = c.value;
    if (failedStep !== undefined) suggestion.failedStep = failedStep;
    suggestions.push(suggestion);
  };
  const where = (found: Array<{ ex: Exchanged; at: Occurrence }>): string =>
    found.map(({ ex, at }) => `"${ex.step.name}" ${at.where} (line ${positionOf(doc, at.start).line})`).join(', ');

  // Credentials first: their literal is what made the request fail.
  exchanges.forEach((failed, index) => {
    if (failed.status !== 401 && failed.status !== 403) return;
    const node = stepNode(failed.stage, failed.step);
    if (!node) return;
    for (const literal of credentialLiterals(requestScalars(node))) {
      for (let from = index - 1; from >= 0; from--) {
        if (!readableIn(exchanges[from].stage, failed.stage)) continue;
        const issued = candidatesOf(exchanges[from], from).find((c) =>
          literal.cookie !== undefined ? c.cookie === literal.cookie : c.cookie === undefined && isCredentialName(c.key) && c.value.length >= 8,
        );
        if (!issued) continue;
        const found = occurrencesAfter(from, literal.value);
        if (found.length === 0) break;
        const what = literal.cookie !== undefined ? `a literal ${literal.cookie} cookie` : 'a literal bearer token';
        suggest('credential', issued, found, (name) =>
          `"${failed.step.name}" got ${failed.status} sending ${what}: capture ${issued.source} from "${exchanges[from].step.name}" as ${name} and send {{ ${name} }} in ${where(found)}`,
          failed.step.index,
        );
        break;
      }
    }
  });

  const seen = new Set<string>();
  exchanges.forEach((ex, from) => {
    const sent = sentText(ex);
    const candidates = candidatesOf(ex, from).filter((c) => worthSuggesting(c.value) && !sent.includes(c.value));
    candidates.sort((a, b) => b.value.length - a.value.length);
    for (const c of candidates) {
      if (seen.has(c.value)) continue;
      seen.add(c.value);
      const found = occurrencesAfter(from, c.value);
      if (found.length === 0) continue;
      suggest('correlate', c, found, (name) =>
        `${found.length === 1 ? 'a literal' : `${found.length} literals`} equal to ${c.source} of "${ex.step.name}": capture it as ${name} and write {{ ${name} }} in ${where(found)}`,
      );
    }
  });
  return suggestions;
}

/** The literal credential values of a request: a bearer token, and session cookies (by `cookies:` or a Cookie header). */
function credentialLiterals(scalars: ReturnType<typeof requestScalars>): Array<{ value: string; cookie?: string }> {
  const out: Array<{ value: string; cookie?: string }> = [];
  for (const s of scalars) {
    const text = typeof s.scalar.value === 'string' ? s.scalar.value : '';
    if (text.includes('{{')) continue;
    if (/^header authorization$/i.test(s.where)) {
      const bearer = /^\s*(?:Bearer|Token)\s+(\S+)\s*$/i.exec(text);
      if (bearer) out.push({ value: bearer[1] });
    } else if (s.where.startsWith('cookie ') && text.length >= 4) {
      out.push({ value: text, cookie: s.where.slice('cookie '.length) });
    } else if (/^header cookie$/i.test(s.where)) {
      for (const part of text.split(';')) {
        const eq = part.indexOf('=');
        const value = part.slice(eq + 1).trim();
        if (eq > 0 && value.length >= 4) out.push({ value, cookie: part.slice(0, eq).trim() });
      }
    }
  }
  return out;
}
