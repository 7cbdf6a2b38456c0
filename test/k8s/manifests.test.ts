// `volley k8s`: the manifests parse as YAML, hold a ConfigMap with the scenario and an Indexed Job that
// passes a schema check of the batch/v1 fields used, and every pod index gets its own segment of the
// even sequence, parsed by the real `volley run` flags. Then the pods' own command lines are run as local
// processes against a loopback server and their logs (NDJSON on stdout among other output) are merged.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { UsageError, parseArgs } from '../../src/engine/cli/args';
import { commandNamed } from '../../src/engine/cli/commands';
import { distributedRunId } from '../../src/engine/cli/k8s';
import { segmentFromArgs } from '../../src/engine/cli/segment-flags';
import { parseStartAt } from '../../src/engine/cli/start-at';
import { manifestObjects, manifestYaml, nameFromFile, type ManifestOptions } from '../../src/engine/k8s';
import { Rational } from '../../src/engine/segments';
import { CONFIGMAP_SCHEMA, JOB_SCHEMA, check } from './job-schema';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { startTarget, type Target } from '../support/target';

interface Container {
  name: string;
  image: string;
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface Job {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimit: number;
    template: { spec: { restartPolicy: string; containers: Container[]; volumes: Array<{ name: string; configMap?: { name: string } }> } };
  };
}
interface ConfigMap {
  kind: string;
  metadata: { name: string };
  data: Record<string, string>;
}

const SCENARIO = (baseUrl: string): string => `name: k8s test
baseUrl: ${baseUrl}
scenarios:
  browse:
    executor: constant-vus
    vus: 10
    duration: 1s
    flow:
      - name: home
        get: /
      - think: 100ms
thresholds:
  http_req_failed: [rate<0.01]
`;

function parseManifests(yaml: string): { configMap: ConfigMap; job: Job } {
  const docs = parseAllDocuments(yaml);
  assert.ok(Array.isArray(docs), 'a YAML stream');
  for (const doc of docs) assert.deepEqual(doc.errors, []);
  const objects = docs.map((doc) => doc.toJS() as { kind: string });
  assert.deepEqual(objects.map((o) => o.kind), ['ConfigMap', 'Job']);
  return { configMap: objects[0] as ConfigMap, job: objects[1] as Job };
}

/** The args of pod `index`, as the kubelet expands $(JOB_COMPLETION_INDEX) from the container's env. */
function podArgs(job: Job, index: number): string[] {
  const container = job.spec.template.spec.containers[0];
  assert.ok(container.env.some((e) => e.name === 'JOB_COMPLETION_INDEX'), 'the env var $(…) refers to is declared');
  return container.args.map((arg) => arg.replaceAll('$(JOB_COMPLETION_INDEX)', String(index)));
}

const options = (parallelism: number, extra: Partial<ManifestOptions> = {}): ManifestOptions => ({
  file: 'examples/checkout.volley.yaml',
  text: SCENARIO('http://shop.default.svc:8080'),
  parallelism,
  image: 'registry.example.com/volley:0.1.0',
  name: 'checkout',
  namespace: 'load',
  startAt: '2030-01-01T12:00:00.000Z',
  activeDeadlineSeconds: 900,
  ...extra,
});

