// Writing a run into the store as it goes (the same NDJSON as --out), then pruning the file's old runs.
// A store that cannot be written never fails the run: the caller gets the reason once and carries on.
import type { RunEvent } from '../../protocol';
import { NdjsonWriter } from '../output/ndjson';
import type { RunsDirOptions } from './location';
import { DEFAULT_KEEP_RUNS, RunStore } from './store';

export interface StoredRunWriter {
  readonly path: string;
  readonly writer: NdjsonWriter;
  write(event: RunEvent): void;
  /** Flushes and closes the file, then prunes the file's runs to the newest `keep`. */
  close(): void;
}

export interface OpenStoredRunOptions extends RunsDirOptions {
  keep?: number;
  /** Told once when the store cannot be written (the run goes on without it). */
  onError?: (message: string) => void;
}

export function openStoredRun(scenarioFile: string, options: OpenStoredRunOptions = {}): StoredRunWriter | undefined {
  const store = RunStore.for(scenarioFile, options);
  let writer: NdjsonWriter;
  const path = store.newRunPath(scenarioFile);
  try {
    writer = new NdjsonWriter(path);
  } catch (err) {
    options.onError?.(`cannot keep the run in ${store.dir}: ${(err as Error).message}`);
    return undefined;
  }
  let failed = false;
  let closed = false;
  return {
    path,
    writer,
    write(event) {
      if (failed || closed) return;
      try {
        writer.write(event);
      } catch (err) {
        failed = true;
        writer.close();
        options.onError?.(`stopped keeping the run in ${path}: ${(err as Error).message}`);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        writer.close();
      } catch {
        // Closing a file whose writes already failed: reported then.
      }
      store.prune(scenarioFile, options.keep ?? DEFAULT_KEEP_RUNS);
    },
  };
}
