// Writes schemas/volley.schema.json (JSON Schema draft-07, for yaml-language-server and other editors)
// from the one schema definition, src/engine/scenario/schema.ts. A test keeps the two in sync:
// run `npm run gen:schema` after changing the schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonSchema } from '../src/engine/scenario/schema';

export const SCHEMA_FILE = join(__dirname, '..', 'schemas', 'volley.schema.json');

export function renderJsonSchema(): string {
  return JSON.stringify(toJsonSchema(), null, 2) + '\n';
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderJsonSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
