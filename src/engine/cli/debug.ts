// `volley debug FILE [--scenario NAME] [--json]`: one iteration of one scenario (setup and teardown
// around it) on one VU, every request and response shown, with capture suggestions. No thresholds, no
// run store entry. See docs/debugging.md.
import { readFileSync } from 'node:fs';
import type { FlagSpec } from './args';
import { UsageError, envFlags, has, last, type ParsedArgs } from './args';
import { prepareRun, systemReason } from './prepare';
import { demoForPlan } from './demo-target';
import { redactorFor, runEnv } from './session';
import { EXIT } from '../../protocol';
import { parseScenarioDocument } from '../scenario/document';
import { runDebugIteration } from '../debug/runner';
import { suggestCaptures } from '../debug/suggestions';
import { buildReport, learnSecrets } from '../debug/report-build';
import { formatDebugText } from '../debug/text-format';
import type { CommandSpec } from './commands';

export const DEBUG_FLAGS: FlagSpec[] = [
  { name: 'scenario', short: 's', value: 'NAME', description: 'the scenario whose flow runs (default: the first in the file)' },
  { name: 'json', description: 'print the report as one JSON document (steps[], control[], suggestions[])' },
  { name: 'env', short: 'e', value: 'NAME=VALUE', repeatable: true, description: 'set env.NAME for templates (values are kept out of all output)' },
  { name: 'no-setup', description: "don't run the file's setup: steps" },
  { name: 'no-teardown', description: "don't run the file's teardown: steps" },
  { name: 'demo', description: "also start the embedded demo target on the file's baseUrl (a loopback host:port), as run --demo does" },
  { name: 'help', short: 'h', description: 'show this help' },
];

export const DEBUG_COMMAND: CommandSpec = {
  name: 'debug',
  synopsis: 'volley debug FILE [--scenario NAME] [--json]',
  summary: 'run one iteration of a flow and show every request and response, with capture suggestions',
  flags: DEBUG_FLAGS,
  details: `Runs setup (if any), exactly one iteration of the scenario's flow on one VU, then teardown: no
thresholds, no run store entry, think steps shown but not waited. Each step shows the request as sent and
the response (secrets redacted as in every output; JSON bodies pretty-printed, long ones cut), timings,
checks, captures, and which branch each if/choose took. Suggestions name literals that should be captures.

Examples:
  volley debug checkout.volley.yaml
  volley debug examples/demo.volley.yaml --scenario shoppers --demo
  volley debug checkout.volley.yaml --scenario shoppers --json -e TOKEN=$API_TOKEN

Exit codes:
  0    every request got a response, every check passed (a step without a status check: status < 400)
  1    a request failed or a check failed (or setup failed, so no iteration ran)
  103  the engine failed
  104  invalid input: bad flags, or the scenario file has errors`,
};

export async function debugCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined) throw new UsageError('which file? volley debug FILE', 'debug');
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`, 'debug');
  const scenarioName = last(args, 'scenario');
  if (scenarioName === '') throw new UsageError('--scenario needs a name', 'debug');
  const envOverrides = envFlags(args, 'debug');
  const json = has(args, 'json');
  const stderr = process.stderr;

  const prepared = await prepareRun(file, scenarioName === undefined ? [] : [scenarioName]);
  for (const line of prepared.diagnostics) stderr.write(`${line}\n`);
  if (!prepared.ok) {
    stderr.write(`volley: ${prepared.message}\n`);
    return prepared.exitCode;
  }
  const plan = prepared.plan;
  const scenarioIndex = scenarioName === undefined ? 0 : plan.scenarios.findIndex((s) => s.name === scenarioName);
  const scenario = plan.scenarios[scenarioIndex];
  if (!scenario) {
    stderr.write(`volley: ${file} has no scenario to debug\n`);
    return EXIT.invalidInput;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    stderr.write(`volley: cannot read ${file}: ${systemReason(err)}\n`);
    return EXIT.invalidInput;
  }
  const doc = parseScenarioDocument(text);
  const redactor = redactorFor(plan, envOverrides);
  const demo = has(args, 'demo') ? await demoForPlan(plan) : undefined;
  if (demo && 'exitCode' in demo) {
    stderr.write(`volley: ${demo.message}\n`);
    return demo.exitCode;
  }
  const started = performance.now();
  let record;
  try {
    record = await runDebugIteration({
      plan,
      scenarioIndex,
      env: runEnv(envOverrides),
      doc,
      setup: !has(args, 'no-setup'),
      teardown: !has(args, 'no-teardown'),
    });
  } finally {
    await demo?.cleanup();
  }
  const suggestions = suggestCaptures(record, doc, plan);
  learnSecrets(record, redactor);
  const report = buildReport(file, scenario.name, record, doc, suggestions, redactor, performance.now() - started);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatDebugText(report));
  if (!json && scenarioName === undefined && plan.scenarios.length > 1) {
    stderr.write(`volley: debugged the first scenario, ${scenario.name}; pick another with --scenario (${plan.scenarios.map((s) => s.name).join(', ')})\n`);
  }
  return report.exitCode;
}

