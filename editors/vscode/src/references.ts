// The command of the server's "dependents" code lens (docs/server.md): `planls.showReferences`
// with the document URI, the position of the item's ID and the locations of its dependents, all
// as LSP JSON. The extension turns them into VS Code's types for its references view.
// No `vscode` import, so the node tests can run this without VS Code.

/** The command name; the server's is `SHOW_REFERENCES` in src/lsp/code_lens.rs. */
export const SHOW_REFERENCES = 'planls.showReferences';

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspLocation {
  uri: string;
  range: { start: LspPosition; end: LspPosition };
}

export interface ShowReferencesArguments {
  uri: string;
  position: LspPosition;
  locations: LspLocation[];
}

/** The lens's arguments, checked; an Error that says what is wrong otherwise. */
export function parseShowReferences(args: unknown[]): ShowReferencesArguments {
  const [uri, position, locations] = args;
  if (args.length !== 3 || typeof uri !== 'string' || !isPosition(position) || !Array.isArray(locations)) {
    throw new Error(
      `${SHOW_REFERENCES} takes a document URI, a position and a list of locations, got ${JSON.stringify(args)}`,
    );
  }
  const bad = locations.find((location) => !isLocation(location));
  if (bad !== undefined) {
    throw new Error(`${SHOW_REFERENCES}: not a location: ${JSON.stringify(bad)}`);
  }
  return { uri, position, locations: locations as LspLocation[] };
}

function isPosition(value: unknown): value is LspPosition {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { line, character } = value as Record<string, unknown>;
  return isCount(line) && isCount(character);
}

function isLocation(value: unknown): value is LspLocation {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { uri, range } = value as Record<string, unknown>;
  if (typeof uri !== 'string' || typeof range !== 'object' || range === null) {
    return false;
  }
  const { start, end } = range as Record<string, unknown>;
  return isPosition(start) && isPosition(end);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
