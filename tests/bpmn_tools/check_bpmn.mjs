// Parse a BPMN file with bpmn-moddle and lint it with bpmnlint's recommended rules.
// Usage: node check_bpmn.mjs FILE.bpmn [MORE.bpmn ...]
//   -> prints one JSON line per file: {warnings: [...], lint: {rule: [reports]}}
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const moddleModule = await import("bpmn-moddle");
const BpmnModdle = moddleModule.BpmnModdle || moddleModule.default;
const { Linter } = require("bpmnlint");
const NodeResolver = require("bpmnlint/lib/resolver/node-resolver");

for (const path of process.argv.slice(2)) {
  // a fresh linter per file: rules such as no-duplicate-sequence-flows keep state between runs
  const linter = new Linter({
    config: { extends: "bpmnlint:recommended" },
    resolver: new NodeResolver(),
  });
  const xml = readFileSync(path, "utf8");
  const moddle = new BpmnModdle();
  const { rootElement, warnings } = await moddle.fromXML(xml, "bpmn:Definitions");
  const reports = await linter.lint(rootElement);
  const lint = {};
  for (const [rule, items] of Object.entries(reports)) {
    lint[rule] = items.map((item) => ({ id: item.id, message: item.message, category: item.category }));
  }
  console.log(JSON.stringify({ warnings: warnings.map((w) => w.message), lint }));
}
