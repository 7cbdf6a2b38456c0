// The results panel's script (browser). It renders only what the extension posts, through DOM APIs —
// never innerHTML — so text from a run cannot inject markup. It keeps what it shows in the webview state,
// so a reload (WebviewPanelSerializer) or a hidden tab brings it back as it was.
import type { DataExhausted, DebugReport, Diagnosis, FailureSampleGroup, FromWebview, PlanInfo, RunEvent, RunSummary, RunView, ScenarioFigures, ToWebview } from '../protocol';
import { editorCount, editorDuration, editorPercent, editorRate, editorThresholdActual } from '../format';
import { ChartGroup, type ChartSeries, type ChartSpec } from './chart';
import { rangeFigures, rangeText, type SecondRange } from './range';
import { runSeries, type RunSeries } from './series';
import { compareRows, summaryOf, type CompareRow } from '../compare';
import { dataExhaustedText, groupRows } from './groups';
import { QUEUEING_CAPTION, QUEUEING_HEADER, queueingRows } from './queueing';
import { renderDebug } from './debug';
import { failureWhat, lifecycleOf, lifecycleRows, markedOutcome, setupFailedStatus, type LifecycleView } from './lifecycle';
import { exportHtmlButton } from './export-button';
import { forgetOpenedSamples, openStepSamples, revealOpenedSamples, samplesCell } from './samples';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface State {
  mode: 'run' | 'compare' | 'debug';
  debug?: DebugReport;
  view?: Omit<RunView, 'events'>;
  events?: RunEvent[];
  runs?: [RunView, RunView];
  ended?: { exitCode: number | undefined; message?: string };
  /** Set by the HTML report's stand-in host: this is the exported file, not the panel. */
  report?: boolean;
  /** The seconds the charts are zoomed to (a drag across a chart); the tables then show only those. */
  zoom?: SecondRange;
}

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;
let state: State = (vscode.getState() as State | undefined) ?? { mode: 'run', events: [] };
const charts = new ChartGroup((range) => {
  state.zoom = range;
  save();
  scheduleRender();
});
charts.range = state.zoom;
let frame = 0;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  node.append(...children);
  return node;
}

function withClass<T extends HTMLElement>(node: T, className: string): T {
  node.className = className;
  return node;
}

function table(caption: string, header: string[], rows: Array<Array<string | Node>>, numericFrom = 1): HTMLTableElement {
  const t = element('table');
  t.append(element('caption', caption));
  const head = element('thead');
  const tr = element('tr');
  header.forEach((h, i) => {
    const th = element('th', h);
    th.scope = 'col';
    if (i >= numericFrom) th.className = 'num';
    tr.append(th);
  });
  head.append(tr);
  const body = element('tbody');
  for (const cells of rows) {
    const row = element('tr');
    cells.forEach((c, i) => {
      const td = element('td');
      td.append(c);
      if (i >= numericFrom) td.className = 'num';
      row.append(td);
    });
    body.append(row);
  }
  t.append(head, body);
  return t;
}

function section(title: string, id: string, ...children: Node[]): HTMLElement {
  const s = element('section');
  s.setAttribute('aria-labelledby', `h-${id}`);
  const h = element('h2', title);
  h.id = `h-${id}`;
  s.append(h, ...children);
  return s;
}

function chart(id: string, spec: ChartSpec): HTMLElement {
  const c = charts.chart(id);
  c.update(spec);
  return c.element;
}

const perSecond = (v: number): string => editorRate(v);
const count = (v: number): string => editorCount(v);

