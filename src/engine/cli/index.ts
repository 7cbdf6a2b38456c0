// The `volley` command line: dispatch to a command, turn usage mistakes into exit code 104 with usage.
import { EXIT } from '../../protocol';
import { didYouMean } from '../scenario/suggest';
import { UsageError, has, parseArgs } from './args';
import { COMMANDS, commandHelp, commandNamed, mainHelp, usageHint } from './commands';
import { compareCommand } from './compare';
import { debugCommand } from './debug';
import { demoCommand } from './demo';
import { estimateCommand } from './estimate';
import { importCommand } from './import';
import { k8sCommand } from './k8s';
import { mergeCommand } from './merge';
import { reportCommand } from './report';
import { runCommand } from './run';
import { validateCommand } from './validate';
import { versionText } from './version';

export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`volley${err.command ? ` ${err.command}` : ''}: ${err.message}\n${usageHint(err.command)}`);
      return EXIT.invalidInput;
    }
    const detail = process.env.VOLLEY_DEBUG && err instanceof Error && err.stack ? err.stack : err instanceof Error ? err.message : String(err);
    process.stderr.write(`volley: internal error: ${detail}\n(set VOLLEY_DEBUG=1 for the stack; please report it)\n`);
    return EXIT.engineError;
  }
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(mainHelp());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(versionText());
    return EXIT.ok;
  }
  if (first.startsWith('-')) throw new UsageError(`expected a command before ${first}`, undefined);
  const spec = commandNamed(first);
  if (!spec) {
    const suggestion = didYouMean(first, COMMANDS.map((c) => c.name));
    throw new UsageError(`unknown command "${first}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, undefined);
  }
  const args = parseArgs(rest, spec.flags, spec.name);
  if (has(args, 'help')) {
    process.stdout.write(commandHelp(spec));
    return EXIT.ok;
  }
  switch (spec.name) {
    case 'validate':
      return validateCommand(args);
    case 'run':
      return runCommand(args);
    case 'demo':
      return demoCommand(args);
    case 'debug':
      return debugCommand(args);
    case 'estimate':
      return estimateCommand(args);
    case 'import':
      return importCommand(args);
    case 'compare':
      return compareCommand(args);
    case 'merge':
      return mergeCommand(args);
    case 'report':
      return reportCommand(args);
    case 'k8s':
      return k8sCommand(args);
    case 'version':
      if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`, 'version');
      process.stdout.write(versionText());
      return EXIT.ok;
    case 'help': {
      const topic = args.positionals[0];
      if (topic === undefined) {
        process.stdout.write(mainHelp());
        return EXIT.ok;
      }
      const about = commandNamed(topic);
      if (!about) throw new UsageError(`no command "${topic}"`, undefined);
      process.stdout.write(commandHelp(about));
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command "${first}"`, undefined);
  }
}
