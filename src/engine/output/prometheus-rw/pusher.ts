// Pushes remote-write bodies without ever holding the run up: a bounded queue (each body is the whole run so
// far, so when the receiver falls behind the oldest are dropped first and a later one carries their figures),
// one request at a time with a timeout, retries with exponential backoff for network errors, 429 and 5xx
// (a 4xx is the receiver refusing the data: no retry), and every dropped sample counted.
import { request } from 'undici';
import { encodeWriteRequest, type TimeSeries } from './wire';

const QUEUE_LIMIT = 8;
const REQUEST_TIMEOUT_MS = 5_000;
const ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 250;

export interface PushReport {
  pushedSamples: number;
  droppedSamples: number;
  /** The last failure's reason, when there was one. */
  lastError?: string;
}

interface Batch {
  body: Uint8Array;
  samples: number;
}

export class RemoteWritePusher {
  private readonly queue: Batch[] = [];
  private sending: Promise<void> | undefined;
  private closing = false;
  private wake: (() => void) | undefined;
  readonly report: PushReport = { pushedSamples: 0, droppedSamples: 0 };

  constructor(private readonly url: string) {}

  push(series: readonly TimeSeries[]): void {
    if (series.length === 0) return;
    this.queue.push({ body: encodeWriteRequest(series), samples: series.length });
    while (this.queue.length > QUEUE_LIMIT) this.report.droppedSamples += this.queue.shift()!.samples;
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  /** Sends what is queued until `deadlineMs` from now; what is left then is dropped. */
  async close(deadlineMs: number): Promise<PushReport> {
    this.closing = true;
    this.wake?.();
    const timer = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    if (this.sending) await Promise.race([this.sending, timer]);
    for (const batch of this.queue.splice(0)) this.report.droppedSamples += batch.samples;
    return this.report;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue[0];
      let sent = false;
      let retry = true;
      for (let attempt = 0; attempt < ATTEMPTS && retry && !sent; attempt++) {
        if (attempt > 0) await this.sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
        if (this.queue[0] !== batch) break; // dropped for a newer one meanwhile
        ({ sent, retry } = await this.send(batch));
      }
      if (this.queue[0] !== batch) continue;
      this.queue.shift();
      if (sent) this.report.pushedSamples += batch.samples;
      else this.report.droppedSamples += batch.samples;
    }
  }

  private async send(batch: Batch): Promise<{ sent: boolean; retry: boolean }> {
    try {
      const response = await request(this.url, {
        method: 'POST',
        body: batch.body,
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'User-Agent': 'volley',
        },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const status = response.statusCode;
      const text = (await response.body.text()).slice(0, 200).trim();
      if (status >= 200 && status < 300) return { sent: true, retry: false };
      this.report.lastError = `HTTP ${status}${text ? `: ${text}` : ''}`;
      return { sent: false, retry: status === 429 || status >= 500 };
    } catch (err) {
      const code = (err as { code?: string }).code;
      this.report.lastError = `${code ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}`;
      return { sent: false, retry: true };
    }
  }

  /** A backoff that a close cuts short: at the end, what is left has only the deadline. */
  private sleep(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
