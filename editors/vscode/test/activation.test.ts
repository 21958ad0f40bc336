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

  assert.deepEqual([...recorded.commands.keys()].sort(), ['planls.restartServer', 'planls.showOutput']);
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