/** The chart specs of one run, or of two overlaid (baseline dashed). */
function chartSpecs(runs: Array<{ series: RunSeries; label: string; dashed: boolean }>, legend: ChartSpec['legend']): Array<[string, ChartSpec]> {
  const t = runs[runs.length - 1]!.series.t;
  const overlay = runs.length > 1;
  const named = (name: string, label: string): string => (overlay ? `${name} (${label})` : name);
  const specs: Array<[string, ChartSpec]> = [];
  const add = (id: string, title: string, format: (v: number) => string, build: (s: RunSeries) => Array<Omit<ChartSeries, 'dashed' | 't'>>): void => {
    const series: ChartSeries[] = runs.flatMap((run) => build(run.series).map((s) => ({ ...s, name: named(s.name, run.label), dashed: run.dashed, t: run.series.t })));
    specs.push([id, { title, t, series, format, legend }]);
  };
  add('rate', 'Throughput (per second)', perSecond, (s) => [
    { name: 'requests/s', values: s.requestsPerSecond, color: '--vscode-charts-blue' },
    { name: 'iterations/s', values: s.iterationsPerSecond, color: '--vscode-charts-green' },
    ...(s.targetIterationsPerSecond.some((v) => v !== null)
      ? [{ name: 'target iterations/s', values: s.targetIterationsPerSecond, color: '--vscode-charts-foreground' }]
      : []),
  ]);
  add('latency', 'Request duration', editorDuration, (s) => [
    { name: 'p50', values: s.p50, color: '--vscode-charts-green' },
    { name: 'p95', values: s.p95, color: '--vscode-charts-yellow' },
    { name: 'p99', values: s.p99, color: '--vscode-charts-red' },
  ]);
  add('vus', 'Virtual users', count, (s) => [
    { name: 'active', values: s.vusActive, color: '--vscode-charts-blue' },
    { name: 'allocated', values: s.vusAllocated, color: '--vscode-charts-purple' },
    { name: 'max', values: s.vusMax, color: '--vscode-charts-foreground' },
  ]);
  add('dropped', 'Dropped iterations (per second)', count, (s) => [{ name: 'dropped', values: s.dropped, color: '--vscode-charts-orange' }]);
  const palette = ['--vscode-charts-red', '--vscode-charts-orange', '--vscode-charts-yellow', '--vscode-charts-purple', '--vscode-charts-blue', '--vscode-charts-green'];
  add('errors', 'Errors by class (per second)', count, (s) =>
    s.errors.size === 0
      ? [{ name: 'errors', values: s.t.map(() => 0), color: '--vscode-charts-red' }]
      : [...s.errors].map(([name, values], i) => ({ name, values, color: palette[i % palette.length]! })),
  );
  add('connect', 'Blocked and connecting (p95)', editorDuration, (s) => [
    { name: 'blocked', values: s.blockedP95, color: '--vscode-charts-orange' },
    { name: 'connecting', values: s.connectingP95, color: '--vscode-charts-purple' },
  ]);
  add('generator', 'Load generator: CPU % and event-loop delay p99 (ms)', (v) => String(Math.round(v)), (s) => [
    { name: 'CPU %', values: s.cpuPercent, color: '--vscode-charts-blue' },
    { name: 'event-loop delay ms', values: s.eventLoopDelayMs, color: '--vscode-charts-red' },
  ]);
  return specs;
}

/**
 * Puts `nodes` in `parent` in order, moving only what is not already in place: the charts stay attached
 * across renders, so the mouse's hover, a drag under way and keyboard focus on a chart survive each second.
 */
function placeChildren(parent: Element, nodes: readonly Node[]): void {
  const keep = new Set(nodes);
  for (const child of Array.from(parent.childNodes)) if (!keep.has(child)) child.remove();
  let next = parent.firstChild;
  for (const node of nodes) {
    if (node === next) next = next.nextSibling;
    else parent.insertBefore(node, next);
  }
}

let chartsView: { section: HTMLElement; grid: HTMLElement } | undefined;
let shownSeries: { events: RunEvent[]; series: RunSeries } | undefined;

function chartsSection(specs: Array<[string, ChartSpec]>): HTMLElement {
  charts.seconds = specs[0]?.[1].t ?? [];
  if (!chartsView || charts.charts.size === 0) {
    const grid = withClass(element('div'), 'charts');
    chartsView = { section: section('Charts', 'charts', grid), grid };
  }
  const { section: kept, grid } = chartsView;
  placeChildren(
    grid,
    specs.map(([id, spec]) => chart(id, spec)),
  );
  const zoom = withClass(element('p', charts.range ? `Zoomed to ${rangeText(charts.range)}${state.mode === 'run' ? '; the tables show only these seconds' : ''}. ` : 'Drag across a chart to zoom to those seconds; double-click to reset.'), 'zoom');
  if (charts.range) {
    const reset = element('button', 'Reset zoom');
    reset.title = 'Show the whole run in the charts and tables (or double-click a chart, or Escape on it)';
    reset.addEventListener('click', () => charts.select(undefined));
    zoom.append(reset);
  }
  kept.querySelector('p.zoom')?.remove();
  grid.before(zoom);
  return kept;
}

