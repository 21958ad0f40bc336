// The status report view (`planls.showReport`): the server's `planls.report` command gives the
// HTML of its latest analysis; the view shows it and asks again after edits, a short while after
// typing stops. No `vscode` import, so the node tests can run this without VS Code.

/** The server's command; the server's is `REPORT` in src/lsp/report.rs. */
export const REPORT_COMMAND = 'planls.report';
/** The extension's command that opens the view. */
export const SHOW_REPORT = 'planls.showReport';
/** How long typing must pause before the view asks for a new report. */
export const REFRESH_DELAY_MS = 400;

/**
 * The `workspace/executeCommand` parameters for the report in `format`, of the plan of the
 * document `uri` (the one in view) when given.
 */
export function reportRequest(
  format: 'html' | 'md' | 'json' = 'html',
  uri?: string,
): { command: string; arguments: unknown[] } {
  return { command: REPORT_COMMAND, arguments: [uri === undefined ? { format } : { format, uri }] };
}

/**
 * The page for the webview: the server's page with a content security policy that allows its
 * inline styles and nothing else (it has no script and loads nothing).
 */
export function webviewHtml(page: unknown): string {
  if (typeof page !== 'string' || !page.includes('<head>')) {
    throw new Error(`${REPORT_COMMAND} did not answer with an HTML page: ${JSON.stringify(page)?.slice(0, 200)}`);
  }
  const policy =
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:;">';
  return page.replace('<head>', `<head>\n${policy}`);
}

/** Timers, so that tests can drive them. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `refresh` once edits pause for `delay` ms; an edit during a refresh runs it again after,
 * so the view always ends on the latest text. Refreshes never overlap.
 */
export class Refresher {
  private timer: unknown;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly delay = REFRESH_DELAY_MS,
    private readonly timers: Timers = realTimers,
  ) {}

  /** An edit happened. */
  schedule(): void {
    if (this.disposed) {
      return;
    }
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
    }
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.run();
    }, this.delay);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      await this.refresh();
    } finally {
      this.running = false;
    }
    if (this.again && !this.disposed) {
      this.again = false;
      await this.run();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
  }
}
