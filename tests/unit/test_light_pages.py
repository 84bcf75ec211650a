"""Lighter pages (bookkit.light_pages): what is dropped changes nothing a reader sees."""

from __future__ import annotations

from bookkit.light_pages import drop_indentation, plain_token_classes, unwrap_plain_tokens

BOOK_STYLES = ("a11y-high-contrast-light", "a11y-high-contrast-dark")


def test_only_tokens_drawn_as_plain_text_are_unwrapped() -> None:
    assert plain_token_classes(BOOK_STYLES) == {"n", "p", "w"}
    # Pygments' default style draws whitespace grey (#bbbbbb, visible where it marks tabs): kept
    assert plain_token_classes(("default",)) == {"n", "p"}
    assert plain_token_classes((*BOOK_STYLES, "default")) == {"n", "p"}


def test_unwrapping_keeps_the_text_and_the_coloured_tokens() -> None:
    code = '<span class="n">x</span><span class="w"> </span><span class="o">=</span><span class="mi">1</span>'
    assert unwrap_plain_tokens(code, frozenset({"n", "w"})) == 'x <span class="o">=</span><span class="mi">1</span>'
    assert unwrap_plain_tokens(code, frozenset()) == code


def test_indentation_goes_but_not_inside_code_scripts_or_styles() -> None:
    page = (
        "<div>\n    <p>a\n\n   b</p>\n  <pre>x\n   y</pre>\n <script>\n  s = `\n  q`;</script>\n"
        "  <style>\n a {}</style>"
    )
    assert drop_indentation(page) == (
        "<div>\n<p>a\nb</p>\n<pre>x\n   y</pre>\n<script>\n  s = `\n  q`;</script>\n<style>\n a {}</style>"
    )


def test_a_no_break_space_after_a_line_break_is_text_and_stays() -> None:
    assert drop_indentation("<p>a\n\xa0b\n   c</p>") == "<p>a\n\xa0b\nc</p>"
