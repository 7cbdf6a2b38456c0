// The arrival-rate floor of this machine: the schedule Volley's constant-arrival-rate runs (iteration n
// due n × 1000/rate ms after the start, one timer re-armed to the next due time, every due iteration
// started on the most recently idle VU or dropped, one connection per VU opened on its first request),
// driven by the least code that can do it, so the bench can say how much of Volley's start lateness
// the machine itself imposes. Nothing else: no flow, no checks, no metrics but the lateness, no
// catch-up slices, no warm-up.
//
//   --client undici   each VU a bare undici Client driven by dispatch() with a handler that counts
//   --client socket   each VU a net.Socket writing a fixed request head; a response is its first
//                     chunk (the bench's nginx answers in one segment) — no HTTP parsing at all
//
// Prints one JSON line: started, dropped, lateness p50/p99 over the run, p99 of each second, CPU µs
// per scheduled iteration. The bench bundles and runs it pinned to the generator core.
import { connect, type Socket } from 'node:net';
import { Client, type Dispatcher } from 'undici';

interface Options {
  client: 'undici' | 'socket';
  port: number;
  rate: number;
  seconds: number;
  vus: number;
}

function options(argv: readonly string[]): Options {
  const value = (name: string): string => {
    const i = argv.indexOf(`--${name}`);
    const v = i < 0 ? undefined : argv[i + 1];
    if (v === undefined) throw new Error(`arrival-floor: --${name} is required`);
    return v;
  };
  const client = value('client');
  if (client !== 'undici' && client !== 'socket') throw new Error(`arrival-floor: --client is undici or socket, not ${client}`);
  const number = (name: string): number => {
    const n = Number(value(name));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`arrival-floor: --${name} must be a positive number`);
    return n;
  };
  return { client, port: number('port'), rate: number('rate'), seconds: number('seconds'), vus: number('vus') };
}

interface VU {
  start(): void;
}

const REQUEST: Dispatcher.DispatchOptions = { path: '/', method: 'GET', headers: ['user-agent', 'volley-floor'] };

class UndiciVU implements VU, Dispatcher.DispatchHandlers {
  private client: Client | undefined;
  constructor(
    private readonly origin: string,
    private readonly idle: VU[],
  ) {}
  start(): void {
    this.client ??= new Client(this.origin);
    this.client.dispatch(REQUEST, this);
  }
  onConnect(): void {}
  onHeaders(): boolean {
    return true;
  }
  onData(): boolean {
    return true;
  }
  onComplete(): void {
    this.idle.push(this);
  }
  onError(error: Error): void {
    throw error;
  }
}

class SocketVU implements VU {
  private static readonly head = 'GET / HTTP/1.1\r\nhost: 127.0.0.1\r\nuser-agent: volley-floor\r\n\r\n';
  private socket: Socket | undefined;
  constructor(
    private readonly port: number,
    private readonly idle: VU[],
  ) {}
  start(): void {
    if (this.socket === undefined) {
      this.socket = connect(this.port, '127.0.0.1');
      this.socket.setNoDelay(true);
      this.socket.on('data', () => this.idle.push(this));
      this.socket.on('error', (error) => {
        throw error;
      });
    }
    this.socket.write(SocketVU.head, 'latin1');
  }
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

function main(): void {
  const o = options(process.argv.slice(2));
  const idle: VU[] = [];
  for (let i = 0; i < o.vus; i++) idle.push(o.client === 'undici' ? new UndiciVU(`http://127.0.0.1:${o.port}`, idle) : new SocketVU(o.port, idle));
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const lateness = new Float64Array(total);
  const second = new Uint32Array(total);
  let started = 0;
  let next = 0;
  const cpuAtStart = process.cpuUsage();
  const t0 = performance.now();
  const tick = (): void => {
    let elapsed = performance.now() - t0;
    while (next < total && next * interval <= elapsed) {
      const due = next * interval;
      next++;
      const vu = idle.pop();
      if (vu === undefined) continue;
      lateness[started] = elapsed - due;
      second[started++] = Math.floor(due / 1000);
      vu.start();
      elapsed = performance.now() - t0;
    }
    if (next < total) {
      setTimeout(tick, Math.max(1, Math.ceil(next * interval - elapsed)));
      return;
    }
    const cpu = process.cpuUsage(cpuAtStart);
    const perSecond: number[] = [];
    for (let s = 0; s < o.seconds; s++) {
      const values: number[] = [];
      for (let i = 0; i < started; i++) if (second[i] === s) values.push(lateness[i]!);
      perSecond.push(percentile(Float64Array.from(values).sort(), 0.99));
    }
    const all = lateness.subarray(0, started).sort();
    process.stdout.write(
      JSON.stringify({
        client: o.client,
        started,
        dropped: total - started,
        latenessP50Ms: percentile(all, 0.5),
        latenessP99Ms: percentile(all, 0.99),
        latenessP99PerSecondMs: perSecond,
        cpuMicrosPerIteration: (cpu.user + cpu.system) / total,
      }) + '\n',
    );
    // In-flight requests and keep-alive sockets would hold the process; the figures are out.
    process.exit(0);
  };
  tick();
}

main();
