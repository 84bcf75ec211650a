"""Fonts made ready while a chart page waits for its chart script (issue 18).

Before a page draws its first chart it reads the chart's column width, so Chromium styles and lays
out the page parsed so far. Traced (``benchmarks/first_layout.py``), that layout took 14–19 ms on
the chapters, of which 10–14 ms was making fonts ready: for every family, size, weight and style
of text above the chart, a call from the page's process to the browser's for the family's match
and for the size's rendering settings (on Linux; other systems look fonts up their own ways). The
page itself is idle just before, while its parser waits for the chart script (about 630 KB) to
arrive and compile. A short inline script, right after the style sheet and before the chart
script, sets a letter in each of those fonts in a hidden element, reads its width (which makes the
browser lay it out, and so make its fonts ready), and removes it: the fonts are then ready when
the layout before the chart needs them.

:data:`WARM_FONTS` lists those fonts as CSS ``font`` values: sizes in ``rem`` (the reader's own
text size applies) and families by the theme's variables (the theme's stacks apply). The browser
test ``test_the_fonts_above_the_first_chart_are_made_ready_early`` checks every chapter's text
above its first chart against it, on a wide screen and on a phone, and names any font missing, so
a theme change that uses another size shows up there. The icon font (Font Awesome, a web font) is
left out: setting a letter in it would fetch it, beside the chart script, for icons it draws only
once it has loaded.
"""

from __future__ import annotations

import json
import re

from bookkit.vega_mime import DRAWS_A_CHART

BASE = "var(--pst-font-family-base)"
MONOSPACE = "var(--pst-font-family-monospace)"

#: The fonts of the theme's text above a chapter's first chart: body text, the sidebars, headings,
#: buttons, the copy button's label, and the search box's keys and code; on a screen narrower than
#: the sidebars need, two more (1.1rem).
WARM_FONTS: tuple[str, ...] = (
    f"400 .8rem {BASE}",
    f"400 .9rem {BASE}",
    f"600 .9rem {BASE}",
    f"400 1rem {BASE}",
    f"italic 400 1rem {BASE}",
    f"600 1rem {BASE}",
    f"700 1rem {BASE}",
    f"400 1.1rem {BASE}",
    f"600 1.1rem {BASE}",
    f"400 1.25rem {BASE}",
    f"400 1.3rem {BASE}",
    f"600 1.4rem {BASE}",
    f"500 1.7rem {BASE}",
    f"600 1.75rem {BASE}",
    f"500 2.1rem {BASE}",
    f"500 2.125rem {BASE}",
    f"500 2.625rem {BASE}",
    f"400 .675rem {MONOSPACE}",
    f"400 .875rem {MONOSPACE}",
)

#: The warm-up script's element, by its id (a page is given one, replacing any an earlier build wrote).
WARMUP = re.compile(r'<script id="phb-warm-fonts">.*?</script>', re.DOTALL)


def warmup_script(fonts: tuple[str, ...] = WARM_FONTS) -> str:
    """The inline script: one hidden element with a letter in each of ``fonts``, laid out (its
    width read) and removed at once. Nothing of it stays in the page."""
    listed = json.dumps(list(fonts), separators=(",", ":")).replace("</", "<\\/")
    return (
        '<script id="phb-warm-fonts">'
        "(function(){var d=document.createElement('div');"
        "d.style.cssText='position:absolute;visibility:hidden;width:0;height:0;overflow:hidden';"
        f"{listed}.forEach(function(f){{var s=document.createElement('span');"
        "s.style.font=f;s.textContent='x';d.appendChild(s)});"
        "document.documentElement.appendChild(d);d.offsetWidth;d.remove()})()</script>"
    )


def warm_fonts(page: str, style_link: re.Pattern[str], fonts: tuple[str, ...] = WARM_FONTS) -> str:
    """``page`` with :func:`warmup_script` just after its first style sheet link matching
    ``style_link``, if the page draws a chart (any warm-up an earlier build wrote replaced);
    otherwise ``page`` without one. The script must follow the style sheet (it reads the theme's font
    variables, and the browser runs it once the sheet has loaded) and precede the chart script
    (whose wait it fills)."""
    page = WARMUP.sub("", page)
    if DRAWS_A_CHART not in page:
        return page
    link = style_link.search(page)
    if link is None:
        return page
    return page[: link.end()] + warmup_script(fonts) + page[link.end() :]
