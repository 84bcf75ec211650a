// A chart's spec in the page's colour mode: what book_assets/phb-charts.js draws in dark mode, and
// what the book's build compiles a page's first chart from for dark mode (bookkit/compile_vega.cjs
// runs this file in Node), so the two never differ. Loaded before phb-charts.js; defines
// phbChartColours on the global object (window in the page).
(function (root) {
  "use strict";
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

  /** `base` updated by `extra`, nested objects merged rather than replaced. */
  function merge(base, extra) {
    const out = Object.assign({}, base);
    for (const [key, value] of Object.entries(extra || {})) {
      out[key] = isObject(value) && isObject(out[key]) ? merge(out[key], value) : value;
    }
    return out;
  }

  // Keys whose string values are colours (mark.color, axis labelColor, config background, ...),
  // and, inside a colour channel, the keys that hold colours (value, range); a channel's scale
  // domain holds data values ("White", "Black") and is never touched.
  const COLOUR_KEY = /(colou?r|fill|stroke|background)$/i;
  const COLOUR_CHANNELS = new Set(["color", "fill", "stroke"]);

  const withoutWhite = (colours) => Object.fromEntries(
    Object.entries(colours).filter(([light]) => !["white", "#fff", "#ffffff"].includes(light)));

  /** `value` with every colour in `colours` swapped, looking only where colours live: under a
   *  colour key, in a scale range, or at a colour channel's value. */
  function recolour(value, colours, colourish = false, inChannel = false) {
    if (typeof value === "string") {
      const swap = colours[value.toLowerCase()];
      return colourish && swap !== undefined ? swap : value;
    }
    if (Array.isArray(value)) return value.map((v) => recolour(v, colours, colourish, inChannel));
    if (!isObject(value)) return value;
    // White text sits on a coloured mark (a label inside a bar) in either mode: it stays white.
    const mark = isObject(value.mark) ? value.mark.type : value.mark;
    if (value.type === "text" || mark === "text") colours = withoutWhite(colours);
    const out = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === "datasets" || key === "data" || key === "domain") { out[key] = child; continue; }
      const channel = inChannel || (COLOUR_CHANNELS.has(key) && isObject(child));
      const colourChild = colourish || key === "range" || (COLOUR_KEY.test(key) && !isObject(child))
        || (channel && key === "value");
      out[key] = recolour(child, colours, colourChild, channel);
    }
    return out;
  }

  /** The chart's spec in dark mode: its colours swapped and the dark defaults under its config
   *  (`dark`: phb/charts/theme.py's page settings for dark mode, {colours, defaults}). */
  function darkSpec(spec, dark) {
    const out = recolour(spec, dark.colours);
    out.config = merge(dark.defaults, out.config);
    return out;
  }

  root.phbChartColours = { isObject, merge, recolour, darkSpec };
})(typeof window !== "undefined" ? window : globalThis);
