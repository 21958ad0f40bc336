// The settings the server understands, checked before they are sent: a typo in settings.json
// should say so here rather than be silently ignored by the server.
// No `vscode` import, so the node tests can run this without VS Code.

export const SEVERITY_LEVELS = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/** Sent as `initializationOptions`; the server reads the same shape from the `planls` section. */
export interface InitializationOptions {
  /** `YYYY-MM-DD`, or null for the current date. */
  today: string | null;
  /** Diagnostic code -> severity; codes not listed keep their default. */
  severity: Record<string, SeverityLevel>;
}

export interface RawSettings {
  today?: unknown;
  severity?: unknown;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isSeverityLevel(value: unknown): value is SeverityLevel {
  return typeof value === 'string' && (SEVERITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Turns the `planls` settings into the server's initialization options. Values that cannot be
 * right are left out, each with a problem that names the setting and says what it takes.
 */
export function initializationOptions(
  raw: RawSettings,
  knownCodes: readonly string[],
): { options: InitializationOptions; problems: string[] } {
  const problems: string[] = [];

  let today: string | null = null;
  if (typeof raw.today === 'string' && raw.today.trim() !== '') {
    const value = raw.today.trim();
    if (DATE.test(value)) {
      today = value;
    } else {
      problems.push(
        `planls.today: "${value}" is not a date like 2027-01-04; the current date is used instead.`,
      );
    }
  } else if (raw.today !== undefined && raw.today !== null && typeof raw.today !== 'string') {
    problems.push('planls.today: expected a date like 2027-01-04; the current date is used instead.');
  }

  const severity: Record<string, SeverityLevel> = {};
  if (raw.severity !== undefined && raw.severity !== null) {
    if (typeof raw.severity !== 'object' || Array.isArray(raw.severity)) {
      problems.push(
        'planls.severity: expected an object of diagnostic codes, e.g. { "overdue": "error" }; ignored.',
      );
    } else {
      for (const [code, level] of Object.entries(raw.severity as Record<string, unknown>)) {
        if (!knownCodes.includes(code)) {
          problems.push(
            `planls.severity: "${code}" is not a diagnostic code of planls; ignored.${suggestion(code, knownCodes)}`,
          );
        } else if (!isSeverityLevel(level)) {
          problems.push(
            `planls.severity.${code}: "${String(level)}" is not one of ${SEVERITY_LEVELS.join(', ')}; the default is used.`,
          );
        } else {
          severity[code] = level;
        }
      }
    }
  }

  return { options: { today, severity }, problems };
}

/** " Did you mean "x"?" for the closest known code, when one is close enough to be a typo. */
function suggestion(code: string, knownCodes: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of knownCodes) {
    const distance = editDistance(code, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(code.length / 4))
    ? ` Did you mean "${best}"?`
    : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
