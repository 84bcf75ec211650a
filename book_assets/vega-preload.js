// Tell Altair's chart loader that vega, vega-lite and vega-embed are already on the page (served
// from this book's own _static/vendor: vega and vega-embed load right after this file, and
// phb-charts.js, which draws every chart, loads vega-lite when it compiles one), so it never fetches
// them from a CDN. The strings must equal the versions Altair asks for (altair.vegalite.v6.display:
// VEGA_VERSION, VEGALITE_VERSION, VEGAEMBED_VERSION); tests/unit/test_assets.py checks they do.
window.VEGA_DEBUG = { vega_version: "6", vegalite_version: "6.4.1", vegaembed_version: "7" };
