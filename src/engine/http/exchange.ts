// One request/response at a time, reused: a VU owns one Exchange and sends all its requests through it.
// It is the undici dispatch handler itself, so the hot path creates no handler object and no closure per
// request; the caller fills the request fields, awaits `send`, then reads the result fields.
//
// Phases (k6's definitions, one clock: ./clock.ts). `begin` is k6's GetConn (the request is rendered and
// handed to the connection layer); `ready` is k6's GotConn (a connection is there for it):
//   blocked         begin → ready: waiting for a pooled connection, or a new connection's setup (connecting
//                   and TLS included); a warm keep-alive connection is ready at once
//   queued          ready → onConnect (undici writes the request): Volley's own, volley_req_queued. The
//                   generator's time: undici's Request, its check of an idle socket before reuse (one
//                   setImmediate, so the rest of the event loop's turn), and a late event loop. Go's
//                   transport writes from a goroutine of its own and has no such wait, so k6 counts
//                   none; here it is kept out of both blocked and duration.
//   connecting      connector start → TCP connect, only for the request that triggered that setup
//   tls_handshaking TCP connect → secureConnect, likewise
//   sending         onConnect → onRequestSent (request line, headers and body handed to the socket)
//   waiting         onRequestSent → onResponseStarted (first byte of the response parsed)
//   receiving       first byte → onComplete
//   duration        sending + waiting + receiving
// Bytes: the socket's byte counters between requests (exact HTTP/1.1 bytes, chunk framing included; on
// TLS the plaintext, without record overhead or handshake).
import type { Dispatcher } from 'undici';
import type { Timings } from '../metrics/recorder';
import type { ErrorClass } from '../../protocol';
import type { HttpMethod } from '../scenario/plan';
import { now } from './clock';
import type { Connection } from './connection';
import type { DeadlineList, DeadlineSweeper, Expirable } from './deadlines';
import { classifyError, VolleyHttpError } from './errors';

const IDLE = 0;
/** Waiting in a shared pool's queue for a connection. */
const QUEUED = 1;
/** Handed to a connection's Client. */
const DISPATCHED = 2;
const DONE = 3;

/** How much of a failed response's body is kept for its sample (enough to decode a compressed start). */
export const FAILED_BODY_BYTES = 16 * 1024;

/** Gives connections back (shared pools); per-VU connections need no release. */
export interface ConnectionLender {
  release(conn: Connection): void;
  cancel(ex: Exchange): void;
}

export class Exchange implements Dispatcher.DispatchHandlers, Expirable {
  // ---- request, filled by the caller before send()
  method: HttpMethod = 'GET';
  /** Path with query, starting with '/'. */
  path = '/';
  /** Flat [name, value, ...]; undici copies it when the request is created, so it is reused. */
  readonly headers: string[] = [];
  body: string | Buffer | null = null;
  timeoutMs = 60_000;
  /** Keep the response headers (a check or capture reads them). */
  keepHeaders = false;
  /** Keep the response body (a check or capture reads it); otherwise chunks are dropped. */
  keepBody = false;
  /**
   * Keep a failed response's (status >= 400) headers and body start for the run's failure samples, set once
   * per VU: a successful response pays one comparison, and its chunks are still dropped.
   */
  sampleFailures = false;

