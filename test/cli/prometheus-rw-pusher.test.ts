// The remote-write pusher against a 127.0.0.1 receiver that misbehaves: retried 5xx, a 4xx not retried,
// a bounded queue while the receiver hangs, and the body on the wire (snappy block + protobuf WriteRequest).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';
import { RemoteWritePusher } from '../../src/engine/output/prometheus-rw/pusher';
import { parseTrendStats } from '../../src/engine/output/prometheus-rw/mapping';
import type { TimeSeries } from '../../src/engine/output/prometheus-rw/wire';

let server: Server;
let url: string;
let answers: number[] = [];
let hang = false;
const bodies: Buffer[] = [];

before(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      if (hang) return; // never answers: the pusher's timeout or deadline must cut it
      res.statusCode = answers.shift() ?? 204;
      res.end(res.statusCode >= 400 ? 'no' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const series = (n: number): TimeSeries[] =>
  Array.from({ length: n }, (_, i) => ({ labels: [{ name: '__name__', value: 'k6_x' }, { name: 'i', value: String(i) }], samples: [{ value: i, timestamp: 1_700_000_000_000 }] }));

test('a 503 is retried and then delivered; the body is a snappy-compressed WriteRequest', async () => {
  answers = [503, 503];
  bodies.length = 0;
  const pusher = new RemoteWritePusher(url);
  pusher.push(series(3));
  const report = await pusher.close(5_000);
  assert.deepEqual(report, { pushedSamples: 3, droppedSamples: 0, lastError: 'HTTP 503: no' });
  assert.equal(bodies.length, 3);
  const root = protobuf.Root.fromJSON({
    nested: {
      WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
      TimeSeries: { fields: { labels: { rule: 'repeated', type: 'Label', id: 1 }, samples: { rule: 'repeated', type: 'Sample', id: 2 } } },
      Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
      Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
    },
  });
  const type = root.lookupType('WriteRequest');
  const decoded = type.toObject(type.decode(uncompress(new Uint8Array(bodies[2]))), { longs: Number, defaults: true }) as { timeseries: TimeSeries[] };
  assert.deepEqual(JSON.parse(JSON.stringify(decoded.timeseries)), series(3));
});

test('a 400 is not retried: its samples are dropped with the reason', async () => {
  answers = [400];
  bodies.length = 0;
  const pusher = new RemoteWritePusher(url);
  pusher.push(series(2));
  const report = await pusher.close(5_000);
  assert.deepEqual(report, { pushedSamples: 0, droppedSamples: 2, lastError: 'HTTP 400: no' });
  assert.equal(bodies.length, 1);
});

test('a receiver that hangs: the queue stays bounded and close keeps its deadline', async () => {
  hang = true;
  const pusher = new RemoteWritePusher(url);
  for (let i = 0; i < 20; i++) pusher.push(series(1));
  const started = Date.now();
  const report = await pusher.close(300);
  hang = false;
  assert.ok(Date.now() - started < 1_000, `close took ${Date.now() - started} ms`);
  assert.equal(report.pushedSamples, 0);
  // 12 dropped as the queue overflowed (8 wait at most), 8 at the deadline, the one in flight among them.
  assert.equal(report.droppedSamples, 20);
});

test('trend stats: k6 names and suffixes; anything else is refused', () => {
  assert.deepEqual(parseTrendStats(undefined), [{ stat: 'p(99)', suffix: 'p99', quantile: 0.99 }]);
  const stats = parseTrendStats('p(95), p(99.9),avg,count');
  assert.ok(Array.isArray(stats));
  assert.deepEqual(stats.map((s) => [s.stat, s.suffix]), [['p(95)', 'p95'], ['p(99.9)', 'p999'], ['avg', 'avg'], ['count', 'count']]);
  assert.ok(Math.abs(stats[1].quantile! - 0.999) < 1e-12);
  assert.deepEqual(parseTrendStats('p(101)'), { error: '"p(101)" is not a trend stat: use avg, min, med, max, count, sum or p(N) with N from 0 to 100' });
});
