// Compile Vega-Lite specs to Vega at build time, with the very vega-lite the book serves (issue 18:
// a page's first chart is drawn from its compiled spec, so the reader's browser skips the compile).
// Called by bookkit/vega_mime.py: `node compile_vega.cjs VENDOR_DIR`, a JSON list of Vega-Lite specs
// on stdin, a JSON list of Vega specs on stdout. Each compile starts from vega-lite's first id, as
// the first compile on a freshly loaded page does.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const vendor = process.argv[2];
globalThis.self = globalThis; // the UMD files file their exports on the global object
for (const name of ["vega.min.js", "vega-lite.min.js"]) {
  const file = path.join(vendor, name);
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
}
const specs = JSON.parse(fs.readFileSync(0, "utf8"));
const compiled = specs.map((spec) => {
  globalThis.vegaLite.resetIdCounter();
  return globalThis.vegaLite.compile(spec).spec;
});
process.stdout.write(JSON.stringify(compiled));
