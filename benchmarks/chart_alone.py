"""Each chapter's first chart drawn alone on a bare page, timed against the floor page (issue 18).

The browser benchmark (benchmarks/browser_timing.py) reports a page's first chart as a multiple of
the floor page, a bare page drawing three bars. This tool separates the chart from the page: it
opens each chapter, captures the Vega spec the page hands to vega-embed for its first chart, and
draws that spec alone on a page with only the floor page's files. If a chart alone already takes
more than 1.3 × the floor, no work on the page could meet the goal; if it takes less, the rest of a
page's time is the page's. Each load of a chart page is paired with a floor load just before it.

Usage: ``python benchmarks/chart_alone.py [REPEATS [HTML_DIR]]`` after ``make book``; prints one
line per chapter and the median over them. Nothing is written into the build.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from browser_timing import FIRST_CHART, FLOOR_PAGE, FLOOR_PATH, chart_pages_to_time, first_chart_anchor
from browser_timing import _TimingHandler as FloorHandler

from bookkit.browser import launch, serve

#: Run before the page's scripts: the first spec each vega-embed call draws, as JSON
#: (``window.phbCaptured``). vega-embed's own function is the first value given to
#: ``window.vegaEmbed``; the book's wrapper (phb-charts.js) replaces it after and is left alone.
CAPTURE = """(() => { let embed; window.phbCaptured = [];
Object.defineProperty(window, 'vegaEmbed', { configurable: true,
  get() { return embed; },
  set(value) {
    if (embed) { Object.defineProperty(window, 'vegaEmbed', { value, writable: true, configurable: true }); return; }
    embed = function (element, spec, options) {
      window.phbCaptured.push(JSON.stringify(spec));
      return value(element, spec, options);
    };
    Object.assign(embed, value);
  } }); })();"""


class _AloneHandler(FloorHandler):
    """The built book, the floor page, and each captured chart on a bare page
    (``__alone_<chapter>.html``, added to :attr:`pages` as they are captured)."""

    pages = dict(FloorHandler.pages)


def alone_page(spec: dict) -> bytes:
    """The floor page's head (vega, vega-lite, vega-embed) and one chart: ``spec``, drawn as the
    page draws it (a compiled Vega spec in Vega mode)."""
    mode = "vega-lite" if "vega-lite" in str(spec.get("$schema", "")) else "vega"
    head = FLOOR_PAGE.split(b"<body>")[0]
    script = f"vegaEmbed('#chart', {json.dumps(spec)}, {{renderer: 'svg', actions: false, mode: '{mode}'}});"
    body = b'<body><div id="chart" class="vega-embed"></div><script>' + script.encode() + b"</script></body></html>"
    return head + body


def main() -> int:
    arguments = chart_pages_to_time("time the charts alone")
    if arguments is None:
        return 1
    repeats, html, paths = arguments
    from playwright.sync_api import sync_playwright

    ratios_by_page = []
    with serve(html, _AloneHandler) as base, sync_playwright() as playwright:
        browser = launch(playwright)

        def first_chart(path: str) -> float:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(FIRST_CHART)
            page.goto(f"{base}/{path}", wait_until="domcontentloaded")
            drawn = page.evaluate("() => window.phbFirstChart")
            page.close()
            return drawn

        for path in paths:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(CAPTURE)
            page.goto(f"{base}/{path}{first_chart_anchor(html, path)}")
            page.wait_for_function("() => window.phbCaptured.length > 0")
            captured = json.loads(page.evaluate("() => window.phbCaptured[0]"))
            _AloneHandler.pages[f"__alone_{Path(path).stem}.html"] = alone_page(captured)
            page.close()
        for path in paths:
            times, ratios = [], []
            for _ in range(repeats):
                floor = first_chart(FLOOR_PATH)
                drawn = first_chart(f"__alone_{Path(path).stem}.html")
                times.append(drawn)
                ratios.append(drawn / floor)
            ratios_by_page.append(statistics.median(ratios))
            print(f"{path}: first chart alone {statistics.median(times):.0f} ms, {ratios_by_page[-1]:.2f} × the floor")
        browser.close()
    print(f"median over {len(paths)} pages: {statistics.median(ratios_by_page):.2f} × the floor ({repeats} loads each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
