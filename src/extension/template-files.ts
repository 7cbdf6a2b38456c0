// The templates behind "New scenario from a template": the shipped examples, described by their opening
// comment. Pure file reading, so it is tested without an editor.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Template {
  name: string;
  path: string;
  description: string;
}

/** The first comment line of a file, which the examples use to say what they are. */
export function describeTemplate(text: string): string {
  const comment = /^#\s?(.*)$/m.exec(text)?.[1];
  return (comment ?? '').trim();
}

export function listTemplates(examplesDir: string): Template[] {
  let names: string[];
  try {
    names = readdirSync(examplesDir).filter((n) => n.endsWith('.volley.yaml')).sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const path = join(examplesDir, n);
    return { name: n.replace(/\.volley\.yaml$/, ''), path, description: describeTemplate(readFileSync(path, 'utf8')) };
  });
}

/** A safe base name: `checkout flow` → `checkout-flow`. */
export function scenarioFileName(input: string): string | undefined {
  const base = input.trim().replace(/\.volley\.ya?ml$/i, '').replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return base ? `${base}.volley.yaml` : undefined;
}
