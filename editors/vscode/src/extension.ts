// The VS Code client for planls: starts `planls serve` over stdio for `.plan` files and keeps it
// in step with the `planls.*` settings.

import * as os from 'node:os';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, RevealOutputChannelOn, ServerOptions } from 'vscode-languageclient/node';
import { LspPosition, parseShowReferences, SHOW_REFERENCES, ShowReferencesArguments } from './references';
import { Refresher, reportRequest, webviewHtml } from './report';
import { resolveServerCommand } from './server';
import { initializationOptions } from './settings';

const SECTION = 'planls';
const OUTPUT_NAME = 'Plan Language Server';

let output: vscode.OutputChannel;
let client: LanguageClient | undefined;
/** Disposed with the client: the file watcher of the running session. */
let session: vscode.Disposable[] = [];
/** Start, stop and restart run one after another, never interleaved. */
let lifecycle: Promise<void> = Promise.resolve();
/** The open report view, if any: one at a time, revealed again by the command. */
let reportView: vscode.WebviewPanel | undefined;

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(OUTPUT_NAME);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('planls.restartServer', () => enqueue(() => restart(context))),
    vscode.commands.registerCommand('planls.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('planls.showReport', () => showReport()),
    vscode.commands.registerCommand('planls.saveReport', () => saveReport()),
    // Run by the server's "dependents" code lenses, with their arguments: not for the palette.
    vscode.commands.registerCommand(SHOW_REFERENCES, (...args: unknown[]) => showReferences(parseShowReferences(args))),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // `today` and `severity` reach the running server through workspace/didChangeConfiguration;
      // a different executable needs a new process.
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        void enqueue(() => restart(context));
      }
    }),
  );
  return enqueue(() => start(context));
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const resolution = await resolveServerCommand(config.get<string>('server.path'), {
    env: process.env,
    platform: process.platform,
    home: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if (!resolution.ok) {
    output.appendLine(resolution.message);
    void offerHelp(resolution.message, 'planls.server.path');
    return;
  }

  const { options, problems } = initializationOptions(
    { today: config.get('today'), severity: config.get('severity') },
    knownDiagnosticCodes(context),
  );
  for (const problem of problems) {
    output.appendLine(problem);
    void vscode.window.showWarningMessage(`Plan: ${problem}`);
  }

  // No `transport` on purpose: with TransportKind.stdio the client would append `--stdio`.
  const serverOptions: ServerOptions = {
    command: resolution.path,
    args: ['serve'],
    options: { env: process.env },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.plan');
  session = [watcher];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'plan' },
      { scheme: 'untitled', language: 'plan' },
    ],
    synchronize: {
      configurationSection: SECTION,
      fileEvents: watcher,
    },
    initializationOptions: options,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };

  output.appendLine(`Starting ${resolution.path} serve`);
  // The id `planls` makes the client read its trace level from `planls.trace.server`.
  const candidate = new LanguageClient(SECTION, OUTPUT_NAME, serverOptions, clientOptions);
  try {
    await candidate.start();
    client = candidate;
  } catch (error) {
    const message = `The planls language server (${resolution.path} serve) failed to start: ${describe(error)}`;
    output.appendLine(message);
    void offerHelp(message, 'planls.server.path');
    await candidate.dispose().catch(() => undefined);
    disposeSession();
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(`Stopping the planls language server: ${describe(error)}`);
    }
  }
  disposeSession();
}

function disposeSession(): void {
  for (const disposable of session) {
    disposable.dispose();
  }
  session = [];
}

async function offerHelp(message: string, setting: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', setting);
  } else if (choice === 'Show Output') {
    output.show(true);
  }
}

/** Opens VS Code's references view on the item's ID, listing its dependents. */
async function showReferences({ uri, position, locations }: ShowReferencesArguments): Promise<void> {
  const asPosition = ({ line, character }: LspPosition) => new vscode.Position(line, character);
  await vscode.commands.executeCommand(
    'editor.action.showReferences',
    vscode.Uri.parse(uri),
    asPosition(position),
    locations.map(
      (location) =>
        new vscode.Location(
          vscode.Uri.parse(location.uri),
          new vscode.Range(asPosition(location.range.start), asPosition(location.range.end)),
        ),
    ),
  );
}

/** The report of the server's latest analysis, in `format`. */
async function fetchReport(format: 'html' | 'md' | 'json'): Promise<string> {
  if (client === undefined) {
    throw new Error('the planls language server is not running (see Plan: Show Language Server Output)');
  }
  // The plan of the plan file in view, when there is one; else the server's first plan.
  const editor = vscode.window.activeTextEditor;
  const uri = editor?.document.languageId === 'plan' ? editor.document.uri.toString() : undefined;
  const answer = await client.sendRequest('workspace/executeCommand', reportRequest(format, uri));
  if (typeof answer !== 'string') {
    throw new Error(`the server answered the report with ${JSON.stringify(answer)}`);
  }
  return answer;
}

/** Opens the report beside the editor; it follows edits to .plan files until it is closed. */
async function showReport(): Promise<void> {
  if (reportView !== undefined) {
    reportView.reveal(vscode.ViewColumn.Beside, true);
    return;
  }
  let page: string;
  try {
    page = webviewHtml(await fetchReport('html'));
  } catch (error) {
    void vscode.window.showErrorMessage(`Plan: cannot show the report: ${describe(error)}`);
    return;
  }
  const panel = vscode.window.createWebviewPanel(
    'planls.report',
    'Plan Report',
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableScripts: false, retainContextWhenHidden: false },
  );
  panel.webview.html = page;
  reportView = panel;
  const refresher = new Refresher(async () => {
    try {
      panel.webview.html = webviewHtml(await fetchReport('html'));
    } catch (error) {
      output.appendLine(`The report view could not refresh: ${describe(error)}`);
    }
  });
  const isPlan = (document: vscode.TextDocument) => document.languageId === 'plan';
  const watchers = [
    vscode.workspace.onDidChangeTextDocument((event) => isPlan(event.document) && refresher.schedule()),
    vscode.workspace.onDidSaveTextDocument((document) => isPlan(document) && refresher.schedule()),
    vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(SECTION) && refresher.schedule()),
  ];
  panel.onDidDispose(() => {
    refresher.dispose();
    watchers.forEach((watcher) => watcher.dispose());
    reportView = undefined;
  });
}

/** Writes the report as one HTML file where the user chooses, and offers to open it. */
async function saveReport(): Promise<void> {
  try {
    const page = await fetchReport('html');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder === undefined ? undefined : vscode.Uri.joinPath(folder, 'report.html'),
      filters: { 'HTML page': ['html'] },
    });
    if (target === undefined) {
      return;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(page));
    const choice = await vscode.window.showInformationMessage(`Plan: report written to ${target.fsPath}`, 'Open');
    if (choice === 'Open') {
      await vscode.env.openExternal(target);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Plan: cannot write the report: ${describe(error)}`);
  }
}

/** The codes `planls.severity` accepts, read from this extension's own manifest. */
function knownDiagnosticCodes(context: vscode.ExtensionContext): string[] {
  const severity = context.extension.packageJSON?.contributes?.configuration?.properties?.[`${SECTION}.severity`];
  return Object.keys(severity?.properties ?? {});
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
