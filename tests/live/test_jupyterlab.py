"""Live notebooks in a real JupyterLab, as a trainer takes them: open, look, Run All, read, move.

For every chapter and one workshop student copy: the stored notebook opened before running draws its
charts and shows no widget error; after Run All there is no error output and no console error, every
chart is drawn, and the prose shows no raw MyST role markup. In each explorer, moving a slider by
keyboard redraws its chart, and an impossible value shows a message.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
OPENED = [f"chapters/{name}" for name in CHAPTERS] + ["workshop/07_how_many_would_take_a_budget.ipynb"]
RUN_TIMEOUT_MS = 300_000
#: How often to ask whether Run All has finished: often enough that a finished run is seen within
#: a tenth of a second (at 500 ms each chapter waited 0.25 s on average for nothing), rarely enough
#: that asking costs JupyterLab nothing (the check walks every cell).
ALL_RUN_POLL_MS = 100
#: A drawn chart: Vega's marks, as SVG (the book) or on a canvas (JupyterLab's own renderer).
MARKS = ".jp-RenderedVegaLite svg.marks, .jp-RenderedVegaLite canvas.marks"
#: Role and directive markup that must not reach a reader of the live notebook.
RAW_MARKUP = re.compile(r"\{(glue|term|cite|doc|ref|numref)(:[a-z]+)?\}`|:::\{|```\{")

pytestmark = pytest.mark.live

#: The notebook at ``path`` is in front, and its file has been read.
APP_READY = (
    "(path) => window.jupyterapp && window.jupyterapp.shell.currentWidget"
    " && window.jupyterapp.shell.currentWidget.context"
    " && window.jupyterapp.shell.currentWidget.context.path === path"
    " && window.jupyterapp.shell.currentWidget.context.isReady"
)
KERNEL_IDLE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
ALL_RUN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return cells.every(c => c.model.executionCount !== null) && k && k.status === 'idle';
}"""


def _open(lab, browser, relative: str, interface: str = "lab"):
    """A new page with ``relative`` open in JupyterLab (or Notebook 7), console errors collected."""
    errors: list[str] = []
    page = _new_tab(browser, errors)
    page.goto(lab.notebook_url(relative, interface))
    _wait_until_open(page, relative)
    return page, errors


