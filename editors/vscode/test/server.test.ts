import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveServerCommand } from '../src/server';

function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'planls-vscode-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const planls = join(bin, 'planls');
  writeFileSync(planls, '#!/bin/sh\n');
  chmodSync(planls, 0o755);
  const notExecutable = join(bin, 'planls-data');
  writeFileSync(notExecutable, '');
  chmodSync(notExecutable, 0o644);
  return { root, bin, planls, notExecutable };
}

const linux = (env: NodeJS.ProcessEnv, extra: { home?: string; workspaceFolder?: string } = {}) => ({
  env,
  platform: 'linux' as const,
  home: extra.home ?? '/nonexistent-home',
  workspaceFolder: extra.workspaceFolder,
});

test('the default finds planls on PATH', async () => {
  const { bin, planls } = fixture();
  const env = { PATH: `/nonexistent:${bin}` };
  assert.deepEqual(await resolveServerCommand(undefined, linux(env)), { ok: true, path: planls });
  assert.deepEqual(await resolveServerCommand('  ', linux(env)), { ok: true, path: planls });
});

test('a missing binary says how to install it or where to point the setting', async () => {
  const result = await resolveServerCommand('planls', linux({ PATH: '/nonexistent' }));
  assert.deepEqual(result, {
    ok: false,
    message:
      'Cannot find the planls language server: "planls" is not on PATH. Install planls (in a checkout of planls: `cargo install --path .`) or set `planls.server.path` to the planls executable.',
  });
});

test('paths: absolute, relative to the workspace, under ~, and not executable', async () => {
  const { root, planls, notExecutable } = fixture();
  assert.deepEqual(await resolveServerCommand(planls, linux({})), { ok: true, path: planls });
  assert.deepEqual(await resolveServerCommand('bin/planls', linux({}, { workspaceFolder: root })), {
    ok: true,
    path: planls,
  });
  assert.deepEqual(await resolveServerCommand('~/bin/planls', linux({}, { home: root })), { ok: true, path: planls });

  const denied = await resolveServerCommand(notExecutable, linux({}));
  assert.equal(denied.ok, false);
  assert.match(denied.ok ? '' : denied.message, /planls-data" \(from planls\.server\.path\) does not exist or is not executable/);

  const directory = await resolveServerCommand(root, linux({}));
  assert.equal(directory.ok, false);

  const relative = await resolveServerCommand('bin/planls', linux({}));
  assert.equal(relative.ok, false);
  assert.match(relative.ok ? '' : relative.message, /no workspace folder is open/);
});
