// Language server latency on a 2,000-line scenario (issue 4: p95 under 20 ms), measured the way an
// editor sees it: the built server (node dist/server.js --stdio) behind a real LSP connection, a
// generated file opened, then characters typed one at a time into steps of the scenarios.
//   diagnostics: from didChange to the publishDiagnostics of that version, with the server's debounce
//                set to 0 (initializationOptions.diagnosticsDebounceMs), so it is the server's work.
//   completion:  a completion request sent right after didChange, as typing triggers it: the new
//                version is parsed for it, then completed.
// Run: npm run bench:lsp [-- --edits 300]. Prints p50/p95/p99, writes bench/results/lsp-<date>.json.
// VOLLEY_SERVER=/path/to/server.js compares another build; --label NAME goes into the result's name.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import {
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type Position,
} from 'vscode-languageserver-protocol';
import { bigScenario } from './big-scenario';

const SERVER = process.env.VOLLEY_SERVER ?? resolve(__dirname, '../dist/server.js');
const EDITS = numberArg('--edits', 200);
const WARMUP = numberArg('--warmup', 20);
const LINES = numberArg('--lines', 2000);
const URI = 'file:///bench/big.volley.yaml';
const LABEL = stringArg('--label');

function stringArg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1].replace(/[^\w.-]/g, '_') : undefined;
}

function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    max: round(sorted[sorted.length - 1]),
  };
}

/** Where the i-th keystroke goes: the end of the URL of the third step of a scenario, spread over the file. */
function typingSpots(text: string): number[] {
  const spots: number[] = [];
  for (let at = text.indexOf('post: /cart'); at >= 0; at = text.indexOf('post: /cart', at + 1)) spots.push(at + 'post: /cart'.length);
  return spots;
}

function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, character: offset - lineStart };
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published = new Map<number, number>();
  const waiting = new Map<number, () => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    if (params.uri !== URI || params.version === undefined) return;
    published.set(params.version, performance.now());
    waiting.get(params.version)?.();
  });
  connection.listen();
  const diagnosticsOf = (version: number) =>
    new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no diagnostics for version ${version}`)), 30_000);
      const finish = () => {
        clearTimeout(timer);
        waiting.delete(version);
        done(published.get(version)!);
      };
      if (published.has(version)) finish();
      else waiting.set(version, finish);
    });

  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
    initializationOptions: { diagnosticsDebounceMs: 0 },
  });
  await connection.sendNotification(InitializedNotification.type, {});

  let text = bigScenario(LINES);
  const load = { before: loadavg().map((l) => Math.round(l * 100) / 100), after: [] as number[] };
  let version = 1;
  const openedAt = performance.now();
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'volley', version, text } });
  const firstDiagnosticsMs = (await diagnosticsOf(version)) - openedAt;

  const spots = typingSpots(text);
  const typed = 'abcdefghijklmnopqrstuvwxyz0123456789';
  /** Types the next character into the next step; returns its position after the character. */
  const type = async (i: number): Promise<{ sentAt: number; cursor: Position }> => {
    const spot = (i * 7) % spots.length;
    const offset = spots[spot];
    const position = positionAt(text, offset);
    const char = typed[i % typed.length];
    text = text.slice(0, offset) + char + text.slice(offset);
    // Every later spot moves by the character typed.
    for (let s = spot; s < spots.length; s++) spots[s] += 1;
    version++;
    const sentAt = performance.now();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version },
      contentChanges: [{ range: { start: position, end: position }, text: char }],
    });
    return { sentAt, cursor: { line: position.line, character: position.character + 1 } };
  };

  const diagnostics: number[] = [];
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const { sentAt } = await type(i);
    const at = await diagnosticsOf(version);
    if (i >= WARMUP) diagnostics.push(at - sentAt);
  }

  const completion: number[] = [];
  const completionAfterDiagnostics: number[] = [];
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const { cursor } = await type(WARMUP + EDITS + i);
    const asked = performance.now();
    await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: cursor });
    const answered = performance.now();
    await diagnosticsOf(version);
    // The same request again on a version already read: what completion costs by itself.
    const again = performance.now();
    await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: cursor });
    const againAnswered = performance.now();
    if (i >= WARMUP) {
      completion.push(answered - asked);
      completionAfterDiagnostics.push(againAnswered - again);
    }
  }
  load.after = loadavg().map((l) => Math.round(l * 100) / 100);

  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await new Promise((done) => child.once('exit', done));
  connection.dispose();

  const result = {
    date: new Date().toISOString(),
    label: LABEL,
    server: SERVER,
    node: process.version,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: load },
    file: { lines: text.split('\n').length, bytes: Buffer.byteLength(text) },
    edits: EDITS,
    warmup: WARMUP,
    firstDiagnosticsMs: Math.round(firstDiagnosticsMs * 100) / 100,
    diagnosticsMs: stats(diagnostics),
    completionAfterEditMs: stats(completion),
    completionMs: stats(completionAfterDiagnostics),
  };
  const line = (name: string, s: Stats) =>
    `${name.padEnd(34)} p50 ${s.p50.toFixed(2).padStart(7)}  p95 ${s.p95.toFixed(2).padStart(7)}  p99 ${s.p99.toFixed(2).padStart(7)}  max ${s.max.toFixed(2).padStart(7)} ms`;
  console.log(`${result.file.lines} lines, ${result.file.bytes} bytes; ${EDITS} keystrokes (after ${WARMUP} warm-up); load ${load.before.join(' ')} → ${load.after.join(' ')} on ${result.machine.cpus} CPUs`);
  console.log(`first diagnostics after open: ${result.firstDiagnosticsMs} ms`);
  console.log(line('didChange → publishDiagnostics', result.diagnosticsMs));
  console.log(line('completion right after didChange', result.completionAfterEditMs));
  console.log(line('completion on a version already read', result.completionMs));
  const dir = resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `lsp-${result.date.slice(0, 19).replace(/:/g, '-')}${LABEL ? `-${LABEL}` : ''}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
