"""Browser timings for RESULTS.md: time to the first chart drawn, and a kernel-free slider move to
repaint, in Debian's Chromium against the built book on 127.0.0.1.

The reference is the *floor page*: a bare page (no theme, no book) that loads the same vega,
vega-lite and vega-embed files from the book's ``_static/vendor`` and draws one small chart. No page
with a Vega chart can draw sooner; each page's first chart is reported as a ratio to it (goal: at
most 1.3). The floor page is answered by this script's server from memory; nothing is written into
the build.

Run by ``benchmarks/run.py`` (``make bench``); prints a Markdown section. Arguments: repeats per
page, and optionally another built book's html folder to time instead (to compare two builds side by
side: same machine, same minutes); ``--dark`` opens the pages as a reader whose system asks for dark
mode (the book follows it), and prints the first-chart table only (no slider moves).
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

from bookkit.browser import QuietHandler, chromium_missing, launch, serve
from bookkit.toc import toc_pages

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

MOVES = 40
#: Goals (issue 18): first chart within this multiple of the floor page; a slider move repainted
#: within these at the median and the 95th percentile.
FIRST_CHART_RATIO = 1.3
REPAINT_MEDIAN_MS = 50
REPAINT_P95_MS = 100
FLOOR_PATH = "__floor__.html"

#: The floor page: the book's own vega files and one small bar chart, nothing else.
FLOOR_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>floor</title>
<script src="_static/vendor/vega.min.js"></script>
<script src="_static/vendor/vega-lite.min.js"></script>
<script src="_static/vendor/vega-embed.min.js"></script></head>
<body><div id="chart" class="vega-embed"></div><script>
vegaEmbed("#chart", {"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
  "data": {"values": [{"a": "A", "b": 28}, {"a": "B", "b": 55}, {"a": "C", "b": 43}]},
  "mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}},
  {"renderer": "svg", "actions": false});
</script></body></html>"""


class _TimingHandler(QuietHandler):
    """The built book, plus the pages in :attr:`pages` answered from memory (the floor page at
    ``/__floor__.html``; benchmarks/chart_alone.py adds its own)."""

    pages: dict[str, bytes] = {FLOOR_PATH: FLOOR_PAGE}

    def do_GET(self) -> None:
        body = self.pages.get(self.path.lstrip("/"))
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


#: The window of a phone held upright (``--phone``): 390 px wide, as the browser tests' phone.
PHONE = {"width": 390, "height": 844}

#: A chart's element in the built page (bookkit/vega_mime.py gives each a stable id).
CHART_ID = re.compile(r'<div id="(phb-chart-[0-9a-f]{16})"')


def first_chart_anchor(html: Path, path: str) -> str:
    """``#id`` of the page's first chart, or "" for a page without one (or the floor page).

    The page is opened at its first chart, as a reader following a link to it would: a book page
    draws a chart only when it comes near the screen, and a page whose first chart is further
    down than a screen would otherwise show none at load (then nothing is being waited for)."""
    page = html / path
    found = CHART_ID.search(page.read_text(encoding="utf-8")) if page.is_file() else None
    return f"#{found.group(1)}" if found else ""


