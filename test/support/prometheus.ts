// A real Prometheus (Debian's package; scripts/e2e/setup.sh installs it) for the remote-write tests: started on
// 127.0.0.1 with its remote-write receiver, a temp storage dir, no scrape targets and the given features.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../cli/helpers';

export type PromVector = Array<{ metric: Record<string, string>; value: [number, string] }>;

export interface Prometheus {
  url: string;
  log(): string;
  /** An instant PromQL query; fails the test on an error answer. */
  query(promql: string): Promise<PromVector>;
  stop(): void;
}

export async function startPrometheus(dir: string, features: string[] = []): Promise<Prometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  mkdirSync(join(dir, 'tsdb'), { recursive: true });
  const args = [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver'];
  if (features.length > 0) args.push(`--enable-feature=${features.join(',')}`);
  let log = '';
  const child = spawn('prometheus', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', (err) => (log += `cannot start prometheus (Debian's package; scripts/e2e/setup.sh installs it): ${err.message}\n`));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  let ready = false;
  const probe = async (): Promise<void> => {
    try {
      ready = (await fetch(`${url}/-/ready`)).ok;
    } catch {
      ready = false;
    }
  };
  await waitFor(`prometheus ready\n${log}`, () => {
    void probe();
    return ready;
  }, 30_000);
  return {
    url,
    log: () => log,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; data: { result: PromVector } };
      assert.equal(body.status, 'success', JSON.stringify(body));
      return body.data.result;
    },
    stop: () => child.kill('SIGTERM'),
  };
}
