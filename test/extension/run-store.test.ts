import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestRun, listRuns, newRunId } from '../../src/extension/run-store';
import { readRunStart } from '../../src/engine/runs';
import { describeTemplate, listTemplates, scenarioFileName } from '../../src/extension/template-files';
import { ROOT, demoPlan } from './helpers';

test('run ids sort by time and say which file and scenarios ran', () => {
  const when = new Date(2026, 0, 2, 3, 4, 5);
  assert.equal(newRunId('/w/shop checkout.volley.yaml', [], when, () => 0.5), '20260102-030405-shop-checkout-7fffff');
  assert.equal(newRunId('/w/demo.volley.yaml', ['browse', 'shoppers'], when, () => 0), '20260102-030405-demo-browse-shoppers-000000');
});

test('the store lists runs newest first and finds the latest run of a file and scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-ext-store-'));
  try {
    const runs = join(dir, '.volley/runs');
    mkdirSync(runs, { recursive: true });
    const write = (id: string, startedAt: string, file: string, scenarios: string[]) => {
      const plan = demoPlan(file);
      plan.scenarios = plan.scenarios.filter((s) => scenarios.includes(s.name));
      writeFileSync(join(runs, `${id}.ndjson`), JSON.stringify({ type: 'start', v: 1, runId: id, startedAt, engineVersion: '0', plan }) + '\n{"type":"end","exitCode":0}\n');
    };
    write('a', '2026-01-01T10:00:00.000Z', '/w/demo.volley.yaml', ['browse', 'shoppers']);
    write('b', '2026-01-01T11:00:00.000Z', '/w/demo.volley.yaml', ['shoppers']);
    write('c', '2026-01-01T12:00:00.000Z', '/w/other.volley.yaml', ['browse']);
    writeFileSync(join(runs, 'junk.ndjson'), 'not json\n');
    assert.deepEqual(listRuns(runs).map((r) => r.runId), ['c', 'b', 'a']);
    assert.equal(latestRun(runs, '/w/demo.volley.yaml')?.runId, 'b');
    assert.equal(latestRun(runs, '/w/demo.volley.yaml', 'browse')?.runId, 'a');
    assert.equal(latestRun(runs, '/w/none.volley.yaml'), undefined);
    assert.equal(readRunStart(join(runs, 'junk.ndjson')), undefined);
    assert.deepEqual(listRuns(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('templates are the shipped examples, described by their first comment', () => {
  const templates = listTemplates(join(ROOT, 'examples'));
  assert.ok(templates.some((t) => t.name === 'demo'));
  assert.ok(templates.some((t) => t.name === 'constant-arrival-rate'));
  for (const t of templates) assert.notEqual(t.description, '', `${t.name} has no opening comment`);
  assert.equal(describeTemplate('# Hello there\nname: x\n'), 'Hello there');
  assert.equal(scenarioFileName(' checkout flow '), 'checkout-flow.volley.yaml');
  assert.equal(scenarioFileName('x.volley.yml'), 'x.volley.yaml');
  assert.equal(scenarioFileName('../'), undefined);
});
