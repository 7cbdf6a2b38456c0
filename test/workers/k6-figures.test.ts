// k6's figures where Volley used to differ (issue 19), on real runs against loopback servers: a shared
// pool's limit is the test's across worker threads and execution segments; vus and vus_max end at the last
// per-second sample (vus_max = the allocated VUs), in one thread, over workers and in a merge of segment
// runs; data_sent is exactly the bytes the server received, interrupted requests included.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { scenarioFacts } from '../../src/engine/doctor/context';
import { peakConnections } from '../../src/engine/doctor/planned-connections';
import { preflightDiagnoses } from '../../src/engine/doctor/preflight';
import { mergeRuns, parseRunText } from '../../src/engine/merge';
import { toSummaryExport } from '../../src/engine/report/summary-export';
import { formatTextSummary } from '../../src/engine/report/text-summary';
import { tupleFromFlags } from '../../src/engine/segments';
import { startParallelRun } from '../../src/engine/workers/parallel-run';
import type { RunSummary } from '../../src/protocol';
import { runSegment } from '../support/segment-run';
import { startTarget, type Target } from '../support/target';
import { compile } from '../engine/harness';

let target: Target;
before(async () => {
  target = await startTarget();
});
after(async () => {
  await target.close();
});

async function runWith(text: string, workers: number, segment?: string, sequence?: string): Promise<RunSummary> {
  const handle = startParallelRun(compile(text), {
    env: {},
    workers,
    source: text,
    preflight: false,
    share: segment === undefined ? undefined : tupleFromFlags(segment, sequence),
    onEvent: () => undefined,
  });
  return handle.done;
}

const sharedPool = (baseUrl: string, max: number): string => `name: pool
baseUrl: ${baseUrl}
http:
  connections: shared
  maxConnectionsPerHost: ${max}
scenarios:
  load:
    executor: constant-vus
    vus: 8
    duration: 1s
    flow:
      - get: /slow?ms=20
`;

describe('a shared pool is the test\'s limit', () => {
  it('a pool of 2 under --workers 2 opens at most 2 connections in all', async () => {
    const before = target.connections;
    const summary = await runWith(sharedPool(target.url, 2), 2);
    assert.ok(summary.metrics.http_reqs.count > 20, 'the run sent requests');
    const opened = target.connections - before;
    assert.ok(opened >= 1 && opened <= 2, `${opened} connections`);
  });

  it('a pool of 1 under --workers 2 runs on one thread, with one connection', async () => {
    const before = target.connections;
    const summary = await runWith(sharedPool(target.url, 1), 2);
    assert.ok(summary.metrics.http_reqs.count > 10);
    assert.equal(target.connections - before, 1);
  });

  it('an execution segment opens its share: half of 2 is 1, over its two workers too', async () => {
    const before = target.connections;
    const summary = await runWith(sharedPool(target.url, 2), 2, '0:1/2', '0,1/2,1');
    assert.ok(summary.metrics.http_reqs.count > 10);
    assert.equal(target.connections - before, 1);
  });

  it('warns at http.maxConnectionsPerHost when a segment\'s share is 0', () => {
    const plan = compile(sharedPool(target.url, 2));
    const limits = { openFilesSoft: undefined, openFilesHard: undefined, openFilesInUse: undefined, portRange: undefined, tcpTwReuse: undefined };
    const sequence = '0,1/3,2/3,1';
    const found = ['0:1/3', '1/3:2/3', '2/3:1'].map((segment) =>
      preflightDiagnoses(plan, plan.scenarios, limits, tupleFromFlags(segment, sequence)).filter((d) => d.id === 'preflight-shared-pool-share'),
    );
    // 2 connections over 3 segments: two segments get 1, one gets none.
    assert.deepEqual(found.map((d) => d.length).sort(), [0, 0, 1]);
    const warning = found.flat()[0];
    assert.deepEqual(warning.edit, { path: ['http', 'maxConnectionsPerHost'], value: 3 });
    assert.equal(preflightDiagnoses(plan, plan.scenarios, limits, tupleFromFlags('0:1/2', '0,1/2,1')).filter((d) => d.id === 'preflight-shared-pool-share').length, 0);
    // The doctor plans a segment's connections from its share of the pool too (descriptors, ports).
    const half = tupleFromFlags('0:1/2', '0,1/2,1');
    assert.equal(peakConnections(plan.scenarios.map((sc) => scenarioFacts(plan, sc, half)), plan, half).connections, 1);
    assert.equal(peakConnections(plan.scenarios.map((sc) => scenarioFacts(plan, sc)), plan).connections, 2);
  });
});

