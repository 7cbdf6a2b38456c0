// The Testing view: each scenario file is a test item, its thresholds the children. Running an item runs
// the file's load test and reports each threshold as passed or failed, with the measured value.
import * as vscode from 'vscode';
import type { ThresholdResult } from '../protocol';
import type { Runner } from './runner';
import { toRange, type ScenarioServer } from './server-requests';
import { thresholdId } from './threshold-id';

const GLOB = '**/*.volley.{yaml,yml}';
const EXCLUDE = '**/{node_modules,.git,.volley}/**';

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('volley', 'Volley load tests');
  private readonly disposables: vscode.Disposable[] = [this.controller];
  readonly profile: vscode.TestRunProfile;
  /** The last outcome reported per item id (the Testing API has no way to read them back). */
  readonly outcomes = new Map<string, 'passed' | 'failed' | 'errored' | 'skipped'>();

  constructor(
    private readonly runner: Runner,
    private readonly server: ScenarioServer,
  ) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
      else await this.resolveThresholds(item);
    };
    this.controller.refreshHandler = () => this.discover();
    this.profile = this.controller.createRunProfile('Run load test', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.fileItem(uri)),
      watcher.onDidChange((uri) => {
        const item = this.controller.items.get(uri.toString());
        if (item) void this.resolveThresholds(item);
      }),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
    );
  }

  private async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(GLOB, EXCLUDE);
    for (const uri of files) this.fileItem(uri);
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  private async resolveThresholds(item: vscode.TestItem): Promise<void> {
    if (!item.uri) return;
    // The open version when the file is open, else the file on disk: the server reads it either way.
    const facts = await this.server.fileFacts(item.uri);
    if (!facts) return;
    const children: vscode.TestItem[] = [];
    for (const threshold of facts.thresholds) {
      for (const expression of threshold.expressions) {
        const child = this.controller.createTestItem(thresholdId(threshold.name, expression.text), `${threshold.name}: ${expression.text}`, item.uri);
        child.range = toRange(expression.range);
        children.push(child);
      }
    }
    item.children.replace(children);
    item.description = children.length === 0 ? 'no thresholds' : undefined;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    // A threshold cannot run alone: running it runs its file.
    const files = new Map<string, vscode.TestItem>();
    const queue = request.include ?? [...iterate(this.controller.items)];
    for (const item of queue) {
      const file = item.parent ?? item;
      if (!request.exclude?.includes(file)) files.set(file.id, file);
    }
    const testRun = recording(this.controller.createTestRun(request), this.outcomes);
    try {
      for (const file of files.values()) {
        if (token.isCancellationRequested) break;
        await this.runFile(file, testRun, token);
      }
    } finally {
      testRun.end();
    }
  }

  private async runFile(file: vscode.TestItem, testRun: vscode.TestRun, token: vscode.CancellationToken): Promise<void> {
    if (!file.uri) return;
    await this.resolveThresholds(file);
    const thresholds = [...iterate(file.children)];
    testRun.started(file);
    for (const t of thresholds) testRun.started(t);
    if (!vscode.workspace.isTrusted) {
      const message = new vscode.TestMessage('Running load tests needs a trusted workspace.');
      testRun.errored(file, message);
      for (const t of thresholds) testRun.skipped(t);
      return;
    }
    const started = Date.now();
    const outcome = await this.runner.run({ uri: file.uri, token });
    const duration = Date.now() - started;
    if (!outcome) {
      testRun.skipped(file);
      for (const t of thresholds) testRun.skipped(t);
      return;
    }
    const summaryEvent = outcome.run.events.find((e) => e.type === 'summary');
    const results = summaryEvent?.type === 'summary' ? summaryEvent.summary.thresholds : undefined;
    if (!results) {
      const logs = outcome.run.events.flatMap((e) => (e.type === 'log' && e.level === 'error' ? [e.message] : []));
      const message = new vscode.TestMessage(logs.join('\n') || `The run ended without a summary (exit ${outcome.exitCode ?? outcome.exit.signal}).`);
      // A failed setup points at its step, at its line in the file as it ran.
      const setupFailure = outcome.run.events.find((e) => e.type === 'lifecycle' && e.failure !== undefined);
      if (setupFailure?.type === 'lifecycle' && setupFailure.failure) message.location = new vscode.Location(file.uri, new vscode.Position(setupFailure.failure.line, 0));
      testRun.errored(file, message, duration);
      for (const t of thresholds) testRun.skipped(t);
      return;
    }
    const byId = new Map<string, ThresholdResult>(results.map((r) => [thresholdId(r.key, r.source), r]));
    let failed = 0;
    for (const t of thresholds) {
      const result = byId.get(t.id);
      if (!result) testRun.skipped(t);
      else if (result.ok) testRun.passed(t, duration);
      else {
        failed++;
        const message = new vscode.TestMessage(`${result.key}: ${result.source} failed (actual ${result.actual ?? 'no samples'})`);
        if (t.uri && t.range) message.location = new vscode.Location(t.uri, t.range);
        testRun.failed(t, message, duration);
      }
    }
    if (failed > 0 || results.some((r) => !r.ok)) testRun.failed(file, new vscode.TestMessage(`${results.filter((r) => !r.ok).length} of ${results.length} thresholds failed`), duration);
    else if (outcome.run.events.some((e) => e.type === 'summary' && e.summary.outcome !== 'completed')) {
      testRun.errored(file, new vscode.TestMessage('The run was stopped before it completed.'), duration);
    } else testRun.passed(file, duration);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Notes each outcome as it is reported. */
function recording(run: vscode.TestRun, outcomes: Map<string, 'passed' | 'failed' | 'errored' | 'skipped'>): vscode.TestRun {
  return Object.assign(Object.create(run) as vscode.TestRun, {
    passed: (item: vscode.TestItem, duration?: number) => (outcomes.set(item.id, 'passed'), run.passed(item, duration)),
    failed: (item: vscode.TestItem, message: vscode.TestMessage | readonly vscode.TestMessage[], duration?: number) => (outcomes.set(item.id, 'failed'), run.failed(item, message, duration)),
    errored: (item: vscode.TestItem, message: vscode.TestMessage | readonly vscode.TestMessage[], duration?: number) => (outcomes.set(item.id, 'errored'), run.errored(item, message, duration)),
    skipped: (item: vscode.TestItem) => (outcomes.set(item.id, 'skipped'), run.skipped(item)),
    started: (item: vscode.TestItem) => run.started(item),
    end: () => run.end(),
  });
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of collection) yield item;
}
