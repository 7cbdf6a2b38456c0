// The processes an e2e run starts, and making sure none of them outlives it.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | 'timeout'> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode);
    const timer = setTimeout(() => resolveExit('timeout'), timeoutMs);
    timer.unref();
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolveExit(code ?? (signal ? 128 : 1));
    });
  });
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is already gone
  }
}

interface ProcessInfo {
  pid: number;
  pgid: number;
  text: string;
}

/** Living processes (zombies excluded: PID 1 here reaps them late) with their command line and environment. */
function livingProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      let environ = '';
      try {
        environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      } catch {
        // another user's process
      }
      found.push({ pid: Number(name), pgid: Number(pgrp), text: `${cmdline}\0${environ}` });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left. */
export async function stopServer(server: ChildProcess): Promise<void> {
  const pgid = server.pid!;
  const alive = () => livingProcesses().some((p) => p.pgid === pgid);
  killGroup(server, 'SIGTERM');
  const until = Date.now() + 5000;
  while (alive() && Date.now() < until) await sleep(50);
  if (alive()) killGroup(server, 'SIGKILL');
  while (alive() && Date.now() < until + 2000) await sleep(50);
  await waitForExit(server, 2000);
}

/**
 * Whatever still runs with the temporary directory in its command line or environment (chromium's
 * profile, the server's HOME and XDG dirs) escaped the cleanup above: kill it, and report it.
 */
export async function reapLeftovers(temp: string): Promise<string[]> {
  const using = () => livingProcesses().filter((p) => p.text.includes(temp));
  const until = Date.now() + 3000;
  while (using().length > 0 && Date.now() < until) await sleep(100);
  const left = using();
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return left.map((p) => `${p.pid} ${p.text.split('\0')[0]!.slice(0, 200)}`);
}

/** The editor's Node processes must not inherit a parent test runner's settings (tsx, --test). */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}
