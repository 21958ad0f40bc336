// The command the dependents lens runs is the one the server names, and its arguments are checked.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseShowReferences, SHOW_REFERENCES } from '../src/references';

const REPO = join(__dirname, '..', '..', '..', '..');

test('the extension registers the command name the server puts in its code lenses', () => {
  const source = readFileSync(join(REPO, 'src', 'lsp', 'code_lens.rs'), 'utf8');
  const named = /pub const SHOW_REFERENCES: &str = "([^"]+)";/.exec(source);
  assert.ok(named, 'src/lsp/code_lens.rs no longer defines SHOW_REFERENCES');
  assert.equal(SHOW_REFERENCES, named[1]);
});

test('the arguments are a URI, a position and locations', () => {
  const location = { uri: 'file:///p/b.plan', range: { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } } };
  assert.deepEqual(parseShowReferences(['file:///p/a.plan', { line: 0, character: 11 }, [location]]), {
    uri: 'file:///p/a.plan',
    position: { line: 0, character: 11 },
    locations: [location],
  });
  assert.deepEqual(parseShowReferences(['file:///p/a.plan', { line: 0, character: 0 }, []]).locations, []);

  for (const args of [
    [],
    ['file:///p/a.plan', { line: 0, character: 11 }],
    [42, { line: 0, character: 11 }, []],
    ['file:///p/a.plan', { line: -1, character: 0 }, []],
    ['file:///p/a.plan', { line: 0.5, character: 0 }, []],
    ['file:///p/a.plan', { line: 0, character: 0 }, {}],
    ['file:///p/a.plan', { line: 0, character: 0 }, [], 'extra'],
  ]) {
    assert.throws(() => parseShowReferences(args), /^Error: planls\.showReferences takes/, JSON.stringify(args));
  }
  assert.throws(
    () => parseShowReferences(['file:///p/a.plan', { line: 0, character: 0 }, [{ uri: 'file:///p/b.plan', range: {} }]]),
    /^Error: planls\.showReferences: not a location/,
  );
});
