// Kubernetes manifests that run one scenario file as N execution segments, k6-operator's model on a plain
// Indexed Job: a ConfigMap holds the file; the Job's N pods (completionMode: Indexed, parallelism =
// completions = N) each run segment i of the even sequence 0,1/N,…,1, where i is the pod's completion
// index. Every pod starts at the same wall-clock instant (--start-at, fixed when the manifest is printed)
// and writes its run as NDJSON to its log (or to a shared volume), from where `volley merge` joins them.
import { basename } from 'node:path';
import { Document } from 'yaml';
import { evenSequence, sequenceToString } from '../segments';

export const DEFAULT_IMAGE = 'volley:latest';
/** Where the ConfigMap is mounted in the pod. */
export const SCENARIO_DIR = '/scenario';
export const RESULTS_DIR = '/results';
export const INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** The Job controller's annotation on each pod (Kubernetes ≥ 1.21); the env var is read from it. */
export const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** ConfigMaps hold at most 1 MiB. */
const CONFIGMAP_LIMIT = 1024 * 1024;

export interface ManifestOptions {
  /** The scenario file's path (its base name becomes the ConfigMap key) and text. */
  file: string;
  text: string;
  parallelism: number;
  image: string;
  name: string;
  namespace?: string;
  /** ISO time every pod starts at. */
  startAt: string;
  /** Seconds after which Kubernetes stops the Job whatever happens (a hung pod must not run forever). */
  activeDeadlineSeconds: number;
  /** A ReadWriteMany PersistentVolumeClaim for the NDJSON files; absent: each pod's log holds its run. */
  resultsPvc?: string;
  /** The distributed run's id: the merge's --run-id, and the default testid of a prometheus-rw output. */
  runId?: string;
  /** `--out prometheus-rw=URL` for every pod, with the VOLLEY_PROMETHEUS_RW_* variables they all get
   * (TESTID among them: one for the whole test, so Prometheus sums the pods' series live). */
  prometheusRw?: { url: string; env: Record<string, string> };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `value` cannot be a Kubernetes object name (an RFC 1123 label), or undefined. */
export function nameProblem(value: string, what: string, maxLength = 63): string | undefined {
  if (value.length > maxLength) return `${what} "${value}" is longer than ${maxLength} characters`;
  if (!DNS_LABEL.test(value)) return `${what} "${value}" must be lowercase letters, digits and "-", starting and ending with a letter or digit`;
  return undefined;
}

/** A Job name from the scenario file's name: "Checkout.volley.yaml" → "volley-checkout". */
export function nameFromFile(file: string): string {
  const stem = basename(file).replace(/\.volley\.ya?ml$/i, '').replace(/\.ya?ml$/i, '');
  const cleaned = stem.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  // Pods are named <job>-<index>-<random>: keep room for that within 63 characters.
  return `volley-${cleaned || 'test'}`.slice(0, 50).replace(/-+$/, '');
}

/** The ConfigMap key: the file's base name when Kubernetes accepts it as a key. */
export function configMapKey(file: string): string {
  const base = basename(file);
  return /^[-._a-zA-Z0-9]+$/.test(base) && base.length <= 253 ? base : 'scenario.volley.yaml';
}

/** The sequence the pods share: 0,1/N,…,1 (even parts, k6's notation). */
export function sequenceFor(parallelism: number): string {
  return sequenceToString(evenSequence(parallelism));
}

/** The args of the engine in pod i (the index comes from the env var, expanded by Kubernetes). */
export function podArgs(options: ManifestOptions): string[] {
  const out = options.resultsPvc !== undefined ? `ndjson=${RESULTS_DIR}/${options.name}-$(${INDEX_ENV}).ndjson` : 'ndjson=-';
  return [
    'run',
    `${SCENARIO_DIR}/${configMapKey(options.file)}`,
    '--execution-segment-sequence',
    sequenceFor(options.parallelism),
    '--execution-segment-index',
    `$(${INDEX_ENV})`,
    '--start-at',
    options.startAt,
    // A segment's own thresholds judge a part of the load: `volley merge` judges the whole. Without
    // this a failed threshold would fail the pod, and with it the Job, which stops the other pods.
    '--no-thresholds',
    '--quiet',
    // The pod's file system is thrown away: no run store.
    '--no-store',
    '--out',
    out,
    ...(options.prometheusRw ? ['--out', `prometheus-rw=${options.prometheusRw.url}`] : []),
  ];
}

export function manifestObjects(options: ManifestOptions): Array<Record<string, unknown>> {
  if (Buffer.byteLength(options.text, 'utf8') > CONFIGMAP_LIMIT - 1024) {
    throw new Error(`${options.file} is larger than a ConfigMap can hold (1 MiB)`);
  }
  // A fresh object each time: a shared one would print as a YAML anchor and alias.
  const labels = (): Record<string, string> => ({ 'app.kubernetes.io/name': 'volley', 'app.kubernetes.io/instance': options.name });
  const metadata = (name: string): Record<string, unknown> => ({
    name,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    labels: labels(),
  });
  const configMapName = `${options.name}-scenario`;
  const volumeMounts: Array<Record<string, unknown>> = [{ name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true }];
  const volumes: Array<Record<string, unknown>> = [{ name: 'scenario', configMap: { name: configMapName } }];
  if (options.resultsPvc !== undefined) {
    volumeMounts.push({ name: 'results', mountPath: RESULTS_DIR });
    volumes.push({ name: 'results', persistentVolumeClaim: { claimName: options.resultsPvc } });
  }

  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(configMapName),
    data: { [configMapKey(options.file)]: options.text },
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(options.name),
    spec: {
      completionMode: 'Indexed',
      completions: options.parallelism,
      parallelism: options.parallelism,
      // A retried segment would start late and count its part twice: a failure is final.
      backoffLimit: 0,
      activeDeadlineSeconds: options.activeDeadlineSeconds,
      template: {
        metadata: { labels: labels() },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'volley',
              image: options.image,
              args: podArgs(options),
              env: [
                // Set by the Job controller too (Kubernetes ≥ 1.22); declared here so that $(…) in args
                // always expands, and from the pod's annotation, which exists since 1.21.
                { name: INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX_ANNOTATION}']` } } },
                ...Object.entries(options.prometheusRw?.env ?? {}).map(([name, value]) => ({ name, value })),
              ],
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
  return [configMap, job];
}

/** The manifests as one multi-document YAML stream, with how to apply, collect and merge in a header. */
export function manifestYaml(options: ManifestOptions): string {
  const [configMap, job] = manifestObjects(options);
  const ns = options.namespace !== undefined ? ` -n ${options.namespace}` : '';
  const collect =
    options.resultsPvc !== undefined
      ? [`collect: copy ${RESULTS_DIR}/${options.name}-*.ndjson from the volume ${options.resultsPvc}`]
      : [
          `collect: for p in $(kubectl get pods${ns} -l job-name=${options.name} -o name); do`,
          `           kubectl logs${ns} "$p" > "\${p#pod/}.ndjson"; done`,
        ];
  const header = new Document(configMap);
  header.commentBefore = [
    ` Volley: ${options.file} as ${options.parallelism} execution segments (${sequenceFor(options.parallelism)}),`,
    ` all starting at ${options.startAt}. Apply now (kubectl apply${ns} -f -), the start time is fixed;`,
    ' print a new manifest for the next run (kubectl delete job first).',
    ` wait:    kubectl wait${ns} --for=condition=complete job/${options.name} --timeout=${options.activeDeadlineSeconds}s`,
    ...collect.map((line) => ` ${line}`),
    ` merge:   volley merge *.ndjson${options.runId !== undefined ? ` --run-id ${options.runId}` : ''} --summary-export summary.json`,
    ...(options.prometheusRw ? [` live:    every pod pushes to ${options.prometheusRw.url} with testid="${options.prometheusRw.env.VOLLEY_PROMETHEUS_RW_TESTID}"`] : []),
  ].join('\n');
  return `${header.toString()}---\n${new Document(job).toString()}`;
}
