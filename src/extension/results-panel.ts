// The results panel: a webview that shows one run (live while it runs) or two runs compared. Messages are
// the typed ToWebview/FromWebview of src/protocol.ts; nothing is posted before the webview says `ready`
// (a message posted earlier would be lost). The webview keeps what it shows in its own state, and the
// serializer gives it back its HTML after a reload, so the panel survives one.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import type { Diagnosis, FromWebview, RunEvent, RunView, ToWebview } from '../protocol';
import { digestRun, parseRunFile } from './run-file';
import { newNonce, resultsHtml } from './webview-html';

export const RESULTS_VIEW_TYPE = 'volley.results';

export interface PanelActions {
  applyFix(diagnosis: Diagnosis, fallbackFile: string | undefined): Promise<void>;
  reveal(file: string, scenario: string, stepIndex: number | undefined): Promise<void>;
  stop(): void;
}

/** What the webview saves with setState (see src/webview/main.ts) and the serializer gets back. */
interface SavedState {
  mode?: 'run' | 'compare';
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
  ) {
    this.onDidDispose = panel.onDidDispose;
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'volley.svg');
    panel.webview.html = this.html();
    this.disposables.push(panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)));
    panel.onDidDispose(() => this.dispose());
    if (restored?.mode === 'compare' && restored.runs) this.compared = restored.runs;
    else if (restored?.events) this.events = restored.events;
    // A restored run read back from its file, when it is still there, is whole even if the state was cut.
    const runFile = restored?.view?.runFile;
    if (restored?.mode !== 'compare' && runFile && existsSync(runFile)) {
      const events = parseRunFile(readFileSync(runFile, 'utf8')).events;
      this.showRun({ ...restored!.view!, live: false, events });
    }
  }

  get shownEvents(): readonly RunEvent[] {
    return this.events;
  }

  showRun(view: RunView): void {
    this.events = view.events;
    this.compared = undefined;
    this.panel.title = `Volley: ${view.label}`;
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
    this.post({ type: 'compare', runs });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private html(): string {
    const webview = this.panel.webview;
    return resultsHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'results.css')).toString(),
      title: 'Volley results',
    });
  }

  private post(message: ToWebview): void {
    if (!this.ready) {
      // Only the latest full picture matters; events after it are kept in order.
      if (message.type === 'run' || message.type === 'compare') this.queue = [];
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
        if (file && typeof message.scenario === 'string') void this.actions.reveal(file, message.scenario, message.stepIndex);
        break;
      }
      case 'stop':
        this.actions.stop();
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
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The panel for runs (one, reused) and panels for comparisons; restores both after a reload. */
export class ResultsPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<SavedState> {
  private runPanel: ResultsPanel | undefined;
  private readonly all = new Set<ResultsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
  ) {}

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
    if (state?.mode !== 'compare' && !this.runPanel) this.runPanel = results;
  }

  private adopt(panel: vscode.WebviewPanel, restored?: SavedState): ResultsPanel {
    const results = new ResultsPanel(panel, this.extensionUri, this.actions, restored);
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
