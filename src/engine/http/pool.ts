// `http.connections: shared`: per origin, up to maxConnectionsPerHost connections that every VU draws
// from. A request takes the most recently used idle connection (as Go's transport does, so a light load
// keeps few sockets warm), else opens a new one while under the limit, else waits in FIFO order. The wait
// ends when a connection is handed over (Exchange.dispatchOn), so it is the request's blocked time (k6's),
// and neither its volley_req_queued nor its duration.
import { Connection, type ConnectionHost } from './connection';
import type { ConnectionLender, Exchange } from './exchange';
import type { Origin } from './origin';

export class SharedPool implements ConnectionLender {
  readonly connections: Connection[] = [];
  private readonly idle: Connection[] = [];
  private waiters: Exchange[] = [];
  private head = 0;

  constructor(
    private readonly origin: Origin,
    private readonly max: number,
    private readonly host: ConnectionHost,
  ) {}

  get waiting(): number {
    return this.waiters.length - this.head;
  }

  acquire(ex: Exchange): void {
    const conn = this.idle.pop();
    if (conn) {
      ex.dispatchOn(conn, this);
    } else if (this.connections.length < this.max) {
      const created = new Connection(this.origin, this.host);
      this.connections.push(created);
      ex.dispatchOn(created, this);
    } else {
      ex.queued(this);
      this.waiters.push(ex);
    }
  }

  release(conn: Connection): void {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head++];
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      next.dispatchOn(conn, this);
      return;
    }
    this.idle.push(conn);
  }

  /** A queued request gave up (timeout, interruption): it leaves the queue. */
  cancel(ex: Exchange): void {
    const i = this.waiters.indexOf(ex, this.head);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}
