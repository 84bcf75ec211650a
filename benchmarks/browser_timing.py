"""Browser timings for RESULTS.md: time to the first chart drawn, and a kernel-free slider move to
repaint, in Debian's Chromium against the built book on 127.0.0.1.

Run by ``benchmarks/run.py`` (``make bench``); prints a Markdown section. Argument: repeats per page.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bookkit.browser import chromium_missing, launch, serve
from bookkit.toc import toc_pages

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

MOVES = 40

FIRST_CHART = """() => new Promise(resolve => {
  const done = () => document.querySelector('.vega-embed svg .mark-group, .vega-embed svg g');
  if (done()) return resolve(performance.now());
  new MutationObserver((_, mo) => { if (done()) { mo.disconnect(); resolve(performance.now()); } })
    .observe(document.body, {subtree: true, childList: true});
})"""

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
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    missing = chromium_missing("time the book in the browser")
    if missing:
        print(missing, file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(HTML) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for path in toc_pages(ROOT):
            first, moves = [], []
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{base}/{path}", wait_until="domcontentloaded")
                if page.locator(".vega-embed").count() == 0:
                    page.close()
                    break
                drawn = page.evaluate(FIRST_CHART)
                first.append(drawn)
                page.wait_for_load_state("networkidle")
                for index in range(page.locator(".vega-embed input[type=range]").count()):
                    moves += page.evaluate(SLIDER_MOVES, [index, MOVES])
                page.close()
            if first:
                rows.append((path, statistics.median(first), statistics.median(moves) if moves else None,
                             len(moves)))
        browser.close()
    print("## In the browser")
    print()
    print(f"Command: `make bench` (`python benchmarks/browser_timing.py {repeats}`), Debian's Chromium "
          "headless, the built book on 127.0.0.1, a cold page each run. *First chart* is "
          "`performance.now()` when the first chart's SVG has marks (from navigation start), median of "
          f"{repeats} loads. *Slider repaint* is from the input event to the first animation frame after "
          f"the chart's SVG changed, median over every move of every slider ({MOVES} per slider per "
          "load). Goal: a slider move repainted within 50 ms.")
    print()
    print("| page | first chart drawn | slider move to repaint (median) | moves timed | within 50 ms |")
    print("|---|---|---|---|---|")
    for path, first, move, count in rows:
        move_text = f"{move:.1f} ms" if move is not None else "no sliders"
        met = "" if move is None else ("yes" if move <= 50 else "**no**")
        print(f"| {path} | {first:.0f} ms | {move_text} | {count} | {met} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
