// Completion latency with a large `openapi:` document (issue 16: p95 under 50 ms), measured as an editor
// sees it: the built server (node dist/server.js --stdio) behind a real LSP connection, a scenario naming
// GitHub's REST API description (@octokit/openapi, 1,200+ operations, 13 MB of JSON), then characters
// typed one at a time, each followed by a completion request at the cursor. Three positions, in turn:
//   path:  `- get: /repos/‸`   (600+ GET paths match; the best 150 are sent, the list marked incomplete)
//   step:  `- ‸` in a flow     (every operation as `method: path`: 1,200+ match, 150 sent)
//   body:  a key in the `json:` of `post: /repos/{owner}/{repo}/issues` (the request schema's keys)
// The time is from the completion request to its answer, right after the didChange (so the new version
// is parsed for it). The document's one-time read (parse + $ref resolution) is reported apart.
// Run: node scripts/build.mjs && node --import tsx bench/openapi-completion.ts [--edits 200]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import {
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  type CompletionItem,
  type CompletionList,
  type Position,
} from 'vscode-languageserver-protocol';

const SERVER = process.env.VOLLEY_SERVER ?? resolve(__dirname, '../dist/server.js');
const GITHUB = require.resolve('@octokit/openapi/generated/api.github.com.json');
const EDITS = numberArg('--edits', 150);
const WARMUP = numberArg('--warmup', 10);

function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function percentiles(samples: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 100) / 100;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The scenario, with a marker where each kind of completion is asked. */
function scenario(): string {
  return `baseUrl: https://api.github.com
openapi: ${GITHUB}
scenarios:
  browse:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /repos/<path>
      - post: /repos/octo/hello/issues
        json:
          title: x
          <body>
      - get: /user
      - <step>
`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-bench-openapi-'));
  const file = join(dir, 'github.volley.yaml');
  const uri = pathToFileURL(file).href;
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { diagnosticsDebounceMs: 0 } });
  await connection.sendNotification(InitializedNotification.type, {});

  const markers = ['<path>', '<body>', '<step>'] as const;
  let text = scenario();
  const spots = markers.map((m) => text.indexOf(m));
  for (const m of markers) text = text.replace(m, '');
  // Each marker's offset once the markers before it are removed.
  for (let i = 0; i < spots.length; i++) spots[i] -= markers.slice(0, i).reduce((n, m) => n + m.length, 0);
  writeFileSync(file, text);
  let version = 1;
  const complete = async (position: Position): Promise<CompletionItem[]> => {
    const result = (await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[] | CompletionList | null;
    return Array.isArray(result) ? result : (result?.items ?? []);
  };
  const openedAt = performance.now();
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'volley', version, text } });
  // The document is read once, in the background: poll until completion offers its paths.
  let firstItems = 0;
  for (;;) {
    firstItems = (await complete(positionAt(text, spots[0]))).filter((i) => i.label.startsWith('/repos/')).length;
    if (firstItems > 0) break;
    if (performance.now() - openedAt > 120_000) throw new Error('the document was not read within 2 minutes');
    await new Promise((wake) => setTimeout(wake, 50));
  }
  const readMs = performance.now() - openedAt;

  const typed: Record<(typeof markers)[number], string> = { '<path>': 'abcdefghij', '<body>': 'abcdefghij', '<step>': 'gpgpgpgpgp' };
  const samples: Record<string, number[]> = { path: [], body: [], step: [] };
  const names = ['path', 'body', 'step'];
  const itemCounts: Record<string, number> = {};
  const load = { before: loadavg().map((l) => Math.round(l * 100) / 100), after: [] as number[] };
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const kind = i % 3;
    const typedSoFar = Math.floor(i / 3) % 4;
    // Type one character at the spot, or clear the word after four (so the prefix stays short, as when typing a new key).
    const start = spots[kind];
    let change: { range: { start: Position; end: Position }; text: string };
    if (typedSoFar === 3) {
      change = { range: { start: positionAt(text, start), end: positionAt(text, start + 3) }, text: '' };
      text = text.slice(0, start) + text.slice(start + 3);
      for (let s = kind + 1; s < spots.length; s++) spots[s] -= 3;
    } else {
      const char = typed[markers[kind]][typedSoFar];
      const at = start + typedSoFar;
      change = { range: { start: positionAt(text, at), end: positionAt(text, at) }, text: char };
      text = text.slice(0, at) + char + text.slice(at);
      for (let s = kind + 1; s < spots.length; s++) spots[s] += 1;
    }
    version++;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
    const cursor = positionAt(text, start + (typedSoFar === 3 ? 0 : typedSoFar + 1));
    const asked = performance.now();
    const items = await complete(cursor);
    const ms = performance.now() - asked;
    if (i >= WARMUP) {
      samples[names[kind]].push(ms);
      itemCounts[names[kind]] = Math.max(itemCounts[names[kind]] ?? 0, items.length);
    }
  }
  load.after = loadavg().map((l) => Math.round(l * 100) / 100);
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await new Promise((done) => child.once('exit', done));
  connection.dispose();
  rmSync(dir, { recursive: true, force: true });

  const all = percentiles([...samples.path, ...samples.body, ...samples.step]);
  console.log(`GitHub REST API description (${GITHUB}); ${EDITS} keystrokes after ${WARMUP} warm-up; load ${load.before.join(' ')} → ${load.after.join(' ')} on ${cpus().length} CPUs`);
  console.log(`document read (parse + $refs) until the first completion offers its paths: ${Math.round(readMs)} ms (${firstItems} GET paths sent)`);
  for (const name of names) {
    const s = percentiles(samples[name]);
    console.log(`completion ${name.padEnd(5)} (${String(itemCounts[name]).padStart(4)} items): p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)}  max ${s.max.toFixed(2)} ms`);
  }
  console.log(`completion, all positions: p50 ${all.p50.toFixed(2)}  p95 ${all.p95.toFixed(2)}  p99 ${all.p99.toFixed(2)}  max ${all.max.toFixed(2)} ms (n=${all.n})`);
  if (all.p95 >= 50) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
