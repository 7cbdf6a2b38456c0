// One parse and one validation per document version, shared by every feature of the server. The
// outline (model) and the line structure are derived from that parse on first use, also once per version.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseScenarioDocument, validateDocument, type ScenarioDocument } from '../engine/scenario';
import type { ScenarioDiagnostic } from '../engine/scenario/plan';
import { LineIndex } from './line-index';
import { buildModel, type DocumentModel } from './model';

export class AnalysedDocument {
  private modelCache: DocumentModel | undefined;
  private linesCache: LineIndex | undefined;
  private diagnosticsCache: ScenarioDiagnostic[] | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly scenario: ScenarioDocument,
  ) {}

  get diagnostics(): ScenarioDiagnostic[] {
    return (this.diagnosticsCache ??= validateDocument(this.scenario));
  }

  get model(): DocumentModel {
    return (this.modelCache ??= buildModel(this.scenario));
  }

  get lines(): LineIndex {
    return (this.linesCache ??= new LineIndex(this.scenario.text));
  }
}

export class DocumentCache {
  private readonly entries = new Map<string, AnalysedDocument>();
  /** How many times a document was parsed: the benchmark and tests check it stays one per version. */
  parses = 0;

  get(document: TextDocument): AnalysedDocument {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    this.parses++;
    const analysed = new AnalysedDocument(document.uri, document.version, parseScenarioDocument(document.getText()));
    this.entries.set(document.uri, analysed);
    return analysed;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
