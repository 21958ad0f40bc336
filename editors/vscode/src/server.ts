// Finds the planls executable the way a shell would, so that a missing binary is reported with
// a message that says what to do instead of a bare ENOENT from the language client.
// No `vscode` import, so the node tests can run this without VS Code.

import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface Environment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** The first workspace folder, against which a relative `planls.server.path` is resolved. */
  workspaceFolder?: string;
}

export type Resolution = { ok: true; path: string } | { ok: false; message: string };

export const DEFAULT_SERVER = 'planls';

const INSTALL_HINT =
  'Install planls (in a checkout of planls: `cargo install --path .`) or set `planls.server.path` to the planls executable.';

export async function resolveServerCommand(setting: string | undefined, environment: Environment): Promise<Resolution> {
  const wanted = (setting ?? '').trim() || DEFAULT_SERVER;
  const separators = environment.platform === 'win32' ? /[\\/]/ : /\//;

  if (wanted === '~' || wanted.startsWith('~/') || wanted.startsWith('~\\') || separators.test(wanted)) {
    let candidate = wanted.startsWith('~') ? path.join(environment.home, wanted.slice(1)) : wanted;
    if (!path.isAbsolute(candidate)) {
      if (environment.workspaceFolder === undefined) {
        return {
          ok: false,
          message: `planls.server.path "${wanted}" is relative, but no workspace folder is open to resolve it against. Use an absolute path.`,
        };
      }
      candidate = path.resolve(environment.workspaceFolder, candidate);
    }
    const found = await executable(candidate, environment);
    return found !== undefined
      ? { ok: true, path: found }
      : {
          ok: false,
          message: `The planls language server "${candidate}" (from planls.server.path) does not exist or is not executable. ${INSTALL_HINT}`,
        };
  }

  const searchPath = (environment.platform === 'win32' ? environment.env.Path ?? environment.env.PATH : environment.env.PATH) ?? '';
  const delimiter = environment.platform === 'win32' ? ';' : ':';
  for (const directory of searchPath.split(delimiter)) {
    if (directory === '') {
      continue;
    }
    const found = await executable(path.join(directory, wanted), environment);
    if (found !== undefined) {
      return { ok: true, path: found };
    }
  }
  return {
    ok: false,
    message: `Cannot find the planls language server: "${wanted}" is not on PATH. ${INSTALL_HINT}`,
  };
}

/** The executable file at `candidate` (trying PATHEXT extensions on Windows), if there is one. */
async function executable(candidate: string, environment: Environment): Promise<string | undefined> {
  const names = [candidate];
  if (environment.platform === 'win32' && path.extname(candidate) === '') {
    const extensions = (environment.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
    names.push(...extensions.map((extension) => candidate + extension.toLowerCase()));
  }
  for (const name of names) {
    try {
      const stat = await fs.stat(name);
      if (!stat.isFile()) {
        continue;
      }
      if (environment.platform !== 'win32') {
        await fs.access(name, constants.X_OK);
      }
      return name;
    } catch {
      // Missing or not executable: try the next name.
    }
  }
  return undefined;
}
