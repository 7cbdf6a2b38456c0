// The snippets of snippets/volley.json (contributed to VS Code as a snippets file) are the one source of
// snippet text (its executor templates are generated from the format's description by
// scripts/gen-snippets.ts); the server offers the same bodies through completion, but only where they fit.
//
// Duplicates: VS Code lists contributed snippets by prefix anywhere in the file (`scenario-…`, `step-…`).
// The server's items are the in-place variants: offered only at the position the snippet is valid for
// (a scenario under `scenarios:`, a step in a `flow:` list, a stage in `stages:`), adapted to it (after
// a typed `- ` the body's own dash is dropped), filtered by the executor name or step kind rather than by
// the contributed prefix, and marked "snippet here" in their label details. Typing a contributed prefix
// therefore shows the contributed snippet; asking for completion at a position shows the server's.
import SNIPPETS from '../../snippets/volley.json';

interface SnippetEntry {
  prefix: string | string[];
  description: string;
  body: string | string[];
}

export interface Snippet {
  name: string;
  description: string;
  body: string;
}

const entries = SNIPPETS as Record<string, SnippetEntry>;

function load(name: string): Snippet {
  const entry = entries[name];
  const body = Array.isArray(entry.body) ? entry.body.join('\n') : entry.body;
  return { name, description: entry.description, body };
}

/** `Scenario: <executor>` entries, by executor. */
export function scenarioSnippet(executor: string): Snippet | undefined {
  return entries[`Scenario: ${executor}`] ? load(`Scenario: ${executor}`) : undefined;
}

export function stepSnippets(): Snippet[] {
  return Object.keys(entries)
    .filter((name) => name.startsWith('Step: '))
    .map(load);
}

export function stageSnippet(): Snippet {
  return load('Stage');
}

/** A list-item body without its leading `- `, for a line where the dash is already typed. */
export function withoutDash(body: string): string {
  return body.startsWith('- ') ? body.slice(2) : body;
}
