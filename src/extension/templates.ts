// New scenario from a template: the shipped examples (one per executor, and the demo), offered by their
// opening comment, written under a name the person gives into the workspace, and opened.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listTemplates, scenarioFileName } from './template-files';

export async function newScenario(context: vscode.ExtensionContext, templateName?: string, fileName?: string): Promise<vscode.Uri | undefined> {
  const templates = listTemplates(context.asAbsolutePath('examples'));
  if (templates.length === 0) {
    void vscode.window.showErrorMessage('Volley: no templates were found in the extension.');
    return undefined;
  }
  let template = templates.find((t) => t.name === templateName);
  if (!template) {
    const pick = await vscode.window.showQuickPick(
      templates.map((t) => ({ label: t.name, detail: t.description, template: t })),
      { title: 'New Volley scenario from a template', matchOnDetail: true },
    );
    if (!pick) return undefined;
    template = pick.template;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const document = await vscode.workspace.openTextDocument({ language: 'volley', content: readFileSync(template.path, 'utf8') });
    await vscode.window.showTextDocument(document);
    return document.uri;
  }
  const path = await newScenarioPath(folder.uri.fsPath, template.name, fileName);
  if (!path) return undefined;
  const uri = vscode.Uri.file(path);
  await vscode.workspace.fs.writeFile(uri, readFileSync(template.path));
  await vscode.window.showTextDocument(uri);
  return uri;
}

/**
 * Where a new scenario file goes in `dir`: `fileName` when given, else the name typed in an input box that
 * proposes `proposed`; undefined when cancelled, or when the file exists (it is never replaced).
 */
export async function newScenarioPath(dir: string, proposed: string, fileName?: string): Promise<string | undefined> {
  const name =
    fileName ??
    (await vscode.window.showInputBox({
      title: 'Name of the new scenario file',
      value: proposed,
      validateInput: (v) => {
        const file = scenarioFileName(v);
        if (!file) return 'Give the file a name';
        return existsSync(join(dir, file)) ? `${file} already exists` : undefined;
      },
    }));
  const file = name === undefined ? undefined : scenarioFileName(name);
  if (!file) return undefined;
  const path = join(dir, file);
  if (existsSync(path)) {
    void vscode.window.showErrorMessage(`Volley: ${file} already exists.`);
    return undefined;
  }
  return path;
}
