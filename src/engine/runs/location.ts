// Where a scenario file's runs are kept, and what its run files are called. The CLI, the language server
// and the extension all call these, so they agree on the directory without talking to each other.
import { createHash } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export const RUNS_DIR_ENV = 'VOLLEY_RUNS_DIR';

export interface RunsDirOptions {
  /** An explicit directory (`--runs-dir`, a setting): wins over everything. */
  runsDir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** What a relative `runsDir` or VOLLEY_RUNS_DIR is resolved against (default: process.cwd()). */
  cwd?: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The runs directory for a scenario file: `runsDir`, else $VOLLEY_RUNS_DIR, else `.volley/runs` in the
 * workspace the file belongs to — the nearest ancestor with a `.volley` directory or a `.git`, else the
 * file's own directory. The walk never climbs into the home or the temp directory (unless the file is
 * right there), so a stray `~/.volley` or `/tmp/.volley` does not collect every run below it.
 */
export function resolveRunsDir(scenarioFile: string, options: RunsDirOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.runsDir) return resolve(cwd, options.runsDir);
  const fromEnv = (options.env ?? process.env)[RUNS_DIR_ENV];
  if (fromEnv) return resolve(cwd, fromEnv);
  const start = dirname(canonicalPath(resolve(cwd, scenarioFile)));
  const stops = new Set([canonicalPath(homedir()), canonicalPath(tmpdir())]);
  let root = start;
  for (let dir = start; ; dir = dirname(dir)) {
    if (dir !== start && stops.has(dir)) break;
    if (isDirectory(join(dir, '.volley')) || existsSync(join(dir, '.git'))) {
      root = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return join(root, '.volley', 'runs');
}

/** The real absolute path when the file exists (symlinks resolved), else the absolute path. */
export function canonicalPath(path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/**
 * The part of a run file's name that says which scenario file it ran: the file's base name (readable)
 * and a hash of its full path (two `load.volley.yaml` in different folders stay apart).
 */
export function scenarioFileKey(scenarioFile: string): string {
  const full = canonicalPath(scenarioFile);
  const base = basename(full)
    .replace(/\.volley\.ya?ml$|\.ya?ml$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 60);
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${base || 'scenario'}-${hash}`;
}

/** `2025-05-01T12-04-05-123Z`: sorts as time does, and is a valid file name everywhere. */
export function timeStamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

const RUN_FILE = /^(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)(?:~(\d+))?--(.+)\.ndjson$/;

export interface RunFileName {
  name: string;
  /** When the run began. */
  startedAt: Date;
  /** Same-millisecond runs of one file get ~2, ~3…; 1 otherwise. */
  sequence: number;
  fileKey: string;
}

export function parseRunFileName(name: string): RunFileName | undefined {
  const m = RUN_FILE.exec(name);
  if (!m) return undefined;
  const [date, time] = m[1].split('T');
  const [h, min, s, msPart] = time.replace('Z', '').split('-');
  const startedAt = new Date(`${date}T${h}:${min}:${s}.${msPart}Z`);
  if (Number.isNaN(startedAt.getTime())) return undefined;
  return { name, startedAt, sequence: m[2] ? Number(m[2]) : 1, fileKey: m[3] };
}

export function runFileName(fileKey: string, startedAt: Date, sequence = 1): string {
  return `${timeStamp(startedAt)}${sequence > 1 ? `~${sequence}` : ''}--${fileKey}.ndjson`;
}

/** A fresh path in `dir` for a run of `scenarioFile` starting at `startedAt`; the file is not created. */
export function newRunPath(dir: string, scenarioFile: string, startedAt = new Date()): string {
  const key = scenarioFileKey(scenarioFile);
  for (let sequence = 1; ; sequence++) {
    const path = join(dir, runFileName(key, startedAt, sequence));
    if (!existsSync(path)) return path;
  }
}
