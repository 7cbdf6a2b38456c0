// Preflight: the plan against the descriptor limit, the ephemeral ports and TIME_WAIT, as a pure function
// of given limits; the limits as this machine reports them; and the real thing: `volley run` with several
// thousand VUs in a child shell whose `ulimit -n` is 64 warns before the first request with the exact
// tuning, fails the excess requests as classified EMFILE errors, and completes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Diagnosis, RunEvent } from '../../src/protocol';
import { parsePortRange, parseProcLimits, preflightDiagnoses, readSystemLimits, type SystemLimits } from '../../src/engine/doctor';
import { compile } from '../engine/harness';
import { startTarget } from '../support/target';

const roomy: SystemLimits = {
  openFilesSoft: 1_048_576,
  openFilesHard: 1_048_576,
  openFilesInUse: 20,
  portRange: { low: 1024, high: 65535 },
  tcpTwReuse: 0,
};

function plan(http: string, scenario: string, baseUrl = 'http://127.0.0.1:8080'): ReturnType<typeof compile> {
  return compile(`baseUrl: ${baseUrl}\n${http}scenarios:\n${scenario}`);
}

const CROWD = `  crowd:
    executor: constant-vus
    vus: 3000
    duration: 10s
    flow:
      - get: /a
      - get: http://127.0.0.1:9090/b
`;

test('descriptors: per-vu connections are maxVUs × origins; the warning carries the exact ulimit and the shared-pool way out', () => {
  const p = plan('', CROWD);
  assert.deepEqual(preflightDiagnoses(p, p.scenarios, roomy), []);
  const [d, ...rest] = preflightDiagnoses(p, p.scenarios, { ...roomy, openFilesSoft: 4096, openFilesHard: 4096, openFilesInUse: 30 });
  assert.equal(rest.length, 0);
  assert.equal(d!.id, 'preflight-file-descriptors');
  assert.equal(d!.severity, 'warning');
  assert.equal(d!.evidence.connections, 6000);
  assert.equal(d!.evidence.origins, 2);
  assert.equal(d!.evidence.openFilesLimit, 4096);
  // (6000 + 64 reserved) × 1.25 = 7580, rounded up to a multiple of 1024.
  assert.equal(d!.evidence.suggestedLimit, 8192);
  assert.match(d!.fix, /^ {2}ulimit -n 8192 /m);
  assert.match(d!.fix, /hard limit is 4096: raise it first.*nofile {2}8192/);
  // 4096 - 64 descriptors over two origins fit pools of 2016: the default 100 per host does.
  assert.match(d!.fix, /http\.connections: shared with maxConnectionsPerHost: 100/);
  assert.deepEqual(d!.edit, { path: ['http', 'connections'], value: 'shared' });
});

test('descriptors: shared pools count the pool size per origin, never more than the VUs', () => {
  const p = plan('http:\n  connections: shared\n  maxConnectionsPerHost: 500\n', CROWD);
  const [d] = preflightDiagnoses(p, p.scenarios, { ...roomy, openFilesSoft: 1024, openFilesInUse: 10 });
  assert.equal(d!.evidence.connections, 1000);
  assert.equal(d!.edit, undefined);
  // Scenarios that do not overlap in time do not add up.
  const staggered = plan(
    '',
    `  first:
    executor: constant-vus
    vus: 600
    duration: 5s
    gracefulStop: 1s
    flow:
      - get: /a
  second:
    executor: constant-vus
    vus: 600
    startTime: 6s
    duration: 5s
    flow:
      - get: /a
`,
  );
  assert.deepEqual(preflightDiagnoses(staggered, staggered.scenarios, { ...roomy, openFilesSoft: 1024, openFilesInUse: 10 }), []);
  const overlapping = plan('', staggered.scenarios.map(() => '').join('') + CROWD.replace('3000', '600').replace('crowd', 'one') + CROWD.replace('3000', '600').replace('crowd', 'two'));
  assert.equal(preflightDiagnoses(overlapping, overlapping.scenarios, { ...roomy, openFilesSoft: 2048, openFilesInUse: 10 })[0]?.evidence.connections, 2400);
});

