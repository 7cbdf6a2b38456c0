// Two builds of the engine side by side on the closed model: the same nginx target and 50-VU constant-vus
// file, the two engines alternating round by round on the generator core (only same-run ratios count on a
// noisy VM). Usage: npx tsx bench/closed-pair.ts BASE/dist/engine.js NEW/dist/engine.js (ROUNDS, SECONDS_PER).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseCores, ensureTools, measure, startNginx } from './tools';

const [baseEngine, newEngine] = process.argv.slice(2);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SECONDS = Number(process.env.SECONDS_PER ?? 10);
(async () => {
  ensureTools();
  const cores = chooseCores();
  const target = await startNginx(cores);
  const dir = mkdtempSync(join(tmpdir(), 'pair-'));
  const file = join(dir, 'closed.volley.yaml');
  writeFileSync(file, `name: bench-closed\nbaseUrl: http://127.0.0.1:${target.port}\nscenarios:\n  closed:\n    executor: constant-vus\n    vus: 50\n    duration: ${SECONDS}s\n    gracefulStop: 2s\n    flow:\n      - name: get\n        get: /\n`);
  const results: Record<string, number[]> = { base: [], new: [] };
  const cpu: Record<string, number[]> = { base: [], new: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, engine] of r % 2 === 0 ? [['base', baseEngine], ['new', newEngine]] : [['new', newEngine], ['base', baseEngine]]) {
      const out = join(dir, `${label}${r}.ndjson`);
      const m = await measure(['node', engine!, 'run', file, '--quiet', '--no-store', '--workers', '1', '--out', `ndjson=${out}`], cores.generator);
      const summary = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.type === 'summary').summary;
      const reqs = summary.metrics.http_reqs.count as number;
      results[label!]!.push(reqs / SECONDS);
      cpu[label!]!.push(reqs / m.cpuSeconds);
      console.log(`${label} round ${r}: ${(reqs / SECONDS).toFixed(0)} req/s, ${(reqs / m.cpuSeconds).toFixed(0)} req/CPU-s`);
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`median req/s: base ${med(results.base!).toFixed(0)}, new ${med(results.new!).toFixed(0)}; req/CPU-s: base ${med(cpu.base!).toFixed(0)}, new ${med(cpu.new!).toFixed(0)}`);
  await target.stop();
})();