def chart_pages_to_time(purpose: str, default_repeats: int = 5) -> tuple[int, Path, list[str]] | None:
    """For a tool that times each chapter's first chart (chart_alone.py, first_layout.py): its
    command line's repeats and built book (``[REPEATS [HTML_DIR]]``) and the book's pages that have
    a chart, in the book's order; None, the reason printed, when Chromium is missing."""
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else default_repeats
    html = Path(sys.argv[2]) if len(sys.argv) > 2 else HTML
    missing = chromium_missing(purpose)
    if missing:
        print(missing, file=sys.stderr)
        return None
    return repeats, html, [path for path in toc_pages(ROOT) if first_chart_anchor(html, path)]


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method: never beyond the largest value measured)."""
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


#: Run in the page before any of its own scripts (an init script): the time the first chart's SVG
#: has marks, as ``window.phbFirstChart`` (a promise). Watched from the start, not from when the
#: benchmark asks: a chart drawn before the page's DOMContentLoaded (when ``goto`` returns) would
#: otherwise be timed at the moment of asking.
FIRST_CHART = """window.phbFirstChart = new Promise(resolve => {
  const done = () => document.querySelector('.vega-embed svg .mark-group, .vega-embed svg g');
  new MutationObserver((_, mo) => { if (done()) { mo.disconnect(); resolve(performance.now()); } })
    .observe(document, {subtree: true, childList: true});
});"""

#: The marks book_assets/phb-charts.js sets for each chart (the first of each is the first chart's,
#: since charts are drawn one at a time, the first in view first), in the order they happen.
STAGES = ("queued", "files", "draw", "laid-out", "drawn")

# When each stage of the first chart was reached, DOMContentLoaded (ms from navigation start), how
# many layouts the first chart took, and how long the page spent compiling it with vega-lite (ms: the
# phb-chart-compile measures before it was drawn; 0 where the build's compile was drawn).
STAGE_TIMES = """(stages) => {
  const at = (name) => {
    const found = performance.getEntriesByName('phb-chart-' + name)[0];
    return found ? found.startTime : null;
  };
  const nav = performance.getEntriesByType('navigation')[0];
  const drawn = at('drawn');
  const before = (name) => performance.getEntriesByName(name).filter(e => drawn !== null && e.startTime <= drawn);
  const compiling = before('phb-chart-compile').reduce((sum, e) => sum + e.duration, 0);
  return Object.assign(Object.fromEntries(stages.map(s => [s, at(s)])),
    {domcontentloaded: nav ? nav.domContentLoadedEventStart : null,
     layouts: drawn === null ? null : before('phb-chart-layout').length,
     compiling: drawn === null ? null : compiling});
}"""

# Move one slider back and forth; each move is timed from the input event to the first animation
# frame after Vega has changed the chart's SVG (that frame is when the reader sees the change).
SLIDER_MOVES = """async ([index, moves]) => {
  const input = document.querySelectorAll('.vega-embed input[type=range]')[index];
  const svg = input.closest('.vega-embed').querySelector('svg');
  const lo = +input.min, hi = +input.max, times = [];
  for (let i = 0; i < moves; i++) {
    const changed = new Promise(resolve => {
      const mo = new MutationObserver(() => { mo.disconnect(); requestAnimationFrame(() => resolve()); });
      mo.observe(svg, {subtree: true, childList: true, attributes: true, characterData: true});
    });
    const t0 = performance.now();
    input.value = (i % 2 === 0) ? hi : lo;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    await changed;
    times.push(performance.now() - t0);
  }
  return times;
}"""


def main() -> int:
    dark = "--dark" in sys.argv[1:]
    phone = "--phone" in sys.argv[1:]
    args = [a for a in sys.argv[1:] if a not in ("--dark", "--phone")]
    repeats = int(args[0]) if args else 3
    html = Path(args[1]) if len(args) > 1 else HTML
    scheme = "dark" if dark else "light"
    viewport = PHONE if phone else {"width": 1280, "height": 900}
    missing = chromium_missing("time the book in the browser")
    if missing:
        print(missing, file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    rows, breakdown, floors = [], [], []
    with serve(html, _TimingHandler) as base, sync_playwright() as playwright:
        browser = launch(playwright)

        def first_chart(path: str, anchor: str = "") -> tuple[object, float]:
            """A cold load of ``path`` at its first chart: the page and when that chart was drawn."""
            page = browser.new_page(viewport=viewport, color_scheme=scheme)
            page.add_init_script(FIRST_CHART)
            page.goto(f"{base}/{path}{anchor}", wait_until="domcontentloaded")
            return page, page.evaluate("() => window.phbFirstChart")

        for path in toc_pages(ROOT):
            first, ratios, moves, stages = [], [], [], []
            anchor = first_chart_anchor(html, path)
            if not anchor:
                continue  # no chart on the page
            for _ in range(repeats):
                # The floor page just before each load: the machine's speed drifts (other work on
                # it), so each load is compared with a floor timed in the same seconds.
                floor_page, floor = first_chart(FLOOR_PATH)
                floor_page.close()
                floors.append(floor)
                page, drawn = first_chart(path, anchor)
                first.append(drawn)
                ratios.append(drawn / floor)
                stages.append(page.evaluate(STAGE_TIMES, list(STAGES)))
                if dark or phone:  # the slider moves are timed in light mode, on the wide screen
                    page.close()
                    continue
                page.wait_for_load_state("load")
                # Charts further down are drawn when scrolled to: draw them all before moving sliders.
                page.evaluate("() => window.phbDrawAll && window.phbDrawAll()")
                for index in range(page.locator(".vega-embed input[type=range]").count()):
                    moves += page.evaluate(SLIDER_MOVES, [index, MOVES])
                page.close()
            rows.append((path, statistics.median(first), statistics.median(ratios), moves))
            breakdown.append((path, stages))
        browser.close()
    floor = statistics.median(floors)
    if dark:
        print_dark(rows, floors, repeats)
        return 0
    if phone:
        print_phone(rows, breakdown, floors, repeats)
        return 0
    print("## In the browser")
    print()
    print(
        f"Command: `make bench` (`python benchmarks/browser_timing.py {repeats}`), Debian's Chromium "
        "headless, the built book on 127.0.0.1, a cold page each run, opened at its first chart "
        "(`page.html#phb-chart-…`: charts are drawn when they come near the screen). *First chart* is "
        "`performance.now()` when the first chart's SVG has marks (from navigation start, watched by a "
        "MutationObserver set before the page's own scripts run), median of "
        f"{repeats} loads. The *floor page* loads only the book's vega, vega-lite and vega-embed files "
        "and draws one small bar chart: no page with a chart can draw sooner. It is loaded just before "
        "each load of a page, and *× the floor* is the median over the loads of the page's time over "
        "that floor's (the machine's speed drifts from second to second). *Slider repaint* is from "
        "the input event to the first animation frame after the chart's SVG changed, over every move "
        f"of every slider ({MOVES} per slider per load). Goals: first chart at most "
        f"{FIRST_CHART_RATIO} × the floor; a slider move repainted within {REPAINT_MEDIAN_MS} ms at the "
        f"median and {REPAINT_P95_MS} ms at the 95th percentile."
    )
    print()
    print(
        f"Floor page: first chart drawn in **{floor:.0f} ms** (median of {len(floors)} loads, "
        f"{min(floors):.0f}-{max(floors):.0f} ms)."
    )
    print()
    print(
        "| page | first chart drawn | × the floor | within 1.3 × | slider repaint, median / p95 "
        "| moves timed | repaint within goal |"
    )
    print("|---|---|---|---|---|---|---|")
    for path, first, ratio, moves in rows:
        if moves:
            median, high = statistics.median(moves), p95(moves)
            move_text = f"{median:.1f} / {high:.1f} ms"
            met = "yes" if median <= REPAINT_MEDIAN_MS and high <= REPAINT_P95_MS else "**no**"
        else:
            move_text, met = "no sliders", ""
        within = "yes" if ratio <= FIRST_CHART_RATIO else "**no**"
        print(f"| {path} | {first:.0f} ms | {ratio:.2f} | {within} | {move_text} | {len(moves)} | {met} |")
    print_stages(breakdown)
    return 0


def print_dark(rows: list[tuple[str, float, float, list[float]]], floors: list[float], repeats: int) -> None:
    """The first-chart table for pages opened in dark mode (the floor page is the same in either)."""
    floor = statistics.median(floors)
    print("### First chart in dark mode")
    print()
    print(
        f"Command: `make bench` (`python benchmarks/browser_timing.py {repeats} --dark`): as above, with "
        "each page opened by a browser whose system asks for dark mode (Chromium's `prefers-color-scheme: "
        "dark`; the book follows it). Not one of issue 18's goals, which were set in light mode; the "
        f"same {FIRST_CHART_RATIO} × the floor is the reference. Floor page (light either way, loaded "
        f"just before each page's load): **{floor:.0f} ms** (median of {len(floors)} loads, "
        f"{min(floors):.0f}-{max(floors):.0f} ms)."
    )
    print()
    print("| page | first chart drawn, dark | × the floor | within 1.3 × (not a goal) |")
    print("|---|---|---|---|")
    for path, first, ratio, _ in rows:
        within = "yes" if ratio <= FIRST_CHART_RATIO else "no"
        print(f"| {path} | {first:.0f} ms | {ratio:.2f} | {within} |")


def print_phone(
    rows: list[tuple[str, float, float, list[float]]],
    breakdown: list[tuple[str, list[dict[str, float | None]]]],
    floors: list[float],
    repeats: int,
) -> None:
    """The first-chart table for pages opened on a phone's width, with how many times the first chart
    was laid out to find its fit, and where its time goes (print_stages): the build compiles it for a
    wide column only, so on a phone the page compiles it itself."""
    floor = statistics.median(floors)
    print("### First chart on a phone's width")
    print()
    print(
        f"Command: `make bench` (`python benchmarks/browser_timing.py {repeats} --phone`): as above, "
        f"light mode, with the browser window {PHONE['width']} × {PHONE['height']} px (a phone held "
        "upright), the floor page too. Not one of issue 18's goals, which were set on a wide screen; "
        "the same "
        f"{FIRST_CHART_RATIO} × the floor is the reference. The build compiles a page's first chart for "
        "a wide column only: in a phone's column the page compiles it (with vega-lite, which it then "
        "loads) and lays it out until it fits (*layouts*, the median count). Floor page: "
        f"**{floor:.0f} ms** (median of {len(floors)} loads, {min(floors):.0f}-{max(floors):.0f} ms)."
    )
    print()
    print("| page | first chart drawn, phone | × the floor | layouts | within 1.3 × (not a goal) |")
    print("|---|---|---|---|---|")
    layouts = {path: [s["layouts"] for s in stages if s.get("layouts") is not None] for path, stages in breakdown}
    for path, first, ratio, _ in rows:
        within = "yes" if ratio <= FIRST_CHART_RATIO else "no"
        counts = layouts.get(path) or []
        count = f"{statistics.median(counts):.0f}" if counts else "?"
        print(f"| {path} | {first:.0f} ms | {ratio:.2f} | {count} | {within} |")
    print_stages(breakdown)


def print_stages(breakdown: list[tuple[str, list[dict[str, float | None]]]]) -> None:
    """Where each page's first chart spends its time: the median time (ms from navigation start) at
    which its drawing was queued, had its files, started, was laid out and was drawn, beside
    DOMContentLoaded (a chart that waits for it is held up by the rest of the page)."""
    columns = (*STAGES, "domcontentloaded", "layouts", "compiling")
    print()
    print(
        "Where the first chart's time goes (medians, ms from navigation start; the marks "
        "book_assets/phb-charts.js sets: drawing queued by the page, its files there, drawing "
        "started, laid out (its fit measured), drawn; DOMContentLoaded; how many times the "
        "chart was laid out to find its fit, the last of which is drawn; and *compiling*, the ms the "
        "page spent compiling it with vega-lite, 0 where it drew the build's compile):"
    )
    print()
    print("| page | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for path, stages in breakdown:
        if not stages:
            continue
        cells = []
        for column in columns:
            found = [s[column] for s in stages if s.get(column) is not None]
            cells.append(f"{statistics.median(found):.0f}" if found else "–")
        print(f"| {path} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
