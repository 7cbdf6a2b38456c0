// Shared by the import tests: import with the real CLI, then hold the output to the real validator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { volley, type Finished, type Workspace } from '../cli/helpers';

export interface Imported extends Finished {
  /** The scenario file written with -o. */
  file: string;
  text: string;
}

/** `volley import INPUT -o NAME …flags`, asserting exit 0 and that `volley validate` accepts the file. */
/**
 * Imports and validates: no diagnostics, except lines `accepted` matches (what `openapi:`'s check says of
 * a document whose own examples disagree with its schemas).
 */
export async function importValid(ws: Workspace, input: string, name: string, flags: string[] = [], accepted?: RegExp): Promise<Imported & { accepted: string[] }> {
  const file = join(ws.dir, name);
  const r = await volley(ws, ['import', input, '-o', file, ...flags]);
  assert.equal(r.code, 0, `import failed: ${r.stderr}`);
  const text = readFileSync(file, 'utf8');
  const validated = await volley(ws, ['validate', file]);
  assert.equal(validated.code, 0, `the imported file does not validate:\n${validated.stdout}\n${text}`);
  const lines = validated.stdout.split('\n').filter((l) => l !== '');
  const unexpected = lines.filter((l) => accepted === undefined || !accepted.test(l));
  assert.equal(unexpected.join('\n'), '', `the imported file has diagnostics:\n${validated.stdout}\n${text}`);
  return { ...r, file, text, accepted: lines.filter((l) => !unexpected.includes(l)) };
}

/** Fails naming the secret when any of `secrets` appears in `text`. */
export function assertNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `the secret "${secret}" was written into the output:\n${text}`);
}

export interface RunFigures {
  requests: number;
  /** Requests answered >= 400 or not at all (k6's http_req_failed), when asked for with `failed`. */
  failed?: number;
  checksPassed: number;
  checksFailed: number;
}

/**
 * A bounded run of the imported file (its default executor: 1 VU, 1 iteration per scenario): one
 * worker, no run store, quiet; exit 0 expected. Returns the summary's request and check counts.
 */
export async function runImported(ws: Workspace, file: string, env: Record<string, string> = {}, options: { flags?: string[]; failed?: boolean } = {}): Promise<RunFigures> {
  const flags = [...Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]), ...(options.flags ?? [])];
  const summary = `${file}.summary.json`;
  const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--workers', '1', '--summary-export', summary, ...flags]);
  assert.equal(r.code, 0, `run failed (${r.code}):\n${r.stdout}\n${r.stderr}\n${readFileSync(file, 'utf8')}`);
  const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics;
  const figures: RunFigures = { requests: metrics.http_reqs?.count ?? 0, checksPassed: metrics.checks?.passes ?? 0, checksFailed: metrics.checks?.fails ?? 0 };
  if (options.failed) figures.failed = metrics.http_req_failed?.passes ?? 0;
  return figures;
}

/** What a suite's target routes answered, in order, as [path, status]: a run's requests, judged by the target. */
export class Answers {
  readonly list: Array<[string, number]> = [];

  send(res: ServerResponse, path: string, status: number, body: unknown, type = 'application/json'): void {
    this.list.push([path, status]);
    res.statusCode = status;
    res.setHeader('content-type', type);
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  clear(): void {
    this.list.length = 0;
  }
}
