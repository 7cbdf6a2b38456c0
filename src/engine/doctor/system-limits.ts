// The operating-system limits that bind a load generator, read once: the descriptor limit (RLIMIT_NOFILE,
// what `ulimit -n` shows), the ephemeral port range and TIME_WAIT reuse. Linux exposes them under /proc;
// elsewhere the descriptor limit comes from `sh -c 'ulimit -n'` (a child inherits the limit) and the rest
// stays unknown, so the checks that need it are skipped rather than guessed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface SystemLimits {
  /** Soft RLIMIT_NOFILE; undefined when unknown, Infinity when unlimited. */
  openFilesSoft: number | undefined;
  openFilesHard: number | undefined;
  /** Descriptors this process has open right now (undefined when /proc/self/fd is not there). */
  openFilesInUse: number | undefined;
  /** net.ipv4.ip_local_port_range. */
  portRange: { low: number; high: number } | undefined;
  /** net.ipv4.tcp_tw_reuse: 0 off, 1 on, 2 loopback only (Linux's default since 4.x). */
  tcpTwReuse: number | undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function limitValue(text: string): number | undefined {
  if (text === 'unlimited') return Infinity;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses /proc/<pid>/limits' "Max open files" line. */
export function parseProcLimits(text: string): { soft: number | undefined; hard: number | undefined } {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  if (!line) return { soft: undefined, hard: undefined };
  const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/);
  return { soft: soft === undefined ? undefined : limitValue(soft), hard: hard === undefined ? undefined : limitValue(hard) };
}

export function parsePortRange(text: string): { low: number; high: number } | undefined {
  const [low, high] = text.trim().split(/\s+/).map(Number);
  return low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high) && high >= low ? { low, high } : undefined;
}

export function readSystemLimits(): SystemLimits {
  let { soft, hard } = parseProcLimits(readText('/proc/self/limits') ?? '');
  if (soft === undefined && process.platform !== 'win32') {
    try {
      soft = limitValue(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim());
      hard = limitValue(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8', timeout: 2000 }).trim());
    } catch {
      // unknown: the descriptor check is skipped
    }
  }
  let inUse: number | undefined;
  try {
    inUse = readdirSync('/proc/self/fd').length;
  } catch {
    inUse = undefined;
  }
  const range = readText('/proc/sys/net/ipv4/ip_local_port_range');
  const reuse = readText('/proc/sys/net/ipv4/tcp_tw_reuse');
  return {
    openFilesSoft: soft,
    openFilesHard: hard,
    openFilesInUse: inUse,
    portRange: range === undefined ? undefined : parsePortRange(range),
    tcpTwReuse: reuse === undefined || !/^\d+\s*$/.test(reuse) ? undefined : Number(reuse),
  };
}

export function portCount(limits: SystemLimits): number | undefined {
  return limits.portRange ? limits.portRange.high - limits.portRange.low + 1 : undefined;
}
