// The files `multipart:` parts send, relative to the scenario file: read once when the Plan is built
// (never per request), each distinct file once; for the editor, only whether each can be read. A file
// that cannot be read is an error at its `file:` value.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readProblem } from '../data/load';
import type { MultipartPart, ScenarioDiagnostic } from './plan';
import type { CheckedFile } from './validate';

type FilePart = Extract<MultipartPart, { kind: 'file' }>;

/** Reads every file part's bytes into the part; the diagnostics of those that cannot be read. */
export function readBodyFiles(checked: CheckedFile, scenarioFile: string): ScenarioDiagnostic[] {
  const read = new Map<string, Uint8Array | string>();
  return problems(checked, scenarioFile, (part, path) => {
    let content = read.get(path);
    if (content === undefined) {
      try {
        content = readFileSync(path);
      } catch (error) {
        content = readProblem(error);
      }
      read.set(path, content);
    }
    if (typeof content === 'string') return content;
    part.content = content;
    return undefined;
  });
}

/** What the editor shows as you type: the file parts whose file cannot be read, without reading them. */
export function unreadableBodyFiles(checked: CheckedFile, scenarioFile: string): ScenarioDiagnostic[] {
  return problems(checked, scenarioFile, (_part, path) => {
    try {
      if (statSync(path).isDirectory()) return readProblem({ code: 'EISDIR' });
      accessSync(path, constants.R_OK);
      return undefined;
    } catch (error) {
      return readProblem(error);
    }
  });
}

function problems(checked: CheckedFile, scenarioFile: string, problemOf: (part: FilePart, path: string) => string | undefined): ScenarioDiagnostic[] {
  const diagnostics: ScenarioDiagnostic[] = [];
  for (const scenario of checked.scenarios) {
    for (const step of scenario.steps) {
      if (step.kind !== 'request' || step.body.kind !== 'multipart') continue;
      for (const part of step.body.parts) {
        if (part.kind !== 'file') continue;
        const path = resolve(dirname(scenarioFile), part.path);
        const problem = problemOf(part, path);
        if (problem === undefined) continue;
        diagnostics.push({ severity: 'error', code: 'unreadable-body-file', message: `cannot read "${part.path}" (${path}): ${problem}`, range: part.range });
      }
    }
  }
  return diagnostics;
}

