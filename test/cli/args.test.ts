import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, all, has, last, parseArgs } from '../../src/engine/cli/args';
import { COMMANDS, commandHelp, commandNamed } from '../../src/engine/cli/commands';
import { ProgressModel } from '../../src/engine/cli/progress';

const runFlags = commandNamed('run')!.flags;

test('parses long, short, =, attached and repeated flags', () => {
  const args = parseArgs(
    ['a.volley.yaml', '--scenario', 'browse', '-s', 'checkout', '--out=ndjson=x.ndjson', '-eTOKEN=abc', '-e', 'A=1', '--quiet', '--no-color'],
    runFlags,
    'run',
  );
  assert.deepEqual(args.positionals, ['a.volley.yaml']);
  assert.deepEqual(all(args, 'scenario'), ['browse', 'checkout']);
  assert.equal(last(args, 'out'), 'ndjson=x.ndjson');
  assert.deepEqual(all(args, 'env'), ['TOKEN=abc', 'A=1']);
  assert.ok(has(args, 'quiet') && has(args, 'no-color'));
  assert.deepEqual(parseArgs(['--', '--quiet'], runFlags, 'run').positionals, ['--quiet']);
});

test('mistakes are usage errors with the fix', () => {
  const fails = (argv: string[], message: RegExp): void => {
    assert.throws(() => parseArgs(argv, runFlags, 'run'), (err: unknown) => err instanceof UsageError && message.test(err.message));
  };
  fails(['--scenaro', 'x'], /unknown flag --scenaro \(did you mean --scenario\?\)/);
  fails(['-x'], /unknown flag -x/);
  fails(['--out'], /--out needs a value: --out KIND=TARGET/);
  fails(['--scenario', '--quiet'], /--scenario needs a value/);
  fails(['--quiet=yes'], /--quiet takes no value/);
  fails(['--run-id', 'a', '--run-id', 'b'], /--run-id was given more than once/);
});

test('every command has help that lists its flags', () => {
  for (const spec of COMMANDS) {
    const text = commandHelp(spec);
    assert.match(text, new RegExp(`Usage: ${spec.synopsis.replace(/[.[\]]/g, '\\$&')}`));
    for (const flag of spec.flags) assert.ok(text.includes(`--${flag.name}`), `${spec.name} help lacks --${flag.name}`);
  }
});

test('progress line: elapsed/total, rate vs target, VUs, req/s, p95, cumulative errors and dropped', () => {
  const model = new ProgressModel();
  model.start({
    file: 'f',
    name: 'n',
    scenarios: [{ name: 'browse', executor: 'constant-arrival-rate', startTimeMs: 0, durationMs: 15_000, gracefulStopMs: 5000, maxVUs: 20, steps: [] }],
    thresholds: [],
  });
  const trend = { count: 1, avg: 1, min: 1, med: 1, max: 1, p90: 1, p95: 23.4, p99: 1 };
  const phases = { blocked: trend, connecting: trend, tlsHandshaking: trend, sending: trend, waiting: trend, receiving: trend };
  const aggregate = (t: number) => ({
    type: 'aggregate' as const,
    t,
    health: { cpuPercent: 1, eventLoopDelayP99Ms: 1, rssBytes: 1, heapUsedBytes: 1, openSockets: 1, newConnections: 0 },
    scenarios: [
      {
        scenario: 'browse', iterations: 49, dropped: 1, interrupted: 0, iterationDuration: trend, lateness: trend,
        vusActive: 3, vusAllocated: 10, vusMax: 20, targetRate: 50,
        steps: [{ scenario: 'browse', step: 's', stepIndex: 0, requests: 98, failed: 2, duration: trend, phases, errors: {}, statuses: {}, checksPassed: 0, checksFailed: 0, dataSent: 0, dataReceived: 0 }],
      },
    ],
  });
  assert.equal(model.line(aggregate(7)), 'running 0m07.0s/0m15.0s  browse 49/50 it/s 3/10 VUs  98 req/s p95 23.4ms  errors 2  dropped 1');
  assert.match(model.line(aggregate(8)), /errors 4  dropped 2$/);
});
