// setup and teardown in the editor's views of a run, from real runs: the engine forked as the runner forks it
// (EngineProcess, the run command's setup/teardown options), its run file read back as the panel and the
// inline review read it, and the language server's facts of the file placing each stage's figures and a
// failed setup on their lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSP_REQUESTS, type FileFacts, type RunEvent } from '../../src/protocol';
import { EngineProcess, type RunCommand } from '../../src/extension/engine-process';
import { mapResultsToLines } from '../../src/extension/result-lines';
import { digestRun, parseRunFile, type RunDigest } from '../../src/extension/run-file';
import { lifecycleRows, setupFailedStatus } from '../../src/webview/lifecycle';
import { startTarget, type Target } from '../support/target';
import { TestClient } from '../server/lsp-client';
import { engineBundle, type EngineBundle } from './helpers';

let engine: EngineBundle;
let target: Target;
let client: TestClient;
let dir: string;
const TOKEN = 'tok-5e1f0c9a2b7d44e1';

before(async () => {
  engine = engineBundle();
  dir = mkdtempSync(join(tmpdir(), 'volley-ext-lifecycle-'));
  target = await startTarget({
    routes: {
      '/admin/login': (_req, res) => {
        res.statusCode = 403;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: 'wrong password', session_token: TOKEN }));
      },
    },
  });
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
  await target.close();
  engine.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function scenarioText(loginPath: string): string {
  return `baseUrl: ${target.url}
setup:
  - name: warm up
    get: /products
  - name: admin login
    post: ${loginPath}
    check: { status: 200 }
teardown:
  - name: clean up
    delete: /products
scenarios:
  shoppers:
    executor: per-vu-iterations
    vus: 1
    iterations: 2
    flow:
      - name: browse
        get: /products
`;
}

async function run(name: string, text: string, options: Partial<RunCommand> = {}): Promise<{ digest: RunDigest; events: RunEvent[]; file: string; exitCode: number | undefined }> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const out = join(dir, `${name}.ndjson`);
  const process = new EngineProcess({ enginePath: engine.path, command: { type: 'run', file, out, ...options }, onEvent: () => undefined });
  const exit = await process.exited;
  const events = parseRunFile(readFileSync(out, 'utf8')).events;
  return { digest: digestRun(events), events, file, exitCode: exit.endExitCode };
}

let version = 0;
async function factsOf(file: string, text: string): Promise<FileFacts> {
  const uri = pathToFileURL(file).toString();
  await client.open(uri, text, ++version);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.ok(facts);
  return facts;
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

test('a failed setup: the run file is a run whose outcome is the step, status and redacted body; its lines get figures and the failure', async () => {
  const text = scenarioText('/admin/login');
  const { digest, file, exitCode } = await run('failed.volley.yaml', text);
  assert.equal(exitCode, 107);
  assert.equal(digest.summary, undefined);
  const failure = digest.lifecycle.failure;
  assert.ok(failure);
  assert.deepEqual([failure.step, failure.stepIndex, failure.status, failure.failedChecks], ['admin login', 1, 403, ['status is 200']]);
  assert.equal(failure.bodyPrefix, '{"error":"wrong password","session_token":"[redacted]"}');
  assert.equal(setupFailedStatus(failure), 'setup failed at "admin login" (line 5): status 403, check "status is 200" failed · no scenario ran');

  // The panel's rows: setup's two steps and teardown's, each with its outcome.
  assert.deepEqual(
    lifecycleRows(digest.lifecycle).map((r) => [r.stage, r.step, r.outcome, r.failed, r.requests, r.checks]),
    [
      ['setup', 'warm up', '200', false, '1', '–'],
      ['setup', 'admin login', '403', true, '1', '0/1'],
      ['teardown', 'clean up', '200', false, '1', '–'],
    ],
  );

  const lines = mapResultsToLines(await factsOf(file, text), digest);
  const at = (scenario: string, index: number) => lines.steps.find((s) => s.scenario === scenario && s.stepIndex === index);
  assert.equal(at('setup', 0)?.line, lineOf(text, '- name: warm up'));
  assert.match(at('setup', 0)!.text, /^✓ 200 · [\d.]+ (ms|µs|s)$/);
  assert.equal(at('setup', 1)?.line, lineOf(text, '- name: admin login'));
  assert.match(at('setup', 1)!.text, /^✗ 403 · .* · checks 0\/1$/);
  assert.equal(at('setup', 1)?.failing, true);
  assert.equal(at('teardown', 0)?.line, lineOf(text, '- name: clean up'));
  assert.equal(lines.steps.filter((s) => s.scenario === 'shoppers').length, 0, 'no scenario ran');
  // The failure is marked on the failed step's name.
  assert.equal(lines.setupFailure?.range.start.line, lineOf(text, '- name: admin login'));
  assert.equal(lines.setupFailure?.failure, failure);
});

test('a run whose setup passed: its steps get figures from the summary beside the scenario\'s; the setup option turns it off', async () => {
  const text = scenarioText('/products');
  const { digest, file, exitCode } = await run('passed.volley.yaml', text);
  assert.equal(exitCode, 0);
  assert.equal(digest.lifecycle.failure, undefined);
  assert.deepEqual(digest.lifecycle.stages, digest.summary?.lifecycle);
  const lines = mapResultsToLines(await factsOf(file, text), digest);
  assert.deepEqual(
    lines.steps.map((s) => [s.scenario, s.stepIndex, s.failing]),
    [
      ['shoppers', 0, false],
      ['setup', 0, false],
      ['setup', 1, false],
      ['teardown', 0, false],
    ],
  );
  assert.equal(lines.setupFailure, undefined);

  const skipped = await run('skipped.volley.yaml', text, { setup: false });
  assert.equal(skipped.exitCode, 0);
  assert.deepEqual(skipped.digest.lifecycle.stages.map((s) => s.scenario), ['teardown']);
  assert.ok(!skipped.events.some((e) => e.type === 'lifecycle' && e.stage === 'setup'));
});
