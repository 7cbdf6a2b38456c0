// Which processes the extension host has started, read from /proc (Linux): the suite runs inside the
// extension host, so its own pid is the parent of the language server and of any engine run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  cmdline: string;
}

export function processes(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may hold spaces and parentheses, so split after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      found.push({ pid: Number(name), ppid: Number(ppid), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** This extension host's living child processes. */
export function children(): ProcessEntry[] {
  return processes().filter((p) => p.ppid === process.pid);
}

/** Any engine process of this extension, whoever its parent (the runner forks it; Estimate spawns it). */
export function engineProcesses(extensionPath: string): ProcessEntry[] {
  const engine = join(extensionPath, 'dist/engine.js');
  return processes().filter((p) => p.cmdline.includes(engine));
}
