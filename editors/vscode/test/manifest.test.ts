// The manifest points at files that exist and agree with each other; vsce checks little of this.

import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const EXTENSION = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8'));

test('the plan language, its configuration and its grammar are wired together', () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'plan');
  assert.deepEqual(language.extensions, ['.plan']);
  const configuration = JSON.parse(readFileSync(join(EXTENSION, language.configuration), 'utf8'));
  assert.equal(configuration.comments.lineComment, '#');

  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'plan');
  const tmLanguage = JSON.parse(readFileSync(join(EXTENSION, grammar.path), 'utf8'));
  assert.equal(tmLanguage.scopeName, grammar.scopeName);
  assert.ok(manifest.activationEvents.includes('onLanguage:plan'));
});

test('the word pattern keeps @, dots and hyphens inside names', () => {
  const configuration = JSON.parse(readFileSync(join(EXTENSION, 'language-configuration.json'), 'utf8'));
  const words = 'owner: @dev_a depends_on: identity.sso + 1w, vault-upgrade'.match(
    new RegExp(configuration.wordPattern, 'g'),
  );
  assert.deepEqual(words, ['owner', '@dev_a', 'depends_on', 'identity.sso', '1w', 'vault-upgrade']);
});

test('every contributed command is registered by the client', () => {
  const source = readFileSync(join(EXTENSION, 'src', 'extension.ts'), 'utf8');
  for (const { command } of manifest.contributes.commands) {
    assert.ok(source.includes(`registerCommand('${command}'`), `${command} is contributed but never registered`);
  }
});

test('the bundle the manifest names is what the build writes', () => {
  assert.equal(manifest.main, './dist/extension.js');
  const build = readFileSync(join(EXTENSION, 'scripts', 'build.mjs'), 'utf8');
  assert.ok(build.includes("outfile: 'dist/extension.js'"));
  for (const file of ['README.md', 'LICENSE', '.vscodeignore']) {
    assert.ok(existsSync(join(EXTENSION, file)), `${file} is missing`);
  }
});
