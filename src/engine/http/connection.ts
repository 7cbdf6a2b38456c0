// One keep-alive connection: an undici Client with pipelining 1 whose `connect` is ours, so the setup of
// every new socket is timestamped (start, TCP connected, TLS secureConnect). The request that finds the
// setup unclaimed (`fresh`) gets it as its connecting and tls_handshaking; later requests on the same
// socket get 0 for both. A Connection is used by one request at a time (a VU's own, or leased from a
// shared pool), so "the request that triggered the setup" is unambiguous.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Client, type buildConnector } from 'undici';
import { now } from './clock';
import { kConnectPhase, VolleyHttpError } from './errors';
import type { Origin } from './origin';

export interface ConnectionHost {
  readonly connectTimeoutMs: number;
  /** A socket was created; the host counts it until its 'close'. */
  socketCreated(socket: Socket): void;
  /** A TCP connection was established. */
  socketConnected(): void;
}

export class Connection {
  readonly client: Client;
  socket: Socket | null = null;
  /** True from the connector's call until it hands undici the socket (or an error). */
  connecting = false;
  /** A setup that no request has claimed yet. */
  fresh = false;
  connectStart = 0;
  tcpAt = 0;
  tlsAt = 0;
  /** Socket byte counts already attributed to requests. */
  private accountedRead = 0;
  private accountedWritten = 0;

  constructor(
    readonly origin: Origin,
    private readonly host: ConnectionHost,
  ) {
    this.client = new Client(origin.key, {
      connect: this.connect,
      pipelining: 1,
      // Timeouts are the agent's sweeper's job (one timer for all requests), not undici's per request.
      headersTimeout: 0,
      bodyTimeout: 0,
      // Without a server hint, keep idle connections like Go's transport does (k6), not undici's 4 s.
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
    });
  }

  /** Takes the socket bytes not yet attributed to a request. */
  takeBytes(): { read: number; written: number } | undefined {
    const s = this.socket;
    if (!s) return undefined;
    const read = s.bytesRead;
    const written = s.bytesWritten;
    BYTES.read = read - this.accountedRead;
    BYTES.written = written - this.accountedWritten;
    this.accountedRead = read;
    this.accountedWritten = written;
    return BYTES;
  }

  /** Fails a setup in progress (timeout or interruption); undici then errors the waiting request. */
  failSetup(err: Error): void {
    if (this.connecting && this.socket) this.socket.destroy(err);
  }

  /** Closes the socket; the Client stays usable and reconnects on its next request. */
  closeSocket(): void {
    const s = this.socket;
    if (s && !s.destroyed) s.destroy();
  }

  /** Destroys the Client (failing a request still in flight as aborted) and its socket. */
  async destroy(): Promise<void> {
    const closing = this.client.destroy(CLOSED).catch(() => undefined);
    this.socket?.destroy();
    await closing;
  }

  private readonly connect: buildConnector.connector = (_options, callback) => {
    const origin = this.origin;
    this.connectStart = now();
    this.tcpAt = 0;
    this.tlsAt = 0;
    this.connecting = true;
    this.fresh = true;
    this.accountedRead = 0;
    this.accountedWritten = 0;
    const socket: Socket = origin.tlsOptions ? tlsConnect(origin.tlsOptions) : netConnect(origin.netOptions);
    this.socket = socket;
    omitKeepAliveHeader(socket);
    this.host.socketCreated(socket);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.setTimeout(this.host.connectTimeoutMs);
    let done = false;
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      this.connecting = false;
      socket.setTimeout(0);
      socket.removeListener('timeout', onTimeout);
      if (err) callback(err, null);
      else callback(null, socket);
    };
    const onTimeout = (): void => {
      socket.destroy(new VolleyHttpError('connect-timeout', `connect timeout after ${this.host.connectTimeoutMs} ms`));
    };
    socket.once('connect', () => {
      this.tcpAt = now();
      this.host.socketConnected();
      if (!origin.secure) finish(null);
    });
    if (origin.secure) {
      socket.once('secureConnect', () => {
        this.tlsAt = now();
        finish(null);
      });
    }
    socket.on('timeout', onTimeout);
    socket.on('error', (err: Error & { [kConnectPhase]?: 'tcp' | 'tls' }) => {
      if (done) return; // undici's own listeners handle errors once the socket is handed over
      err[kConnectPhase] = this.tcpAt ? 'tls' : 'tcp';
      finish(err);
    });
  };
}

/** What undici writes into every request head while it keeps the connection (pipelining ≥ 1). */
const KEEP_ALIVE_LINE = '\r\nconnection: keep-alive\r\n';

/**
 * HTTP/1.1 connections are persistent unless a side says `Connection: close`, so the `connection:
 * keep-alive` undici adds to every request (client-h1.js, whenever pipelining is on; no option turns it
 * off) is 24 bytes of data_sent that k6's client never sends. Request heads are the only strings undici
 * writes that hold a CRLF-delimited header line (bodies go out as Buffers, chunk sizes hold no header),
 * and the line comes right after the request line and `host`, so the first match is undici's own.
 */
function omitKeepAliveHeader(socket: Socket): void {
  const write = socket.write;
  socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string') {
      const at = chunk.indexOf(KEEP_ALIVE_LINE);
      if (at >= 0) chunk = chunk.slice(0, at + 2) + chunk.slice(at + KEEP_ALIVE_LINE.length);
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Socket['write'];
}

const CLOSED = new VolleyHttpError('aborted', 'the connection was closed by the end of the run');

/** Reused result of takeBytes (read immediately by the caller). */
const BYTES = { read: 0, written: 0 };
