// What each command accepts, in one place: the parser and the help text both read it.
import type { FlagSpec } from './args';
import { SCALE_OUT_COMMANDS, SCALE_OUT_RUN_FLAGS } from './scale-out-spec';
import { ESTIMATE_COMMAND } from './estimate';
import { IMPORT_FLAGS } from './import';
import { COMPARE_COMMAND, MAX_REGRESSION_FLAG } from './compare';
import { REPORT_COMMAND } from './report';
import { DEBUG_COMMAND } from './debug';

export interface CommandSpec {
  name: string;
  synopsis: string;
  summary: string;
  flags: FlagSpec[];
  /** Extra help text after the flags: examples, exit codes. */
  details?: string;
}

const help: FlagSpec = { name: 'help', short: 'h', description: 'show this help' };

export const RUN_FLAGS: FlagSpec[] = [
  { name: 'scenario', short: 's', value: 'NAME', repeatable: true, description: 'run only this scenario (repeat for several)' },
  { name: 'summary-export', value: 'FILE', description: "write the end-of-test summary as JSON (k6's summary-export shape)" },
  { name: 'out', short: 'o', value: 'KIND=TARGET', repeatable: true, description: 'an output, repeatable: ndjson=FILE (every event, as the run goes), junit=FILE (thresholds and diagnoses as JUnit XML), html=FILE (a self-contained report), prometheus-rw=URL (k6\'s remote-write mapping)' },
  { name: 'env', short: 'e', value: 'NAME=VALUE', repeatable: true, description: 'set env.NAME for templates (values are kept out of all output)' },
  { name: 'run-id', value: 'ID', description: 'name the run (default: generated)' },
  { name: 'quiet', short: 'q', description: 'no progress output while running' },
  { name: 'workers', value: 'N', description: 'worker threads that split every scenario (k6 execution segments); default: one per core' },
  { name: 'no-store', description: 'do not keep the run in the run store (.volley/runs in the workspace)' },
  { name: 'runs-dir', value: 'DIR', description: 'keep runs in DIR instead of .volley/runs (also: VOLLEY_RUNS_DIR)' },
  { name: 'no-color', description: 'no colours in the summary (also: NO_COLOR=1)' },
  ...SCALE_OUT_RUN_FLAGS,
  { name: 'no-preflight', description: 'skip the check of the plan against ulimit -n and the ephemeral ports before the run' },
  { name: 'no-setup', description: "don't run the file's setup: steps (k6's flag); scenarios then read no setup captures" },
  { name: 'no-teardown', description: "don't run the file's teardown: steps (k6's flag)" },
  { name: 'baseline', value: 'RUN.ndjson', description: "at the end, compare with this run per step; exit 99 when a step's p95 or failure rate regressed" },
  MAX_REGRESSION_FLAG,
  { name: 'no-warm-up', description: 'start a high-rate arrival-rate run (2,000+ iterations/s a thread) without its 0.5 s JIT warm-up' },
];

const EXIT_CODES = `Exit codes:
  0    the run completed and every threshold passed
  99   a threshold failed (or one with abortOnFail ended the run), or a step regressed against --baseline
  103  the engine failed
  104  invalid input: bad flags, or the scenario file has errors
  105  stopped from outside (Ctrl-C, SIGTERM)
  107  a setup: step failed (its request or a check); no scenario ran, teardown did`;

