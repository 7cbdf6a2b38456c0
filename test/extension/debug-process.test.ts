// Debug One Iteration's child process with the real engine: `volley debug --json` against the demo
// target is read back into the report the panel, the line statuses and the quick fixes use; a file with
// errors comes back as exit 104 with the engine's message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { debugArgs, runDebug } from '../../src/extension/debug-process';
import { stepStatus } from '../../src/extension/debug-iteration-text';
import { engineBundle, type EngineBundle } from './helpers';

let engine: EngineBundle;
let target: DemoServer;
let dir: string;
before(async () => {
  engine = engineBundle();
  target = await startDemoServer({ port: 0, latencyMs: 1, seed: 3 });
  dir = mkdtempSync(join(tmpdir(), 'volley-ext-debug-'));
});
after(async () => {
  await target.close();
  engine.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('the arguments name the scenario and the lifecycle settings', () => {
  assert.deepEqual(debugArgs({ enginePath: 'e', file: 'a.volley.yaml', scenario: 'shop', setup: false, teardown: true }), ['debug', 'a.volley.yaml', '--json', '--scenario', 'shop', '--no-setup']);
});

test('a debug run comes back as its report; each step line gets its status', async () => {
  const file = join(dir, 'shop.volley.yaml');
  writeFileSync(
    file,
    `baseUrl: ${target.url}
scenarios:
  shop:
    executor: constant-vus
    vus: 2
    duration: 5s
    flow:
      - name: list
        get: /products
        check: { status: 200 }
        capture: { firstId: json.items[0].id }
      - name: detail
        get: /products/{{ firstId }}
        check: { status: 201 }
`,
  );
  const result = await runDebug({ enginePath: engine.path, file, setup: true, teardown: true, cwd: dir });
  assert.ok(result.ok, JSON.stringify(result));
  const report = result.report;
  assert.equal(report.scenario, 'shop');
  assert.equal(report.exitCode, 1);
  assert.deepEqual(report.steps.map((s) => [s.name, s.response.status, s.ok]), [['list', 200, true], ['detail', 200, false]]);
  assert.match(stepStatus([report.steps[0]!]), /^✓ 200 · \d/);
  assert.equal(stepStatus([report.steps[1]!]), '✗ 200 · failed: status is 201');
  assert.deepEqual(report.steps[1]!.checks[0]!.position, { line: 14, column: 18 });
});

test('a file with errors is exit 104 and the engine says why', async () => {
  const file = join(dir, 'bad.volley.yaml');
  writeFileSync(file, `baseUrl: ${target.url}\nscenarios:\n  s:\n    executor: nope\n`);
  const result = await runDebug({ enginePath: engine.path, file, setup: true, teardown: true, cwd: dir });
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.exitCode === 104 && /bad\.volley\.yaml:4:/.test(result.message), JSON.stringify(result));
});