  // ---- result, valid after send() resolved
  status = 0;
  errorClass: ErrorClass | undefined = undefined;
  error: Error | undefined = undefined;
  /** Reused per request: read it before the next send. */
  readonly timings: Timings = { blocked: 0, queued: 0, connecting: 0, tlsHandshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
  bytesSent = 0;
  bytesReceived = 0;
  /** Raw response headers [name, value, ...] when keepHeaders. */
  rawHeaders: Buffer[] | null = null;
  /** Response body chunks when keepBody; the first FAILED_BODY_BYTES of a failed one when sampleFailures. */
  readonly bodyChunks: Buffer[] = [];
  /** A failed response being kept for the samples (sampleFailures and status >= 400). */
  failing = false;
  /** The whole body's size of a failing response (its chunks are kept only up to FAILED_BODY_BYTES). */
  failedBodyBytes = 0;

  // ---- internals
  private state = IDLE;
  private conn: Connection | null = null;
  private lender: ConnectionLender | null = null;
  private abortFn: ((err?: Error) => void) | null = null;
  private pendingAbort: Error | null = null;
  private t0 = 0;
  /** When a connection was there for this request (0: not yet, or one is being set up for it). */
  private tReady = 0;
  private tConnect = 0;
  private tSent = 0;
  private tFirstByte = 0;
  private connecting = 0;
  private tls = 0;
  /** The connection was set up for this request: its VU resumes after the poll phase (settle). */
  private onNewConnection = false;
  private resolve: (() => void) | null = null;
  private readonly executor = (resolve: () => void): void => {
    this.resolve = resolve;
  };
  /**
   * undici's dispatch options, reused: undici reads them once, when it creates its Request. `reset:
   * false` keeps the connection after HEAD too (undici closes it by default), as Go's client does.
   */
  private readonly opts: Dispatcher.DispatchOptions = { path: '/', method: 'GET', headers: this.headers, body: null, reset: false };

  // Expirable (the sweeper's intrusive list)
  deadline = 0;
  dlPrev: Expirable | null = null;
  dlNext: Expirable | null = null;
  dlList: DeadlineList | null = null;

  constructor(private readonly sweeper: DeadlineSweeper) {}

  /** Marks the start (blocked begins) and arms the timeout; the connection comes next. */
  begin(): Promise<void> {
    if (this.state !== IDLE && this.state !== DONE) throw new Error('Exchange is busy: one request at a time');
    this.status = 0;
    this.errorClass = undefined;
    this.error = undefined;
    this.bytesSent = 0;
    this.bytesReceived = 0;
    this.rawHeaders = null;
    this.bodyChunks.length = 0;
    this.failing = false;
    this.failedBodyBytes = 0;
    this.conn = null;
    this.lender = null;
    this.abortFn = null;
    this.pendingAbort = null;
    this.tReady = this.tConnect = this.tSent = this.tFirstByte = 0;
    this.connecting = this.tls = 0;
    this.onNewConnection = false;
    this.t0 = now();
    this.state = IDLE;
    this.sweeper.add(this, this.timeoutMs, this.t0);
    return new Promise(this.executor);
  }

  /** Waiting for a pooled connection. */
  queued(lender: ConnectionLender): void {
    this.state = QUEUED;
    this.lender = lender;
  }

  /** Sends on this connection (the caller made sure nobody else uses it). */
  dispatchOn(conn: Connection, lender: ConnectionLender | null): void {
    this.state = DISPATCHED;
    this.conn = conn;
    this.lender = lender;
    // A connected socket is the request's at once; a new one is ready when its setup ends (onConnect).
    const socket = conn.socket;
    this.tReady = socket !== null && !conn.connecting && !socket.destroyed ? now() : 0;
    const opts = this.opts;
    opts.path = this.path;
    opts.method = this.method;
    opts.body = this.body;
    conn.client.dispatch(opts, this);
  }

  /** Fails the request before it reached a connection (bad URL, closed agent). */
  fail(err: Error): void {
    if (this.state === DONE) return;
    this.finishError(err);
  }

  /** Aborts the request now: on timeout (sweeper) or interruption (gracefulStop). */
  abort(cls: 'aborted' | 'request-timeout'): void {
    const state = this.state;
    if (state === DONE) return;
    let errorClass: ErrorClass = cls;
    if (cls === 'request-timeout' && state === DISPATCHED && this.tConnect === 0 && this.conn?.connecting) {
      errorClass = 'connect-timeout'; // as k6: a timeout while dialing is a dial timeout
    }
    const err = new VolleyHttpError(
      errorClass,
      cls === 'aborted' ? 'request aborted: the scenario is stopping' : `request timeout after ${this.timeoutMs} ms`,
    );
    if (state === QUEUED || state === IDLE) {
      this.lender?.cancel(this);
      this.finishError(err);
    } else if (this.abortFn) {
      this.abortFn(err); // undici calls onError synchronously
    } else if (this.conn?.connecting) {
      this.conn.failSetup(err); // undici errors the waiting request with err
    } else {
      this.pendingAbort = err; // connected, onConnect is imminent
    }
  }

  expire(): void {
    this.abort('request-timeout');
  }

  // ---- undici handler
  onConnect(abort: (err?: Error) => void): void {
    const t = (this.tConnect = now());
    const conn = this.conn;
    if (conn && conn.fresh) {
      conn.fresh = false;
      this.claimSetup(conn, t);
      // Set up for this request (or again, the idle socket having closed): ready when the setup ended.
      if (conn.connectStart >= this.t0) this.tReady = Math.min(t, (conn.origin.secure ? conn.tlsAt : conn.tcpAt) || t);
    }
    if (this.tReady === 0) this.tReady = t;
    if (this.pendingAbort) {
      abort(this.pendingAbort);
      return;
    }
    this.abortFn = abort;
  }

  onRequestSent(): void {
    this.tSent = now();
  }

  onResponseStarted(): void {
    if (this.tFirstByte === 0) this.tFirstByte = now();
  }

  onHeaders(statusCode: number, headers: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: the final response is still to come
    this.status = statusCode;
    if (this.keepHeaders) this.rawHeaders = headers;
    if (statusCode >= 400 && this.sampleFailures) {
      this.failing = true;
      this.rawHeaders = headers;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.keepBody) this.bodyChunks.push(chunk);
    if (this.failing) this.keepFailedChunk(chunk);
    return true;
  }

  onComplete(): void {
    if (this.state !== DISPATCHED) return;
    const t = now();
    const timings = this.timings;
    if (this.tSent === 0) this.tSent = this.tConnect;
    if (this.tFirstByte === 0) this.tFirstByte = t;
    timings.blocked = this.tReady - this.t0;
    timings.queued = this.tConnect - this.tReady;
    timings.connecting = this.connecting;
    timings.tlsHandshaking = this.tls;
    timings.sending = this.tSent - this.tConnect;
    timings.waiting = this.tFirstByte - this.tSent;
    timings.receiving = t - this.tFirstByte;
    timings.duration = timings.sending + timings.waiting + timings.receiving;
    this.settle();
  }

  onError(err: Error): void {
    if (this.state === DONE) return;
    this.finishError(err);
  }

  // ---- internals
  private keepFailedChunk(chunk: Buffer): void {
    const kept = this.failedBodyBytes;
    this.failedBodyBytes += chunk.length;
    if (!this.keepBody && kept < FAILED_BODY_BYTES) this.bodyChunks.push(chunk);
  }

  private claimSetup(conn: Connection, t: number): void {
    if (conn.connectStart < this.t0) return; // set up before this request began: not its cost
    this.onNewConnection = true;
    this.connecting = (conn.tcpAt || t) - conn.connectStart;
    if (conn.origin.secure && conn.tcpAt) this.tls = (conn.tlsAt || t) - conn.tcpAt;
  }

  private finishError(err: Error): void {
    const t = now();
    this.status = 0;
    this.error = err;
    this.errorClass = classifyError(err);
    const conn = this.conn;
    if (this.tConnect === 0 && conn && conn.fresh && this.state === DISPATCHED) {
      conn.fresh = false;
      this.claimSetup(conn, t);
    }
    const timings = this.timings;
    timings.connecting = this.connecting;
    timings.tlsHandshaking = this.tls;
    timings.sending = timings.waiting = timings.receiving = 0;
    if (this.tConnect === 0) {
      // Failed before it was written: waiting for a connection, or queued once it had one.
      const ready = this.tReady === 0 ? t : this.tReady;
      timings.blocked = ready - this.t0;
      timings.queued = t - ready;
    } else {
      timings.blocked = this.tReady - this.t0;
      timings.queued = this.tConnect - this.tReady;
      if (this.tSent === 0) timings.sending = t - this.tConnect;
      else {
        timings.sending = this.tSent - this.tConnect;
        if (this.tFirstByte === 0) timings.waiting = t - this.tSent;
        else {
          timings.waiting = this.tFirstByte - this.tSent;
          timings.receiving = t - this.tFirstByte;
        }
      }
    }
    timings.duration = timings.sending + timings.waiting + timings.receiving;
    this.settle();
  }

  private settle(): void {
    this.state = DONE;
    this.sweeper.remove(this);
    this.abortFn = null;
    const conn = this.conn;
    if (conn) {
      const bytes = conn.takeBytes();
      if (bytes) {
        this.bytesSent = bytes.written;
        this.bytesReceived = bytes.read;
      }
      this.conn = null;
      const lender = this.lender;
      this.lender = null;
      lender?.release(conn);
    }
    const resolve = this.resolve;
    this.resolve = null;
    if (resolve === null) return;
    if (this.onNewConnection) resumeAfterPoll(resolve);
    else resolve();
  }
}

// A request that opened its connection is, nearly always, a VU's first: all of a run's VUs start together,
// so their first responses arrive together too. Resolving `send` at once ran the VU's continuation (its
// figures, its next step, the next request's dispatch: the coldest pass of the run) as a microtask inside
// that socket's read callback, while every other response already readable waited, unread and on the
// clock. So those VUs resume in the check phase after the poll phase that read them, together: one
// setImmediate a batch. Every later request resumes its VU at once: deferring them all measured 44.6 and
// 44.7 µs of CPU an iteration at 20,000 iterations/s on one core, against 37.8 and 37.9 (by undici's code,
// its idle-socket check before a reused socket is written then waits one more turn of the event loop).
const resumable: Array<() => void> = [];

function resumeAll(): void {
  // The resolvers queue microtasks, which run after this callback: nothing is pushed while it loops.
  const n = resumable.length;
  for (let i = 0; i < n; i++) resumable[i]!();
  resumable.length = 0;
}

function resumeAfterPoll(resolve: () => void): void {
  if (resumable.push(resolve) === 1) setImmediate(resumeAll);
}