function metricFigures(name: string, figures: Record<string, number>): string {
  const isTime = /duration|blocked|queued|connecting|sending|waiting|receiving|handshaking|lateness/.test(name);
  return Object.entries(figures)
    .map(([k, v]) => {
      if (k === 'rate' && ('passes' in figures || 'fails' in figures)) return `${editorPercent(v)}`;
      if (k === 'rate') return `${editorRate(v)}/s`;
      if (isTime) return `${k}=${editorDuration(v)}`;
      return `${k}=${editorCount(v)}`;
    })
    .join('  ');
}

function summaryTable(summary: RunSummary): HTMLElement {
  const rows = Object.entries(summary.metrics).map(([name, figures]) => [name, metricFigures(name, figures)]);
  return section('Summary', 'summary', table("k6's metrics over the whole run", ['metric', 'figures'], rows, 2));
}

function thresholdsSection(summary: RunSummary): HTMLElement {
  if (summary.thresholds.length === 0) return section('Thresholds', 'thresholds', element('p', 'This file sets no thresholds.'));
  const list = withClass(element('ul'), 'thresholds');
  for (const t of summary.thresholds) {
    const item = withClass(element('li'), t.ok ? 'pass' : 'fail');
    item.append(element('span', t.ok ? '✓ passed' : '✗ failed'), ` ${t.key}: ${t.source} (actual ${editorThresholdActual(t.actual, t.metric)})${t.abortedRun ? ' — ended the run' : ''}`);
    list.append(item);
  }
  const failed = summary.thresholds.filter((t) => !t.ok).length;
  return section(`Thresholds: ${failed === 0 ? 'all passed' : `${failed} failed`}`, 'thresholds', list);
}

function diagnosesSection(diagnoses: Diagnosis[]): HTMLElement | undefined {
  if (diagnoses.length === 0) return undefined;
  const list = withClass(element('ul'), 'diagnoses');
  for (const d of diagnoses) {
    const item = withClass(element('li'), `diagnosis ${d.severity}`);
    const where = [d.scenario, d.step].filter(Boolean).join(' › ');
    item.append(element('h3', `${d.severity}: ${d.title}${where ? ` (${where})` : ''}`), element('p', d.explanation));
    const evidence = Object.entries(d.evidence);
    if (evidence.length > 0) item.append(element('p', evidence.map(([k, v]) => `${k} = ${v}`).join(' · ')));
    const fix = element('p', `Fix: ${d.fix}`);
    const edits = d.edits && d.edits.length > 0 ? d.edits : d.edit ? [d.edit] : [];
    if (edits.length > 0) {
      const button = element('button', `Apply: ${edits.map((e) => `set ${e.path.join('.')} to ${JSON.stringify(e.value)}`).join(', ')}`);
      button.addEventListener('click', () => vscode.postMessage({ type: 'applyFix', diagnosisId: d.id }));
      fix.append(' ', button);
    }
    item.append(fix);
    list.append(item);
  }
  return section('Diagnoses', 'diagnoses', list);
}

/** `lifecycle`: the step is `setup:`'s or `teardown:`'s (`scenario` is then the stage), not a scenario's. */
function stepButton(scenario: string, stepIndex: number, text: string, lifecycle = false): HTMLElement {
  const button = withClass(element('button', text), 'link');
  button.title = 'Show this step in the editor';
  button.addEventListener('click', () => vscode.postMessage(lifecycle ? { type: 'reveal', scenario, stepIndex, lifecycle } : { type: 'reveal', scenario, stepIndex }));
  return button;
}

