// Loads the real bundle (dist/extension.js) against a stand-in for the `vscode` module and checks
// what a user sees when planls is not installed. VS Code itself cannot run in CI here.

import { strict as assert } from 'node:assert';
import Module from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const EXTENSION = join(__dirname, '..', '..');

interface Recorded {
  commands: Map<string, (...args: unknown[]) => unknown>;
  errors: { message: string; items: string[] }[];
  executed: unknown[][];
  output: string[];
}

class FakeUri {
  constructor(readonly value: string) {}
}
class FakePosition {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class FakeRange {
  constructor(
    readonly start: FakePosition,
    readonly end: FakePosition,
  ) {}
}
class FakeLocation {
  constructor(
    readonly uri: FakeUri,
    readonly range: FakeRange,
  ) {}
}

/** The slice of the VS Code API the extension touches before a server runs. */
function fakeVscode(settings: Record<string, unknown>, answer: string | undefined): { api: object; recorded: Recorded } {
  const recorded: Recorded = { commands: new Map(), errors: [], executed: [], output: [] };
  const disposable = { dispose() {} };
  const api = {
    window: {
      createOutputChannel: () => ({
        appendLine: (line: string) => recorded.output.push(line),
        show() {},
        dispose() {},
      }),
      showErrorMessage: async (message: string, ...items: string[]) => {
        recorded.errors.push({ message, items });
        return answer;
      },
      showWarningMessage: async () => undefined,
    },
    commands: {
      registerCommand: (name: string, callback: (...args: unknown[]) => unknown) => {
        recorded.commands.set(name, callback);
        return disposable;
      },
      executeCommand: async (...args: unknown[]) => {
        recorded.executed.push(args);
      },
    },
    // Enough of VS Code's value types to see what a command builds.
    Uri: { parse: (value: string) => new FakeUri(value) },
    Position: FakePosition,
    Range: FakeRange,
    Location: FakeLocation,
    workspace: {
      workspaceFolders: undefined,
      onDidChangeConfiguration: () => disposable,
      getConfiguration: (section: string) => ({
        get: (key: string) => settings[`${section}.${key}`],
      }),
      createFileSystemWatcher: () => disposable,
    },
  };
  // vscode-languageclient subclasses a few VS Code classes when it loads; plain classes will do.
  const proxy = new Proxy(api, {
    get: (target, name) => (name in target ? target[name as keyof typeof target] : class {}),
  });
  return { api: proxy, recorded };
}

function loadExtension(api: object): {
  activate(context: object): Promise<void>;
  deactivate(): Promise<void>;
} {
  const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = moduleWithLoad._load;
  moduleWithLoad._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? api : load(request, ...rest));
  try {
    const bundle = join(EXTENSION, 'dist', 'extension.js');
    delete require.cache[require.resolve(bundle)];
    return require(bundle);
  } finally {
    moduleWithLoad._load = load;
  }
}

const context = () => ({
  subscriptions: [] as { dispose(): void }[],
  extension: { packageJSON: require(join(EXTENSION, 'package.json')) },
});

test('without planls on PATH the user is told how to fix it, and the settings open on request', async () => {
  const { api, recorded } = fakeVscode({ 'planls.server.path': 'planls-that-is-not-installed' }, 'Open Settings');
  const extension = loadExtension(api);
  await extension.activate(context());
  await new Promise((resolve) => setImmediate(resolve));

  assert.deepEqual([...recorded.commands.keys()].sort(), [
    'planls.restartServer',
    'planls.saveReport',
    'planls.showOutput',
    'planls.showReferences',
    'planls.showReport',
  ]);
  assert.equal(recorded.errors.length, 1);
  assert.equal(
    recorded.errors[0].message,
    'Cannot find the planls language server: "planls-that-is-not-installed" is not on PATH. Install planls (in a checkout of planls: `cargo install --path .`) or set `planls.server.path` to the planls executable.',
  );
  assert.deepEqual(recorded.errors[0].items, ['Open Settings', 'Show Output']);
  assert.deepEqual(recorded.executed, [['workbench.action.openSettings', 'planls.server.path']]);
  assert.deepEqual(recorded.output, [recorded.errors[0].message]);

  // Restarting after the user fixed nothing reports again rather than failing silently.
  await recorded.commands.get('planls.restartServer')!();
  assert.equal(recorded.errors.length, 2);
  await extension.deactivate();
});

test("a dependents lens opens VS Code's references view on the item, listing its dependents", async () => {
  const { api, recorded } = fakeVscode({ 'planls.server.path': 'planls-that-is-not-installed' }, undefined);
  const extension = loadExtension(api);
  await extension.activate(context());
  const showReferences = recorded.commands.get('planls.showReferences')!;
  recorded.executed.length = 0;

  // The lens's arguments as the server writes them (src/lsp/code_lens.rs): LSP JSON.
  const range = (line: number, from: number, to: number) => ({
    start: { line, character: from },
    end: { line, character: to },
  });
  await showReferences('file:///plans/work.plan', { line: 8, character: 11 }, [
    { uri: 'file:///plans/milestones.plan', range: range(5, 10, 14) },
    { uri: 'file:///plans/search.plan', range: range(0, 11, 24) },
  ]);
  const at = (line: number, character: number) => new FakePosition(line, character);
  const location = (uri: string, line: number, from: number, to: number) =>
    new FakeLocation(new FakeUri(uri), new FakeRange(at(line, from), at(line, to)));
  assert.deepEqual(recorded.executed, [
    [
      'editor.action.showReferences',
      new FakeUri('file:///plans/work.plan'),
      at(8, 11),
      [location('file:///plans/milestones.plan', 5, 10, 14), location('file:///plans/search.plan', 0, 11, 24)],
    ],
  ]);

  // Anything else is refused with what was wrong, not passed on to VS Code.
  assert.throws(() => showReferences('file:///plans/work.plan'), /planls\.showReferences takes a document URI/);
  assert.throws(
    () => showReferences('file:///plans/work.plan', { line: 8, character: 11 }, [{ uri: 'file:///plans/a.plan' }]),
    /planls\.showReferences: not a location: \{"uri":"file:\/\/\/plans\/a\.plan"\}/,
  );
  assert.equal(recorded.executed.length, 1);
  await extension.deactivate();
});
