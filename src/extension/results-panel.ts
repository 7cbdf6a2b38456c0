// The results panel: a webview that shows one run (live while it runs) or two runs compared. Messages are
// the typed ToWebview/FromWebview of src/protocol.ts; nothing is posted before the webview says `ready`
// (a message posted earlier would be lost). The webview keeps what it shows in its own state, and the
// serializer gives it back its HTML after a reload, so the panel survives one.
//
// That state is not enough on its own: the workbench writes a panel's state when it saves its layout, and
// in a browser (code-server) the save at unload is not waited for, so a reload can bring back a tab with
// a stale or missing state. So each panel's title is also remembered with the run files it shows, in the
// workspace's storage (updated whenever a panel shows something, not only when the layout is saved), and
// a restored panel reads its runs back from those files.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import type { DebugReport, Diagnosis, FromWebview, RunEvent, RunView, ToWebview } from '../protocol';
import { digestRun, parseRunFile } from './run-file';
import { WEBVIEW_FILES, newNonce, resultsHtml } from './webview-html';

export const RESULTS_VIEW_TYPE = 'volley.results';

export interface PanelActions {
  applyFix(diagnosis: Diagnosis, fallbackFile: string | undefined): Promise<void>;
  /** `lifecycle`: `scenario` is `setup` or `teardown`. */
  reveal(file: string, scenario: string, stepIndex: number | undefined, lifecycle: boolean): Promise<void>;
  stop(): void;
  /** Save the shown run as an HTML report. */
  exportHtml(events: readonly RunEvent[], runFile: string | undefined): Promise<void>;
}

/** What a panel titled so showed, kept in workspace storage so a reload can find it again. */
type Remembered = { mode: 'run'; runFile: string; label: string } | { mode: 'compare'; runFiles: [string, string]; labels: [string, string] };

const MEMORY_KEY = 'volley.resultsPanels';
const REMEMBERED_PANELS = 20;

/** Panel titles and the run files behind them, newest first, bounded. */
export class PanelMemory {
  constructor(private readonly store: vscode.Memento | undefined) {}

  remember(title: string, what: Remembered): void {
    if (!this.store) return;
    const kept = this.store.get<Array<[string, Remembered]>>(MEMORY_KEY, []).filter(([t]) => t !== title);
    void this.store.update(MEMORY_KEY, [[title, what], ...kept].slice(0, REMEMBERED_PANELS));
  }

  recall(title: string): Remembered | undefined {
    return this.store?.get<Array<[string, Remembered]>>(MEMORY_KEY, []).find(([t]) => t === title)?.[1];
  }
}

/** The run file read back as the panel shows it, or undefined when it is gone or not a run. */
function readView(runFile: string, label: string): RunView | undefined {
  if (!existsSync(runFile)) return undefined;
  try {
    const events = parseRunFile(readFileSync(runFile, 'utf8')).events;
    return events.some((e) => e.type === 'start') ? { events, label, runFile, live: false } : undefined;
  } catch {
    return undefined;
  }
}

const GONE = 'The run this panel showed is no longer available. Open it again with "Volley: Open a Past Run…".';

/** What the webview saves with setState (see src/webview/main.ts) and the serializer gets back. */
interface SavedState {
  mode?: 'run' | 'compare' | 'debug';
  debug?: DebugReport;
  view?: Omit<RunView, 'events'>;
  events?: RunEvent[];
  runs?: [RunView, RunView];
}

