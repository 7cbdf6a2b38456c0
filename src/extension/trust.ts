// Running a load test sends traffic and reads the environment, so it needs a trusted workspace;
// IntelliSense does not, and keeps working (capabilities.untrustedWorkspaces is "limited").
import * as vscode from 'vscode';
import { config } from './config';
import { remoteHosts } from './remote-hosts';
import type { ScenarioServer } from './server-requests';

export const UNTRUSTED_MESSAGE = 'Volley: running load tests needs a trusted workspace. Editing and IntelliSense still work.';

/** True when runs may start; otherwise tells the person why not (and how to change it) and returns false. */
export function mayRun(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/**
 * With `volley.run.confirmRemoteHosts` on, asks before a file sends load anywhere but this machine. A
 * template in a host cannot be resolved without evaluating it, so such a host is named as written. When the
 * language server cannot say which hosts the file loads, it asks all the same.
 */
export async function confirmHosts(document: vscode.TextDocument, server: ScenarioServer): Promise<boolean> {
  if (!config(document.uri).confirmRemoteHosts) return true;
  const facts = await server.fileFacts(document.uri);
  const hosts = facts ? remoteHosts(facts.hosts) : undefined;
  if (hosts?.length === 0) return true;
  const listed = hosts && hosts.slice(0, 5).join(', ') + (hosts.length > 5 ? `, and ${hosts.length - 5} more` : '');
  const message = hosts
    ? `This scenario sends load to ${listed}, which ${hosts.length === 1 ? 'is' : 'are'} not this machine. Only load systems you are allowed to test.`
    : 'Volley could not read which hosts this scenario sends load to (the language server did not answer). Only load systems you are allowed to test.';
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: 'Turn off volley.run.confirmRemoteHosts to stop asking.' }, 'Run');
  return choice === 'Run';
}
