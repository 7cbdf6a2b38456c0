// Hand-written argument parsing: `--flag value`, `--flag=value`, `-e value`, `-eVALUE`, boolean flags,
// repeatable flags and `--`. Every mistake is a UsageError naming the flag and, where one is close, the fix.
import { didYouMean } from '../scenario/suggest';

export interface FlagSpec {
  /** Long name without the dashes: `scenario` for `--scenario`. */
  name: string;
  /** One letter for `-x`. */
  short?: string;
  /** Placeholder of the value in help (`NAME`); absent for a boolean flag. */
  value?: string;
  repeatable?: boolean;
  description: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** Flag name → its values in order (booleans get one empty string per use). */
  flags: Map<string, string[]>;
}

/** Bad usage: printed with the command's usage, exit code 104. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string | undefined,
  ) {
    super(message);
  }
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));

  const add = (spec: FlagSpec, value: string, written: string): void => {
    const values = flags.get(spec.name) ?? [];
    if (values.length > 0 && !spec.repeatable) {
      throw new UsageError(`${written} was given more than once`, command);
    }
    values.push(value);
    flags.set(spec.name, values);
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (!spec) throw unknownFlag(`--${name}`, specs.map((s) => `--${s.name}`), command);
      if (spec.value === undefined) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`, command);
        add(spec, '', arg);
        continue;
      }
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !looksLikeFlag(argv[i + 1])) value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value: --${name} ${spec.value}`, command);
      add(spec, value, `--${name}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const letter = arg[1];
      const spec = byShort.get(letter);
      if (!spec) {
        throw unknownFlag(arg.length === 2 ? arg : `-${letter}`, specs.flatMap((s) => (s.short ? [`-${s.short}`] : [])).concat(specs.map((s) => `--${s.name}`)), command);
      }
      if (spec.value === undefined) {
        if (arg.length > 2) throw new UsageError(`-${letter} takes no value (in "${arg}")`, command);
        add(spec, '', arg);
        continue;
      }
      let value: string | undefined;
      if (arg.length > 2) value = arg.slice(2);
      else if (i + 1 < argv.length && !looksLikeFlag(argv[i + 1])) value = argv[++i];
      if (value === undefined) throw new UsageError(`-${letter} needs a value: -${letter} ${spec.value}`, command);
      add(spec, value, `-${letter}`);
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, flags };
}

function looksLikeFlag(arg: string): boolean {
  return arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg);
}

function unknownFlag(written: string, known: string[], command: string): UsageError {
  const suggestion = didYouMean(written, known);
  return new UsageError(`unknown flag ${written}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, command);
}

export function has(args: ParsedArgs, name: string): boolean {
  return (args.flags.get(name)?.length ?? 0) > 0;
}

export function last(args: ParsedArgs, name: string): string | undefined {
  const values = args.flags.get(name);
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

export function all(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `-e NAME=VALUE` flags (k6's), for `run`, `demo --run` and `estimate`. */
export function envFlags(args: ParsedArgs, command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of all(args, 'env')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0) throw new UsageError(`-e needs NAME=VALUE, got "${name}" (to pass an empty value write ${name}=)`, command);
    if (!ENV_NAME.test(name)) throw new UsageError(`-e: "${name}" is not a valid variable name (letters, digits, _)`, command);
    env[name] = pair.slice(eq + 1);
  }
  return env;
}