function lifecycleSection(view: LifecycleView): HTMLElement | undefined {
  const rows = lifecycleRows(view).map((r) => {
    const outcome = withClass(element('span', markedOutcome(r)), r.failed ? 'outcome-fail' : 'outcome-pass');
    outcome.setAttribute('aria-label', `${r.failed ? 'failed' : 'passed'}: ${r.outcome}`);
    return [stepButton(r.stage, r.stepIndex, `${r.stage} › ${r.step}`, true), outcome, r.requests, r.duration, r.checks];
  });
  if (rows.length === 0) return undefined;
  return section(
    'Setup and teardown',
    'lifecycle',
    table('Run once per process, before and after the scenarios; not counted in their figures or thresholds', ['step', 'status', 'requests', 'duration', 'checks'], rows, 2),
  );
}

function setupFailureSection(view: LifecycleView): HTMLElement | undefined {
  const failure = view.failure;
  if (failure === undefined) return undefined;
  const box = withClass(element('div'), 'setup-failure');
  box.setAttribute('role', 'alert');
  box.append(element('p', '', stepButton('setup', failure.stepIndex, `setup › ${failure.step}`, true), ` (line ${failure.line + 1}): ${failureWhat(failure)}.`));
  box.append(element('p', 'No scenario ran; teardown did. Fix the step or the service, then run again.'));
  if (failure.bodyPrefix !== undefined) {
    const body = withClass(element('pre', failure.bodyPrefix === '' ? '(empty body)' : failure.bodyPrefix), 'body-prefix');
    body.setAttribute('aria-label', 'The first characters of the response body, secrets redacted');
    box.append(element('p', 'The response began (secrets redacted):'), body);
  }
  return section('Setup failed', 'setup-failure', box);
}

function stepsSection(scenarios: ScenarioFigures[], title: string): HTMLElement {
  const rows: Array<Array<string | Node>> = [];
  for (const s of scenarios) {
    for (const step of s.steps) {
      if (step.requests === 0 && step.step.startsWith('think')) continue;
      rows.push([
        stepButton(s.scenario, step.stepIndex, `${s.scenario} › ${step.step}`),
        editorCount(step.requests),
        step.requests ? editorPercent(step.failed / step.requests) : '–',
        editorDuration(step.duration.med),
        editorDuration(step.duration.p95),
        editorDuration(step.duration.p99),
        editorDuration(step.duration.max),
        step.checksPassed + step.checksFailed > 0 ? `${step.checksPassed}/${step.checksPassed + step.checksFailed}` : '–',
      ]);
    }
  }
  const scenarioRows = scenarios.map((s) => [
    s.scenario,
    editorCount(s.iterations),
    editorCount(s.dropped),
    editorCount(s.interrupted),
    editorDuration(s.iterationDuration.med),
    editorDuration(s.lateness.p95),
    `${editorCount(s.vusAllocated)}/${editorCount(s.vusMax)}`,
  ]);
  return section(
    title,
    'steps',
    table('Per scenario', ['scenario', 'iterations', 'dropped', 'interrupted', 'iteration p50', 'lateness p95', 'VUs'], scenarioRows),
    table('Per step', ['step', 'requests', 'failed', 'p50', 'p95', 'p99', 'max', 'checks'], rows),
  );
}

/** What the tables of a zoomed range can and cannot say exactly (see ./range.ts). */
function zoomedNote(steps: HTMLElement, zoomed: unknown): HTMLElement {
  if (zoomed) steps.append(withClass(element('p', 'Counts, failures, checks and max are exact for these seconds; p50, p95 and p99 are the seconds’ own percentiles weighted by their requests (close, not exact).'), 'note'));
  return steps;
}

/** k6's group_duration per `group:`; undefined when no scenario has groups. */
function groupsSection(scenarios: ScenarioFigures[], plan: PlanInfo | undefined, title: string): HTMLElement | undefined {
  const rows = groupRows(scenarios, plan).map((r) => [`${r.scenario} › ${r.group}`, r.passes, r.avg, r.p50, r.p95, r.p99, r.max, r.requests, r.failed]);
  if (rows.length === 0) return undefined;
  return section(
    title,
    'groups',
    table(
      "Per group: group_duration, each pass from its first step's start to its last step's end; requests tagged with the group (a nested group's are in its own row)",
      ['group', 'passes', 'avg', 'p50', 'p95', 'p99', 'max', 'requests', 'failed'],
      rows,
    ),
  );
}

