// The `openapi:` key's value: a file relative to the scenario file. Kept free of the document reader, so
// the checker that reads the key does not load the OpenAPI parser.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Range } from '../scenario/plan';

/** `openapi:` as the checker found it: the reference as written and where its value is. */
export interface OpenApiReference {
  file: string;
  range: Range;
}

/** A URL, which `openapi:` refuses: a document fetched as you type would make the checks depend on the network. */
export function isUrlReference(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

export function openApiPath(scenarioFile: string, reference: string): string {
  return isAbsolute(reference) ? reference : resolve(dirname(scenarioFile), reference);
}
