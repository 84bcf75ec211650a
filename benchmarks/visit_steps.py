"""Where the browser tests' time goes: each step of a page's one visit, timed (issue 18).

The browser and accessibility tests are the largest part of `make test` (the suite section of
RESULTS.md). Each page is opened once per colour mode (tests/book/test_pages.py, ``visit``) and
every check reads that one visit. This tool makes the same visits, one after another on an otherwise
idle browser, and times every call the visit makes to the page (Playwright's ``evaluate``,
``wait_for_function``, ``goto``, mouse moves, key presses…), grouped by the line of the test code
that made it. It prints the steps that took longest over all visits, with how many calls each made,
and the longest visits. It checks nothing: the tests do.

Usage: ``python benchmarks/visit_steps.py [PAGE ...]`` after ``make build-stored`` (or ``make book``)
and ``npm ci`` (axe-core); with no page, every page the tests visit, in both modes. Nothing is
written into the build.
"""

from __future__ import annotations

import collections
import functools
import inspect
import sys
import time
from collections.abc import Callable
from pathlib import Path

from browser_timing import HTML, chromium_missing

from bookkit.browser import launch, serve

ROOT = Path(__file__).resolve().parents[1]
#: The test modules whose calls are counted (the visit and the reader's steps it takes).
VISIT_FILES = ("test_pages.py", "reader_steps.py")
#: The Playwright calls timed, by class of tests/book's objects.
TIMED = {
    "Page": ("goto", "evaluate", "wait_for_function", "set_viewport_size", "screenshot", "add_script_tag"),
    "Locator": ("evaluate", "evaluate_all", "count", "inner_text", "inner_html", "element_handles", "all"),
    "ElementHandle": ("evaluate",),
    "Mouse": ("move",),
    "Keyboard": ("press",),
    "BrowserContext": ("new_page", "close"),
    "Browser": ("new_context",),
}


def calling_line() -> str:
    """``file:line  code`` of the innermost frame in a visit's own files (what made the call)."""
    frame = inspect.currentframe()
    while frame is not None and not frame.f_code.co_filename.endswith(VISIT_FILES):
        frame = frame.f_back
    if frame is None:
        return "(outside the visit)"
    info = inspect.getframeinfo(frame, context=1)
    code = (info.code_context or [""])[0].strip()
    return f"{Path(info.filename).name}:{info.lineno}  {code[:70]}"


def timed(method: Callable, name: str, spent: dict) -> Callable:
    """``method``, adding each call's wall time to ``spent[(name, calling line)]``."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            entry = spent[(name, calling_line())]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    return wrapper


def main() -> int:
    missing = chromium_missing("time the browser tests' visits")
    if missing:
        print(missing, file=sys.stderr)
        return 1
    sys.path[:0] = [str(ROOT / "tests" / "book"), str(ROOT / "tests")]
    import playwright.sync_api._generated as generated
    import test_pages
    from playwright.sync_api import sync_playwright

    spent: dict[tuple[str, str], list] = collections.defaultdict(lambda: [0, 0.0])
    for cls_name, methods in TIMED.items():
        cls = getattr(generated, cls_name)
        for method in methods:
            setattr(cls, method, timed(getattr(cls, method), f"{cls_name}.{method}", spent))
    visits = [(p, m) for p in (sys.argv[1:] or test_pages.PAGES) for m in test_pages.MODES]
    per_visit: dict[tuple[str, str], float] = {}
    with serve(HTML) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        test_pages.visit(browser, f"{base}/{visits[0][0]}", "light")  # the browser warmed, not counted
        spent.clear()
        for path, mode in visits:
            started = time.perf_counter()
            test_pages.visit(browser, f"{base}/{path}", mode)
            per_visit[(path, mode)] = time.perf_counter() - started
        browser.close()
    total = sum(per_visit.values())
    print(
        f"{len(per_visit)} visits in {total:.1f} s; the calls below account for "
        f"{sum(s for _, s in spent.values()):.1f} s"
    )
    print("\n| seconds | calls | call | made by |\n|---|---|---|---|")
    for (name, line), (calls, seconds) in sorted(spent.items(), key=lambda kv: -kv[1][1])[:20]:
        print(f"| {seconds:.2f} | {calls} | {name} | `{line}` |")
    print("\n| seconds | visit |\n|---|---|")
    for (path, mode), seconds in sorted(per_visit.items(), key=lambda kv: -kv[1])[:12]:
        print(f"| {seconds:.2f} | {path} ({mode}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