/** volley_req_queued beside http_req_blocked per step; undefined when no step has the figure. */
function queueingSection(scenarios: ScenarioFigures[], title: string): HTMLElement | undefined {
  const rows = queueingRows(scenarios);
  return rows.length === 0 ? undefined : section(title, 'queueing', table(QUEUEING_CAPTION, QUEUEING_HEADER, rows));
}

/** A `unique` data set that ran out ended its scenarios early: said where the outcome is. */
function dataExhaustedSection(exhausted: DataExhausted[] | undefined): HTMLElement | undefined {
  if (!exhausted || exhausted.length === 0) return undefined;
  const list = withClass(element('ul'), 'data-exhausted');
  list.setAttribute('role', 'status');
  for (const e of exhausted) list.append(element('li', dataExhaustedText(e)));
  return section('Test data ran out', 'data-exhausted', list);
}

function errorsSection(scenarios: ScenarioFigures[], samples: FailureSampleGroup[] | undefined): HTMLElement | undefined {
  const rows: Array<Array<string | Node>> = [];
  for (const s of scenarios) {
    for (const step of s.steps) {
      // Unexpected statuses have their samples on their own rows, not on the http-status class's.
      for (const [name, n] of Object.entries(step.errors)) if (n) rows.push([`${s.scenario} › ${step.step}`, name, editorCount(n), name === 'http-status' ? '–' : samplesCell(samples, s.scenario, step.stepIndex, name)]);
      for (const [status, n] of Object.entries(step.statuses)) if (Number(status) >= 400) rows.push([`${s.scenario} › ${step.step}`, `HTTP ${status}`, editorCount(n), samplesCell(samples, s.scenario, step.stepIndex, 'http-status', Number(status))]);
    }
  }
  if (rows.length === 0) return undefined;
  return section('Errors', 'errors', table('Errors by step and class', ['step', 'class', 'count', 'samples'], rows, 2));
}

function logsSection(events: RunEvent[]): HTMLElement | undefined {
  const logs = events.filter((e): e is Extract<RunEvent, { type: 'log' }> => e.type === 'log' && (e.level === 'error' || e.level === 'warn'));
  if (logs.length === 0) return undefined;
  const list = withClass(element('ul'), 'logs');
  for (const l of logs.slice(-50)) list.append(withClass(element('li', `${l.level}: ${l.message}`), l.level));
  return section('Messages', 'logs', list);
}

function statusText(events: RunEvent[], summary: RunSummary | undefined, last: Extract<RunEvent, { type: 'aggregate' }> | undefined, lifecycle: LifecycleView): string {
  if (lifecycle.failure) return setupFailedStatus(lifecycle.failure);
  if (summary) {
    const failed = summary.thresholds.filter((t) => !t.ok).length;
    const outcome = { completed: 'completed', stopped: 'stopped', 'aborted-by-threshold': 'ended by a threshold', interrupted: 'interrupted' }[summary.outcome];
    return `${outcome} after ${(summary.durationMs / 1000).toFixed(1)} s · ${failed === 0 ? 'thresholds passed' : `${failed} threshold${failed === 1 ? '' : 's'} failed`}`;
  }
  if (state.ended) return state.ended.message ?? `ended (exit ${state.ended.exitCode ?? 'unknown'}) without a summary`;
  if (last) return `running · ${last.t} s`;
  return events.some((e) => e.type === 'start') ? 'starting…' : 'waiting for the run…';
}