const constantVUs = (baseUrl: string, vus: number, duration: string): string => `name: vus
baseUrl: ${baseUrl}
scenarios:
  load:
    executor: constant-vus
    vus: ${vus}
    duration: ${duration}
    flow:
      - get: /slow?ms=5
`;

function assertVUsEndAtTheAllocated(summary: RunSummary, vus: number): void {
  const exported = toSummaryExport(summary).metrics as Record<string, Record<string, number>>;
  assert.equal(exported.vus_max.value, vus, JSON.stringify(exported.vus_max));
  assert.equal(exported.vus_max.max, vus);
  // Every VU loops until the end, so each per-second sample sees all of them active.
  assert.equal(exported.vus.value, vus, JSON.stringify(exported.vus));
  assert.equal(exported.vus.max, vus);
  const text = formatTextSummary(summary, { color: false });
  assert.match(text, new RegExp(`\\n +vus\\.+: ${vus} +min=${vus} +max=${vus}\\n`));
  assert.match(text, new RegExp(`\\n +vus_max\\.+: ${vus} +min=${vus} +max=${vus}\\n`));
}

describe('vus and vus_max end at the last per-second sample, as in k6', () => {
  it('one thread', async () => {
    assertVUsEndAtTheAllocated(await runWith(constantVUs(target.url, 4, '2s'), 1), 4);
  });

  it('two worker threads: the sum over the workers', async () => {
    assertVUsEndAtTheAllocated(await runWith(constantVUs(target.url, 5, '2s'), 2), 5);
  });

  it('volley merge of segment runs: the sum over the segments', async () => {
    const plan = compile(constantVUs(target.url, 6, '2s'));
    const sequence = '0,1/3,2/3,1';
    const texts = await Promise.all(['0:1/3', '1/3:2/3', '2/3:1'].map((segment) => runSegment(plan, segment, sequence)));
    const merged = mergeRuns(texts.map((text, i) => parseRunText(`seg-${i}.ndjson`, text)));
    const vusMax = merged.summary.metrics.vus_max as { value: number; max: number };
    assert.equal(vusMax.value, 6, JSON.stringify(vusMax));
    assert.equal(vusMax.max, 6);
  });
});

/** A raw TCP server: keeps every byte a client sends, answers each request head with a tiny 200 (none for /hang). */
async function rawServer(): Promise<{ url: string; received: () => Buffer; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        if (!head.startsWith('GET /hang ')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => Buffer.concat(chunks),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('data_sent is what the server received', () => {
  it('a plain GET sends only the request line, host and a short k6-style user agent (no connection: keep-alive)', async () => {
    const server = await rawServer();
    try {
      const summary = await runWith(
        `name: bytes
baseUrl: ${server.url}
scenarios:
  get:
    executor: per-vu-iterations
    vus: 1
    iterations: 10
    flow:
      - get: /
`,
        1,
      );
      const received = server.received();
      assert.equal(summary.metrics.http_reqs.count, 10);
      assert.equal(summary.metrics.data_sent.count, received.length);
      const perRequest = received.length / 10;
      const host = server.url.slice('http://'.length);
      const head = `GET / HTTP/1.1\r\nhost: ${host}\r\nuser-agent: volley/${require('../../package.json').version}\r\n\r\n`;
      assert.equal(received.toString('latin1'), head.repeat(10));
      assert.equal(perRequest, head.length);
      // 127.0.0.1 on a 5-digit port: request line 16 + host 23 + user-agent 26 + end of head 2 = 67 B.
      console.log(`data_sent per plain GET: ${perRequest} B (host ${host})`);
    } finally {
      await server.close();
    }
  });

  it('counts the bytes of a request interrupted by the end of the scenario, as k6 does', async () => {
    const server = await rawServer();
    try {
      const summary = await runWith(
        `name: interrupted
baseUrl: ${server.url}
scenarios:
  hang:
    executor: constant-vus
    vus: 2
    duration: 1s
    gracefulStop: 0s
    flow:
      - get: /hang
`,
        1,
      );
      const received = server.received();
      assert.equal(summary.metrics.http_reqs?.count ?? 0, 0, 'interrupted requests are not measured');
      assert.ok(received.length > 0);
      assert.equal(summary.metrics.data_sent.count, received.length);
    } finally {
      await server.close();
    }
  });
});
