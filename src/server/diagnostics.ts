// Diagnostics as you type: debounced per document, and never stale — a result computed for an older
// version than the latest is dropped instead of published.
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ScenarioDiagnostic, Severity } from '../engine/scenario/plan';
import type { AnalysedDocument, DocumentCache } from './documents';

export const DEBOUNCE_MS = 150;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: ScenarioDiagnostic): Diagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], message: d.message, code: d.code, source: 'volley' };
}

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly latest = new Map<string, TextDocument>();
  /** The wait after the last change; the latency benchmark sets 0 (initializationOptions.diagnosticsDebounceMs). */
  debounceMs = DEBOUNCE_MS;

  constructor(
    private readonly connection: Connection,
    private readonly cache: DocumentCache,
    /** Diagnostics beyond the validator's (the VU estimate's warning), computed at publish time. */
    private readonly extra: (doc: AnalysedDocument) => ScenarioDiagnostic[] = () => [],
  ) {}

  /** Publishes every open document again, e.g. when a new run changed the estimates. */
  republishAll(): void {
    for (const document of this.latest.values()) this.schedule(document);
  }

  schedule(document: TextDocument): void {
    this.latest.set(document.uri, document);
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => this.publish(document.uri), this.debounceMs),
    );
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.latest.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private publish(uri: string): void {
    this.timers.delete(uri);
    const document = this.latest.get(uri);
    if (!document) return;
    const analysed = this.cache.get(document);
    if (this.latest.get(uri)?.version !== analysed.version) return;
    void this.connection.sendDiagnostics({
      uri,
      version: analysed.version,
      diagnostics: [...analysed.diagnostics, ...this.extra(analysed)].map(toLspDiagnostic),
    });
  }
}