function renderRun(): { mode: 'empty' | 'live' | 'summary'; nodes: Node[] } {
  const events = state.events ?? [];
  const summary = summaryOf(events);
  const last = [...events].reverse().find((e): e is Extract<RunEvent, { type: 'aggregate' }> => e.type === 'aggregate');
  const start = events.find((e): e is Extract<RunEvent, { type: 'start' }> => e.type === 'start');
  const lifecycle = lifecycleOf(events);
  const nodes: Node[] = [];
  const header = withClass(element('header'), 'run-header');
  header.append(element('h1', state.view?.label ?? start?.plan.name ?? 'Volley run'));
  const status = withClass(element('p', statusText(events, summary, last, lifecycle)), 'status');
  status.setAttribute('role', 'status');
  header.append(status);
  const live = state.view?.live === true && !summary && !state.ended;
  if (live) {
    const stop = element('button', 'Stop');
    stop.title = 'Stop gracefully; press again to stop at once';
    stop.addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
    header.append(stop);
  }
  const exportButton = start && !live ? exportHtmlButton(state.report, (m) => vscode.postMessage(m)) : undefined;
  if (exportButton) header.append(exportButton);
  nodes.push(header);
  if (!start) {
    const logs = logsSection(events);
    if (logs) nodes.push(logs);
    return { mode: 'empty', nodes };
  }
  const failure = setupFailureSection(lifecycle);
  if (failure) nodes.push(failure);
  // The same growing list as last render (a live run): only its new events are added to the series.
  const series = runSeries(events, shownSeries?.events === events ? shownSeries.series : undefined);
  shownSeries = { events, series };
  if (series.t.length > 0) nodes.push(chartsSection(chartSpecs([{ series, label: 'run', dashed: false }], live ? 'latest' : 'mean')));
  // Zoomed charts: the tables hold the figures of those seconds only (./range.ts).
  const zoomed = charts.range && series.t.length > 0 ? { figures: rangeFigures(events, charts.range), text: `${rangeText(charts.range)} (zoomed)` } : undefined;
  if (summary) {
    const diagnoses = [...new Map([...events.flatMap((e) => (e.type === 'diagnosis' ? [e.diagnosis] : [])), ...summary.diagnoses].map((d) => [d.id, d])).values()];
    const exhausted = dataExhaustedSection(summary.dataExhausted);
    if (exhausted) nodes.push(exhausted);
    nodes.push(thresholdsSection(summary));
    const d = diagnosesSection(diagnoses);
    if (d) nodes.push(d);
    const shown = zoomed ? zoomed.figures : summary.scenarios;
    nodes.push(zoomedNote(stepsSection(shown, zoomed ? `Scenarios and steps in ${zoomed.text}` : 'Scenarios and steps'), zoomed));
    const groups = groupsSection(shown, start.plan, zoomed ? `Groups in ${zoomed.text}` : 'Groups');
    if (groups) nodes.push(groups);
    const queueing = queueingSection(shown, zoomed ? `Generator queueing in ${zoomed.text}` : 'Generator queueing');
    if (queueing) nodes.push(queueing);
    const errors = errorsSection(shown, summary.failureSamples);
    if (errors) nodes.push(errors);
    nodes.push(summaryTable(summary));
  } else if (last) {
    const d = diagnosesSection(events.flatMap((e) => (e.type === 'diagnosis' ? [e.diagnosis] : [])));
    if (d) nodes.push(d);
    nodes.push(zoomedNote(stepsSection(zoomed ? zoomed.figures : last.scenarios, zoomed ? `Scenarios and steps in ${zoomed.text}` : `The last second (${last.t} s)`), zoomed));
    const groups = groupsSection(zoomed ? zoomed.figures : last.scenarios, start.plan, zoomed ? `Groups in ${zoomed.text}` : `Groups in the last second (${last.t} s)`);
    if (groups) nodes.push(groups);
    const queueing = queueingSection(zoomed ? zoomed.figures : last.scenarios, zoomed ? `Generator queueing in ${zoomed.text}` : `Generator queueing in the last second (${last.t} s)`);
    if (queueing) nodes.push(queueing);
    const errors = zoomed && errorsSection(zoomed.figures, undefined);
    if (errors) nodes.push(errors);
  }
  const stages = lifecycleSection(lifecycle);
  if (stages) nodes.push(stages);
  const logs = logsSection(events);
  if (logs) nodes.push(logs);
  return { mode: summary || lifecycle.failure ? 'summary' : live || last ? 'live' : 'empty', nodes };
}

