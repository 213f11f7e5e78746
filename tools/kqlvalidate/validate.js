#!/usr/bin/env node
// validate.js checks KQL queries with Microsoft's Kusto.Language parser and
// semantic analyser (npm @kusto/language-service-next).
//
// Usage: node validate.js SCHEMA.json < queries.ndjson
//
// SCHEMA.json maps table name -> ordered list of [column, type] pairs (the
// `tables:` of sigconv's built-in pipelines, exported by the Go test in
// backends/kql). Each stdin line is {"name": "...", "query": "..."}. Every
// diagnostic with severity Error is printed as
//   name: code: message (at offset N: "text")
// and the exit status is 1 when any query has an error, 0 otherwise. A
// summary line "checked N queries, M with errors" goes to stderr.
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
  if (process.argv.length < 3) {
    console.error("usage: node validate.js SCHEMA.json < queries.ndjson");
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
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
      if (d.Severity !== "Error") continue;
      bad = true;
      const at = d.HasLocation ? ` (at offset ${d.Start}: ${JSON.stringify(query.substr(d.Start, Math.max(d.Length, 1)))})` : "";
      console.log(`${name}: ${d.Code}: ${d.Message}${at}`);
    }
    if (bad) failed++;
  }
  console.error(`checked ${checked} queries, ${failed} with errors`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
