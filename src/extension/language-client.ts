// The language server runs in its own Node process over IPC, so a slow validation never blocks the editor.
import * as vscode from 'vscode';
import { config } from './config';
import { runsDirFor } from './runner';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/**
 * The documents Volley serves. A scheme in each filter: without one a provider also claims documents of
 * any other file system (git diffs, remote copies), and VS Code logs a warning about it. Unsaved files
 * are served too.
 */
export const VOLLEY_DOCUMENTS: ReadonlyArray<{ readonly scheme: string; readonly language: string }> = [
  { scheme: 'file', language: 'volley' },
  { scheme: 'untitled', language: 'volley' },
];

function configuredRunsDir(context: vscode.ExtensionContext): { runsDir?: string } {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || config(folder.uri).runsDirectory === undefined) return {};
  return { runsDir: runsDirFor(vscode.Uri.joinPath(folder.uri, 'any.volley.yaml'), context.globalStorageUri) };
}

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...VOLLEY_DOCUMENTS],
    // The server finds the run store as the CLI does; only a configured `volley.runs.directory` needs telling.
    initializationOptions: () => configuredRunsDir(context),
    // Scenario files, and the JSON and YAML files an `openapi:` key may name: the server reads a changed one again.
    synchronize: {
      fileEvents: [vscode.workspace.createFileSystemWatcher('**/*.volley.{yaml,yml}'), vscode.workspace.createFileSystemWatcher('**/*.{json,yaml,yml}')],
    },
  };
  const client = new LanguageClient('volley', 'Volley', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
  return client;
}
