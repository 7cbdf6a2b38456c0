// `volley validate FILE…`: the editor's diagnostics on the command line, one greppable line per problem.
import { formatDiagnostic } from '../scenario/index';
import { UsageError, type ParsedArgs } from './args';
import { countBySeverity, loadFile, plural } from './prepare';

export async function validateCommand(args: ParsedArgs): Promise<number> {
  const files = args.positionals;
  if (files.length === 0) throw new UsageError('which files? volley validate FILE...', 'validate');
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    let loaded;
    try {
      // The steps are checked against the file's `openapi:` document too (warnings), as in the editor.
      loaded = await loadFile(file, { openApi: true });
    } catch (err) {
      process.stdout.write(`${file}: error: could not validate: ${err instanceof Error ? err.message : String(err)}\n`);
      errors++;
      continue;
    }
    if (loaded.readError) {
      process.stdout.write(`${file}: error: cannot read: ${loaded.readError}\n`);
      errors++;
      continue;
    }
    for (const d of loaded.diagnostics) process.stdout.write(`${formatDiagnostic(file, d)}\n`);
    const counts = countBySeverity(loaded.diagnostics);
    errors += counts.errors;
    warnings += counts.warnings;
  }
  if (errors > 0) {
    process.stderr.write(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
    return 1;
  }
  process.stderr.write(`${plural(files.length, 'file')} valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}\n`);
  return 0;
}
