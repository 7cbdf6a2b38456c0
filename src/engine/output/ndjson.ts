// `--out ndjson=FILE`: every run event as one JSON line, written as the run goes. Lines are buffered and
// written with writeSync at each aggregate (once a second) and at every event that matters on its own, so
// when the process is killed the file holds everything up to the last second, each line whole.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunEvent } from '../../protocol';
import { ensureParentDir } from './ensure-dir';

/** Past this many buffered bytes (a burst of log lines), flush without waiting for the next aggregate. */
const FLUSH_BYTES = 64 * 1024;

/** `--out ndjson=-`: the events go to stdout (and the CLI prints its summary to stderr instead). */
export const STDOUT = '-';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export class NdjsonWriter {
  private fd: number | undefined;
  private buffer: string[] = [];
  private buffered = 0;
  /** False for stdout, which is written to but never closed. */
  private readonly ownsFd: boolean;

  /**
   * Creates (or truncates) the file; throws with the system's reason when it cannot. `-` is stdout (fd 1,
   * whatever it is: a pipe, a socket, a container's log), e.g. for a pod whose log is collected.
   */
  constructor(readonly path: string) {
    if (path === STDOUT) {
      this.fd = 1;
      this.ownsFd = false;
      return;
    }
    ensureParentDir(path);
    this.fd = openSync(path, 'w');
    this.ownsFd = true;
  }

  write(event: RunEvent): void {
    if (this.fd === undefined) return;
    const line = JSON.stringify(event) + '\n';
    this.buffer.push(line);
    this.buffered += line.length;
    if (event.type !== 'log' || this.buffered >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const data = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    // A write to a regular file may in principle be partial; finish it so no line is cut.
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset, data.length - offset);
      } catch (err) {
        // stdout may be a non-blocking pipe or socket whose reader is behind: wait for it, keep lines whole.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(PAUSE, 0, 0, 1);
      }
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    if (this.ownsFd) closeSync(this.fd);
    this.fd = undefined;
  }
}
