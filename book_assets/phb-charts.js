// The book's charts in the page: each chart fits its column and follows the page's colour mode.
//
// Why: a chart drawn at its designed width and shrunk by CSS to fit a phone shows 12 px labels at
// 6-7 px; a chart drawn in light colours stays a white box in dark mode. So every chart is drawn
// here, through vega-embed, at the width its column allows and in the colours of the mode the page
// is in (pydata-sphinx-theme's html[data-theme], which "auto" resolves from the system setting),
// and drawn again when either changes: the reader toggles the mode, turns the phone, resizes.
//
// The colours and sizes are not written here: they come from phb/charts/theme.py (page_settings), which
// bookkit/site.py writes into every page as window.PHB_CHARTS. This file only applies them.
//
// The page's charts are queued on window.phbCharts by their own short scripts (bookkit/vega_mime.py);
// this file draws them, whether it is loaded before them or deferred after (see drawQueued at the end).
//
// Each chart is drawn once for its column (its fit is measured on a Vega view with no renderer,
// and that view is the one drawn: see layOut and embedOnce) and only when it comes near the screen
// (the page's first chart, whose files the page loads in its head, while the page is parsed);
// window.phbDrawAll() draws every chart at once (for tests, the PDF and printing). Each chart's element has the class phb-chart and data-phb-state
// ("loading", "waiting" until it comes near the screen, "drawing", "drawn" or "error"); once drawn
// for the current mode and width, data-phb-mode="light|dark" and data-phb-width (the column width it
// was fitted to): the browser tests wait for those, never for a time.
(function () {
  "use strict";
  const settings = window.PHB_CHARTS;
  const vegaEmbed = window.vegaEmbed;
  if (!settings || !window.phbChartColours || typeof vegaEmbed !== "function") { drawQueued(); return; }

  const charts = new Map(); // chart element -> its entry (spec, options, last drawing)

  // The page's colour mode is settled before the first chart is drawn. On a first visit the page
  // says html[data-theme]="auto" until pydata-sphinx-theme's deferred script resolves it from the
  // system setting at DOMContentLoaded, and the theme's dark styles make the column narrower (by
  // 16 px at 1280 px): a chart drawn while the page is parsed would be drawn again. Resolved here
  // as the theme resolves it (its own script then sets the same value).
  if (document.documentElement.dataset.theme === "auto") {
    document.documentElement.dataset.theme = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  /** A performance mark: where a chart's time goes (benchmarks/browser_timing.py reads the first
   *  of each: queued, files, draw, laid-out, drawn; and counts the first chart's layouts). */
  const mark = (name) => { if (window.performance && performance.mark) performance.mark(`phb-chart-${name}`); };

  /** The URL of `path`, a file under the book's _static folder, from this page. */
  const staticUrl = (path) => (document.documentElement.dataset.content_root || "") + "_static/" + path;

  /** Run the same-host script at `url`: resolves once it has run, rejects if it could not be loaded
   *  (its element removed, so that it can be asked for again). A script element, not fetch(): fetch
   *  is refused in a copy of the book opened from disk (file://). */
  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => { script.remove(); reject(new Error(`${url} could not be loaded`)); };
      document.head.appendChild(script);
    });
  }

  // merge, and the dark colours, are shared with the book's build (book_assets/phb-chart-colours.js).
  const { isObject, merge, darkSpec } = window.phbChartColours;

  // Views never get narrower than this share of their designed width.
  const MIN_SCALE = 0.25;
  // The room (px) between one row's wrapped text and the next row's.
  const NARROW_ROW_GAP = 10;

  const COMPOSITIONS = ["layer", "vconcat", "hconcat", "concat"];

  /** `spec` with every view's width multiplied by `scale` (designed widths, step widths, and the
   *  theme's default view width for views that set none). */
  function scaleWidths(spec, scale) {
    if (scale === 1 || !isObject(spec)) return spec;
    const out = Object.assign({}, spec);
    if (typeof out.width === "number") out.width = Math.round(out.width * scale);
    else if (isObject(out.width) && typeof out.width.step === "number") {
      out.width = Object.assign({}, out.width, { step: out.width.step * scale });
    }
    for (const key of COMPOSITIONS) {
      if (Array.isArray(out[key])) out[key] = out[key].map((child) => scaleWidths(child, scale));
    }
    if (isObject(out.spec)) out.spec = scaleWidths(out.spec, scale);
    if (isObject(out.config) && isObject(out.config.view)) {
      const view = Object.assign({}, out.config.view);
      for (const name of ["continuousWidth", "discreteWidth"]) {
        if (typeof view[name] === "number") view[name] = Math.round(view[name] * scale);
      }
      out.config = Object.assign({}, out.config, { view });
    }
    return out;
  }

  /** A title's text (a string, or already a list of lines) as lines of at most `chars` characters,
   *  broken between words. */
  function wrapText(text, chars) {
    if (Array.isArray(text)) return text.flatMap((line) => [].concat(wrapText(line, chars)));
    if (typeof text !== "string" || text.length <= chars) return text;
    const lines = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      if (line && (line + " " + word).length > chars) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    }
    if (line) lines.push(line);
    return lines;
  }

  // The height (px) of the tallest wrapped text of a text mark, per view that wrapTexts made.
  const wrappedHeights = new WeakMap();

  /** The most lines any value of `field` takes, wrapped at `chars` characters, over the rows of
   *  every dataset in `datasets` that have that field (0 if none has it: a field made by a
   *  transform is not counted). A value that is already a list of lines is read as one text. */
  function mostLines(datasets, field, chars) {
    let most = 0;
    for (const rows of Object.values(datasets || {})) {
      if (!Array.isArray(rows)) continue;
      for (const row of rows) {
        if (!isObject(row) || row[field] === undefined || row[field] === null) continue;
        const value = Array.isArray(row[field]) ? row[field].join(" ") : String(row[field]);
        most = Math.max(most, [].concat(wrapText(value, chars)).length);
      }
    }
    return most;
  }

  /** The height (px) of the tallest text wrapped by wrapTexts anywhere in `spec`, or 0. */
  function tallestWrapped(spec) {
    if (!isObject(spec)) return 0;
    let tallest = wrappedHeights.get(spec) || 0;
    for (const key of COMPOSITIONS) {
      if (Array.isArray(spec[key])) tallest = Math.max(tallest, ...spec[key].map(tallestWrapped));
    }
    return isObject(spec.spec) ? Math.max(tallest, tallestWrapped(spec.spec)) : tallest;
  }

  /** `spec` with the text a narrow chart cannot shrink wrapped to fit `width` pixels: every title
   *  (the chart's and its panels'), the x axis's title, and the words of text marks (whose
   *  heights, read from the chart's `datasets`, are kept for growRows). */
  function wrapTexts(spec, width, config, panel = false, datasets = spec.datasets) {
    if (!isObject(spec)) return spec;
    const out = Object.assign({}, spec);
    const titleConfig = (config && config.title) || {};
    // Characters per line: about 0.6 em each in the theme's bold system font, inside the padding.
    const charsFor = (size) => Math.max(16, Math.floor((width - 24) / (0.6 * (size || 13))));
    if (typeof out.title === "string") out.title = wrapText(out.title, charsFor(titleConfig.fontSize));
    else if (isObject(out.title)) {
      const title = Object.assign({}, out.title);
      title.text = wrapText(title.text, charsFor(title.fontSize || titleConfig.fontSize));
      // A panel's title starts where its labels start, not where its plot starts: wrapped to the
      // column's width from the plot's left edge, it ran past a 320 px screen's edge.
      if (panel && title.frame === "group") title.frame = "bounds";
      if (title.subtitle) {
        title.subtitle = wrapText(title.subtitle, charsFor(title.subtitleFontSize || titleConfig.subtitleFontSize));
      }
      out.title = title;
    }
    if (isObject(out.encoding)) {
      const encoding = Object.assign({}, out.encoding);
      const axisTitleSize = ((config && config.axis) || {}).titleFontSize;
      if (isObject(encoding.x) && typeof encoding.x.title === "string") {
        encoding.x = Object.assign({}, encoding.x, { title: wrapText(encoding.x.title, charsFor(axisTitleSize)) });
      }
      const xAxis = isObject(encoding.x) ? encoding.x.axis : null;
      if (isObject(xAxis) && typeof xAxis.title === "string") {  // the title given on the axis itself
        const axis = Object.assign({}, xAxis, { title: wrapText(xAxis.title, charsFor(axisTitleSize)) });
        encoding.x = Object.assign({}, encoding.x, { axis });
      }
      const mark = isObject(out.mark) ? out.mark : { type: out.mark };
      const text = encoding.text;
      if (mark.type === "text" && isObject(text)) {
        const size = mark.fontSize || ((config && config.text) || {}).fontSize || 12;
        const chars = charsFor(size * 0.95);
        const lineHeight = mark.lineHeight || size + 2;  // Vega's default line height
        // Vega stacks a text's lines downwards from where its first line would stand: the block of
        // lines is moved up (dy) so that it stands where the one line stood, centred on it (the
        // baseline Vega-Lite gives text, "middle") or ending on it ("bottom", "alphabetic"), not
        // hanging below it over what is there (a heading over the plot it stands above).
        const baseline = mark.baseline || ((config && config.text) || {}).baseline || "middle";
        const rise = baseline === "middle" ? lineHeight / 2 : baseline === "top" || baseline === "line-top" ? 0 : lineHeight;
        const dy = mark.dy === undefined ? 0 : mark.dy;
        // `lines`: their number, or a Vega expression for the list of lines of each datum.
        const raised = (lines) => Object.assign({}, mark, {
          dy: typeof lines === "number" ? dy - (lines - 1) * rise : { expr: `${dy} - (length(${lines}) - 1) * ${rise}` },
        });
        if (typeof text.value === "string") {
          encoding.text = Object.assign({}, text, { value: wrapText(text.value, chars) });
          const lines = [].concat(encoding.text.value).length;
          wrappedHeights.set(out, lines * lineHeight);
          if (lines > 1 && typeof dy === "number") out.mark = raised(lines);
        } else if (typeof text.field === "string" && text.type === "nominal" && !text.format) {
          const field = `${text.field}__phb_lines`;
          const source = `datum[${JSON.stringify(text.field)}]`;
          // A value already split into lines (a list, or a text with line breaks) is read as one
          // text: joined with spaces, not Vega's commas, and wrapped again from its words.
          const value = `replace(isArray(${source}) ? join(${source}, ' ') : ${source} + '', regexp('\\\\s+', 'g'), ' ')`;
          out.transform = (out.transform || []).concat([{
            calculate: settings.wrapTemplate.replace("CHARS", String(chars)).replace("VALUE", value),
            as: field,
          }]);
          encoding.text = Object.assign({}, text, { field });
          wrappedHeights.set(out, mostLines(datasets, text.field, chars) * lineHeight);
          if (typeof dy === "number") out.mark = raised(`datum[${JSON.stringify(field)}]`);
        }
      }
      out.encoding = encoding;
    }
    for (const key of COMPOSITIONS) {
      if (Array.isArray(out[key])) out[key] = out[key].map((child) => wrapTexts(child, width, config, key !== "layer", datasets));
    }
    return out;
  }

  const LEGEND_CHANNELS = ["color", "fill", "stroke", "shape", "size", "opacity", "strokeDash"];

  /** `spec` with `legend` added to every legend its views' encodings draw, and `axisY` to every
   *  axis of categories down the side (the labels that a narrow chart would otherwise cut). */
  function extendGuides(spec, legend, axisY) {
    if (!isObject(spec)) return spec;
    const out = Object.assign({}, spec);
    if (isObject(out.encoding)) {
      const encoding = Object.assign({}, out.encoding);
      for (const channel of LEGEND_CHANNELS) {
        const definition = encoding[channel];
        if (isObject(definition) && definition.legend !== null && (definition.field || definition.condition)) {
          encoding[channel] = Object.assign({}, definition, { legend: merge(definition.legend || {}, legend) });
        }
      }
      const y = encoding.y;
      if (isObject(y) && y.axis !== null && (y.type === "nominal" || y.type === "ordinal")) {
        const axis = merge(y.axis || {}, axisY);
        // A chart that reserves room for its labels (minExtent, to line up panels) gets no more
        // than a narrow chart allows.
        if (axis.maxExtent !== undefined && axis.minExtent > axis.maxExtent) axis.minExtent = axis.maxExtent;
        encoding.y = Object.assign({}, y, { axis });
      }
      out.encoding = encoding;
    }
    for (const key of COMPOSITIONS) {
      if (Array.isArray(out[key])) out[key] = out[key].map((child) => extendGuides(child, legend, axisY));
    }
    if (isObject(out.spec)) out.spec = extendGuides(out.spec, legend, axisY);
    return out;
  }

  /** Whether `view` (a single view or a layer) has categories down its side (a nominal or ordinal y). */
  function hasCategoryRows(view) {
    const y = isObject(view.encoding) ? view.encoding.y : null;
    if (isObject(y) && (y.type === "nominal" || y.type === "ordinal")) return true;
    return Array.isArray(view.layer) && view.layer.some((child) => isObject(child) && hasCategoryRows(child));
  }

  /** `spec` with every view of category rows given rows at least `step` pixels apart: a narrow
   *  chart wraps its long labels (and its text marks) onto two or three lines, which overlap in
   *  rows spaced for one. Views side by side get the same step, so their rows stay aligned. */
  function growRows(spec, step) {
    if (!isObject(spec)) return spec;
    const out = Object.assign({}, spec);
    if ((out.mark || Array.isArray(out.layer)) && hasCategoryRows(out)
      && (out.height === undefined || (isObject(out.height) && out.height.step < step))) {
      out.height = { step };
    }
    for (const key of COMPOSITIONS) {
      if (key !== "layer" && Array.isArray(out[key])) out[key] = out[key].map((child) => growRows(child, step));
    }
    if (isObject(out.spec)) out.spec = growRows(out.spec, step);
    return out;
  }

  /** The page's colour mode: html[data-theme], or the system setting while that says "auto"
   *  (the theme's first value, before its script has resolved it). */
  function currentMode() {
    const theme = document.documentElement.dataset.theme;
    if (theme === "dark" || theme === "light") return theme;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  /** The chart's spec for a colour mode and a column width (text wrapped to `wrapWidth`), before
   *  any width scaling. */
  function specFor(entry, mode, width, wrapWidth, narrow = false) {
    let spec = entry.spec;
    if (mode === "dark") spec = darkFor(entry.spec);
    if (narrow || width < settings.narrowWidth) {
      spec = Object.assign({}, spec, { config: merge(spec.config, settings.narrowConfig) });
      spec = wrapTexts(extendGuides(spec, settings.narrowLegend, settings.narrowAxisY), wrapWidth, spec.config);
      // Rows at least as far apart as the tallest wrapped text needs (a timeline's events wrap onto
      // five lines at 390 px and ran into the next row), with the gap a row of labels has.
      spec = growRows(spec, Math.max(settings.narrowRowStep, tallestWrapped(spec) + NARROW_ROW_GAP));
    }
    // Keep what the reader set on a twin's sliders when the chart is drawn again.
    if (entry.result && Array.isArray(spec.params)) {
      const view = entry.result.view;
      spec = Object.assign({}, spec, {
        params: spec.params.map((p) => {
          if (!p.bind) return p;
          try { return Object.assign({}, p, { value: view.signal(p.name) }); } catch (e) { return p; }
        }),
      });
    }
    return spec;
  }

  /** Width the drawn chart takes (its SVG's own width, before any CSS scaling). */
  function drawnWidth(element) {
    const svg = element.querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width : 0;
  }

  /** The width of the chart's column (book.css makes the chart's element a block spanning it). */
  function columnWidth(element) {
    return Math.max(settings.minWidth, Math.floor(element.clientWidth));
  }

  // A page's first chart comes with its Vega spec compiled by the book's build, with the same
  // vega-lite (bookkit/vega_mime.py), for light and for dark mode: spec -> that Vega spec. Used
  // only for the spec it was compiled from (a wide column: specFor returns the chart's own spec,
  // or its darkFor), at its designed width; everything else is compiled here as before.
  const built = new WeakMap();

  /** The build's Vega spec for `spec` drawn at `scale`, or null. */
  function builtVega(spec, scale) {
    return scale === 1 && built.has(spec) ? built.get(spec).vega : null;
  }

  /** A compiled chart file's Vega spec, a copy of its own (Vega adds to the spec it draws), with
   *  the values of its named datasets put back from `spec`, the chart's whole spec. */
  function restored(file, spec) {
    const datasets = spec.datasets || {};
    const vgSpec = structuredClone(file.spec);
    vgSpec.data = (vgSpec.data || []).map((d) => (file.datasets.includes(d.name) ? Object.assign(d, { values: datasets[d.name] }) : d));
    return vgSpec;
  }

  /** Take the build's compiled Vega spec for the chart `element` (its file, loaded in the page's
   *  head, names the element) whose whole spec is `spec`. The file's `dark` (the spec compiled for
   *  dark mode, when the build had it) is taken when the chart is first wanted in dark mode. */
  function takeBuilt(element, spec) {
    const file = Object.values(window.phbChartFiles || {}).find((f) => isObject(f) && f.for === element.id);
    if (isCompiled(file)) built.set(spec, { file, vega: restored(file, spec) });
  }

  const isCompiled = (file) => isObject(file) && isObject(file.spec) && Array.isArray(file.datasets);

  // The chart's dark-mode spec, made once per chart: the same object each time, so that the build's
  // dark compile of it is found (builtVega) as the light one is for the chart's own spec.
  const darks = new WeakMap();

  /** The spec `spec` (a chart's whole spec) is drawn from in dark mode. */
  function darkFor(spec) {
    if (!darks.has(spec)) {
      const dark = darkSpec(spec, settings.dark);
      darks.set(spec, dark);
      const light = built.get(spec);
      const file = light ? light.file.dark : null;
      if (isCompiled(file)) built.set(dark, { file, vega: restored(file, spec) });
    }
    return darks.get(spec);
  }

  /** For the tests: whether each chart's build-compiled Vega specs (light, and dark where the build
   *  compiled it: `darkMatches` null otherwise) are the ones vega-lite compiles here from the same
   *  spec (keys sorted, as vega-lite's own stringify does). */
  window.phbBuiltVegaMatches = async function () {
    const vegaLite = await loadVegaLite();
    const same = (spec, file, whole) => {
      vegaLite.resetIdCounter();
      return vegaLite.stringify(vegaLite.compile(spec).spec) === vegaLite.stringify(restored(file, whole));
    };
    return [...charts.values(), ...waiting.values()].filter((entry) => built.has(entry.spec)).map((entry) => {
      const file = built.get(entry.spec).file;
      return {
        id: entry.element.id,
        matches: same(entry.spec, file, entry.spec),
        darkMatches: isCompiled(file.dark) ? same(darkFor(entry.spec), file.dark, entry.spec) : null,
      };
    });
  };

  const vega = window.vega;
  const canMeasure = Boolean(vega && typeof vega.View === "function");

  // vega-lite is not one of the page's scripts: this file loads it (one same-host file, 250 KB), when
  // a chart must be compiled here or once the page has loaded, whichever comes first. A page's first
  // chart comes compiled by the build, so it is drawn without vega-lite; fetched and compiled with
  // the page's own scripts, vega-lite delayed that first chart (issue 18: measured in
  // benchmarks/why.md).
  let vegaLiteLoading = null;

  /** Resolves to vega-lite, loading it the first time it is asked for (and again after a failed load). */
  function loadVegaLite() {
    if (!vegaLiteLoading) {
      const url = staticUrl("vendor/vega-lite.min.js");
      vegaLiteLoading = window.vegaLite ? Promise.resolve(window.vegaLite) : loadScript(url).then(() => {
        if (!window.vegaLite) throw new Error(`${url} did not define vegaLite: the chart cannot be compiled`);
        return window.vegaLite;
      }, () => {
        vegaLiteLoading = null; // the next chart to be compiled asks again (a phone's signal comes back)
        throw new Error(`vega-lite could not be loaded from ${url}: the chart cannot be compiled`);
      });
    }
    return vegaLiteLoading;
  }
  const loadVegaLiteNow = () => { loadVegaLite().catch((error) => console.error(error)); };
  // A screen narrower than a wide column lays every chart out for a narrow one, which the build does
  // not compile: there the first chart needs vega-lite, asked for now rather than when it is drawn.
  if (document.readyState === "complete" || window.innerWidth < settings.narrowWidth) loadVegaLiteNow();
  else window.addEventListener("load", loadVegaLiteNow, { once: true });

  /** `spec` compiled to Vega by vega-lite, as vega-embed compiles a Vega-Lite spec (the chart is
   *  then drawn in vega-embed's "vega" mode: vega-embed itself never needs vega-lite). Each compile
   *  is a performance measure, `phb-chart-compile` (benchmarks/browser_timing.py sums the first
   *  chart's: on a phone its first compile, vega-lite's code run for the first time, is the largest
   *  single part of what that chart takes beyond a wide screen's; figures in benchmarks/why.md). */
  async function compiled(spec) {
    const vegaLite = window.vegaLite || (await loadVegaLite());
    const started = window.performance ? performance.now() : 0;
    const vgSpec = vegaLite.compile(spec).spec;
    if (window.performance && performance.measure) {
      performance.measure("phb-chart-compile", { start: started, end: performance.now() });
    }
    return vgSpec;
  }

  /** The width by which `spec`'s views are all scaled, when that is all that scales: a single view,
   *  a layer or views one above another with a width of its own, or views one above another each
   *  as wide as the others; no width inside those. Vega-lite compiles such a spec, at any scale, to
   *  the same Vega spec but for its top-level width (every chart of the book is checked:
   *  window.phbScaledVegaMatches), so the layouts that fit it to a column need not compile it
   *  again: each compile costs about a third of a layout (issue 18, on a phone). NaN otherwise. */
  function scaledWidth(spec) {
    const composed = (view) => ["hconcat", "concat", "facet", "repeat", "spec"].some((key) => view[key] !== undefined);
    const stacked = (view) => ["layer", "vconcat"].every((key) => !Array.isArray(view[key]) || view[key].every(plain));
    const plain = (view) => !isObject(view) || (view.width === undefined && !composed(view) && stacked(view));
    if (!isObject(spec) || composed(spec)) return NaN;
    if (typeof spec.width === "number") return stacked(spec) ? spec.width : NaN;
    const view = isObject(spec.config) && isObject(spec.config.view) ? spec.config.view : {};
    // No width anywhere: the theme's width of a view (which the compile must turn out to be: vegaAt).
    if (spec.width === undefined && !spec.vconcat && stacked(spec) && typeof view.continuousWidth === "number") {
      return view.continuousWidth;
    }
    const rows = spec.vconcat;
    if (spec.width !== undefined || spec.layer || !Array.isArray(rows) || !rows.length) return NaN;
    const width = isObject(rows[0]) ? rows[0].width : undefined;
    const alike = rows.every((row) => isObject(row) && row.width === width && !composed(row) && stacked(row));
    return typeof width === "number" && alike ? width : NaN;
  }

  /** `whole` (the Vega spec of `spec` at scale 1, where scaledWidth(spec) is a number) for its views
   *  scaled by `scale`: a copy (Vega's view takes the spec it is given) with the width that
   *  scaleWidths gives them. */
  function scaledVega(whole, spec, scale) {
    const vgSpec = structuredClone(whole);
    vgSpec.width = Math.round(scaledWidth(spec) * scale);
    return vgSpec;
  }

  const compiledOnce = new WeakMap(); // a spec with a scaledWidth -> its Vega spec at scale 1

  /** `spec` with its views scaled by `scale`, as a Vega spec: the build's compile at its designed
   *  width; the build's or an earlier compile of the same spec, scaled, where only its top-level
   *  width scales; otherwise compiled here. */
  async function vegaAt(spec, scale) {
    const built = builtVega(spec, 1);
    if (scale === 1 && built) return built;
    if (Number.isNaN(scaledWidth(spec))) return compiled(scaleWidths(spec, scale));
    let whole = built || compiledOnce.get(spec);
    if (!whole) {
      whole = await compiled(spec);
      compiledOnce.set(spec, whole);
    }
    // A compile whose width is not the views' own (a step per category, say) is compiled again.
    if (whole.width !== scaledWidth(spec)) return compiled(scaleWidths(spec, scale));
    return scaledVega(whole, spec, scale);
  }

  /** For the tests: for every chart of the page, in the page's mode, as drawn in a wide column and
   *  as on a phone, whether vegaAt's shortcut at a scale gives what vega-lite compiles from the
   *  scaled spec (null where the spec does not scale by its top-level width alone). */
  window.phbScaledVegaMatches = async function () {
    const vegaLite = await loadVegaLite();
    const compile = (spec) => { vegaLite.resetIdCounter(); return vegaLite.compile(spec).spec; };
    const results = [];
    for (const entry of [...charts.values(), ...waiting.values()]) {
      for (const narrow of [false, true]) {
        const spec = specFor(entry, currentMode(), 342, 342, narrow);
        const scale = 0.731; // rounded as scaleWidths rounds
        const expected = vegaLite.stringify(compile(scaleWidths(spec, scale)));
        const whole = compile(spec);
        const served = !Number.isNaN(scaledWidth(spec)) && whole.width === scaledWidth(spec);
        const matches = served ? vegaLite.stringify(scaledVega(whole, spec, scale)) === expected : null;
        results.push({ id: entry.element.id, narrow, matches });
      }
    }
    return results;
  };

  /** `spec` with its views scaled by `scale`, laid out without drawing: a Vega view with no
   *  renderer (its text measured as the SVG renderer measures it). About the cost of a drawing
   *  less its SVG, and nothing on the page changes. Returns the view, its compiled Vega spec and
   *  the width it would be drawn at (vega-view's own width of the view: the SVG's width attribute). */
  async function layOut(spec, scale) {
    const vgSpec = await vegaAt(spec, scale);
    const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
    try {
      await view.runAsync();
    } catch (error) {
      view.finalize();
      throw error;
    }
    const padding = view.padding();
    return { view, vgSpec, width: view._viewWidth + padding.left + padding.right };
  }

  /** Measures a chart's layouts while its fit is found, keeping only the latest laid-out view: the
   *  fit ends on the layout measured last, so that view is the one drawn (`take`) instead of laying
   *  the chart out once more to draw it. Every other view is thrown away. */
  function layouts() {
    let last = null;
    return {
      async measure(spec, scale) {
        mark("layout");
        const next = await layOut(spec, scale);
        this.discard();
        last = next;
        return next.width;
      },
      take() { const kept = last; last = null; return kept; },
      discard() { if (last) last.view.finalize(); last = null; },
    };
  }

  /** The designed width of `spec`'s views side by side (before axes and legends), or NaN where it
   *  depends on the data (a width per category, a facet). */
  function designedWidth(spec, defaultWidth) {
    if (!isObject(spec)) return NaN;
    if (Array.isArray(spec.hconcat)) return spec.hconcat.reduce((sum, child) => sum + designedWidth(child, defaultWidth), 0);
    if (Array.isArray(spec.vconcat)) return Math.max(...spec.vconcat.map((child) => designedWidth(child, defaultWidth)));
    if (spec.facet || spec.repeat || spec.concat) return NaN;
    if (typeof spec.width === "number") return spec.width;
    if (spec.width !== undefined) return NaN;
    if (Array.isArray(spec.layer)) return Math.max(...spec.layer.map((child) => designedWidth(child, defaultWidth)));
    return defaultWidth;
  }

  /** Whether any view of `spec` has a guide beside it whose width depends on its words: a legend
   *  (beside the plot unless the chart is narrow) or an axis of categories down the side. */
  function hasWordyGuides(spec) {
    if (!isObject(spec)) return false;
    const encoding = isObject(spec.encoding) ? spec.encoding : {};
    if (LEGEND_CHANNELS.some((channel) => isObject(encoding[channel]) && encoding[channel].legend !== null
      && (encoding[channel].field || encoding[channel].condition))) return true;
    const y = encoding.y;
    if (isObject(y) && y.axis !== null && (y.type === "nominal" || y.type === "ordinal")) return true;
    return COMPOSITIONS.some((key) => Array.isArray(spec[key]) && spec[key].some(hasWordyGuides))
      || (isObject(spec.spec) && hasWordyGuides(spec.spec));
  }

  // What a chart adds beside its views at most when its guides are a numeric axis: the axis's
  // labels and title, and the padding. A chart with wordier guides, or whose views leave less than
  // this free in its column, is measured before it is drawn; others are drawn at once.
  const USUAL_GUIDES_WIDTH = 120;

  /** The scale at which `spec` fits `target` pixels, found by measuring (no drawing): the chart's
   *  width is close to linear in the scale of its views' widths (axes, legends and padding keep
   *  their size), so each new scale is read off the line through the last two measurements; the
   *  first, when the views' designed width is known, off the line through the measured width and
   *  the width of what does not scale (the rest), which usually fits at once: each measurement is
   *  a layout of the chart (0.1-0.2 s for a first chart under load). Returns the scale and the
   *  width measured at it. */
  async function fitScale(measured, spec, target, scale, width) {
    const config = spec.config || {};
    const designed = designedWidth(spec, ((config.view || {}).continuousWidth) || 300);
    let previous = null;
    for (let tries = 0; width > target && scale > MIN_SCALE && tries < 6; tries++) {
      let next = scale * (target - 1) / width;
      if (previous && previous.width !== width) {
        const perScale = (previous.width - width) / (previous.scale - scale);
        if (perScale > 0) next = scale - (width - target + 1) / perScale;
      } else if (designed > 0) {
        const rest = width - designed * scale;
        if (rest > 0 && rest < target) next = (target - 1 - rest) / designed;
      }
      previous = { scale, width };
      scale = Math.max(MIN_SCALE, Math.floor(Math.min(next, scale * 0.99) * 1000) / 1000);
      width = await measured.measure(spec, scale);
      // Narrower views left the chart no narrower: what is too wide is its text, not its views
      // (fitMeasured's rounds wrap it narrower). Shrinking the views further would only cost layouts
      // (on a phone, up to six more of a first chart, 10-15 ms each).
      if (width >= previous.width) break;
    }
    return { scale, width };
  }

  /** How to draw the chart for `mode` in a column `target` pixels wide: {scale, wrap} (wrap: the
   *  width its text is wrapped to). Measured, not drawn; text that does not shrink with the views
   *  (a text mark set off by an axis beside it) gets narrower lines and the views are fitted again.
   *  A measured fit comes with its laid-out view (`layout`: {view, vgSpec}), ready to be drawn. */
  async function findFit(entry, mode, target, mustMeasure = false) {
    let fit = { scale: 1, wrap: target, narrow: false };
    const spec = specFor(entry, mode, target, fit.wrap);
    const config = spec.config || {};
    const designed = designedWidth(spec, ((config.view || {}).continuousWidth) || 300);
    if (!canMeasure) return { fit, measured: false };
    if (!mustMeasure && designed + USUAL_GUIDES_WIDTH <= target && !hasWordyGuides(spec)) return { fit, measured: false };
    const measured = layouts();
    try {
      fit = await fitMeasured(entry, mode, target, spec, measured);
    } catch (error) {
      measured.discard();
      throw error;
    }
    return { fit, measured: true, layout: measured.take() };
  }

  /** The fit of findFit for `spec` (the chart for `mode` and `target`), found with `measured`
   *  (whose latest layout is then that fit's). */
  async function fitMeasured(entry, mode, target, spec, measured) {
    let { scale, width } = await fitScale(measured, spec, target, 1, await measured.measure(spec, 1));
    let fit = { scale, wrap: target, narrow: false };
    if (width > target && target >= settings.narrowWidth) {
      // Its legend and labels are too wide for the column even with the views at their smallest:
      // lay it out as on a phone (legend below, long labels wrapped), in this wider column.
      const narrow = specFor(entry, mode, target, target, true);
      ({ scale, width } = await fitScale(measured, narrow, target, 1, await measured.measure(narrow, 1)));
      fit = { scale, wrap: target, narrow: true };
    }
    // Up to three rounds of wrapping its text narrower (a 320 px screen needed the third).
    for (let round = 1; width > target && (fit.narrow || target < settings.narrowWidth) && round < 4; round++) {
      const wrap = fit.wrap - (width - target) - 8;
      const narrower = specFor(entry, mode, target, wrap, fit.narrow);
      ({ scale, width } = await fitScale(measured, narrower, target, 1, await measured.measure(narrower, 1)));
      fit = { scale, wrap, narrow: fit.narrow };
    }
    return fit;
  }

  /** Draw the chart through vega-embed (tooltips, sliders and its result as always), from its Vega
   *  spec (hover off, as vega-embed leaves it for a Vega-Lite spec). Given the `layout` its fit was
   *  measured on, vega-embed draws that view (its viewClass option) instead of laying the chart out
   *  again: one layout saved. */
  async function embedOnce(entry, spec, scale, layout = null) {
    if (entry.result) entry.result.finalize();
    if (layout) {
      const view = layout.view.renderer(entry.options.renderer || "svg");
      const options = Object.assign({}, entry.options, {
        mode: "vega", hover: false, viewClass: function () { return view; },
      });
      entry.result = await vegaEmbed(entry.element, layout.vgSpec, options);
    } else {
      const options = Object.assign({}, entry.options, { mode: "vega", hover: false });
      const vgSpec = await vegaAt(spec, scale);
      entry.result = await vegaEmbed(entry.element, vgSpec, options);
    }
    return drawnWidth(entry.element);
  }

  /** Draw the chart for the current mode and column width, once: the fit is found before drawing
   *  (and kept for that column width). A chart drawn at its designed width without measuring that
   *  turns out too wide is measured then and drawn once more. */
  async function draw(entry) {
    const element = entry.element;
    const mode = currentMode();
    const target = columnWidth(element);
    if (element.dataset.phbState === "drawn" && element.dataset.phbMode === mode && entry.width === target) return;
    element.dataset.phbState = "drawing";
    entry.width = target;
    let fit = entry.fits.get(target);
    let measured = Boolean(fit);
    let layout = null;
    mark("draw");
    if (!fit) ({ fit, measured, layout } = await findFit(entry, mode, target));
    mark("laid-out");
    const width = await embedOnce(entry, specFor(entry, mode, target, fit.wrap, fit.narrow), fit.scale, layout);
    if (!measured && width > target && canMeasure) {
      ({ fit, layout } = await findFit(entry, mode, target, true));
      await embedOnce(entry, specFor(entry, mode, target, fit.wrap, fit.narrow), fit.scale, layout);
    }
    entry.fits.set(target, fit);
    const pending = element.querySelector(".phb-chart-pending");
    if (pending) pending.remove();
    element.style.minHeight = "";
    element.dataset.phbScale = String(fit.scale);
    element.dataset.phbWidth = String(target);
    element.dataset.phbMode = mode;
    element.dataset.phbState = "drawn";
    mark("drawn");
    if (entry.whenDrawn) { entry.whenDrawn(entry.result); entry.whenDrawn = null; }
  }

  // One drawing at a time on the page: the first chart in view is drawn whole before the next
  // starts, instead of every chart sharing the processor and all finishing late.
  let queue = Promise.resolve();

  /** Ask for the chart to be drawn for the current mode and width. Asking again before its drawing
   *  has started is the same request (a resize and a mode change together draw it once); asking
   *  while it draws draws it again afterwards, for what changed meanwhile. */
  function redraw(entry) {
    if (!entry.request) {
      entry.request = queue = queue.then(() => {
        entry.request = null;
        return draw(entry);
      }).catch((error) => {
        entry.element.dataset.phbState = "error";
        console.error(error);
      });
    }
    return entry.request;
  }

  const resizes = new ResizeObserver((records) => {
    for (const record of records) {
      const entry = charts.get(record.target);
      if (entry && entry.width !== undefined && columnWidth(record.target) !== entry.width) redraw(entry);
    }
  });

  new MutationObserver(() => {
    const mode = currentMode();
    for (const entry of charts.values()) {
      if (entry.element.dataset.phbMode !== mode) redraw(entry);
    }
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

  // Charts are drawn when they come near the screen (within half a screen of it): the first chart
  // a reader sees competes with no chart further down. Until then a chart waits, undrawn, with its
  // text description; window.phbDrawAll() draws every chart (the browser tests, the PDF printer
  // and printing from the browser ask for it).
  const waiting = new Map(); // chart element -> its entry, not yet near the screen
  let drawEverything = typeof IntersectionObserver !== "function";

  /** Start drawing a chart that was waiting to come into view. */
  function start(element) {
    const entry = waiting.get(element);
    if (!entry) return;
    waiting.delete(element);
    if (nearScreen) nearScreen.unobserve(element);
    charts.set(element, entry);
    resizes.observe(element);
    redraw(entry);
  }

  const nearScreen = drawEverything ? null : new IntersectionObserver((records) => {
    for (const record of records) if (record.isIntersecting) start(record.target);
  }, { rootMargin: "50% 0px" });

  /** Draw every chart of the page now; resolves once each is drawn for the current mode and width
   *  (charts whose files are still loading are drawn as soon as they have loaded). */
  window.phbDrawAll = function () {
    drawEverything = true;
    [...waiting.keys()].forEach(start);
    return Promise.all([...setups]).then(() => Promise.all([...charts.values()].map(redraw)));
  };
  window.addEventListener("beforeprint", () => { window.phbDrawAll(); });

  /** Put the chart in line to be drawn: at once if it is near the screen (or everything is to be
   *  drawn), otherwise when it comes near. Meanwhile its element keeps the chart's text (its
   *  description, as the drawn chart's SVG gives it to screen readers) and about its height. */
  function enqueue(entry) {
    const element = entry.element;
    const text = entry.spec.description || chartTitle(entry.spec);
    if (text && typeof document.createElement === "function") {
      const pending = document.createElement("p");
      pending.className = "phb-chart-pending";
      pending.textContent = text;
      element.appendChild(pending);
    }
    if (typeof entry.spec.height === "number" && element.style) element.style.minHeight = `${entry.spec.height + 60}px`;
    element.dataset.phbState = "waiting";
    waiting.set(element, entry);
    // A chart already near the screen starts now rather than at the observer's first report, which
    // comes with the first frame the page renders: while the page loads, only after
    // DOMContentLoaded (the parser and the deferred scripts), 0.2-0.5 s after the chart's files.
    if (drawEverything || nearScreenNow(element)) start(element);
    else nearScreen.observe(element);
  }

  /** Whether the element is near the screen now (within half a screen of it, as the observer
   *  counts), or is the one the page's address points to (#id: the browser scrolls to it once the
   *  page is laid out, after this has run). */
  function nearScreenNow(element) {
    if (element.id && window.location.hash === `#${element.id}`) return true;
    if (typeof element.getBoundingClientRect !== "function") return false;
    const box = element.getBoundingClientRect();
    return box.bottom >= -window.innerHeight / 2 && box.top <= window.innerHeight * 1.5;
  }

  /** A chart's title as text. */
  function chartTitle(spec) {
    const title = isObject(spec.title) ? spec.title.text : spec.title;
    return Array.isArray(title) ? title.join(" ") : title || "";
  }

  // The chart files the book's build moved out of the page (bookkit/vega_mime.py: large datasets and
  // the theme config, under _static/phb-data on the book's own host): each loaded once per page.
  const files = new Map();

  function fetchFile(name) {
    // The first chart's files are loaded by the page itself (bookkit/vega_mime.py), so it can be
    // drawn while the page is parsed: a script inserted here runs only after DOMContentLoaded.
    const early = (window.phbChartFiles || {})[name];
    if (early !== undefined) return Promise.resolve(early);
    const url = staticUrl("phb-data/" + name);
    if (!files.has(url)) {
      files.set(url, loadScript(url).then(() => {
        const loaded = (window.phbChartFiles || {})[name];
        if (loaded === undefined) throw new Error(`chart file ${url} did not define ${name}`);
        return loaded;
      }, () => {
        throw new Error(`chart file ${url} could not be loaded`);
      }));
    }
    return files.get(url);
  }

  /** `spec` whole again: its config and datasets read back from the files its usermeta names. */
  async function withFiles(spec) {
    const names = isObject(spec.usermeta) ? spec.usermeta.phbFiles : null;
    if (!isObject(names)) return spec;
    const datasets = Object.entries(names.datasets || {});
    const [config, ...values] = await Promise.all(
      [names.config ? fetchFile(names.config) : null].concat(datasets.map(([, name]) => fetchFile(name))));
    const out = Object.assign({}, spec);
    if (config) out.config = merge(config, spec.config);
    if (datasets.length) {
      out.datasets = Object.assign({}, spec.datasets);
      datasets.forEach(([key], i) => { out.datasets[key] = values[i]; });
    }
    return out;
  }

  // Charts whose files are still loading (window.phbDrawAll waits for them too).
  const setups = new Set();

  /** Altair's chart loader calls this instead of vega-embed (same arguments; it resolves to the
   *  same result once the chart is drawn, which is when it comes near the screen). */
  window.vegaEmbed = function (element, spec, options) {
    const target = typeof element === "string" ? document.querySelector(element) : element;
    if (!target || !isObject(spec)) return vegaEmbed(element, spec, options);
    // A class of the book's own: vega-embed takes its "vega-embed" class away while redrawing.
    target.classList.add("phb-chart");
    target.dataset.phbState = "loading";
    mark("queued");
    const loading = withFiles(spec);
    const drawn = loading.then((whole) => {
      mark("files");
      const entry = { element: target, spec: whole, options: options || {}, fits: new Map() };
      takeBuilt(target, whole);
      const done = new Promise((resolve) => { entry.whenDrawn = resolve; });
      enqueue(entry);
      return done;
    }, (error) => {
      target.dataset.phbState = "error";
      console.error(error);
    });
    const loaded = loading.then(() => null, () => null);
    setups.add(loaded);
    loaded.then(() => setups.delete(loaded));
    return drawn;
  };
  Object.assign(window.vegaEmbed, vegaEmbed);
  drawQueued();

  /** Draw the charts the page has queued (each chart's script, bookkit/vega_mime.py, pushes its
   *  drawing onto window.phbCharts while the page is parsed), and from now on draw at once
   *  whatever is pushed (charts parsed after this file ran). */
  function drawQueued() {
    const queued = Array.isArray(window.phbCharts) ? window.phbCharts : [];
    window.phbCharts = { push: (drawChart) => { drawChart(); } };
    queued.forEach((drawChart) => drawChart());
  }
})();
