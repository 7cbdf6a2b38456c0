// One parse and one validation per document version, shared by every feature of the server. The
// outline (model) and the line structure are derived from that parse on first use, also once per version.
// Each open document keeps what its last version computed per block (the parse of each scenario, its
// checks and its outline), so a keystroke in a big file re-reads only the scenario it touched.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ScenarioDocument } from '../engine/scenario';
import { IncrementalParser } from '../engine/scenario/incremental';
import type { ScenarioDiagnostic } from '../engine/scenario/plan';
import { fileURLToPath } from 'node:url';
import { unreadableBodyFiles } from '../engine/scenario/body-files';
import { dataFileDiagnostics, dataFilePath, inspectDataFile } from '../engine/scenario/data-files';
import { CheckCache, checkDocument, type CheckResult } from '../engine/scenario/validate';
import { LineIndex } from './line-index';
import { buildModel, ModelCache, type DocumentModel } from './model';

/** What a document keeps from one version to the next. */
class DocumentState {
  readonly parser = new IncrementalParser();
  readonly checks = new CheckCache();
  readonly outlines = new ModelCache();
}

export class AnalysedDocument {
  private modelCache: DocumentModel | undefined;
  private linesCache: LineIndex | undefined;
  private checkCache: CheckResult | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly scenario: ScenarioDocument,
    private readonly state?: DocumentState,
  ) {}

  get diagnostics(): ScenarioDiagnostic[] {
    return this.checked.diagnostics;
  }

  /** The scenario file's path, for an open file on disk. */
  get file(): string | undefined {
    return this.uri.startsWith('file:') ? fileURLToPath(this.uri) : undefined;
  }

  /**
   * The files of `multipart:` parts that cannot be read, asked of the disk each time (they come and go),
   * and the data files that cannot be used (read again only when changed on disk).
   */
  get fileDiagnostics(): ScenarioDiagnostic[] {
    const file = this.file;
    if (file === undefined) return [];
    return [...unreadableBodyFiles(this.checked.checked, file), ...dataFileDiagnostics(this.checked.checked.data, file)];
  }

  /** What the check found valid: the file's baseUrl, its `openapi:` reference, its steps. */
  get checkedFile(): CheckResult['checked'] {
    return this.checked.checked;
  }

  private get checked(): CheckResult {
    const file = this.file;
    // A data set's columns come from its file's header, so `{{ users.emial }}` is an error as you type.
    const dataColumns = file === undefined ? undefined : (set: { file: string }) => inspectDataFile(dataFilePath(file, set.file)).columns;
    return (this.checkCache ??= checkDocument(this.scenario, this.state?.checks, { dataColumns }));
  }

  get model(): DocumentModel {
    return (this.modelCache ??= buildModel(this.scenario, this.state?.outlines));
  }

  get lines(): LineIndex {
    return (this.linesCache ??= new LineIndex(this.scenario.text));
  }
}

export class DocumentCache {
  private readonly entries = new Map<string, AnalysedDocument>();
  private readonly states = new Map<string, DocumentState>();
  /** How many times a document was parsed: the benchmark and tests check it stays one per version. */
  parses = 0;

  get(document: TextDocument): AnalysedDocument {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    this.parses++;
    let state = this.states.get(document.uri);
    if (!state) this.states.set(document.uri, (state = new DocumentState()));
    const analysed = new AnalysedDocument(document.uri, document.version, state.parser.parse(document.getText()), state);
    this.entries.set(document.uri, analysed);
    return analysed;
  }

  /** How the last version of a document was parsed (whole or by blocks), for tests and the benchmark. */
  parseReport(uri: string) {
    return this.states.get(uri)?.parser.lastParse;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
    this.states.delete(uri);
  }
}
