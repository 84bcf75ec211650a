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
// Each chart's element has the class phb-chart and, once drawn for the current mode and width,
// data-phb-state="drawn", data-phb-mode="light|dark" and data-phb-width (the column width it was
// fitted to): the browser tests wait for those, never for a time.
(function () {
  "use strict";
  const settings = window.PHB_CHARTS;
  const vegaEmbed = window.vegaEmbed;
  if (!settings || typeof vegaEmbed !== "function") { drawQueued(); return; }

  const charts = new Map(); // chart element -> its entry (spec, options, last drawing)

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

  // Views never get narrower than this share of their designed width.
  const MIN_SCALE = 0.25;

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

  /** A title's text as lines of at most `chars` characters, broken between words. */
  function wrapText(text, chars) {
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

  /** `spec` with the text a narrow chart cannot shrink wrapped to fit `width` pixels: every title
   *  (the chart's and its panels'), the x axis's title, and the words of text marks. */
  function wrapTexts(spec, width, config) {
    if (!isObject(spec)) return spec;
    const out = Object.assign({}, spec);
    const titleConfig = (config && config.title) || {};
    // Characters per line: about 0.6 em each in the theme's bold system font, inside the padding.
    const charsFor = (size) => Math.max(16, Math.floor((width - 24) / (0.6 * (size || 13))));
    if (typeof out.title === "string") out.title = wrapText(out.title, charsFor(titleConfig.fontSize));
    else if (isObject(out.title)) {
      const title = Object.assign({}, out.title);
      title.text = wrapText(title.text, charsFor(title.fontSize || titleConfig.fontSize));
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
      const mark = isObject(out.mark) ? out.mark : { type: out.mark };
      const text = encoding.text;
      if (mark.type === "text" && isObject(text)) {
        const size = mark.fontSize || ((config && config.text) || {}).fontSize || 12;
        const chars = charsFor(size * 0.95);
        if (typeof text.value === "string") {
          encoding.text = Object.assign({}, text, { value: wrapText(text.value, chars) });
        } else if (typeof text.field === "string" && text.type === "nominal" && !text.format) {
          const field = `${text.field}__phb_lines`;
          const source = JSON.stringify(text.field);
          out.transform = (out.transform || []).concat([{
            calculate: settings.wrapTemplate.replace("CHARS", String(chars)).replace("VALUE", `datum[${source}] + ''`),
            as: field,
          }]);
          encoding.text = Object.assign({}, text, { field });
        }
      }
      out.encoding = encoding;
    }
    for (const key of COMPOSITIONS) {
      if (Array.isArray(out[key])) out[key] = out[key].map((child) => wrapTexts(child, width, config));
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
        encoding.y = Object.assign({}, y, { axis: merge(y.axis || {}, axisY) });
      }
      out.encoding = encoding;
    }
    for (const key of COMPOSITIONS) {
      if (Array.isArray(out[key])) out[key] = out[key].map((child) => extendGuides(child, legend, axisY));
    }
    if (isObject(out.spec)) out.spec = extendGuides(out.spec, legend, axisY);
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
  function specFor(entry, mode, width, wrapWidth) {
    let spec = entry.spec;
    if (mode === "dark") {
      spec = recolour(spec, settings.dark.colours);
      spec.config = merge(settings.dark.defaults, spec.config);
    }
    if (width < settings.narrowWidth) {
      spec = Object.assign({}, spec, { config: merge(spec.config, settings.narrowConfig) });
      spec = wrapTexts(extendGuides(spec, settings.narrowLegend, settings.narrowAxisY), wrapWidth, spec.config);
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

  async function embedOnce(entry, spec, scale) {
    if (entry.result) entry.result.finalize();
    entry.result = await vegaEmbed(entry.element, scaleWidths(spec, scale), entry.options);
    return drawnWidth(entry.element);
  }

  /** Draw the chart for the current mode and column width.
   *
   *  Drawn at its designed width, a chart either fits its column or is drawn again with its views
   *  narrower: the chart's width is close to linear in the scale of its views' widths (axes,
   *  legends and padding keep their size), so each new scale is read off the line through the last
   *  two drawings (a few drawings at most; the scale found is kept for that column width). */
  async function draw(entry) {
    const generation = ++entry.generation;
    const element = entry.element;
    element.dataset.phbState = "drawing";
    const mode = currentMode();
    const target = Math.max(settings.minWidth, Math.floor(element.clientWidth));
    const known = entry.fits.get(target);
    let fit = known || { scale: 1, wrap: target };
    let width = await embedOnce(entry, specFor(entry, mode, target, fit.wrap), fit.scale);
    // Text that does not shrink with the views (a text mark set off by an axis beside it) gets
    // narrower lines, and the views are fitted again.
    for (let round = 0; !known && width > target && round < 3; round++) {
      if (round > 0) fit = { scale: 1, wrap: fit.wrap - (width - target) - 8 };
      const spec = specFor(entry, mode, target, fit.wrap);
      if (round > 0) width = await embedOnce(entry, spec, fit.scale);
      let previous = null;
      for (let tries = 0; width > target && fit.scale > MIN_SCALE && tries < 5; tries++) {
        let next = fit.scale * (target - 1) / width;
        if (previous && previous.width !== width) {
          const perScale = (previous.width - width) / (previous.scale - fit.scale);
          if (perScale > 0) next = fit.scale - (width - target + 1) / perScale;
        }
        previous = { scale: fit.scale, width };
        fit = { scale: Math.max(MIN_SCALE, Math.floor(Math.min(next, fit.scale * 0.99) * 1000) / 1000), wrap: fit.wrap };
        width = await embedOnce(entry, spec, fit.scale);
      }
      if (target >= settings.narrowWidth) break;
    }
    entry.fits.set(target, fit);
    if (generation !== entry.generation) return entry.result;
    entry.width = target;
    element.dataset.phbScale = String(fit.scale);
    element.dataset.phbWidth = String(target);
    element.dataset.phbMode = mode;
    element.dataset.phbState = "drawn";
    return entry.result;
  }

  /** Draw again, one chart at a time so that a change never piles up drawings. */
  function redraw(entry) {
    entry.pending = (entry.pending || Promise.resolve()).then(() => draw(entry)).catch((error) => {
      entry.element.dataset.phbState = "error";
      console.error(error);
    });
    return entry.pending;
  }

  const resizes = new ResizeObserver((records) => {
    for (const record of records) {
      const entry = charts.get(record.target);
      const target = Math.max(settings.minWidth, Math.floor(record.target.clientWidth));
      if (entry && entry.width !== undefined && target !== entry.width) redraw(entry);
    }
  });

  new MutationObserver(() => {
    const mode = currentMode();
    for (const entry of charts.values()) {
      if (entry.element.dataset.phbMode !== mode) redraw(entry);
    }
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

  // The chart files the book's build moved out of the page (bookkit/vega_mime.py: large datasets and
  // the theme config, under _static/phb-data on the book's own host): each loaded once per page.
  const files = new Map();

  function fetchFile(name) {
    // A script, not fetch(): fetch is refused in a copy of the book opened from disk (file://).
    const url = (document.documentElement.dataset.content_root || "") + "_static/phb-data/" + name;
    if (!files.has(url)) {
      files.set(url, new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = url;
        script.onload = () => {
          const loaded = (window.phbChartFiles || {})[name];
          if (loaded === undefined) reject(new Error(`chart file ${url} did not define ${name}`));
          else resolve(loaded);
        };
        script.onerror = () => reject(new Error(`chart file ${url} could not be loaded`));
        document.head.appendChild(script);
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

  /** Altair's chart loader calls this instead of vega-embed (same arguments, same result). */
  window.vegaEmbed = function (element, spec, options) {
    const target = typeof element === "string" ? document.querySelector(element) : element;
    if (!target || !isObject(spec)) return vegaEmbed(element, spec, options);
    // A class of the book's own: vega-embed takes its "vega-embed" class away while redrawing.
    target.classList.add("phb-chart");
    target.dataset.phbState = "loading";
    return withFiles(spec).then((whole) => {
      const entry = { element: target, spec: whole, options, fits: new Map(), generation: 0 };
      charts.set(target, entry);
      resizes.observe(target);
      return redraw(entry).then(() => entry.result);
    }, (error) => {
      target.dataset.phbState = "error";
      console.error(error);
    });
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
