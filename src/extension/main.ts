// Extension entry: starts the language client for `volley` documents. Runs, the results panel and the
// inline review build on this (see docs/architecture.md).
import * as vscode from 'vscode';
import { startLanguageClient } from './language-client';
import type { LanguageClient } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