test('ephemeral ports: more connections to one destination than local ports', () => {
  const p = plan('', CROWD);
  const ds = preflightDiagnoses(p, p.scenarios, { ...roomy, portRange: { low: 60000, high: 61999 } });
  const ports = ds.find((d) => d.id === 'preflight-ephemeral-ports');
  assert.ok(ports, ds.map((d) => d.id).join(', '));
  assert.equal(ports.evidence.ephemeralPorts, 2000);
  assert.equal(ports.evidence.connectionsToOneDestination, 3000);
  assert.match(ports.fix, /sudo sysctl -w net\.ipv4\.ip_local_port_range="1024 65535"/);
});

test('TIME_WAIT: planned churn (noVUConnectionReuse) against ports / 60 s, unless tcp_tw_reuse applies', () => {
  const churny = (baseUrl: string) =>
    plan(
      'http:\n  noVUConnectionReuse: true\n',
      `  hits:
    executor: constant-arrival-rate
    rate: 1000
    timeUnit: 1s
    duration: 1m
    preAllocatedVUs: 50
    maxVUs: 100
    flow:
      - get: /a
`,
      baseUrl,
    );
  const limits = { ...roomy, portRange: { low: 32768, high: 60999 } };
  const remote = churny('http://10.0.0.7:8080');
  const [d] = preflightDiagnoses(remote, remote.scenarios, limits);
  assert.equal(d?.id, 'preflight-time-wait');
  // 28232 ports / 60 s = 470 connections a second; the plan makes 1000.
  assert.equal(d!.evidence.newConnectionsPerSecond, 1000);
  assert.equal(d!.evidence.sustainablePerSecond, 470);
  assert.match(d!.fix, /sudo sysctl -w net\.ipv4\.tcp_tw_reuse=1/);
  assert.deepEqual(d!.edit, { path: ['http', 'noVUConnectionReuse'], value: false });
  assert.deepEqual(preflightDiagnoses(remote, remote.scenarios, { ...limits, tcpTwReuse: 1 }), []);
  // Linux's default 2 reuses TIME_WAIT ports for loopback only.
  const local = churny('http://127.0.0.1:8080');
  assert.deepEqual(preflightDiagnoses(local, local.scenarios, { ...limits, tcpTwReuse: 2 }), []);
  assert.equal(preflightDiagnoses(remote, remote.scenarios, { ...limits, tcpTwReuse: 2 })[0]?.id, 'preflight-time-wait');
});