def _new_tab(browser, errors: list[str]):
    """A new browser tab whose console errors and page errors are added to ``errors``."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _wait_until_open(page, relative: str) -> None:
    """Wait until ``relative`` is the notebook in front, read, shown and its kernel idle."""
    page.wait_for_function(APP_READY, arg=relative, timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)  # Run All before the kernel is up does nothing


class LabSession:
    """One JupyterLab in one browser tab, as a trainer keeps it open: the first notebook opened by
    its link (``/lab/tree/...``, the link a hub or a README gives), each next one opened in the same
    JupyterLab, as a double-click in its file browser does (``docmanager:open``), and each closed
    with its kernel shut down before the next, so that the page only ever holds the notebook under
    test. (A new tab per notebook loaded JupyterLab's scripts again each time: about 4 CPU seconds
    a notebook.) Console errors are collected per notebook, from the moment it is opened. A test
    that fails leaves no state behind: its tab is closed, and the next notebook opens in a new one."""

    def __init__(self, lab, browser) -> None:
        self.lab, self.browser = lab, browser
        self.page = None
        self.errors: list[str] = []

    def open(self, relative: str):
        """``relative`` open in front, its kernel idle; the page and its console errors."""
        self.errors.clear()
        if self.page is None or self.page.is_closed():
            self.page = _new_tab(self.browser, self.errors)
            self.page.goto(self.lab.notebook_url(relative))
        else:
            self.page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", relative)
        _wait_until_open(self.page, relative)
        notebooks = self.page.evaluate("() => document.querySelectorAll('.jp-Notebook').length")
        assert notebooks == 1, f"{relative}: {notebooks} notebooks shown (the one before was not closed)"
        return self.page, self.errors

    @contextlib.contextmanager
    def notebook(self, relative: str) -> Iterator[tuple[object, list[str]]]:
        """``relative`` open (:meth:`open`) for the ``with`` block; closed after it with its kernel
        shut down, or, if the block failed, its whole tab closed (:meth:`discard`)."""
        try:
            yield self.open(relative)
        except BaseException:
            self.discard()
            raise
        self.close_current()

    def discard(self) -> None:
        """Close the tab, whatever state it is in; its kernels are shut down with JupyterLab."""
        if self.page is not None and not self.page.is_closed():
            self.page.close()
        self.page = None

    def close_current(self) -> None:
        """Shut the notebook's kernel down and close the notebook (a kernel left running holds
        memory); the browser tab stays, with JupyterLab in it, for the next notebook."""
        if self.page is None or self.page.is_closed():
            return
        self.page.evaluate("""async () => {
          const w = window.jupyterapp.shell.currentWidget;
          if (!w || !w.sessionContext) return;
          await w.sessionContext.shutdown();
          w.dispose();
        }""")


def _chart_outputs(page) -> dict[str, int]:
    """How many chart outputs the notebook shows, and how many of them are drawn."""
    return page.evaluate("""() => {
      const outs = [...document.querySelectorAll('.jp-OutputArea-output.jp-RenderedVegaLite')];
      return {charts: outs.length, drawn: outs.filter(o => o.querySelector('svg.marks, canvas.marks')).length};
    }""")


def _prose(page) -> str:
    """The rendered Markdown cells' text, without inline code (where names are meant literally)."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')]
      .map(cell => { const copy = cell.cloneNode(true);
                     copy.querySelectorAll('code, pre').forEach(c => c.remove());
                     return copy.innerText; }).join('\\n')""")


def _raw_names(prose: str) -> list[str]:
    """Figure ids or role markup shown instead of what they stand for."""
    from phb.data import figure_ids

    found = [m.group(0) for m in RAW_MARKUP.finditer(prose)]
    words = set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", prose))
    return found + sorted(words & set(figure_ids()))


def _stored_charts(relative: str, lab) -> int:
    """How many charts the notebook file stores (each drawn by JupyterLab's own Vega-Lite)."""
    import nbformat

    from phb.charts.theme import LIVE_MIME

    notebook = nbformat.read(lab.root / relative, as_version=4)
    return sum(LIVE_MIME in output.get("data", {}) for cell in notebook.cells for output in cell.get("outputs", []))


def _widget_faults(page) -> list[str]:
    """What a trainer would see instead of a widget: an error box or a widget's text repr."""
    text = page.inner_text(".jp-Notebook")
    return [
        marker
        for marker in ("Error displaying widget", "model not found", "VBox(children=", "HBox(children=")
        if marker in text
    ]


def _error_outputs(page) -> list[str]:
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
        " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    ).all_inner_texts()


@pytest.mark.parametrize("relative", OPENED)
def test_notebook_opens_runs_and_reads_well(lab_session, relative, tmp_path):
    """Opened as stored, then Run All: charts drawn, no errors, prose without raw markup."""
    with lab_session.notebook(relative) as (page, console_errors):
        stored = _stored_charts(relative, lab_session.lab)
        # Before running: the stored charts draw, and no widget error or text repr is shown.
        page.wait_for_function(f"() => document.querySelectorAll('{MARKS}').length >= {stored}", timeout=60_000)
        assert _chart_outputs(page) == {"charts": stored, "drawn": stored}
        assert not _widget_faults(page), f"{relative} as stored shows {_widget_faults(page)}"
        assert not _raw_names(_prose(page)), f"{relative}: raw names in the prose: {_raw_names(_prose(page))}"

        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RUN, timeout=RUN_TIMEOUT_MS, polling=ALL_RUN_POLL_MS)
        page.screenshot(path=str(tmp_path / "run.png"))
        assert not _error_outputs(page), f"{relative}: error output after Run All: {_error_outputs(page)}"
        charts = _chart_outputs(page)
        assert charts["charts"] >= 1 and charts["drawn"] == charts["charts"], charts
        assert not _widget_faults(page), f"{relative} after Run All shows {_widget_faults(page)}"
        if Path(relative).name in EXPLORER_CHAPTERS:
            assert _check_explorers(page, relative) >= 1, f"{relative}: no explorer found after Run All"
        assert not console_errors, f"{relative}: console errors: {console_errors[:5]}"


