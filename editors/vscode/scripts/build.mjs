// Bundles the extension into dist/extension.js; with --tests, bundles each test/*.test.ts into
// out/test/ for node's built-in test runner (the tests need neither VS Code nor tsc output).
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

if (tests) {
  rmSync('out', { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: readdirSync('test')
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => join('test', name)),
    outdir: 'out/test',
    outExtension: { '.js': '.cjs' },
    // Resolved at run time from node_modules: the WebAssembly file must stay beside its loader.
    external: ['vscode', 'vscode-oniguruma', 'vscode-textmate'],
  });
} else {
  await build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: true,
  });
}
