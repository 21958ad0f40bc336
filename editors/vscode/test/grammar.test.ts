// Tokenizes annotated .plan files with the TextMate grammar, the way VS Code does, and checks the
// scope under each caret. The same annotations check the tree-sitter highlights
// (grammar/test/highlight), so both highlighters are held to one set of expectations there.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const EXTENSION = join(__dirname, '..', '..');
const REPOSITORY = join(EXTENSION, '..', '..');

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== 'source.plan') {
        return null;
      }
      const file = join(EXTENSION, 'syntaxes', 'plan.tmLanguage.json');
      return textmate.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
  });
  const loaded = await registry.loadGrammar('source.plan');
  assert.ok(loaded, 'the grammar source.plan did not load');
  grammar = loaded;
});

interface Assertion {
  /** 1-based line of the assertion, for the failure message. */
  at: number;
  line: number;
  column: number;
  scope: string;
  negated: boolean;
}

const ASSERTION = /^(\s*)#\s*(?:(<-)|(\^))\s+(!?)([\w.-]+)\s*$/;

/** Reads `# ^ scope` / `# <- scope` / `# ^ !scope` lines, as tree-sitter's highlight tests do. */
function parseAssertions(lines: string[]): Assertion[] {
  const assertions: Assertion[] = [];
  let target = -1;
  lines.forEach((text, index) => {
    const match = ASSERTION.exec(text);
    if (match === null || target < 0) {
      if (match === null) {
        target = index;
      }
      return;
    }
    const column = match[2] !== undefined ? match[1].length : text.indexOf('^');
    assertions.push({ at: index + 1, line: target, column, scope: match[5], negated: match[4] === '!' });
  });
  return assertions;
}

/** The scopes of the token at each column of each line. */
function tokenize(lines: string[]): string[][][] {
  let stack = textmate.INITIAL;
  return lines.map((text) => {
    const result = grammar.tokenizeLine(text, stack);
    stack = result.ruleStack;
    const columns: string[][] = [];
    for (const token of result.tokens) {
      for (let column = token.startIndex; column < Math.min(token.endIndex, text.length); column++) {
        columns[column] = token.scopes;
      }
    }
    return columns;
  });
}

function hasScope(scopes: string[], wanted: string): boolean {
  return scopes.some((scope) => scope === wanted || scope.startsWith(`${wanted}.`));
}

/** Every assertion of `file` that does not hold, one line each. */
function failures(file: string, mapScope: (scope: string) => string = (scope) => scope): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const scopes = tokenize(lines);
  const assertions = parseAssertions(lines);
  assert.ok(assertions.length > 0, `${file} has no assertions`);
  const problems: string[] = [];
  for (const assertion of assertions) {
    const wanted = mapScope(assertion.scope);
    const actual = scopes[assertion.line][assertion.column] ?? [];
    const text = lines[assertion.line];
    if (hasScope(actual, wanted) === assertion.negated) {
      problems.push(
        `${file}:${assertion.at}: at line ${assertion.line + 1} column ${assertion.column + 1} ` +
          `(${JSON.stringify(text.slice(assertion.column, assertion.column + 12))}) expected ` +
          `${assertion.negated ? 'no ' : ''}${wanted}, got ${actual.join(' ')}`,
      );
    }
  }
  return problems;
}

test('the annotated sample gets the scopes written beside it', () => {
  const problems = failures(join(EXTENSION, 'test', 'fixtures', 'highlight.plan'));
  assert.deepEqual(problems, []);
});

// The tree-sitter capture names of grammar/test/highlight and the TextMate scope each stands for.
const CAPTURE_TO_SCOPE: Record<string, string> = {
  comment: 'comment.line.number-sign.plan',
  keyword: 'keyword.other.kind.plan',
  type: 'entity.name.type.plan',
  property: 'support.type.property-name.plan',
  'variable.parameter': 'variable.parameter.person.plan',
  'constant.builtin': 'constant.language.plan',
  variable: 'variable.other.reference.plan',
  operator: 'keyword.operator.lag.plan',
  number: 'constant.numeric',
  string: 'string.quoted',
  'string.escape': 'constant.character.escape.plan',
  'punctuation.bracket': 'punctuation.section.block',
  'punctuation.delimiter': 'punctuation.separator',
};

test('the tree-sitter highlight tests hold for the TextMate grammar too', () => {
  const problems = failures(join(REPOSITORY, 'grammar', 'test', 'highlight', 'example.plan'), (capture) => {
    const scope = CAPTURE_TO_SCOPE[capture];
    assert.ok(scope, `no TextMate scope is mapped to the tree-sitter capture @${capture}`);
    return scope;
  });
  assert.deepEqual(problems, []);
});

test('the spec example tokenizes without an invalid scope', () => {
  const file = join(REPOSITORY, 'tests', 'fixtures', 'spec_example.plan');
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const invalid = tokenize(lines).flatMap((columns, line) =>
    columns.some((scopes) => scopes?.some((scope) => scope.startsWith('invalid')))
      ? [`line ${line + 1}: ${lines[line]}`]
      : [],
  );
  assert.deepEqual(invalid, []);
});
