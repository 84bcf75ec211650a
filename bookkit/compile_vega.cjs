// Compile Vega-Lite specs to Vega at build time, with the very vega-lite the book serves (issue 18:
// a page's first chart is drawn from its compiled spec, so the reader's browser skips the compile).
// Called by bookkit/vega_mime.py: `node compile_vega.cjs VENDOR_DIR COLOURS_FILE`; on stdin
// {"specs": [Vega-Lite specs], "dark": the page settings' dark mode, or null}; on stdout a list of
// {"light": Vega spec, "dark": Vega spec of the chart in dark mode, or null}. The dark spec is made
// by book_assets/phb-chart-colours.js, the page's own file, so it is the spec the page would
// compile. Each compile starts from vega-lite's first id, as the first compile on a freshly loaded
// page does.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [vendor, coloursFile] = process.argv.slice(2);
globalThis.self = globalThis; // the UMD files file their exports on the global object
for (const file of [path.join(vendor, "vega.min.js"), path.join(vendor, "vega-lite.min.js"), coloursFile]) {
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file });
}
const compile = (spec) => {
  globalThis.vegaLite.resetIdCounter();
  return globalThis.vegaLite.compile(spec).spec;
};
const { specs, dark } = JSON.parse(fs.readFileSync(0, "utf8"));
const compiled = specs.map((spec) => ({
  light: compile(spec),
  dark: dark ? compile(globalThis.phbChartColours.darkSpec(spec, dark)) : null,
}));
process.stdout.write(JSON.stringify(compiled));
