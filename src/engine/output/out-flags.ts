// `--out KIND=TARGET`, repeatable as in k6 (`-o ndjson=run.ndjson -o junit=junit.xml`): which outputs a run
// (or a merge) writes. Each kind at most once: two files of one kind would only differ by name.
import { UsageError } from '../cli/args';

export const OUTPUT_KINDS = {
  ndjson: 'FILE',
  junit: 'FILE',
  html: 'FILE',
  'prometheus-rw': 'URL',
} as const;

export type OutputKind = keyof typeof OUTPUT_KINDS;
export type OutputTargets = Partial<Record<OutputKind, string>>;

export function outputTargets(values: readonly string[], command: string, kinds: readonly OutputKind[]): OutputTargets {
  const targets: OutputTargets = {};
  const usage = kinds.map((k) => `${k}=${OUTPUT_KINDS[k]}`).join(', ');
  for (const value of values) {
    const eq = value.indexOf('=');
    const kind = eq < 0 ? value : value.slice(0, eq);
    const target = eq < 0 ? '' : value.slice(eq + 1);
    if (!(kinds as readonly string[]).includes(kind)) throw new UsageError(`--out takes ${usage}, not "${kind}"`, command);
    const known = kind as OutputKind;
    if (target === '') throw new UsageError(`--out ${known} needs a target: --out ${known}=${OUTPUT_KINDS[known]}`, command);
    if (targets[known] !== undefined) throw new UsageError(`--out ${known} was given twice (${targets[known]} and ${target})`, command);
    targets[known] = target;
  }
  return targets;
}
