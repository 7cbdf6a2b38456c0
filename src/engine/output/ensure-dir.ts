// Creates the parent folders of an output file. Not `mkdirSync(…, { recursive: true })`: on Node 20 that
// loops forever on some paths (e.g. under /proc), which would hang the CLI instead of reporting the error.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function ensureParentDir(file: string): void {
  const missing: string[] = [];
  let dir = dirname(resolve(file));
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) {
        throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const parent = dirname(dir);
      if (parent === dir) throw err;
      missing.push(dir);
      dir = parent;
    }
  }
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]);
}
