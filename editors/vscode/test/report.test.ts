// The report view: the command names match the server's, the page gets a strict policy, and
// edits refresh it once typing pauses, never two refreshes at once.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Refresher, REPORT_COMMAND, reportRequest, SHOW_REPORT, Timers, webviewHtml } from '../src/report';

const REPO = join(__dirname, '..', '..', '..', '..');
const EXTENSION = join(REPO, 'editors', 'vscode');

test('the extension asks for the command the server offers', () => {
  const source = readFileSync(join(REPO, 'src', 'lsp', 'report.rs'), 'utf8');
  const named = /pub const REPORT: &str = "([^"]+)";/.exec(source);
  assert.ok(named, 'src/lsp/report.rs no longer defines REPORT');
  assert.equal(REPORT_COMMAND, named[1]);
  assert.deepEqual(reportRequest(), { command: 'planls.report', arguments: [{ format: 'html' }] });
  assert.deepEqual(reportRequest('md', 'file:///p/work.plan'), {
    command: 'planls.report',
    arguments: [{ format: 'md', uri: 'file:///p/work.plan' }],
  });
  const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8'));
  const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.ok(commands.includes(SHOW_REPORT), `${SHOW_REPORT} is not in package.json`);
  // The language client registers the server's own commands: the extension must not.
  assert.ok(!commands.includes(REPORT_COMMAND));
});

test('the page gets a policy that allows its inline style and nothing else', () => {
  const page = '<!DOCTYPE html>\n<html>\n<head>\n<style>body{}</style>\n</head><body><svg></svg></body></html>';
  const html = webviewHtml(page);
  assert.match(html, /<head>\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">\n<style>/);
  assert.throws(() => webviewHtml(null), /planls\.report did not answer with an HTML page/);
  assert.throws(() => webviewHtml('# markdown'), /did not answer with an HTML page/);
});

/** Timers run by hand. */
class ManualTimers implements Timers {
  pending = new Map<number, () => void>();
  private next = 0;
  set(callback: () => void): unknown {
    this.pending.set(++this.next, callback);
    return this.next;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    callbacks.forEach((callback) => callback());
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a burst of edits refreshes once, and an edit during a refresh refreshes again after it', async () => {
  const timers = new ManualTimers();
  let refreshes = 0;
  let finish: () => void = () => undefined;
  const refresher = new Refresher(
    () => {
      refreshes++;
      return new Promise<void>((resolve) => (finish = resolve));
    },
    400,
    timers,
  );
  refresher.schedule();
  refresher.schedule();
  refresher.schedule();
  assert.equal(timers.pending.size, 1);
  timers.fire();
  await tick();
  assert.equal(refreshes, 1);

  // Edits while the server answers: one more refresh, only after this one ends.
  refresher.schedule();
  timers.fire();
  await tick();
  assert.equal(refreshes, 1);
  finish();
  await tick();
  await tick();
  assert.equal(refreshes, 2);
  finish();
  await tick();

  refresher.dispose();
  refresher.schedule();
  assert.equal(timers.pending.size, 0);
  assert.equal(refreshes, 2);
});
