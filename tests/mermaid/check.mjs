// Parses planls' Mermaid exports with Mermaid itself (tests/taskjuggler.rs runs this).
// Usage: node check.mjs MERMAID_DIR SCHEDULE.json GANTT.mmd [GRAPH.mmd]
// MERMAID_DIR holds node_modules with the versions of tests/mermaid/package.json. The Gantt
// chart is parsed and its tasks' dates, as Mermaid computes them (ends exclusive), must equal
// `planls schedule --format json`; the flowchart must parse.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [dir, schedulePath, ganttPath, graphPath] = process.argv.slice(2);
const require = createRequire(`${dir}/`);
const { JSDOM } = require("jsdom");
// Mermaid needs a DOM to load (DOMPurify); parsing itself draws nothing.
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve("mermaid")).href);
// Generated workspaces have thousands of dependencies; a page showing them raises the limit too.
mermaid.initialize({ maxEdges: 100000 });

const day = (date) => date.toISOString().slice(0, 10);
const next = (text) => day(new Date(Date.parse(`${text}T00:00:00Z`) + 86400000));
// The exporter's IDs: letters, digits and `_` (src/export/taskjuggler.rs, `Ids`).
const idOf = (id) => id.replace(/[^A-Za-z0-9_]/g, "_");

const problems = [];
const gantt = readFileSync(ganttPath, "utf8");
await mermaid.parse(gantt);
const diagram = await mermaid.mermaidAPI.getDiagramFromText(gantt);
const tasks = new Map(diagram.db.getTasks().map((t) => [t.id, t]));
let compared = 0;
for (const row of JSON.parse(readFileSync(schedulePath, "utf8"))) {
  if (row.start === null) continue;
  const task = tasks.get(idOf(row.id));
  if (!task) {
    problems.push(`${row.id}: scheduled by planls, missing from the chart`);
    continue;
  }
  // Work: the same first day, the end the day after the last. A milestone is the moment after
  // its day, as in the TaskJuggler export.
  const milestone = row.kind === "milestone";
  const want = milestone ? [next(row.end), next(row.end)] : [row.start, next(row.end)];
  const got = [day(task.startTime), day(milestone ? task.startTime : task.endTime)];
  if (want.join() !== got.join()) {
    problems.push(`${row.id}: planls ${row.start}..${row.end} means ${want.join("..")}, Mermaid drew ${got.join("..")}`);
  }
  const crit = (task.classes ?? []).includes("crit") || task.crit === true;
  if (crit !== row.critical) problems.push(`${row.id}: critical ${row.critical}, crit ${crit}`);
  compared++;
}
if (graphPath) {
  const graph = await mermaid.parse(readFileSync(graphPath, "utf8"));
  if (graph.diagramType !== "flowchart-v2") problems.push(`the graph is a ${graph.diagramType}`);
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${compared} tasks agree`);