describe('manifests', () => {
  for (const parallelism of [1, 3, 4]) {
    it(`parallelism ${parallelism}: a ConfigMap and an Indexed Job that pass the schema check`, () => {
      const yaml = manifestYaml(options(parallelism));
      assert.doesNotMatch(yaml, /^\s*[\w.-/]+: [&*]\w+/m, 'no YAML anchors or aliases: plain objects for every reader');
      const { configMap, job } = parseManifests(yaml);
      assert.deepEqual(check(configMap, CONFIGMAP_SCHEMA), []);
      assert.deepEqual(check(job, JOB_SCHEMA), []);
      assert.equal(configMap.data['checkout.volley.yaml'], options(parallelism).text);
      assert.equal(job.spec.completionMode, 'Indexed');
      assert.equal(job.spec.parallelism, parallelism);
      assert.equal(job.spec.completions, parallelism);
      assert.equal(job.spec.backoffLimit, 0);
      assert.equal(job.spec.template.spec.restartPolicy, 'Never');
      assert.equal(job.metadata.namespace, 'load');
      const container = job.spec.template.spec.containers[0];
      assert.equal(container.image, 'registry.example.com/volley:0.1.0');
      assert.deepEqual(container.env[0].valueFrom, { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } });
      // The scenario the pods run is the ConfigMap's, mounted where the args point.
      const volume = job.spec.template.spec.volumes.find((v) => v.configMap?.name === configMap.metadata.name);
      assert.ok(volume);
      const mount = container.volumeMounts.find((m) => m.name === volume.name);
      assert.ok(mount);
      assert.equal(container.args[1], `${mount.mountPath}/checkout.volley.yaml`);
    });
  }

  it('gives each pod index its own segment: 0:1/3, 1/3:2/3, 2/3:1, and 10 VUs split 4/3/3', () => {
    const { job } = parseManifests(manifestYaml(options(3)));
    const runFlags = commandNamed('run')!.flags;
    let covered = Rational.ZERO;
    const segments: string[] = [];
    const vus: number[] = [];
    for (let index = 0; index < 3; index++) {
      const args = podArgs(job, index);
      assert.equal(args[0], 'run');
      // Every flag is one `volley run` knows: the real parser refuses anything else.
      const parsed = parseArgs(args.slice(1), runFlags, 'run');
      const tuple = segmentFromArgs(parsed, 'run');
      assert.ok(tuple);
      segments.push(tuple.segment.toString());
      vus.push(tuple.scale(10));
      covered = covered.add(tuple.segment.length);
      assert.equal(parsed.flags.get('start-at')?.[0], '2030-01-01T12:00:00.000Z');
      assert.deepEqual(parsed.flags.get('no-thresholds'), ['']);
    }
    assert.deepEqual(segments, ['0:1/3', '1/3:2/3', '2/3:1']);
    assert.deepEqual(vus, [4, 3, 3]);
    assert.ok(covered.equals(Rational.ONE));
  });

  it('refuses an index the kubelet did not expand, and one past the sequence', () => {
    const { job } = parseManifests(manifestYaml(options(2)));
    const runFlags = commandNamed('run')!.flags;
    const raw = parseArgs(job.spec.template.spec.containers[0].args.slice(1), runFlags, 'run');
    assert.throws(() => segmentFromArgs(raw, 'run'), (err: unknown) => err instanceof UsageError && /not a segment index.*JOB_COMPLETION_INDEX/.test(err.message));
    const past = parseArgs(podArgs(job, 2).slice(1), runFlags, 'run');
    assert.throws(() => segmentFromArgs(past, 'run'), /has 2 segments \(indexes 0 to 1\)/);
  });

  it('writes to a shared volume instead of the log when given one', () => {
    const [, job] = manifestObjects(options(2, { resultsPvc: 'volley-results' })) as [unknown, Job];
    assert.deepEqual(check(job, JOB_SCHEMA), []);
    const container = job.spec.template.spec.containers[0];
    assert.ok(container.args.includes('ndjson=/results/checkout-$(JOB_COMPLETION_INDEX).ndjson'));
    assert.ok(container.volumeMounts.some((m) => m.mountPath === '/results'));
  });

  it('passes --out prometheus-rw and one testid to every pod', () => {
    const url = 'http://prometheus.monitoring.svc:9090/api/v1/write';
    const env = { VOLLEY_PROMETHEUS_RW_TESTID: 'checkout-20300101T120000Z', VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' };
    const yaml = manifestYaml(options(3, { runId: 'checkout-20300101T120000Z', prometheusRw: { url, env } }));
    assert.match(yaml, /volley merge \*\.ndjson --run-id checkout-20300101T120000Z/);
    const { job } = parseManifests(yaml);
    assert.deepEqual(check(job, JOB_SCHEMA), []);
    const runFlags = commandNamed('run')!.flags;
    const container = job.spec.template.spec.containers[0];
    for (let index = 0; index < 3; index++) {
      const parsed = parseArgs(podArgs(job, index).slice(1), runFlags, 'run');
      assert.deepEqual(parsed.flags.get('out'), ['ndjson=-', `prometheus-rw=${url}`]);
    }
    assert.deepEqual(
      container.env.filter((e) => e.name.startsWith('VOLLEY_PROMETHEUS_RW_')).map((e) => [e.name, e.value]),
      [['VOLLEY_PROMETHEUS_RW_TESTID', 'checkout-20300101T120000Z'], ['VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM', 'true']],
    );
  });

  it('derives a valid Job name from the file name', () => {
    assert.equal(nameFromFile('tests/Checkout Flow.volley.yaml'), 'volley-checkout-flow');
    assert.equal(nameFromFile('x/__.volley.yml'), 'volley-test');
    assert.ok(nameFromFile(`${'a'.repeat(80)}.volley.yaml`).length <= 50);
  });
});

