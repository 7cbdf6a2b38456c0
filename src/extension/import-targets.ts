// What the "Load test this" lenses are for, read cheaply in the extension: where the requests of an .http
// / .rest file start (the line after `###`, or the file's start, that is not blank, a comment or a file
// variable, as src/engine/import/http-file.ts reads it), and whether a YAML / JSON file may be an OpenAPI
// document (its operations' places then come from the language server). Pure, tested without an editor.

export interface HttpRequestLine {
  /** 0-based line of the request line. */
  line: number;
  /** What `volley import --request` takes: the request's 1-based line. */
  id: string;
  /** `# @name`, else undefined. */
  name?: string;
  method: string;
  url: string;
}

const REQUEST = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT)\s+(\S+)/;

export function httpRequestLines(text: string): HttpRequestLine[] {
  const found: HttpRequestLine[] = [];
  let inRequest = false;
  let name: string | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^###/.test(line)) {
      inRequest = false;
      name = undefined;
      return;
    }
    if (inRequest) return;
    const trimmed = line.trim();
    const comment = /^(#|\/\/)\s*(.*)$/.exec(trimmed);
    if (comment) {
      const named = /^@name\s+(\S+)/.exec(comment[2]!);
      if (named) name = named[1];
      return;
    }
    if (trimmed === '' || /^@[\w.-]+\s*=/.test(trimmed)) return;
    inRequest = true;
    const request = REQUEST.exec(trimmed);
    found.push({ line: index, id: String(index + 1), name, method: request ? request[1]! : 'GET', url: request ? request[2]! : trimmed.split(/\s+/)[0]! });
  });
  return found;
}

/** A file name for a request's scenario: its @name, else `get-users-id` from the method and path. */
export function requestFileBase(method: string, url: string, name?: string): string {
  if (name) return name;
  const path = url.replace(/^\{\{[^}]*\}\}/, '').replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/\?.*$/, '');
  const words = path.replace(/\{\{?[^}]*\}?\}/g, (m) => m.replace(/[{}]/g, '')).split(/[^\w]+/).filter(Boolean);
  return [method.toLowerCase(), ...words].join('-');
}

export function isHttpFile(path: string): boolean {
  return /\.(http|rest)$/i.test(path);
}

/**
 * A YAML file (not a scenario) with an `openapi:` or `swagger:` key at its top level, or a JSON file with
 * such a key, in its first 4 KB. Cheap and loose for JSON; the server's parse of the text decides.
 */
export function mayBeOpenApi(path: string, text: string): boolean {
  const head = text.slice(0, 4096);
  if (/\.json$/i.test(path)) return /"(?:openapi|swagger)"\s*:/.test(head);
  if (!/\.ya?ml$/i.test(path) || /\.volley\.ya?ml$/i.test(path)) return false;
  return /^["']?(?:openapi|swagger)["']?\s*:/m.test(head);
}
