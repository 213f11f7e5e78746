#!/usr/bin/env node
// validate.js checks KQL queries with Microsoft's Kusto.Language parser and
// semantic analyser (npm @kusto/language-service-next).
//
// Usage: node validate.js [--all] SCHEMA.json < queries.ndjson
//
// SCHEMA.json maps table name -> ordered list of [column, type] pairs (the
// `tables:` of sigconv's built-in pipelines, exported by the Go test in
// backends/kql). Each stdin line is {"name": "...", "query": "..."}. Every
// diagnostic with severity Error is printed as
//   name: code: message (at offset N: "text")
// and the exit status is 1 when any query has an error, 0 otherwise. With
// --all, diagnostics of other severities (warnings, suggestions) are
// printed too, prefixed with their severity; they do not fail. A summary
// line "checked N queries, M with errors" goes to stderr.
"use strict";

const fs = require("fs");
const readline = require("readline");

// The bridge defines globals (Bridge, System, Kusto) when required.
require("@kusto/language-service-next/bridge.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.js");

function buildGlobals(schema) {
  const L = Kusto.Language;
  const S = L.Symbols;
  const tables = [];
  for (const name of Object.keys(schema).sort()) {
    const cols = schema[name].map(([c, t]) => `['${c.replace(/'/g, "\\'")}']:${t}`).join(", ");
    tables.push(new S.TableSymbol.$ctor7(name, `(${cols})`, null));
  }
  const db = new S.DatabaseSymbol.ctor("sigconv", tables);
  return L.GlobalState.Default.WithDatabase(db);
}

async function main() {
  const args = process.argv.slice(2);
  const all = args[0] === "--all";
  if (all) args.shift();
  if (args.length !== 1) {
    console.error("usage: node validate.js [--all] SCHEMA.json < queries.ndjson");
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(args[0], "utf8"));
  const globals = buildGlobals(schema);
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let checked = 0, failed = 0;
  for await (const line of rl) {
    if (line.trim() === "") continue;
    const { name, query } = JSON.parse(line);
    checked++;
    const code = Kusto.Language.KustoCode.ParseAndAnalyze(query, globals);
    const diags = code.GetDiagnostics();
    let bad = false;
    const n = diags.Count;
    for (let i = 0; i < n; i++) {
      const d = diags.getItem(i);
      const isError = d.Severity === "Error";
      if (!isError && !all) continue;
      bad = bad || isError;
      const at = d.HasLocation ? ` (at offset ${d.Start}: ${JSON.stringify(query.substr(d.Start, Math.max(d.Length, 1)))})` : "";
      const sev = isError ? "" : `${d.Severity.toLowerCase()}: `;
      console.log(`${name}: ${sev}${d.Code}: ${d.Message}${at}`);
    }
    if (bad) failed++;
  }
  console.error(`checked ${checked} queries, ${failed} with errors`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