describe('volley k8s and the pods, run as local processes', () => {
  let ws: Workspace;
  let target: Target;
  let file: string;

  before(async () => {
    ws = workspace();
    target = await startTarget();
    file = ws.file('shop.volley.yaml', SCENARIO(target.url));
  });

  after(async () => {
    await target.close();
    ws.cleanup();
  });

  it('refuses bad input with exit code 104 and says why', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['k8s', file], /--parallelism N is required/],
      [['k8s', file, '--parallelism', '0'], /--parallelism "0": a whole number from 1 to 1000/],
      [['k8s', file, '-n', '2', '--name', 'Bad_Name'], /--name "Bad_Name" must be lowercase/],
      [['k8s', file, '-n', '2', '--start-at', '2001-01-01T00:00:00Z'], /--start-at 2001-01-01T00:00:00.000Z was .* ago/],
      [['k8s', ws.file('broken.volley.yaml', 'scenarios:\n  x:\n    executor: nope\n'), '-n', '2'], /broken\.volley\.yaml:\d+:\d+: error/],
    ];
    for (const [args, pattern] of cases) {
      const r = await volley(ws, args);
      assert.equal(r.code, 104, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.equal(r.stdout, '');
    }
  });

  it('--out prometheus-rw: the default testid is the distributed run id, the merge line names it, the settings go along', async () => {
    const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000);
    const runId = distributedRunId('volley-shop', start.getTime());
    assert.match(runId, /^volley-shop-\d{8}T\d{6}Z$/);
    const printed = await volley(ws, ['k8s', file, '-n', '2', '--start-at', start.toISOString(), '--out', 'prometheus-rw=http://127.0.0.1:9090/api/v1/write'], {
      VOLLEY_PROMETHEUS_RW_TREND_STATS: 'p(95),avg',
    });
    assert.equal(printed.code, 0, printed.stderr);
    assert.ok(printed.stdout.includes(`volley merge *.ndjson --run-id ${runId} `), printed.stdout);
    assert.ok(printed.stderr.includes(`every pod pushes to http://127.0.0.1:9090/api/v1/write with testid="${runId}"`), printed.stderr);
    const { job } = parseManifests(printed.stdout);
    const container = job.spec.template.spec.containers[0];
    assert.ok(container.args.join(' ').includes('--out prometheus-rw=http://127.0.0.1:9090/api/v1/write'));
    const env = Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    assert.deepEqual(env, { VOLLEY_PROMETHEUS_RW_TREND_STATS: 'p(95),avg', VOLLEY_PROMETHEUS_RW_TESTID: runId });
    // A testid set when printing wins; bad settings are refused here, not in every pod.
    const named = await volley(ws, ['k8s', file, '-n', '2', '--out', 'prometheus-rw=http://127.0.0.1:9090/api/v1/write'], { VOLLEY_PROMETHEUS_RW_TESTID: 'release-42' });
    assert.match(named.stdout, /name: VOLLEY_PROMETHEUS_RW_TESTID\n\s+value: release-42/);
    for (const [args, env2, pattern] of [
      [['--out', 'prometheus-rw=not a url'], {}, /not a URL/],
      [['--out', 'ndjson=x.ndjson'], {}, /--out takes prometheus-rw=URL, not "ndjson"/],
      [['--out', 'prometheus-rw=http://127.0.0.1:9090/api/v1/write'], { VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'maybe' }, /TREND_AS_NATIVE_HISTOGRAM "maybe": true or false/],
    ] as Array<[string[], Record<string, string>, RegExp]>) {
      const r = await volley(ws, ['k8s', file, '-n', '2', ...args], env2);
      assert.equal(r.code, 104, r.stderr);
      assert.match(r.stderr, pattern);
    }
  });

  it('prints manifests whose pods, run with their own args, merge into the whole test', async () => {
    const printed = await volley(ws, ['k8s', file, '--parallelism', '2', '--image', 'volley:test', '--start-at', '+2s']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stderr, /2 pods, segments 0,1\/2,1, starting at/);
    const { job } = parseManifests(printed.stdout);
    assert.deepEqual(check(job, JOB_SCHEMA), []);
    assert.equal(job.metadata.name, 'volley-shop');

    // Each pod's command line, with the ConfigMap's mount path pointing at the local file.
    const logs = await Promise.all(
      [0, 1].map(async (index) => {
        const args = podArgs(job, index).map((arg) => (arg === '/scenario/shop.volley.yaml' ? file : arg));
        const pod = await volley(ws, args);
        assert.equal(pod.code, 0, pod.stderr);
        // What `kubectl logs` shows: both streams.
        const log = join(ws.dir, `pod-${index}.log`);
        writeFileSync(log, pod.stdout + pod.stderr);
        return { log, stdout: pod.stdout };
      }),
    );
    for (const { stdout } of logs) assert.match(stdout, /^\{"type":"start"/);
    const merged = await volley(ws, ['merge', ...logs.map((l) => l.log), '--summary-export', join(ws.dir, 'k8s-summary.json')]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stderr, /skipped \d+ lines that are not events/);
    assert.match(merged.stderr, /2 runs \(0:1\/2, 1\/2:1\)/);
    const summary = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(ws.dir, 'k8s-summary.json'), 'utf8'))) as {
      metrics: Record<string, Record<string, number>>;
      scenarios: Array<{ vusMax: number }>;
    };
    assert.equal(summary.metrics.http_reqs.count, target.requests);
    assert.equal(summary.scenarios[0].vusMax, 10);
    assert.equal(summary.metrics.http_req_failed.thresholds !== undefined, true);
    // Both pods waited for the manifest's common start.
    assert.ok(parseStartAt(job.spec.template.spec.containers[0].args[job.spec.template.spec.containers[0].args.indexOf('--start-at') + 1], Date.now()).ok);
  });
});
