// The flags and commands of scale-out (one test over several processes or machines): k6's execution
// segments and a common start time on `volley run`, `volley merge` and `volley k8s`. Kept here so the
// command table in commands.ts only lists them.
import type { FlagSpec } from './args';
import type { CommandSpec } from './commands';
import { SEGMENT_FLAGS } from './segment-flags';

const help: FlagSpec = { name: 'help', short: 'h', description: 'show this help' };

export const SCALE_OUT_RUN_FLAGS: FlagSpec[] = [
  ...SEGMENT_FLAGS,
  { name: 'start-at', value: 'TIME', description: 'wait until TIME (ISO with zone, or +30s) before starting, so separate processes start together' },
  { name: 'no-thresholds', description: "don't evaluate thresholds (k6's flag; segments leave them to volley merge)" },
];

export const SCALE_OUT_COMMANDS: CommandSpec[] = [
  {
    name: 'merge',
    synopsis: 'volley merge RUN.ndjson... [--summary-export FILE] [--out ndjson=FILE] [--out junit=FILE] [--out html=FILE]',
    summary: 'merge the runs of the execution segments of one test into one result',
    flags: [
      { name: 'summary-export', value: 'FILE', description: "write the merged summary as JSON (k6's summary-export shape)" },
      { name: 'out', short: 'o', value: 'KIND=FILE', repeatable: true, description: 'an output, repeatable: ndjson=FILE (the merged run as a run file like any other), junit=FILE, html=FILE' },
      { name: 'run-id', value: 'ID', description: 'name the merged run (default: derived from the runs)' },
      { name: 'quiet', short: 'q', description: 'no notes on stderr about the runs being merged' },
      { name: 'no-color', description: 'no colours in the summary (also: NO_COLOR=1)' },
      help,
    ],
    details: `Each RUN.ndjson is the --out ndjson file of one segment (volley run --execution-segment …), or the log of
a Kubernetes pod (lines that are not events are skipped). HDR histograms merge exactly, counters add,
rates are recomputed over the common wall-clock window, and each second is aligned by wall-clock time.
Thresholds are evaluated on the merged result and decide the exit code.

Examples:
  volley merge seg-0.ndjson seg-1.ndjson seg-2.ndjson --summary-export summary.json
  volley merge results/*.ndjson --out ndjson=merged.ndjson

Exit codes:
  0    every threshold passed on the merged result
  99   a threshold failed on the merged result (or ended a segment's run with abortOnFail)
  104  invalid input: unreadable files, runs of different tests, a segment given twice
  105  a segment's run was stopped from outside`,
  },
  {
    name: 'k8s',
    synopsis: 'volley k8s FILE --parallelism N [--image IMAGE] [--namespace NS] [--name NAME] [--out prometheus-rw=URL]',
    summary: 'print Kubernetes manifests that run FILE as N execution segments (an Indexed Job)',
    flags: [
      { name: 'parallelism', short: 'n', value: 'N', description: 'how many pods (segments) run the test together' },
      { name: 'image', value: 'IMAGE', description: 'engine image (default volley:latest; see the Dockerfile)' },
      { name: 'namespace', value: 'NS', description: 'namespace of the ConfigMap and the Job (default: none, kubectl picks)' },
      { name: 'name', value: 'NAME', description: "name of the Job and prefix of the ConfigMap (default: from the file's name)" },
      { name: 'start-at', value: 'TIME', description: 'when the pods start the test (ISO with zone, or +DURATION; default +2m)' },
      { name: 'results-pvc', value: 'CLAIM', description: 'write each segment to CLAIM (a ReadWriteMany volume) instead of the pod log' },
      { name: 'out', short: 'o', value: 'prometheus-rw=URL', description: 'every pod pushes its series to URL with one shared testid (VOLLEY_PROMETHEUS_RW_TESTID, default the run id printed in the header)' },
      help,
    ],
    details: `Prints a ConfigMap holding the scenario file and an Indexed Job (completionMode: Indexed, parallelism =
completions = N, backoffLimit: 0): pod i runs segment i of 0,1/N,…,1, from $(JOB_COMPLETION_INDEX). The start
time is fixed when the manifest is printed: apply it at once (and print a new one for the next run).

Examples:
  volley k8s load.volley.yaml --parallelism 4 --image registry.example.com/volley:0.1.0 | kubectl apply -f -
  for p in $(kubectl get pods -l job-name=volley-load -o name); do kubectl logs "$p" > "\${p#pod/}.ndjson"; done
  volley merge volley-load-*.ndjson

See docs/scale-out.md for when to scale out and how to read merged results.`,
  },
];