#: The chapters with live explorers (the workshop copy of chapter 7 has one too).
EXPLORER_CHAPTERS = {"07_how_many_would_take_a_budget.ipynb", "08_who_benefits.ipynb", "09_how_sure.ipynb"}
#: Every explorer: the widget tree that holds a reset button.
_ROOTS = (
    "[...document.querySelectorAll('.jp-OutputArea-output .widget-vbox')]"
    ".filter(b => [...b.querySelectorAll('.widget-button')].some(x => /reset/i.test(x.textContent))"
    " && !b.parentElement.closest('.widget-vbox'))"
)
CHART_DRAWN = f"(i) => !!{_ROOTS}[i].querySelector('{MARKS}')"
#: A picture of the chart: SVG markup, or the canvas's pixels (JupyterLab draws on a canvas).
_PICTURE = "(m => !m ? '' : (m.toDataURL ? m.toDataURL() : m.outerHTML))"
CHART_CHANGED = (
    f"([i, before]) => {{ const p = {_PICTURE}({_ROOTS}[i].querySelector('{MARKS}')); return !!p && p !== before; }}"
)


def _explorer_chart(page, index: int) -> str:
    return page.evaluate(f"(i) => {_PICTURE}({_ROOTS}[i].querySelector('{MARKS}'))", index)


def _wait(page, condition: str, arg: object, failure: str) -> None:
    """Wait for a condition in the page; fail with ``failure`` rather than a bare timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, arg=arg, timeout=60_000)
    except PlaywrightTimeout:
        pytest.fail(failure, pytrace=False)


def _check_explorers(page, relative: str) -> int:
    """In every explorer: a slider moved by keyboard redraws the chart; an impossible typed value
    shows a message in the widget (and no traceback). Returns how many explorers were checked."""
    # Mark each explorer's outermost box, so that Playwright and the page agree on which is which.
    count = page.evaluate(f"() => {_ROOTS}.map((r, i) => r.setAttribute('data-phb-explorer', i)).length")
    for index in range(count):
        root = page.locator(f"[data-phb-explorer='{index}']")
        root.scroll_into_view_if_needed()
        _wait(page, CHART_DRAWN, index, f"{relative}: explorer {index} draws no chart")
        before = _explorer_chart(page, index)
        handle = root.locator(".noUi-handle").first
        handle.focus()
        # Move it one step away from whichever end it may rest at (aria-valuenow/-max: noUiSlider's).
        at_top = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
        handle.press("ArrowLeft" if at_top else "ArrowRight")
        _wait(
            page,
            CHART_CHANGED,
            [index, before],
            f"{relative}: explorer {index}'s chart did not redraw after its first slider moved by keyboard",
        )
        box = root.locator("input[type=number]").first
        box.fill("-1000000000000")
        box.press("Enter")
        alert = root.locator("[role=alert]").filter(has_text=re.compile(r"\S"))
        alert.first.wait_for(timeout=30_000)
        assert "Traceback" not in page.inner_text(".jp-Notebook")
    return count


def test_notebook_7_draws_and_runs_a_chapter(lab, browser):
    """The same chapter in Notebook 7's single-document interface: stored charts drawn, Run All
    without error output, every chart drawn.

    Not checked here: the console. In this environment Notebook 7.6.5 logs errors of its own that
    come and go between runs: a page error while loading settings ("Cannot read properties of
    undefined (reading 'schema')", from notebook_core.js, with or without the tests' settings) and
    "Command 'filebrowser:open-path' not registered" (an extension calling a JupyterLab-only command).
    The JupyterLab tests above check the console."""
    relative = "chapters/06_uptake_since_2014.ipynb"
    page, _ = _open(lab, browser, relative, interface="notebook")
    stored = _stored_charts(relative, lab)
    page.wait_for_function(f"() => document.querySelectorAll('{MARKS}').length >= {stored}", timeout=60_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, timeout=RUN_TIMEOUT_MS, polling=ALL_RUN_POLL_MS)
    assert not _error_outputs(page), _error_outputs(page)
    charts = _chart_outputs(page)
    assert charts["charts"] == stored and charts["drawn"] == stored, charts
    page.close()
