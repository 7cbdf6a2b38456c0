// Extension entry: the language client, the runner and its commands, the results panel, the inline
// review and the Testing view. Activation is by language, workspace contents, command or a panel to
// restore (see package.json). The returned API is for the extension's own e2e tests.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LSP_NOTIFICATIONS, type Diagnosis, type RunEvent } from '../protocol';
import { config } from './config';
import { DebugIteration } from './debug-iteration';
import { Estimator } from './estimate';
import { IMPORT_LENS_DOCUMENTS, Importer } from './importing';
import { InlineReview } from './inline-review';
import { VOLLEY_DOCUMENTS, startLanguageClient } from './language-client';
import { pickRuns, readRunView } from './past-runs';
import { RESULTS_VIEW_TYPE, ResultsPanels, type ResultsPanel } from './results-panel';
import { SHOW_SAMPLES_COMMAND, showFailureSamples } from './samples';
import { latestRun } from './run-store';
import { Runner, runsDirFor, type ActiveRun } from './runner';
import { diagnosisEdits, ScenarioServer, toRange } from './server-requests';
import { newScenario } from './templates';
import { ScenarioTests } from './testing';
import { exportHtmlReport } from './export-html';

let client: LanguageClient | undefined;
let runner: Runner | undefined;

export interface VolleyApi {
  runner: Runner;
  panels: ResultsPanels;
  review: InlineReview;
  tests: ScenarioTests;
  /** The panel showing the live run, while it shows it. */
  livePanel(): ResultsPanel | undefined;
}

/** Code lenses pass the URI as a string (they come from the server); menus pass a Uri. */
function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (arg && typeof arg === 'object' && 'uri' in arg) return toUri((arg as { uri: unknown }).uri);
  return undefined;
}

function stringArg(arg: unknown): string | undefined {
  return typeof arg === 'string' ? arg : undefined;
}

function scenarioUri(arg: unknown): vscode.Uri | undefined {
  const uri = toUri(arg) ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri) void vscode.window.showErrorMessage('Volley: open a scenario file (*.volley.yaml) first.');
  return uri;
}

