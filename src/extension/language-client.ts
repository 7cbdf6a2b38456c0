// The language server runs in its own Node process over IPC, so a slow validation never blocks the editor.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'volley' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.volley.{yaml,yml}') },
  };
  const client = new LanguageClient('volley', 'Volley', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
  return client;
}
