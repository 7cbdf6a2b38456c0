// Packaging for the e2e test: a staged copy of the checkout packaged by scripts/package.mjs (so the test
// never rebuilds the checkout's own dist/ under other tests), and a reader for the .vsix (a zip) that
// lists its entries and reads one back.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { childEnv, killGroup, waitForExit } from './processes';
import { REPO_ROOT } from './run-vscode';

/** Not copied: history, dependencies (linked instead), build output and scratch folders. */
const NOT_STAGED = new Set(['.git', 'node_modules', 'dist', 'out']);

/**
 * Copies the checkout into `dir` (node_modules linked) and runs `node scripts/package.mjs --out` there:
 * the same production build and vsce call as `npm run package`. Returns the .vsix path.
 */
export async function packageStaged(dir: string, timeoutMs = 120_000): Promise<{ vsix: string; output: string }> {
  const stage = join(dir, 'stage');
  mkdirSync(stage, { recursive: true });
  for (const entry of readdirSync(REPO_ROOT)) {
    if (NOT_STAGED.has(entry) || entry.startsWith('.scratch') || entry.endsWith('.vsix')) continue;
    cpSync(join(REPO_ROOT, entry), join(stage, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const { name, version } = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(dir, `${name}-${version}.vsix`);
  const child = spawn(process.execPath, [join(stage, 'scripts/package.mjs'), '--out', vsix], {
    cwd: stage,
    env: childEnv({}),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await waitForExit(child, timeoutMs);
  if (code !== 0) {
    killGroup(child, 'SIGKILL');
    throw new Error(`scripts/package.mjs failed (${code}):\n${output}`);
  }
  return { vsix, output };
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** The entries of a zip file, from its central directory (no zip64: a .vsix is far below 4 GB). */
export function zipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeader: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

export function readZipEntry(file: string, name: string): Buffer {
  const entry = zipEntries(file).find((e) => e.name === name);
  if (!entry) throw new Error(`${file} has no ${name}`);
  const zip = readFileSync(file);
  const data = entry.localHeader + 30 + zip.readUInt16LE(entry.localHeader + 26) + zip.readUInt16LE(entry.localHeader + 28);
  const raw = zip.subarray(data, data + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(raw);
  if (entry.method === 8) return inflateRawSync(raw);
  throw new Error(`${name}: unsupported compression method ${entry.method}`);
}