export async function activate(context: vscode.ExtensionContext): Promise<VolleyApi> {
  const output = vscode.window.createOutputChannel('Volley', { log: true });
  // Started now, awaited at the end of activation; what asks the server before then waits for it.
  const started = startLanguageClient(context).then(
    (c) => (client = c),
    (err: Error) => {
      output.error(`the language server did not start: ${err.message}`);
      return undefined;
    },
  );
  const server = new ScenarioServer(started, output);
  runner = new Runner(context, output, server);
  const review = new InlineReview(server);
  const estimator = new Estimator(context, output, () => client, server);
  const importer = new Importer(context, output, server);
  let live: { panel: ResultsPanel; run: ActiveRun } | undefined;

  const applyFix = async (diagnosis: Diagnosis, file: string | undefined): Promise<void> => {
    const edits = diagnosisEdits(diagnosis);
    if (edits.length === 0 || !file) {
      void vscode.window.showInformationMessage(`Volley: ${diagnosis.fix}`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const prepared = await server.prepareEdit(document, edits);
    if (!prepared.ok) {
      void vscode.window.showWarningMessage(`Volley: ${prepared.message}`);
      return;
    }
    if (await vscode.workspace.applyEdit(prepared.edit)) {
      const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
      const at = prepared.range.start;
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  };

  const reveal = async (file: string, scenario: string, stepIndex: number | undefined, lifecycle: boolean): Promise<void> => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const facts = await server.fileFacts(document.uri);
    const info = (lifecycle ? facts?.lifecycle : facts?.scenarios)?.find((s) => s.name === scenario);
    const target = info && stepIndex !== undefined ? (info.steps[stepIndex]?.selectionRange ?? info.nameRange) : info?.nameRange;
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    if (target) {
      const range = toRange(target);
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  };

  const exportHtml = (events: readonly RunEvent[], runFile: string | undefined) => exportHtmlReport(context.extensionUri, events, runFile);
  const panels = new ResultsPanels(context.extensionUri, { applyFix, reveal, stop: () => runner?.stop(), exportHtml }, context.workspaceState);
  const tests = new ScenarioTests(runner, server);
  const debugIteration = new DebugIteration(context, output, server, panels);

  const showEvents = (label: string, events: RunEvent[], runFile: string | undefined, preserveFocus = true): ResultsPanel => {
    const panel = panels.runPanelFor(preserveFocus);
    if (live?.panel === panel) live = undefined;
    panel.showRun({ events, label, runFile, live: false });
    return panel;
  };

  const openRunFile = (path: string): void => {
    const read = readRunView(path);
    if (!read.ok) {
      void vscode.window.showErrorMessage(`Volley: ${read.message}`);
      return;
    }
    showEvents(read.view.label, read.view.events, path, false);
    const start = read.view.events[0];
    if (start?.type === 'start') review.show(vscode.Uri.file(start.plan.file), read.view.events, { runFile: path });
  };

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'volley.runFile': (arg) => {
      const uri = scenarioUri(arg);
      return uri && runner!.run({ uri }).then(() => undefined);
    },
    'volley.runScenario': async (arg, scenarioArg) => {
      const uri = scenarioUri(arg);
      if (!uri) return;
      let scenario = typeof scenarioArg === 'string' ? scenarioArg : undefined;
      if (scenario === undefined) {
        const facts = await server.fileFacts(uri);
        if (!facts) return void vscode.window.showErrorMessage('Volley: the language server could not read the file, so its scenarios are not known.');
        const names = facts.scenarios.map((s) => s.name);
        scenario = names.length === 1 ? names[0] : await vscode.window.showQuickPick(names, { title: 'Run which scenario?' });
        if (!scenario) return;
      }
      await runner!.run({ uri, scenarios: [scenario] });
    },
    'volley.debugIteration': (arg, scenario) => {
      const uri = scenarioUri(arg);
      return uri && debugIteration.debug(uri, stringArg(scenario));
    },
    'volley.stop': () => runner!.stop(),
    'volley.estimateVUs': (arg, scenario) => estimator.estimate(toUri(arg), typeof scenario === 'string' ? scenario : undefined).then(() => undefined),
    'volley.showResults': async (arg) => {
      const runFileArg = toUri(arg);
      if (runFileArg && runFileArg.fsPath.endsWith('.ndjson')) return openRunFile(runFileArg.fsPath);
      const current = runner!.current;
      if (current) {
        if (live?.run === current) live.panel.reveal();
        else {
          const panel = showEvents(current.label, [...current.events], current.runFile, false);
          live = { panel, run: current };
        }
        return;
      }
      const last = runner!.lastRun;
      if (last) return void showEvents(last.label, [...last.events], last.runFile, false);
      const active = vscode.window.activeTextEditor?.document;
      if (active?.languageId === 'volley') {
        const stored = latestRun(runsDirFor(active.uri, context.globalStorageUri), active.uri.fsPath);
        if (stored) return openRunFile(stored.path);
      }
      const picked = await pickRuns(context, 1, 'Show the results of which run?');
      if (picked) openRunFile(picked[0]!);
    },
    'volley.exportHtmlReport': async () => {
      // The run the results panel shows, else the last run of this session.
      const panel = panels.current;
      if (panel && !panel.comparing && panel.shownEvents.length > 0) return exportHtml(panel.shownEvents, panel.runFile);
      const last = runner!.lastRun;
      return exportHtml(last ? last.events : [], last?.runFile);
    },
    [SHOW_SAMPLES_COMMAND]: (arg) => showFailureSamples(arg, runner!.lastRun, (label, events, runFile) => showEvents(label, events, runFile, false)),
    'volley.openRun': async (arg) => {
      const uri = toUri(arg);
      const path = uri?.fsPath.endsWith('.ndjson') ? uri.fsPath : (await pickRuns(context, 1, 'Open a past run'))?.[0];
      if (path) openRunFile(path);
    },
    'volley.compareRuns': async (_first, many) => {
      const fromExplorer = Array.isArray(many) ? many.map(toUri).filter((u): u is vscode.Uri => u !== undefined) : [];
      const paths = fromExplorer.length === 2 ? fromExplorer.map((u) => u.fsPath) : await pickRuns(context, 2, 'Compare two runs');
      if (!paths) return;
      const [a, b] = paths.map(readRunView);
      for (const r of [a, b]) if (!r!.ok) return void vscode.window.showErrorMessage(`Volley: ${r!.message}`);
      if (a!.ok && b!.ok) panels.compare([a!.view, b!.view]);
    },
    'volley.newScenario': (template, fileName) =>
      newScenario(context, typeof template === 'string' ? template : undefined, typeof fileName === 'string' ? fileName : undefined),
    'volley.importScenario': (kind, source, fileName, environment) => importer.newScenarioFrom(stringArg(kind), stringArg(source), stringArg(fileName), stringArg(environment)),
    'volley.pasteCurlAsStep': (text) => importer.pasteCurlAsStep(stringArg(text)),
    'volley.loadTestThis': (uri, id, base) => importer.loadTestThis(uri, id, base),
  };
  for (const [id, handler] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  context.subscriptions.push(
    output,
    runner,
    review,
    panels,
    tests,
    importer,
    debugIteration,
    vscode.languages.registerCodeActionsProvider(VOLLEY_DOCUMENTS, debugIteration, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, panels),
    vscode.languages.registerCodeLensProvider(VOLLEY_DOCUMENTS, review),
    vscode.languages.registerCodeLensProvider(IMPORT_LENS_DOCUMENTS, importer),
    vscode.languages.registerCodeActionsProvider(VOLLEY_DOCUMENTS, review, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    runner.onDidStart((run) => {
      review.clear(run.uri);
      if (!config(run.uri).openResults) return;
      const panel = panels.runPanelFor(true);
      panel.showRun({ events: [], label: run.label, runFile: run.runFile, live: true });
      live = { panel, run };
    }),
    runner.onDidEvent(({ run, event }) => {
      if (live?.run === run) live.panel.pushEvent(event);
    }),
    runner.onDidEnd(({ run, exitCode, exit }) => {
      if (live?.run === run) {
        live.panel.ended(exitCode, exit.killed ? 'The engine was killed.' : undefined);
        live = undefined;
      }
      const summarised = run.events.some((e) => e.type === 'summary');
      // A failed setup has no summary, but its step's line is where the user looks for why.
      if (summarised || run.events.some((e) => e.type === 'lifecycle' && e.failure !== undefined)) {
        review.show(run.uri, run.events, { textAtRun: run.textAtRun, runFile: run.runFile });
      }
      // The run is in the store: the language server re-estimates VUs from its full distribution.
      if (summarised) void client?.sendNotification(LSP_NOTIFICATIONS.runsChanged);
    }),
  );
  void vscode.commands.executeCommand('setContext', 'volley.running', false);

  await started;
  return { runner, panels, review, tests, livePanel: () => live?.panel };
}

export async function deactivate(): Promise<void> {
  // The engine child goes first: a window closing must not leave a load test running.
  await runner?.shutdown();
  await client?.stop();
  client = undefined;
}
