// The results panel's view of one debug iteration (`volley debug --json`, Debug One Iteration): each step
// an expandable request/response, the decisions of if/choose/repeat/group between them, then the capture
// suggestions. DOM APIs only, never innerHTML: every text here came from a server's response.
import type { DebugBody, DebugControl, DebugHeader, DebugReport, DebugStep, DebugTimings } from '../protocol';
import { TIMING_PHASES, editorDuration } from '../format';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** Nesting as a class (the panel's policy allows no inline styles); deeper than 6 shows as 6. */
function depthClass(depth: number): string {
  return `depth-${Math.min(depth, 6)}`;
}

function headerLines(first: string, headers: readonly DebugHeader[]): string {
  return [first, ...headers.map((h) => `${h.name}: ${h.value}`)].join('\n');
}

function bodyNodes(body: DebugBody | undefined): Node[] {
  if (!body) return [];
  const nodes: Node[] = [el('pre', body.json ? 'debug-body json' : 'debug-body', body.text)];
  if (body.truncated) nodes.push(el('p', 'debug-cut', `Cut: ${body.bytes} bytes in all, the first ${body.text.length} characters shown.`));
  return nodes;
}

function timingsTable(t: DebugTimings): HTMLTableElement {
  const table = el('table', 'debug-timings');
  table.append(el('caption', undefined, 'Timings'));
  const rows: Array<readonly [string, number]> = [...TIMING_PHASES.map(([label, key]) => [label, t[key]] as const), ['duration', t.duration]];
  const body = el('tbody');
  for (const [name, value] of rows) body.append(el('tr', undefined, el('td', undefined, name), el('td', 'num', editorDuration(value))));
  table.append(body);
  return table;
}

function summaryText(s: DebugStep): string {
  const status = s.response.status === 0 ? (s.response.errorClass ?? 'no response') : String(s.response.status);
  const passed = s.checks.filter((c) => c.passed).length;
  const checks = s.checks.length > 0 ? ` · checks ${passed}/${s.checks.length}` : '';
  const round = s.rounds ? ` [round ${s.rounds.map((r) => r + 1).join('.')}]` : '';
  return `${s.ok ? '✓' : '✗'} ${s.name}${round} — ${s.request.method} → ${status} · ${editorDuration(s.timings.duration)}${checks}`;
}

function stepNode(s: DebugStep): HTMLElement {
  const details = el('details', `debug-step ${s.ok ? 'pass' : 'fail'} ${depthClass(s.depth)}`);
  details.append(el('summary', undefined, summaryText(s)));
  const inner = el('div', 'debug-exchange');
  inner.append(el('h3', undefined, `Request (line ${s.position.line})`), el('pre', 'debug-head', headerLines(`${s.request.method} ${s.request.url}`, s.request.headers)), ...bodyNodes(s.request.body));
  const r = s.response;
  const first = r.status === 0 ? `no response: ${r.errorClass ?? 'error'}${r.error ? ` (${r.error})` : ''}` : `${r.status}`;
  inner.append(el('h3', undefined, 'Response'), el('pre', 'debug-head', headerLines(first, r.headers)), ...bodyNodes(r.body));
  inner.append(timingsTable(s.timings));
  if (s.checks.length > 0) {
    inner.append(el('h3', undefined, 'Checks'), el('ul', 'debug-checks', ...s.checks.map((c) => el('li', c.passed ? 'pass' : 'fail', `${c.passed ? '✓' : '✗'} ${c.name}`))));
  }
  if (s.captures.length > 0) {
    inner.append(
      el('h3', undefined, 'Captures'),
      el('ul', 'debug-captures', ...s.captures.map((c) => el('li', c.found ? 'pass' : 'fail', c.found ? `${c.name} = ${JSON.stringify(c.value)} (${c.source})` : `${c.name}: nothing found at ${c.source}`))),
    );
  }
  details.append(inner);
  return el('li', undefined, details);
}

function controlText(c: DebugControl): string {
  switch (c.kind) {
    case 'if':
      return `if ${c.condition} → ${JSON.stringify(c.value)}: ${c.taken === 'none' ? 'skipped' : c.taken}`;
    case 'choose':
      return `choose: branch ${c.branch + 1} of ${c.branches} (weight ${c.weight})`;
    case 'repeat':
      return `repeat: ${c.rounds} round${c.rounds === 1 ? '' : 's'}`;
    case 'group':
      return `group ${c.name}`;
    case 'think':
      return `think ${editorDuration(c.ms)} (not waited)`;
  }
}

export function renderDebug(report: DebugReport): Node[] {
  const header = el('header', 'run-header');
  const failed = report.steps.filter((s) => !s.ok).length;
  const verdict = report.ok ? 'passed' : `${failed} step${failed === 1 ? '' : 's'} failed`;
  header.append(el('h1', undefined, `Debug: ${report.scenario}`), el('p', 'status', `${report.file} · one iteration · ${verdict} · ${editorDuration(report.durationMs)}`));
  const list = el('ol', 'debug-steps');
  const controls = [...report.control];
  let stage: string | undefined;
  report.steps.forEach((s, i) => {
    if (s.stage !== stage) {
      stage = s.stage;
      list.append(el('li', 'debug-stage', stage));
    }
    while (controls.length > 0 && controls[0]!.beforeStep <= i) {
      const c = controls.shift()!;
      list.append(el('li', `debug-control ${depthClass(c.depth)}`, `${controlText(c)} (line ${c.position.line})`));
    }
    list.append(stepNode(s));
  });
  for (const c of controls) list.append(el('li', 'debug-control', `${controlText(c)} (line ${c.position.line})`));
  const steps = el('section');
  steps.append(el('h2', undefined, 'Steps'), list);
  const nodes: Node[] = [header, steps];
  if (report.stopped) nodes.push(el('p', 'debug-stopped', report.stopped));
  if (report.suggestions.length > 0) {
    const items = report.suggestions.map((s) =>
      el(
        'li',
        undefined,
        el('p', undefined, s.message),
        el('p', 'debug-capture', `capture: { ${s.capture.name}: ${s.capture.source} } on "${s.from.stepName}" (line ${s.from.position.line}); quick fix in the file`),
      ),
    );
    const suggestions = el('section');
    suggestions.append(el('h2', undefined, 'Suggestions'), el('ul', 'debug-suggestions', ...items));
    nodes.push(suggestions);
  }
  return nodes;
}
