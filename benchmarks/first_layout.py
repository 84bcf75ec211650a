"""The page's layout before each chapter's first chart, traced: how long, and how much of it is
looking fonts up (issue 18).

Before a page draws its first chart it reads the chart's column width, which makes Chromium style
and lay out the page parsed so far. The browser benchmark (benchmarks/browser_timing.py) shows that
as the gap between the marks *queued* and *draw*; this tool traces it. For each chapter it loads
the page cold, opened at its first chart, with Chromium's performance trace on, and reports, median
over the loads: the style recalculation and the layout on the page's main thread between the first
chart being queued and being drawn (that layout's number of layout objects), and, inside that
layout, the time spent in ``FontCache::GetFontPlatformData`` (a font of one family, size, weight
and style made ready: on Linux a call to the browser process for the family's match and for the
size's rendering settings), how many fonts asked the browser process for their rendering settings
(one per new size, weight and style of a family), and how many family names were matched. What a
reader's machine does differs (macOS and Windows look fonts up their own ways); the figures are
for the trend, not a goal.

Usage: ``python benchmarks/first_layout.py [REPEATS [HTML_DIR]]`` after ``make book``; prints one
line per chapter and the median over them. Nothing is written into the build.
"""

from __future__ import annotations

import collections
import json
import statistics

from browser_timing import FIRST_CHART, chart_pages_to_time, first_chart_anchor
from browser_timing import _TimingHandler as Handler

from bookkit.browser import launch, serve

#: Trace categories: the main thread's tasks, user timing marks, and the font cache's events.
CATEGORIES = ["devtools.timeline", "blink.user_timing", "fonts", "disabled-by-default-devtools.timeline"]
FONT_READY = "FontCache::GetFontPlatformData"
FAMILY_MATCH = "FontDataManager::onMatchFamilyStyle"
RENDER_STYLE = "WebSandboxSupportLinux::GetWebFontRenderStyleForStrike"


def main_thread(events: list[dict]) -> tuple[int, int]:
    """The (process, thread) that parsed the page's HTML: its renderer's main thread."""
    counts = collections.Counter((e["pid"], e["tid"]) for e in events if e.get("name") == "ParseHTML")
    return counts.most_common(1)[0][0]


def first_layout(events: list[dict], queued_ms: float, drawn_ms: float) -> dict[str, float]:
    """Style and layout on the main thread from the first chart queued to it drawn, and the fonts
    made ready inside that layout. Times in ms; the trace's clock is set by the queued mark."""
    marks = [e for e in events if e.get("name") == "phb-chart-queued"]
    origin = marks[0]["ts"] - queued_ms * 1000
    thread = main_thread(events)
    complete = [e for e in events if (e.get("pid"), e.get("tid")) == thread and e.get("ph") == "X"]

    def between(event: dict) -> bool:
        start = (event["ts"] - origin) / 1000
        return queued_ms <= start <= drawn_ms

    layouts = [e for e in complete if e["name"] == "Layout" and between(e)]
    styles = [e for e in complete if e["name"] == "UpdateLayoutTree" and between(e)]
    if not layouts:
        return {
            "style": sum(e.get("dur", 0) for e in styles) / 1000,
            "layout": 0.0,
            "objects": 0,
            "fonts_ms": 0.0,
            "fonts": 0,
            "families": 0,
        }
    layout = layouts[0]
    end = layout["ts"] + layout.get("dur", 0)
    inside = [e for e in complete if layout["ts"] <= e["ts"] and e["ts"] + e.get("dur", 0) <= end]
    ready = [e for e in inside if e["name"] == FONT_READY]
    return {
        "style": sum(e.get("dur", 0) for e in styles if e["ts"] < layout["ts"]) / 1000,
        "layout": layout.get("dur", 0) / 1000,
        "objects": layout.get("args", {}).get("beginData", {}).get("totalObjects", 0),
        "fonts_ms": sum(e.get("dur", 0) for e in ready) / 1000,
        "fonts": sum(1 for e in inside if e["name"] == RENDER_STYLE),
        "families": sum(1 for e in inside if e["name"] == FAMILY_MATCH),
    }


def main() -> int:
    arguments = chart_pages_to_time("trace the first layout")
    if arguments is None:
        return 1
    repeats, html, paths = arguments
    from playwright.sync_api import sync_playwright

    summaries = []
    with serve(html, Handler) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for path in paths:
            loads = []
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.add_init_script(FIRST_CHART)
                browser.start_tracing(page=page, categories=CATEGORIES)
                page.goto(f"{base}/{path}{first_chart_anchor(html, path)}", wait_until="domcontentloaded")
                drawn = page.evaluate("() => window.phbFirstChart")
                queued = page.evaluate("() => performance.getEntriesByName('phb-chart-queued')[0].startTime")
                events = json.loads(browser.stop_tracing())["traceEvents"]
                page.close()
                loads.append(first_layout(events, queued, drawn))
            summary = {key: statistics.median(load[key] for load in loads) for key in loads[0]}
            summaries.append(summary)
            print(
                f"{path}: style {summary['style']:.1f} ms, layout {summary['layout']:.1f} ms "
                f"({summary['objects']:.0f} objects), of it fonts made ready {summary['fonts_ms']:.1f} ms "
                f"({summary['fonts']:.0f} fonts, {summary['families']:.0f} family names matched)"
            )
        browser.close()
    layout = statistics.median(s["layout"] for s in summaries)
    fonts = statistics.median(s["fonts_ms"] for s in summaries)
    print(f"median over {len(paths)} pages: layout {layout:.1f} ms, of it fonts {fonts:.1f} ms ({repeats} loads each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
