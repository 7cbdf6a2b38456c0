// What a data set costs in memory: peak RSS (GNU time's %M, the whole process with its worker threads) of
// a short bounded `volley run` with 2 workers against a loopback target, with a generated 1,000,000-row CSV
// read by every iteration, beside the same run without the data set. The bound: the data set costs
// at most 1.5× its file size for the whole process, however many workers and VUs.
//
//   npx tsx bench/data-memory.ts [rows]      (default 1,000,000; prints a Markdown table and the raw JSON)
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEngine, machine, measure } from './tools';

const ROWS = Number(process.argv[2] ?? 1_000_000);

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,email,password\n');
  const batch = 10_000;
  for (let start = 0; start < rows; start += batch) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + batch); i++) chunk += `${i},user${i}@example.test,"pw,${i}"\n`;
    if (!out.write(chunk)) await new Promise<void>((drained) => out.once('drain', () => drained()));
  }
  await new Promise<void>((done, failed) => out.end((error?: Error | null) => (error ? failed(error) : done())));
}

function scenario(baseUrl: string, withData: boolean): string {
  return `name: data memory
baseUrl: ${baseUrl}
${withData ? 'data:\n  users: { file: users.csv, pick: unique }\n' : ''}scenarios:
  read:
    executor: constant-arrival-rate
    rate: 200
    timeUnit: 1s
    duration: 4s
    preAllocatedVUs: 10
    maxVUs: 20
    gracefulStop: 1s
    flow:
      - get: "${withData ? '/login?email={{ users.email }}&password={{ urlencode(users.password) }}' : '/login?email=user1@example.test&password=pw'}"
`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-data-memory-'));
  let requests = 0;
  const target = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  await new Promise<void>((listening) => target.listen(0, '127.0.0.1', listening));
  const baseUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  try {
    const engine = await buildEngine();
    const csv = join(dir, 'users.csv');
    await writeCsv(csv, ROWS);
    const fileBytes = statSync(csv).size;
    const results: Array<{ run: string; maxRssKb: number; wallSeconds: number; exitCode: number; requests: number }> = [];
    for (const withData of [false, true, false, true]) {
      const file = join(dir, withData ? 'with-data.volley.yaml' : 'without-data.volley.yaml');
      writeFileSync(file, scenario(baseUrl, withData));
      const before = requests;
      const m = await measure([process.execPath, engine, 'run', file, '--workers', '2', '--no-store', '--quiet'], '');
      if (m.exitCode !== 0) throw new Error(`volley run exited ${m.exitCode}: ${m.stderr}`);
      results.push({ run: withData ? 'with data' : 'without data', maxRssKb: m.maxRssKb, wallSeconds: m.wallSeconds, exitCode: m.exitCode, requests: requests - before });
    }
    const best = (run: string): number => Math.max(...results.filter((r) => r.run === run).map((r) => r.maxRssKb));
    const extraBytes = (best('with data') - best('without data')) * 1024;
    const lines = [
      `data file: ${ROWS.toLocaleString('en')} rows, ${(fileBytes / 1e6).toFixed(1)} MB`,
      '',
      '| run | peak RSS | wall | requests |',
      '| --- | ---: | ---: | ---: |',
      ...results.map((r) => `| ${r.run} | ${(r.maxRssKb / 1024).toFixed(1)} MiB | ${r.wallSeconds.toFixed(1)} s | ${r.requests} |`),
      '',
      `data set cost (highest peak with − highest peak without): ${(extraBytes / 1e6).toFixed(1)} MB = ${(extraBytes / fileBytes).toFixed(2)}× the file (bound: 1.5×)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n\n${JSON.stringify({ machine: machine(), rows: ROWS, fileBytes, results }, null, 2)}\n`);
  } finally {
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
