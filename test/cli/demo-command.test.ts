import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { freePort, scenario, spawnVolley, volley, waitFor, workspace, type Workspace } from './helpers';

let ws: Workspace;
before(() => {
  ws = workspace();
});
after(() => ws.cleanup());

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('demo --run: runs the file against the target, stops it, exits with the run\'s code', async () => {
  const port = await freePort();
  const file = ws.file('demo-run.volley.yaml', scenario(`http://127.0.0.1:${port}`, { rate: 10, duration: '1s', thresholds: '  http_req_failed: [rate==0]' }));
  const r = await volley(ws, ['demo', '--port', String(port), '--latency', '1ms', '--seed', '4', '--run', file, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`demo target listening on http://127\\.0\\.0\\.1:${port} \\(latency ~1ms\\)`));
  assert.match(r.stdout, /http_reqs/);
  assert.ok(await portIsClosed(port), 'the target is stopped after the run');
});

test('run --demo: the target listens on the baseUrl; injected faults fail the threshold (99)', async () => {
  const port = await freePort();
  const file = ws.file('run-demo.volley.yaml', scenario(`http://127.0.0.1:${port}`, { rate: 10, duration: '1s', thresholds: '  http_req_failed: [rate==0]' }));
  const ok = await volley(ws, ['run', file, '--demo', '--quiet']);
  assert.equal(ok.code, 0, ok.stderr);
  const faulty = await volley(ws, ['demo', '--port', String(port), '--latency', '1', '--fault-rate', '0.5', '--seed', '5', '--run', file, '--quiet']);
  assert.equal(faulty.code, 99, faulty.stderr);
});

test('demo serves until Ctrl-C', async () => {
  const port = await freePort();
  const demo = spawnVolley(ws, ['demo', '--port', String(port), '--latency', '0']);
  await waitFor('the target', () => demo.stderrSoFar().includes('listening'));
  const res = await fetch(`http://127.0.0.1:${port}/products/3`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).id, 3);
  demo.child.kill('SIGINT');
  const r = await demo.finished;
  assert.equal(r.code, 0);
  assert.match(r.stderr, /demo target stopped: 1 request over 1 connection\n/);
});

test('demo refuses a host that is not loopback, and a port in use', async () => {
  const r = await volley(ws, ['demo', '--host', '0.0.0.0']);
  assert.equal(r.code, 104);
  assert.match(r.stderr, /--host 0\.0\.0\.0: the demo target only listens on loopback addresses/);
  const port = await freePort();
  const first = spawnVolley(ws, ['demo', '--port', String(port)]);
  await waitFor('the first target', () => first.stderrSoFar().includes('listening'));
  const second = await volley(ws, ['demo', '--port', String(port)]);
  assert.equal(second.code, 103);
  assert.match(second.stderr, /already in use/);
  first.child.kill('SIGINT');
  await first.finished;
});
