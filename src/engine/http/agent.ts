// The HTTP agent of a run: origins, connections (a VU's own, or shared pools), the timeout sweeper and
// the socket counters for the generator-health figures. TLS settings are made once, here.
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { HttpPlan } from '../scenario/plan';
import { Connection, type ConnectionHost } from './connection';
import { DeadlineSweeper } from './deadlines';
import { VolleyHttpError } from './errors';
import { Exchange } from './exchange';
import { parseOrigin, type Origin, type TlsSettings } from './origin';
import { SharedPool } from './pool';

/** k6's dialer timeout. */
const CONNECT_TIMEOUT_MS = 30_000;

/** A VU's access to HTTP: its Exchange and, in per-vu mode, its own connection per origin. */
export interface HttpSession {
  /** The VU's reusable request: fill its request fields, `await send(origin)`, read its result fields. */
  readonly exchange: Exchange;
  /** Sends `exchange`; resolves (never rejects) when it has a result. One request at a time. */
  send(origin: Origin): Promise<void>;
  /** noVUConnectionReuse: closes this VU's sockets (the connections reconnect on their next request). */
  closeConnections(): void;
  /** The VU is gone: its connections are destroyed. */
  close(): Promise<void>;
}

export interface HttpAgent {
  readonly plan: HttpPlan;
  /** Sockets open right now (connecting or connected). */
  readonly openSockets: number;
  /** TCP connections established since the last call. */
  takeNewConnections(): number;
  /** The origin of an `http(s)://host[:port]` string, cached; undefined when it is not one. */
  origin(text: string): Origin | undefined;
  session(): HttpSession;
  /** Closes every connection; resolves when no socket is left open. */
  close(): Promise<void>;
}

export function createHttpAgent(http: HttpPlan): HttpAgent {
  return new Agent(http);
}

class Agent implements HttpAgent, ConnectionHost {
  readonly connectTimeoutMs = CONNECT_TIMEOUT_MS;
  readonly sweeper = new DeadlineSweeper(10);
  readonly connections = new Set<Connection>();
  private readonly origins = new Map<string, Origin>();
  private readonly pools = new Map<Origin, SharedPool>();
  private readonly tls: TlsSettings;
  private open = 0;
  private newConnections = 0;
  private closed = false;
  private onAllClosed: (() => void) | null = null;

  constructor(readonly plan: HttpPlan) {
    this.tls = { rejectUnauthorized: !plan.insecureSkipTLSVerify, secureContext: createSecureContext() };
  }

  get openSockets(): number {
    return this.open;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  takeNewConnections(): number {
    const n = this.newConnections;
    this.newConnections = 0;
    return n;
  }

  origin(text: string): Origin | undefined {
    let origin = this.origins.get(text);
    if (origin === undefined) {
      origin = parseOrigin(text, this.tls);
      if (origin === undefined) return undefined;
      // Spellings of one origin (`HTTP://Host:80`, `http://host`) share its connections.
      origin = this.origins.get(origin.key) ?? origin;
      this.origins.set(origin.key, origin);
      this.origins.set(text, origin);
    }
    return origin;
  }

  session(): HttpSession {
    return this.plan.connections === 'shared' ? new SharedSession(this) : new VUSession(this);
  }

  pool(origin: Origin): SharedPool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new SharedPool(origin, Math.max(1, this.plan.maxConnectionsPerHost), this);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  connection(origin: Origin): Connection {
    const conn = new Connection(origin, this);
    this.connections.add(conn);
    return conn;
  }

  socketCreated(socket: Socket): void {
    this.open++;
    socket.once('close', this.socketClosed);
  }

  socketConnected(): void {
    this.newConnections++;
  }

  private readonly socketClosed = (): void => {
    this.open--;
    if (this.open === 0 && this.onAllClosed) this.onAllClosed();
  };

  async close(): Promise<void> {
    this.closed = true;
    this.sweeper.close();
    const all = [...this.connections];
    for (const pool of this.pools.values()) all.push(...pool.connections);
    await Promise.all(all.map((c) => c.destroy()));
    if (this.open > 0) {
      // 'close' events follow destroy() by a tick or two; bounded so close() can never hang.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        this.onAllClosed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onAllClosed = null;
    }
  }
}

const CLOSED_ERROR = new VolleyHttpError('aborted', 'the HTTP agent is closed');

/** What both connection modes do per request: settle at once when the agent is closed, else dispatch. */
abstract class Session implements HttpSession {
  readonly exchange: Exchange;

  constructor(protected readonly agent: Agent) {
    this.exchange = new Exchange(agent.sweeper);
  }

  send(origin: Origin): Promise<void> {
    const ex = this.exchange;
    const done = ex.begin();
    if (this.agent.isClosed) ex.fail(CLOSED_ERROR);
    else this.dispatch(ex, origin);
    return done;
  }

  protected abstract dispatch(ex: Exchange, origin: Origin): void;
  abstract closeConnections(): void;
  abstract close(): Promise<void>;
}

class VUSession extends Session {
  private readonly conns = new Map<Origin, Connection>();
  private lastOrigin: Origin | null = null;
  private lastConn: Connection | null = null;

  protected dispatch(ex: Exchange, origin: Origin): void {
    let conn = origin === this.lastOrigin ? this.lastConn : this.conns.get(origin);
    if (!conn) {
      conn = this.agent.connection(origin);
      this.conns.set(origin, conn);
    }
    this.lastOrigin = origin;
    this.lastConn = conn;
    ex.dispatchOn(conn, null);
  }

  closeConnections(): void {
    for (const conn of this.conns.values()) conn.closeSocket();
  }

  async close(): Promise<void> {
    const conns = [...this.conns.values()];
    this.conns.clear();
    this.lastOrigin = this.lastConn = null;
    for (const c of conns) this.agent.connections.delete(c);
    await Promise.all(conns.map((c) => c.destroy()));
  }
}

class SharedSession extends Session {
  protected dispatch(ex: Exchange, origin: Origin): void {
    this.agent.pool(origin).acquire(ex);
  }

  // The pool's connections are not the VU's: noVUConnectionReuse does not reach them.
  closeConnections(): void {}

  async close(): Promise<void> {}
}
