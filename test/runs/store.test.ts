// The run store on real directories: where it lives, names, latest-run lookups, pruning, and reading a
// run's summary from the end of a large file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent, RunSummary } from '../../src/protocol';
import {
  RunStore,
  openStoredRun,
  parseRunFileName,
  readRunStart,
  readRunSummary,
  resolveRunsDir,
  runFileName,
  scenarioFileKey,
} from '../../src/engine/runs';
import { encodeHistogram, newTotalHistogram } from '../../src/engine/metrics/hdr';
import { iterationDurationsOf } from '../../src/engine/estimate';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'volley-runs-'));
}

function summaryOf(scenarios: Record<string, number[]>, runId = 'r1'): RunSummary {
  const histograms: Record<string, string> = {};
  for (const [name, samples] of Object.entries(scenarios)) {
    const h = newTotalHistogram();
    for (const ms of samples) h.recordValue(Math.round(ms * 1000));
    histograms[`iteration_duration{scenario=${name}}`] = encodeHistogram(h);
  }
  return {
    runId,
    startedAt: '2025-05-01T12:00:00.000Z',
    durationMs: 1000,
    outcome: 'completed',
    scenarios: [],
    metrics: {},
    thresholds: [],
    diagnoses: [],
    histograms,
  };
}

function startOf(scenarios: string[]): RunEvent {
  return {
    type: 'start',
    v: 1,
    runId: 'r1',
    startedAt: '2025-05-01T12:00:00.000Z',
    engineVersion: '0.0.0',
    plan: {
      file: 'x',
      name: 'x',
      scenarios: scenarios.map((name) => ({ name, executor: 'constant-arrival-rate', startTimeMs: 0, durationMs: 1000, gracefulStopMs: 0, maxVUs: 1, steps: [] })),
      thresholds: [],
    },
  };
}

function writeRun(path: string, events: RunEvent[]): void {
  writeFileSync(path, events.map((e) => JSON.stringify(e) + '\n').join(''));
}

