// From what one debug iteration sent and received to the report a user reads: secrets out (the run's
// Redactor: env values the file reads and -e values, setup's captures, credential headers; plus what this
// iteration learnt is a credential), JSON bodies pretty-printed, long bodies cut with their size stated.
import { redactCredentialFields, stringsIn, isCredentialName, type Redactor } from '../output/redact';
import { walkJson } from '../import/har';
import type { ScenarioDocument } from '../scenario/document';
import type { DebugBody, DebugHeader, DebugPosition, DebugReport, DebugStep, DebugSuggestion } from './report';
import { checkPositions } from './step-nodes';
import type { Exchanged, IterationRecord } from './runner';

/** How much of a body the report shows; the rest is cut, and the body's size stated. */
export const BODY_LIMIT_CHARS = 4000;

/** Exit code of `volley debug` when a request failed or a check failed. */
export const DEBUG_FAILED_EXIT = 1;

/** What this iteration learnt is secret: setup's captures, credential-named captures, fields and cookies. */
export function learnSecrets(record: IterationRecord, redactor: Redactor): void {
  const secrets: string[] = [];
  for (const ex of record.exchanges) {
    for (const c of ex.captures) {
      if (ex.stage === 'setup' || isCredentialName(c.name) || c.source.startsWith('cookie.')) stringsIn(c.value, secrets);
    }
    if (ex.responseJson !== undefined) walkJson(ex.responseJson, '', (_path, key, value) => (isCredentialName(key) ? secrets.push(value) : undefined));
    for (const [name, value] of ex.responseHeaders) {
      if (/^set-cookie$/i.test(name)) secrets.push(value.split(';')[0].split('=').slice(1).join('=').trim());
      else if (isCredentialName(name)) secrets.push(value);
    }
  }
  redactor.add(secrets);
}

function headers(pairs: ReadonlyArray<[string, string]>, redactor: Redactor): DebugHeader[] {
  return pairs.map(([name, value]) => {
    // As one "name: value" line, so the Redactor's credential-header rule applies as in every log line.
    const line = redactor.text(`${name}: ${value}`);
    const at = line.indexOf(': ');
    return { name: redactor.text(name), value: at < 0 ? line : line.slice(at + 2) };
  });
}

function isBinary(bytes: Buffer): boolean {
  return bytes.includes(0) || bytes.toString('utf8').includes('\uFFFD');
}

export function showBody(raw: string | Buffer, redactor: Redactor): DebugBody {
  const bytes = Buffer.byteLength(raw);
  if (Buffer.isBuffer(raw) && isBinary(raw)) return { text: `(${bytes} bytes of binary data)`, bytes, truncated: false, json: false, binary: true };
  let text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let json = false;
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
    json = true;
  } catch {
    // Not JSON: shown as it is.
  }
  // Redacted before the cut, or a secret across the cut would leave its first characters.
  text = redactor.text(redactCredentialFields(text));
  const truncated = text.length > BODY_LIMIT_CHARS;
  return { text: truncated ? text.slice(0, BODY_LIMIT_CHARS) : text, bytes, truncated, json };
}

function step(ex: Exchanged, redactor: Redactor, checkAt: Array<DebugPosition | undefined>): DebugStep {
  const out: DebugStep = {
    stage: ex.stage,
    index: ex.step.index,
    name: redactor.text(ex.step.name),
    position: { line: ex.step.range.start.line + 1, column: ex.step.range.start.character + 1 },
    depth: ex.depth,
    request: { method: ex.method, url: redactor.text(ex.url), headers: headers(ex.requestHeaders, redactor) },
    response: { status: ex.status, headers: headers(ex.responseHeaders, redactor) },
    timings: ex.timings,
    checks: ex.checks.map((c, i) => (checkAt[i] ? { ...c, position: checkAt[i] } : c)),
    captures: ex.captures.map((c) => {
      const found = c.value !== undefined && c.value !== null && c.value !== '';
      return found ? { name: c.name, source: c.source, found, value: redactor.value(c.value) } : { name: c.name, source: c.source, found };
    }),
    ok: ex.ok,
  };
  if (ex.step.group !== undefined) out.group = ex.step.group;
  if (ex.rounds.length > 0) out.rounds = ex.rounds;
  if (ex.requestBody !== null) out.request.body = showBody(ex.requestBody, redactor);
  if (ex.status !== 0 && ex.responseBody !== '') out.response.body = showBody(ex.responseBody, redactor);
  if (ex.errorClass !== undefined) out.response.errorClass = ex.errorClass;
  if (ex.error !== undefined) out.response.error = redactor.text(ex.error);
  return out;
}

export function buildReport(
  file: string,
  scenario: string,
  record: IterationRecord,
  doc: ScenarioDocument,
  suggestions: DebugSuggestion[],
  redactor: Redactor,
  durationMs: number,
): DebugReport {
  const steps = record.exchanges.map((ex) => step(ex, redactor, checkPositions(doc, record.nodes[ex.stage].steps.get(ex.step.index), ex.step.checks)));
  const ok = record.stopped === undefined && steps.every((s) => s.ok);
  const report: DebugReport = {
    file,
    scenario,
    exitCode: ok ? 0 : DEBUG_FAILED_EXIT,
    ok,
    steps,
    control: redactor.value(record.control),
    suggestions: suggestions.map((s) => redactor.value(s)),
    durationMs: Math.round(durationMs),
  };
  if (record.stopped !== undefined) report.stopped = record.stopped;
  return report;
}
