// The results panel's script (browser). It renders only what the extension posts, through DOM APIs —
// never innerHTML — so text from a run cannot inject markup.
import type { FromWebview, RunEvent, RunSummary, ScenarioFigures, ToWebview } from '../protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;
let events: RunEvent[] = (vscode.getState() as { events?: RunEvent[] } | undefined)?.events ?? [];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  node.append(...children);
  return node;
}

function row(cells: string[], header = false): HTMLTableRowElement {
  return element('tr', undefined, ...cells.map((c) => element(header ? 'th' : 'td', c)));
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function scenarioTable(figures: ScenarioFigures): HTMLElement {
  const table = element('table');
  table.append(row(['step', 'requests', 'failed', 'p50', 'p95', 'p99'], true));
  for (const step of figures.steps) {
    const failed = step.requests ? `${((100 * step.failed) / step.requests).toFixed(1)}%` : '–';
    table.append(row([step.step, String(step.requests), failed, ms(step.duration.med), ms(step.duration.p95), ms(step.duration.p99)]));
  }
  const heading = `${figures.scenario}: ${figures.iterations} iterations · ${figures.dropped} dropped · ${figures.interrupted} interrupted`;
  return element('section', undefined, element('h2', heading), table);
}

function render(): void {
  const summary = events.find((e): e is { type: 'summary'; summary: RunSummary } => e.type === 'summary')?.summary;
  const last = [...events].reverse().find((e) => e.type === 'aggregate');
  root.replaceChildren();
  if (summary) {
    root.append(element('h1', `Run ${summary.runId} — ${summary.outcome}`));
    const thresholds = element('ul');
    for (const t of summary.thresholds) thresholds.append(element('li', `${t.ok ? '✓' : '✗'} ${t.key}: ${t.source}`));
    root.append(thresholds, ...summary.scenarios.map(scenarioTable));
  } else if (last && last.type === 'aggregate') {
    root.append(element('h1', `Running… ${last.t} s`), ...last.scenarios.map(scenarioTable));
  } else {
    root.append(element('p', 'Waiting for the run…'));
  }
}

window.addEventListener('message', (message: MessageEvent<ToWebview>) => {
  const data = message.data;
  if (data.type === 'run') events = data.events;
  else if (data.type === 'event') events.push(data.event);
  else return;
  vscode.setState({ events });
  render();
});

render();
vscode.postMessage({ type: 'ready' });
