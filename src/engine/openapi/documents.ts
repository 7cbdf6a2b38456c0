// The OpenAPI documents scenario files name in `openapi:`, read once per version: a document is parsed and
// resolved again only when its size or modification time changes (the editor asks on every keystroke, so
// the answer to "is it still current" is one stat). Reading is asynchronous; `current` never waits.
import { statSync } from 'node:fs';
import { ImportError } from '../import/model';
import { readOpenApiFile } from '../import/openapi-document';
import { OpenApiIndex } from './operations';

/** A document's operations, or why it cannot be used (a location in the document when the problem has one). */
export type OpenApiOutcome = { index: OpenApiIndex; problem?: undefined } | { problem: string; index?: undefined };

function stampOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

interface Entry {
  stamp: string;
  outcome?: OpenApiOutcome;
  loading: Promise<OpenApiOutcome>;
}

export class OpenApiDocuments {
  private readonly entries = new Map<string, Entry>();

  /** The outcome for the file as it is now, read (again) if it changed. */
  load(path: string): Promise<OpenApiOutcome> {
    return this.entry(path).loading;
  }

  /** The outcome if the current version was read already; otherwise undefined, and the read is started. */
  current(path: string): OpenApiOutcome | undefined {
    return this.entry(path).outcome;
  }

  /** Forget a document (it changed): the next ask reads it again even if its stamp looks the same. */
  invalidate(path: string): void {
    this.entries.delete(path);
  }

  paths(): string[] {
    return [...this.entries.keys()];
  }

  private entry(path: string): Entry {
    const stamp = stampOf(path);
    const known = this.entries.get(path);
    if (known && known.stamp === stamp) return known;
    const entry: Entry = { stamp, loading: Promise.resolve(undefined as never) };
    entry.loading = readOutcome(path).then((outcome) => {
      entry.outcome = outcome;
      return outcome;
    });
    this.entries.set(path, entry);
    return entry;
  }
}

async function readOutcome(path: string): Promise<OpenApiOutcome> {
  try {
    return { index: new OpenApiIndex(await readOpenApiFile(path)) };
  } catch (err) {
    if (!(err instanceof ImportError)) return { problem: err instanceof Error ? err.message : String(err) };
    return { problem: err.at ? `${path}:${err.at.line}:${err.at.column}: ${err.message}` : `${path}: ${err.message}` };
  }
}