function deltaTable(rows: CompareRow[], labels: [string, string]): HTMLElement {
  return table(
    `${labels[1]} against the baseline ${labels[0]}`,
    ['figure', 'baseline', 'this run', 'change', ''],
    rows.map((r) => {
      const verdict = withClass(element('span', r.verdict === 'better' ? '▲ better' : r.verdict === 'worse' ? '▼ worse' : ''), r.verdict);
      return [r.name, r.a, r.b, r.delta, verdict];
    }),
  );
}

function renderCompare(): Node[] {
  const runs = state.runs!;
  const labels: [string, string] = [runs[0].label, runs[1].label];
  const header = withClass(element('header'), 'run-header');
  header.append(element('h1', 'Compare two runs'), withClass(element('p', `baseline (dashed): ${labels[0]} · this run (solid): ${labels[1]}`), 'status'));
  const series = runs.map((r, i) => ({ series: runSeries(r.events), label: i === 0 ? 'baseline' : 'this run', dashed: i === 0 }));
  return [header, chartsSection(chartSpecs(series, 'mean')), section('Differences', 'delta', deltaTable(compareRows(runs[0].events, runs[1].events), labels))];
}

function render(): void {
  frame = 0;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.textContent : undefined;
  let mode: 'empty' | 'live' | 'summary' | 'compare' | 'debug';
  let nodes: Node[];
  if (state.mode === 'debug' && state.debug) {
    mode = 'debug';
    nodes = renderDebug(state.debug);
  } else if (state.mode === 'compare' && state.runs) {
    mode = 'compare';
    nodes = renderCompare();
  } else {
    ({ mode, nodes } = renderRun());
  }
  const active = document.activeElement;
  placeChildren(root, nodes);
  // A chart kept across renders keeps keyboard focus (its cursor moves by arrow keys while the run goes on).
  if (active instanceof HTMLElement && active !== document.body && root.contains(active) && document.activeElement !== active) active.focus({ preventScroll: true });
  revealOpenedSamples(root);
  // Re-rendering each second must not throw keyboard focus away from the button a person is on.
  if (focused) {
    const again = Array.from(root.querySelectorAll('button')).find((b) => b.textContent === focused);
    again?.focus();
  }
  vscode.postMessage({
    type: 'rendered',
    mode,
    headings: Array.from(root.querySelectorAll('h1, h2')).map((h) => h.textContent ?? ''),
    charts: root.querySelectorAll('figure.chart canvas').length,
  });
}

function scheduleRender(): void {
  // Events can arrive in bursts (a whole run at once): draw once per frame.
  if (frame === 0) frame = requestAnimationFrame(render);
}

function save(): void {
  // A run with a file is read back from it after a reload (ResultsPanel.restore), so its events (an hour of
  // seconds is megabytes) are not serialised into the state with every second that arrives.
  vscode.setState(state.mode === 'run' && state.view?.runFile ? { ...state, events: undefined } : state);
}

window.addEventListener('message', (message: MessageEvent<ToWebview>) => {
  const data = message.data;
  switch (data.type) {
    case 'run':
      state = { mode: 'run', events: data.events, view: data.view };
      charts.clear();
      forgetOpenedSamples();
      charts.range = undefined;
      break;
    case 'event':
      (state.events ??= []).push(data.event);
      break;
    case 'ended':
      state.ended = { exitCode: data.exitCode, message: data.message };
      if (state.view) state.view = { ...state.view, live: false };
      break;
    case 'compare':
      state = { mode: 'compare', runs: data.runs };
      charts.clear();
      charts.range = undefined;
      break;
    case 'showSamples': {
      openStepSamples(summaryOf(state.events ?? [])?.failureSamples, data.scenario, data.stepIndex);
      break;
    }
    case 'debug':
      state = { mode: 'debug', debug: data.report };
      charts.clear();
      charts.range = undefined;
      break;
    default:
      return;
  }
  save();
  scheduleRender();
});

// A theme change redraws the charts in its colours (VS Code sets the body's class and the variables).
new MutationObserver(() => {
  charts.clear();
  scheduleRender();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
vscode.postMessage({ type: 'ready' });