export class ResultsPanel implements vscode.Disposable {
  private ready = false;
  private queue: ToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** What this panel shows, for the fixes and reveals it is asked for. */
  private events: RunEvent[] = [];
  private compared: [RunView, RunView] | undefined;
  /** The webview's last report of what it shows. */
  rendered: Extract<FromWebview, { type: 'rendered' }> | undefined;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    restored?: SavedState,
    private readonly memory = new PanelMemory(undefined),
  ) {
    this.onDidDispose = panel.onDidDispose;
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'volley.svg');
    panel.webview.html = this.html();
    this.disposables.push(panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)));
    panel.onDidDispose(() => this.dispose());
    if (restored) this.restore(restored);
  }

  /**
   * After a reload: runs read back from their files when they are still there (whole, even if the state
   * was cut), else what the state held, else what this title was remembered to show, else a message — never
   * a panel left waiting for a run that will not come.
   */
  private restore(state: SavedState): void {
    if (state.mode === 'debug' && state.debug) return this.showDebug(state.debug);
    const remembered = this.memory.recall(this.panel.title);
    if (state.mode === 'compare' || (state.mode === undefined && remembered?.mode === 'compare')) {
      const saved = state.runs;
      const files = saved ? ([saved[0].runFile, saved[1].runFile] as const) : remembered?.mode === 'compare' ? remembered.runFiles : undefined;
      const labels = saved ? ([saved[0].label, saved[1].label] as const) : remembered?.mode === 'compare' ? remembered.labels : undefined;
      const fromFiles = files && labels ? [0, 1].map((i) => (files[i] ? readView(files[i]!, labels[i]!) : undefined)) : [];
      const runs = [0, 1].map((i) => fromFiles[i] ?? saved?.[i]);
      if (runs[0] && runs[1]) return this.showCompare([runs[0], runs[1]]);
    } else {
      const view = state.view ?? (remembered?.mode === 'run' ? { label: remembered.label, runFile: remembered.runFile, live: false } : undefined);
      const fromFile = view?.runFile ? readView(view.runFile, view.label) : undefined;
      if (fromFile) {
        this.showRun(fromFile);
        // A run cut short by the reload (deactivate stops the engine) must not read as still running.
        if (!fromFile.events.some((e) => e.type === 'summary' || e.type === 'end')) this.ended(undefined, 'The run ended without a summary: the window was reloaded or closed while it ran.');
        return;
      }
      if (view && state.events && state.events.length > 0) return this.showRun({ ...view, live: false, events: state.events });
    }
    this.showRun({ events: [], label: this.panel.title.replace(/^Volley: /, ''), live: false });
    this.ended(undefined, GONE);
  }

  get shownEvents(): readonly RunEvent[] {
    return this.events;
  }

  /** Whether this panel shows two runs compared. */
  get comparing(): boolean {
    return this.compared !== undefined;
  }

  /** The run file of the shown run, when it has one (the export's default name). */
  runFile: string | undefined;

  showRun(view: RunView): void {
    this.events = view.events;
    this.runFile = view.runFile;
    this.compared = undefined;
    this.panel.title = `Volley: ${view.label}`;
    if (view.runFile) this.memory.remember(this.panel.title, { mode: 'run', runFile: view.runFile, label: view.label });
    const { events, ...rest } = view;
    this.post({ type: 'run', events: [...events], view: rest });
  }

  /** One more event of the live run this panel shows. */
  pushEvent(event: RunEvent): void {
    this.events.push(event);
    this.post({ type: 'event', event });
  }

  ended(exitCode: number | undefined, message?: string): void {
    this.post({ type: 'ended', exitCode, message });
  }

  showCompare(runs: [RunView, RunView]): void {
    this.compared = runs;
    this.events = [];
    this.panel.title = `Volley: ${runs[0].label} ↔ ${runs[1].label}`;
    const [a, b] = runs;
    if (a.runFile && b.runFile) this.memory.remember(this.panel.title, { mode: 'compare', runFiles: [a.runFile, b.runFile], labels: [a.label, b.label] });
    this.post({ type: 'compare', runs });
  }

  /** One debug iteration's steps (Debug One Iteration, docs/debugging.md). */
  showDebug(report: DebugReport): void {
    this.compared = undefined;
    this.events = [];
    this.panel.title = `Volley: debug ${report.scenario}`;
    this.post({ type: 'debug', report });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Opens a step's failure samples in the error table of the run shown. */
  showSamples(scenario: string, stepIndex: number): void {
    this.post({ type: 'showSamples', scenario, stepIndex });
  }

  private html(): string {
    const webview = this.panel.webview;
    return resultsHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...WEBVIEW_FILES.script)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...WEBVIEW_FILES.style)).toString(),
      title: 'Volley results',
    });
  }

  private post(message: ToWebview): void {
    if (!this.ready) {
      // Only the latest full picture matters; events after it are kept in order.
      if (message.type === 'run' || message.type === 'compare' || message.type === 'debug') this.queue = [];
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private receive(message: FromWebview): void {
    if (message === null || typeof message !== 'object') return;
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) void this.panel.webview.postMessage(m);
        break;
      }
      case 'applyFix': {
        const events = this.compared ? this.compared[1].events : this.events;
        const digest = digestRun(events);
        const diagnosis = digest.diagnoses.find((d) => d.id === message.diagnosisId);
        if (diagnosis) void this.actions.applyFix(diagnosis, digest.plan?.file);
        break;
      }
      case 'reveal': {
        const file = digestRun(this.compared ? this.compared[1].events : this.events).plan?.file;
        if (file && typeof message.scenario === 'string') void this.actions.reveal(file, message.scenario, message.stepIndex, message.lifecycle === true);
        break;
      }
      case 'stop':
        this.actions.stop();
        break;
      case 'exportHtml':
        if (!this.compared) void this.actions.exportHtml(this.events, this.runFile);
        break;
      case 'rendered':
        this.rendered = message;
        break;
      default:
        break;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    // Only the webview's own folder: not the other bundles, not the extension's other files.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_FILES.root)],
  };
}

/** The panel for runs (one, reused) and panels for comparisons; restores both after a reload. */
export class ResultsPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<SavedState> {
  private runPanel: ResultsPanel | undefined;
  private readonly all = new Set<ResultsPanel>();
  private readonly memory: PanelMemory;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    /** Where panel titles and their run files are kept for a reload (the workspace's state). */
    store?: vscode.Memento,
  ) {
    this.memory = new PanelMemory(store);
  }

  get current(): ResultsPanel | undefined {
    return this.runPanel;
  }

  /** The run panel, created (beside the editor) when there is none. */
  runPanelFor(preserveFocus = true): ResultsPanel {
    if (this.runPanel) {
      this.runPanel.panel.reveal(undefined, preserveFocus);
      return this.runPanel;
    }
    const panel = vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      'Volley results',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true },
    );
    this.runPanel = this.adopt(panel);
    return this.runPanel;
  }

  compare(runs: [RunView, RunView]): ResultsPanel {
    const panel = vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      'Volley: compare',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true },
    );
    const results = this.adopt(panel);
    results.showCompare(runs);
    return results;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: SavedState | undefined): Promise<void> {
    const results = this.adopt(panel, state ?? {});
    // Only a panel showing one run may become the run panel again (a compare view restored without its
    // state is known by its remembered title).
    if (!this.runPanel && !results.comparing) this.runPanel = results;
  }

  private adopt(panel: vscode.WebviewPanel, restored?: SavedState): ResultsPanel {
    const results = new ResultsPanel(panel, this.extensionUri, this.actions, restored, this.memory);
    this.all.add(results);
    results.onDidDispose(() => {
      this.all.delete(results);
      if (this.runPanel === results) this.runPanel = undefined;
    });
    return results;
  }

  dispose(): void {
    for (const p of this.all) p.panel.dispose();
    this.all.clear();
  }
}
