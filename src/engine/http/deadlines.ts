// Request timeouts without a timer per request: in-flight requests sit in one intrusive list per timeout
// value (so each list is ordered by deadline: same timeout, inserted in time order), and one coarse
// interval pops the expired heads. Adding and removing are O(1) and allocate nothing.
import { now } from './clock';

export interface Expirable {
  deadline: number;
  dlPrev: Expirable | null;
  dlNext: Expirable | null;
  dlList: DeadlineList | null;
  expire(): void;
}

export class DeadlineList {
  head: Expirable | null = null;
  tail: Expirable | null = null;

  push(x: Expirable): void {
    x.dlList = this;
    x.dlPrev = this.tail;
    x.dlNext = null;
    if (this.tail) this.tail.dlNext = x;
    else this.head = x;
    this.tail = x;
  }

  remove(x: Expirable): void {
    if (x.dlPrev) x.dlPrev.dlNext = x.dlNext;
    else this.head = x.dlNext;
    if (x.dlNext) x.dlNext.dlPrev = x.dlPrev;
    else this.tail = x.dlPrev;
    x.dlPrev = x.dlNext = null;
    x.dlList = null;
  }
}

export class DeadlineSweeper {
  private readonly lists = new Map<number, DeadlineList>();
  private timer: NodeJS.Timeout | null = null;
  private pending = 0;
  private closed = false;

  /** `resolutionMs`: how late a timeout may fire, at most. */
  constructor(private readonly resolutionMs = 10) {}

  add(x: Expirable, timeoutMs: number, start: number): void {
    let list = this.lists.get(timeoutMs);
    if (!list) {
      list = new DeadlineList();
      this.lists.set(timeoutMs, list);
    }
    x.deadline = start + timeoutMs;
    list.push(x);
    this.pending++;
    if (!this.timer && !this.closed) {
      this.timer = setInterval(this.tick, this.resolutionMs);
      this.timer.unref();
    }
  }

  remove(x: Expirable): void {
    if (!x.dlList) return;
    x.dlList.remove(x);
    this.pending--;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private readonly tick = (): void => {
    const t = now();
    for (const list of this.lists.values()) {
      let head = list.head;
      while (head && head.deadline <= t) {
        list.remove(head);
        this.pending--;
        head.expire();
        head = list.head;
      }
    }
    // An idle agent keeps no timer running.
    if (this.pending === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  };
}