test('the limits as Linux reports them', () => {
  const text = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
`;
  assert.deepEqual(parseProcLimits(text), { soft: 1024, hard: 524288 });
  assert.deepEqual(parsePortRange('32768\t60999\n'), { low: 32768, high: 60999 });
  assert.equal(parsePortRange('garbage'), undefined);
  const limits = readSystemLimits();
  if (process.platform === 'linux') {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!;
    assert.equal(String(limits.openFilesSoft), line.split(/\s+/)[3]);
    assert.ok(limits.portRange && limits.portRange.high > limits.portRange.low);
    assert.ok((limits.openFilesInUse ?? 0) >= 3);
  }
});

interface ChildRun {
  code: number | null;
  stderr: string;
  events: RunEvent[];
  exported: { diagnoses: Diagnosis[]; scenarios: Array<{ steps: Array<{ requests: number; errors: Record<string, number> }> }> };
}

const root = resolve(__dirname, '../..');

function runUnderUlimit(dir: string, name: string, scenario: string, extra: string[]): Promise<ChildRun> {
  const file = join(dir, `${name}.volley.yaml`);
  writeFileSync(file, scenario);
  const ndjson = join(dir, `${name}.ndjson`);
  const exported = join(dir, `${name}.json`);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '--import', 'tsx', join(root, 'src/engine/main.ts'), 'run', file, '--out', `ndjson=${ndjson}`, '--summary-export', exported, ...extra]
    .map(quote)
    .join(' ');
  const child = spawn('sh', ['-c', `ulimit -n 64 && exec ${command}`], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolvePromise) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      assert.equal(code, 0, `volley run ${name} exited with ${code}:\n${stderr}`);
      const events = readFileSync(ndjson, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
      resolvePromise({ code, stderr, events, exported: JSON.parse(readFileSync(exported, 'utf8')) });
    });
  });
}

test('volley run under `ulimit -n 64`: the preflight warning first, then classified EMFILE errors, and the run completes', async () => {
  const server = await startTarget();
  const dir = mkdtempSync(join(tmpdir(), 'volley-doctor-'));
  try {
    const crowd = (vus: number, duration: string) => `baseUrl: ${server.url}
scenarios:
  crowd:
    executor: constant-vus
    vus: ${vus}
    duration: ${duration}
    flow:
      - name: hit
        get: /ok
      - think: 200ms
`;
    const [warned, quiet] = await Promise.all([
      runUnderUlimit(dir, 'crowd', crowd(2500, '1s'), ['--workers', '1']),
      runUnderUlimit(dir, 'small', crowd(200, '1s'), ['--no-preflight', '--workers', '1']),
    ]);

    assert.equal(warned.code, 0, warned.stderr);
    // Before the first request: the preflight diagnosis follows `start` at once, before any aggregate.
    assert.equal(warned.events[0]!.type, 'start');
    const first = warned.events[1]!;
    assert.ok(first.type === 'diagnosis' && first.t === 0 && first.diagnosis.id === 'preflight-file-descriptors', JSON.stringify(first).slice(0, 300));
    const pre = first.diagnosis;
    assert.equal(pre.evidence.openFilesLimit, 64);
    assert.equal(pre.evidence.connections, 2500);
    const limit = Number(pre.evidence.suggestedLimit);
    assert.ok(limit >= 2500 + 64 && limit % 1024 === 0, `suggested ${limit}`);
    // Printed on stderr with the exact line to type, before the summary.
    const printed = warned.stderr.indexOf(`ulimit -n ${limit} `);
    assert.ok(printed >= 0, warned.stderr.slice(0, 2000));
    assert.ok(printed < warned.stderr.indexOf('preflight') || warned.stderr.indexOf('Not enough file descriptors') < printed);
    assert.match(warned.stderr, /hard limit is 64/);

    // The excess requests failed as fd-exhausted, the run carried on, and the doctor said why.
    const step = warned.exported.scenarios[0]!.steps[0]!;
    assert.ok((step.errors['fd-exhausted'] ?? 0) > 0, JSON.stringify(step.errors));
    assert.ok(step.requests > step.errors['fd-exhausted']!, 'some requests got through');
    const summary = warned.events.find((e) => e.type === 'summary');
    assert.ok(summary && summary.type === 'summary' && summary.summary.outcome === 'completed');
    const exportedIds = warned.exported.diagnoses.map((d) => d.id);
    assert.ok(exportedIds.includes('preflight-file-descriptors') && exportedIds.includes('generator-os-limits'), exportedIds.join(', '));
    const os = warned.exported.diagnoses.find((d) => d.id === 'generator-os-limits')!;
    assert.match(os.fix, new RegExp(`ulimit -n ${limit} `), 'the same tuning as preflight');
    assert.ok(!exportedIds.includes('failures-sut-side'), exportedIds.join(', '));

    // --no-preflight: no warning up front, but the failures are still diagnosed.
    assert.equal(quiet.code, 0, quiet.stderr);
    const quietIds = quiet.exported.diagnoses.map((d) => d.id);
    assert.ok(!quietIds.includes('preflight-file-descriptors'), quietIds.join(', '));
    assert.ok(quietIds.includes('generator-os-limits'), quietIds.join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});