test('the runs directory: explicit, VOLLEY_RUNS_DIR, the nearest .volley or .git, else beside the file', () => {
  const root = tempDir();
  try {
    const file = join(root, 'a', 'b', 'load.volley.yaml');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(file, '');
    assert.equal(resolveRunsDir(file, { env: {} }), join(root, 'a', 'b', '.volley', 'runs'));
    mkdirSync(join(root, '.git'));
    assert.equal(resolveRunsDir(file, { env: {} }), join(root, '.volley', 'runs'));
    mkdirSync(join(root, 'a', '.volley'));
    assert.equal(resolveRunsDir(file, { env: {} }), join(root, 'a', '.volley', 'runs'));
    assert.equal(resolveRunsDir(file, { env: { VOLLEY_RUNS_DIR: 'rel' }, cwd: root }), join(root, 'rel'));
    assert.equal(resolveRunsDir(file, { runsDir: '/x/y', env: { VOLLEY_RUNS_DIR: 'rel' } }), '/x/y');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('run file names sort by time, carry the scenario file, and keep same-named files in different folders apart', () => {
  const t = new Date('2025-05-01T12:04:05.123Z');
  const key = scenarioFileKey('/w/load.volley.yaml');
  assert.match(key, /^load-[0-9a-f]{8}$/);
  assert.notEqual(scenarioFileKey('/w/other/load.volley.yaml'), key);
  const name = runFileName(key, t);
  assert.equal(name, `2025-05-01T12-04-05-123Z--${key}.ndjson`);
  assert.deepEqual(parseRunFileName(name), { name, startedAt: t, sequence: 1, fileKey: key });
  assert.equal(parseRunFileName(runFileName(key, t, 3))!.sequence, 3);
  assert.equal(parseRunFileName('notes.txt'), undefined);

  const dir = tempDir();
  try {
    const store = new RunStore(dir);
    const first = store.newRunPath('/w/load.volley.yaml', t);
    writeFileSync(first, '');
    const second = store.newRunPath('/w/load.volley.yaml', t);
    assert.notEqual(second, first);
    assert.match(second, /~2--load-/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('latest measured run of a file and scenario skips unfinished runs and runs of other scenarios', () => {
  const dir = tempDir();
  try {
    const store = new RunStore(dir);
    const file = join(dir, 'load.volley.yaml');
    const other = join(dir, 'other.volley.yaml');
    const at = (s: number): Date => new Date(Date.UTC(2025, 4, 1, 12, 0, s));
    writeRun(store.newRunPath(file, at(1)), [startOf(['browse']), { type: 'summary', summary: summaryOf({ browse: [100, 200, 300] }, 'old') }]);
    writeRun(store.newRunPath(file, at(2)), [startOf(['browse', 'login']), { type: 'summary', summary: summaryOf({ login: [5] }, 'login-only') }]);
    writeRun(store.newRunPath(file, at(3)), [startOf(['browse'])]); // crashed: no summary
    writeRun(store.newRunPath(other, at(4)), [startOf(['browse']), { type: 'summary', summary: summaryOf({ browse: [1] }, 'other-file') }]);

    assert.equal(store.runsOf(file).length, 3);
    assert.equal(store.latestRun(file, 'browse')!.startedAt.getTime(), at(3).getTime());
    assert.equal(store.latestRun(file, 'nothing'), undefined);
    const measured = store.latestMeasured(file, 'browse')!;
    assert.equal(measured.summary.runId, 'old');
    assert.equal(measured.durations.count, 3);
    assert.equal(measured.trial, false);
    assert.equal(store.latestMeasured(file, 'login')!.summary.runId, 'login-only');
    assert.equal(store.latestMeasured(join(dir, 'never.volley.yaml'), 'browse'), undefined);
    assert.deepEqual(new RunStore(join(dir, 'missing')).all(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pruning keeps the newest N runs of the file and leaves other files\' runs alone', () => {
  const dir = tempDir();
  try {
    const store = new RunStore(dir);
    const file = join(dir, 'load.volley.yaml');
    const other = join(dir, 'other.volley.yaml');
    for (let i = 0; i < 7; i++) writeRun(store.newRunPath(file, new Date(Date.UTC(2025, 0, 1, 0, 0, i))), [startOf(['s'])]);
    writeRun(store.newRunPath(other, new Date(Date.UTC(2024, 0, 1))), [startOf(['s'])]);
    const removed = store.prune(file, 3);
    assert.equal(removed.length, 4);
    const left = store.runsOf(file).map((r) => r.startedAt.getUTCSeconds());
    assert.deepEqual(left, [6, 5, 4]);
    assert.equal(store.runsOf(other).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the summary is read from the end of a large run file, the start from its head', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'big.ndjson');
    const aggregates: RunEvent[] = Array.from({ length: 3000 }, (_, t) => ({ type: 'log', t, level: 'info', message: 'x'.repeat(200) }));
    // A summary line longer than the first chunk read (256 KiB): the reader must widen its window.
    const samples = Array.from({ length: 50_000 }, (_, i) => 1 + (i % 5000) * 37.3);
    const summary = summaryOf({ browse: samples });
    for (let i = 0; i < 40; i++) summary.histograms![`pad{scenario=p${i}}`] = summary.histograms!['iteration_duration{scenario=browse}'] + 'A'.repeat(8000);
    writeRun(path, [startOf(['browse']), ...aggregates, { type: 'summary', summary }, { type: 'end', exitCode: 0 }]);
    const read = readRunSummary(path)!;
    assert.equal(read.runId, 'r1');
    assert.equal(iterationDurationsOf(read, 'browse')!.count, 50_000);
    assert.equal(readRunStart(path)!.plan.scenarios[0].name, 'browse');
    writeRun(join(dir, 'none.ndjson'), [startOf(['browse']), ...aggregates.slice(0, 10)]);
    assert.equal(readRunSummary(join(dir, 'none.ndjson')), undefined);
    assert.equal(readRunSummary(join(dir, 'missing.ndjson')), undefined);
    writeFileSync(join(dir, 'junk.ndjson'), 'not json\n');
    assert.equal(readRunStart(join(dir, 'junk.ndjson')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openStoredRun writes the events and prunes; an unwritable store is reported, never thrown', () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'load.volley.yaml');
    const runsDir = join(dir, 'runs');
    const store = new RunStore(runsDir);
    mkdirSync(runsDir);
    for (let i = 0; i < 3; i++) writeRun(store.newRunPath(file, new Date(Date.UTC(2020, 0, 1, 0, 0, i))), [startOf(['s'])]);
    const stored = openStoredRun(file, { runsDir, keep: 2 })!;
    stored.write(startOf(['browse']));
    stored.write({ type: 'summary', summary: summaryOf({ browse: [10] }) });
    stored.close();
    assert.equal(readdirSync(runsDir).length, 2);
    assert.equal(store.latestMeasured(file, 'browse')!.run.path, stored.path);

    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      const errors: string[] = [];
      assert.equal(openStoredRun(file, { runsDir: join(locked, 'runs'), onError: (m) => errors.push(m) }), undefined);
      assert.match(errors[0], /cannot keep the run in/);
    } else {
      const errors: string[] = [];
      writeFileSync(join(dir, 'a-file'), '');
      assert.equal(openStoredRun(file, { runsDir: join(dir, 'a-file', 'runs'), onError: (m) => errors.push(m) }), undefined);
      assert.match(errors[0], /cannot keep the run in/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