export const COMMANDS: CommandSpec[] = [
  {
    name: 'run',
    synopsis: 'volley run FILE [flags]',
    summary: 'run a load test',
    flags: [
      ...RUN_FLAGS,
      { name: 'demo', description: "also start the embedded demo target on the file's baseUrl (a loopback host:port)" },
      help,
    ],
    details: `The file is validated first; with errors nothing runs. Ctrl-C stops gracefully (running iterations
may finish within gracefulStop); a second Ctrl-C stops at once. Progress goes to stderr, the summary to stdout.

Examples:
  volley run examples/demo.volley.yaml --demo
  volley run load.volley.yaml --scenario browse --out ndjson=run.ndjson --summary-export summary.json
  volley run load.volley.yaml -e TOKEN=$API_TOKEN --quiet

${EXIT_CODES}`,
  },
  {
    name: 'validate',
    synopsis: 'volley validate FILE...',
    summary: 'check scenario files without running them',
    flags: [help],
    details: `Prints one "file:line:col: severity: message" line per problem to stdout and a count to stderr.
Exit code 1 when any file has an error, else 0.`,
  },
  {
    name: 'demo',
    synopsis: 'volley demo [flags]',
    summary: 'start the embedded demo target (a small shop API on 127.0.0.1)',
    flags: [
      { name: 'port', short: 'p', value: 'PORT', description: 'port to listen on (default 7878; 0 picks a free one)' },
      { name: 'host', value: 'HOST', description: 'loopback address to listen on (default 127.0.0.1)' },
      { name: 'latency', value: 'DURATION', description: 'median response latency, lognormal jitter around it (default 20ms)' },
      { name: 'fault-rate', value: 'FRACTION', description: 'fraction of requests answered 500/503 (default 0)' },
      { name: 'reset-rate', value: 'FRACTION', description: 'fraction of requests whose connection is reset (default 0)' },
      { name: 'seed', value: 'N', description: 'fix the latency and fault draws (default: random)' },
      { name: 'run', value: 'FILE', description: 'run FILE against the target, then stop it and exit with the run\'s exit code' },
      ...RUN_FLAGS,
      help,
    ],
    details: `Endpoints: GET /health, GET /products?page=N, GET /products/:id, POST /login {user,password},
POST /cart {id,user}, GET /cart/:cartId, and its OpenAPI document at GET /openapi.json. Without --run it serves until Ctrl-C. The run flags apply with --run.

Examples:
  volley demo
  volley demo --run examples/demo.volley.yaml
  volley demo --latency 50ms --fault-rate 0.02`,
  },
  {
    name: 'import',
    synopsis: 'volley import FILE|- [--from KIND] [-o OUT.volley.yaml] [flags]',
    summary: 'make a scenario from cURL commands, a HAR, an OpenAPI document, an .http file or a Postman collection',
    flags: [...IMPORT_FLAGS, help],
    details: `The result always passes volley validate. Secrets of the input (tokens, passwords, API keys,
session cookies) are never written: they become {{ env.NAME }}, listed in the file's header comment.
Warnings (what could not be converted) go to stderr and beside their step as comments. See docs/importing.md.

Examples:
  volley import requests.sh -o checkout.volley.yaml
  pbpaste | volley import - --from curl
  volley import openapi.yaml --tag orders --executor constant-arrival-rate -o orders.volley.yaml
  volley import api.http -o api.volley.yaml
  volley import recording.har --host api.example.com -o journey.volley.yaml

Exit codes: 0 written, 104 bad usage or input that cannot be imported.`,
  },
  DEBUG_COMMAND,
  ESTIMATE_COMMAND,
  COMPARE_COMMAND,
  REPORT_COMMAND,
  ...SCALE_OUT_COMMANDS,
  { name: 'version', synopsis: 'volley version', summary: 'print the version', flags: [help] },
  { name: 'help', synopsis: 'volley help [COMMAND]', summary: 'show help for a command', flags: [help] },
];

export function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function flagLines(flags: FlagSpec[]): string[] {
  const left = flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return flags.map((f, i) => `  ${left[i].padEnd(width)}${f.description}`);
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [`${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`, '', `Usage: ${spec.synopsis}`];
  if (spec.flags.length > 0) lines.push('', 'Flags:', ...flagLines(spec.flags));
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n') + '\n';
}

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Volley: HTTP load tests with k6 semantics.',
    '',
    'Usage: volley COMMAND [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'volley COMMAND --help' for a command's flags.",
    '',
  ].join('\n');
}

/** The short form printed after a usage error. */
export function usageHint(command: string | undefined): string {
  const spec = command ? commandNamed(command) : undefined;
  return spec
    ? `Usage: ${spec.synopsis}\nRun 'volley ${spec.name} --help' for its flags.\n`
    : `Usage: volley COMMAND [flags]  (commands: ${COMMANDS.map((c) => c.name).join(', ')})\nRun 'volley --help' for more.\n`;
}
