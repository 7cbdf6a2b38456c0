// `volley import FILE|-`: a scenario from cURL commands, an OpenAPI document, an .http file or a Postman
// collection. The scenario goes to stdout or -o FILE, warnings to stderr as FILE:LINE:COL lines.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT } from '../../protocol';
import { IMPORT_KINDS, ImportError, type ImportKind } from '../import/model';
import { EXECUTOR_TYPES } from '../scenario/schema';
import type { ExecutorType } from '../scenario/plan';
import { didYouMean } from '../scenario/suggest';
import { UsageError, all, has, last, type FlagSpec, type ParsedArgs } from './args';
import { systemReason } from './prepare';

export const IMPORT_FLAGS: FlagSpec[] = [
  { name: 'from', value: 'KIND', description: `what the input is: ${IMPORT_KINDS.join(', ')} (default: detected from the content)` },
  { name: 'output', short: 'o', value: 'FILE', description: 'write the scenario to FILE (default: stdout)' },
  { name: 'executor', value: 'NAME', description: 'the scenarios\' executor, with short smoke-test values (default per-vu-iterations: 1 VU, 1 iteration)' },
  { name: 'tag', value: 'TAG', repeatable: true, description: 'OpenAPI: only the operations with this tag (repeat for several)' },
  { name: 'operation', value: 'ID', repeatable: true, description: 'OpenAPI: only the operation with this operationId, or "METHOD /path" (repeat for several)' },
  { name: 'request', value: 'NAME', repeatable: true, description: '.http: only the request with this @name or starting on this line, and those it references (repeat for several)' },
  { name: 'environment', value: 'FILE', description: 'Postman: an exported environment whose values the collection reads (secret ones become {{ env.NAME }})' },
  { name: 'include-assets', description: 'HAR: keep static assets (images, fonts, CSS, JS, media)' },
  { name: 'host', value: 'HOST', repeatable: true, description: 'HAR: also keep the requests to HOST (repeat for several)' },
];

export async function importCommand(args: ParsedArgs): Promise<number> {
  const [input, extra] = args.positionals;
  if (input === undefined) throw new UsageError('what to import? volley import FILE (or - for standard input)', 'import');
  if (extra !== undefined) throw new UsageError(`one input at a time: unexpected "${extra}"`, 'import');
  const kind = last(args, 'from');
  if (kind !== undefined && !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    const suggestion = didYouMean(kind, [...IMPORT_KINDS]);
    throw new UsageError(`--from ${kind}: expected one of ${IMPORT_KINDS.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, 'import');
  }
  const executor = last(args, 'executor') ?? 'per-vu-iterations';
  if (!(EXECUTOR_TYPES as readonly string[]).includes(executor)) {
    const suggestion = didYouMean(executor, [...EXECUTOR_TYPES]);
    throw new UsageError(`--executor ${executor}: expected one of ${EXECUTOR_TYPES.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, 'import');
  }
  const label = input === '-' ? 'standard input' : input;
  let text: string;
  try {
    text = readFileSync(input === '-' ? 0 : input, 'utf8');
  } catch (err) {
    process.stderr.write(`volley import: cannot read ${label}: ${systemReason(err)}\n`);
    return EXIT.invalidInput;
  }
  const environmentFile = last(args, 'environment');
  let environment: { text: string; file: string } | undefined;
  if (environmentFile !== undefined) {
    try {
      environment = { text: readFileSync(environmentFile, 'utf8'), file: environmentFile };
    } catch (err) {
      process.stderr.write(`volley import: cannot read ${environmentFile}: ${systemReason(err)}\n`);
      return EXIT.invalidInput;
    }
  }
  const output = last(args, 'output');
  let outcome;
  try {
    // Loaded on use: the OpenAPI parser and sampler are not evaluated for every other command.
    const { importScenario } = await import('../import/index.js');
    outcome = await importScenario(text, {
      kind: kind as ImportKind | undefined,
      inputFile: input === '-' ? undefined : input,
      cwd: process.cwd(),
      outputFile: output,
      executor: executor as ExecutorType,
      tags: all(args, 'tag'),
      operations: all(args, 'operation'),
      includeAssets: has(args, 'include-assets'),
      hosts: all(args, 'host'),
      requests: all(args, 'request'),
      environment,
    });
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    const file = err.file ?? label;
    const where = err.at ? `${file}:${err.at.line}:${err.at.column}` : file;
    process.stderr.write(`${where}: error: ${err.message}\n`);
    return EXIT.invalidInput;
  }
  for (const w of outcome.warnings) {
    process.stderr.write(`${w.at ? `${label}:${w.at.line}:${w.at.column}` : label}: warning: ${w.message}\n`);
  }
  if (output === undefined) {
    process.stdout.write(outcome.scenario);
  } else {
    try {
      mkdirSync(dirname(resolve(output)), { recursive: true });
      writeFileSync(resolve(output), outcome.scenario);
    } catch (err) {
      process.stderr.write(`volley import: cannot write ${output}: ${systemReason(err)}\n`);
      return EXIT.invalidInput;
    }
    process.stderr.write(`wrote ${output} (${outcome.kind})${outcome.env.length > 0 ? `; set ${outcome.env.join(', ')} with -e NAME=VALUE when you run it` : ''}\n`);
  }
  return EXIT.ok;
}
