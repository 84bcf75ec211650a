"""A page's scripts merged into a few files (bookkit.script_bundles): the same scripts run, in the
same order and the same mode; only the number of requests changes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bookkit.script_bundles import BUNDLE_PREFIX, ScriptBundleError, bundle_scripts, remove_unlinked


def static_with(tmp_path: Path, files: dict[str, str]) -> Path:
    static = tmp_path / "_static"
    for name, text in files.items():
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text(text, encoding="utf-8")
    return static


def srcs(page: str) -> list[str]:
    return re.findall(r'<script[^>]*src="([^"]+)"', page)


def head_loading(names: list[str]) -> str:
    """A page whose head loads ``names`` (under _static/), one parser-blocking script each."""
    return "<head>" + "".join(f'<script src="_static/{name}"></script>' for name in names) + "</head>"


def merged_text(static: Path, src: str) -> str:
    """The text of the file a page loads as ``src`` (a merged file is written at _static/'s top)."""
    return (static / src.rsplit("/", 1)[-1]).read_text(encoding="utf-8")


def parts(static: Path, src: str) -> list[str]:
    """The parts a merged file names on its first line."""
    name = src.rsplit("/", 1)[-1]
    first = (static / name).read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix("/* phb-scripts of: ").removesuffix(" */").split()


def test_a_run_of_the_heads_scripts_is_one_file_with_its_parts_in_order(tmp_path) -> None:
    static = static_with(tmp_path, {"a.js": "var a = 1", "b.js": "(function () { window.b = a; })()", "c.js": "c()"})
    page = (
        '<html><head>\n<script src="../_static/a.js?v=1"></script>\n<script src="../_static/b.js?v=2"></script>\n'
        "<script>inline()</script>\n"
        '<script src="../_static/c.js"></script>\n</head><body></body></html>'
    )
    bundles: dict = {}
    out = bundle_scripts(page, static, bundles)
    loaded = srcs(out)
    assert len(loaded) == 2 and loaded[1] == "../_static/c.js", "an inline script between ends the run"
    assert loaded[0].startswith(f"../_static/{BUNDLE_PREFIX}") and parts(static, loaded[0]) == ["a.js", "b.js"]
    assert out.index(loaded[0]) < out.index("inline()")
    text = merged_text(static, loaded[0])
    # no part's last line runs into the next's first ("var a = 1(function..." would call 1)
    assert text.split("\n", 1)[1] == ";\nvar a = 1\n;\n(function () { window.b = a; })()\n;\n"


def test_the_merged_files_run_as_their_parts_did(tmp_path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs Node (make installs it)")
    mode = "(function () { return this === undefined ? 'strict' : 'sloppy' })()"
    files = {
        "a.js": 'const shared = ["a"]\n',
        "b.js": f"shared.push({mode})\n//# sourceMappingURL=b.js.map",
        "c.js": f'"use strict";\nshared.push({mode})',
        "d.js": f"/* strict */ 'use strict'; shared.push({mode})",
    }
    static = static_with(tmp_path, files)
    merged = srcs(bundle_scripts(head_loading(list(files)), static, {}))
    assert [parts(static, src) for src in merged] == [["a.js", "b.js"], ["c.js", "d.js"]]
    texts = [merged_text(static, src) for src in merged]
    assert "sourceMappingURL" not in texts[0], "a part's source map describes the part, not the merged file"
    # each merged file as a classic script of its own, one after the other, as the page runs them
    run = "".join(f"require('vm').runInThisContext({json.dumps(text)});" for text in texts)
    result = subprocess.run([node, "-e", run + "console.log(JSON.stringify(shared))"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '["a","sloppy","strict","strict"]'


def test_strict_files_share_a_file_only_with_strict_files(tmp_path) -> None:
    static = static_with(
        tmp_path,
        {
            "loose.js": "x = 1",
            "strict1.js": '// a comment\n"use strict";\nconst s1 = 1;',
            "strict2.js": "'use strict'; const s2 = 2;",
            "loose2.js": "y = 2",
        },
    )
    loaded = srcs(bundle_scripts(head_loading(["loose.js", "strict1.js", "strict2.js", "loose2.js"]), static, {}))
    assert loaded[0] == "_static/loose.js" and loaded[2] == "_static/loose2.js"
    assert parts(static, loaded[1]) == ["strict1.js", "strict2.js"]
    assert merged_text(static, loaded[1]).split("\n")[1] == '"use strict";', (
        "the merged file is strict, as each part was"
    )


def test_deferred_scripts_run_in_their_order_from_where_the_last_stood(tmp_path) -> None:
    static = static_with(
        tmp_path,
        {
            "d1.js": "d1()",
            "tabs.js": 'const p = document.currentScript?.getAttribute("data-prefix");',
            "vendor/mathjax/tex.js": "mathjax()",
            "own.js": "const base = document.currentScript.src;",
            "d2.js": "d2()",
            "d3.js": "d3()",
        },
    )
    page = (
        '<head><script defer="defer" src="_static/d1.js"></script>\n'
        '<script data-prefix="x-" defer="defer" src="_static/tabs.js"></script>\n'
        '<script defer="defer" src="_static/vendor/mathjax/tex.js"></script>\n'
        '<script src="_static/sync.js"></script>\n'
        "</head><body><p>text</p>\n"
        '<script defer src="_static/own.js"></script>\n'
        '<script defer src="_static/d2.js"></script>\n<script defer src="_static/d3.js"></script>\n</body>'
    )
    (static / "sync.js").write_text("sync()", encoding="utf-8")
    out = bundle_scripts(page, static, {})
    head, body = out.split("</head>")
    assert srcs(head) == ["_static/sync.js"], "every deferred script moves to where the last one was"
    loaded = srcs(body)
    assert parts(static, loaded[0]) == ["d1.js", "tabs.js"]
    assert re.search(r'<script defer="defer" data-prefix="x-" src="_static/phb-scripts-', body)
    # MathJax (loads its parts from its own address) and a script using its own element stay alone
    assert loaded[1:3] == ["_static/vendor/mathjax/tex.js", "_static/own.js"]
    assert parts(static, loaded[3]) == ["d2.js", "d3.js"]


def test_two_parts_needing_one_attribute_to_differ_are_not_merged(tmp_path) -> None:
    static = static_with(tmp_path, {"a.js": "a()", "b.js": "b()"})
    page = (
        '<body><script data-x="1" defer src="_static/a.js"></script>'
        '<script data-x="2" defer src="_static/b.js"></script></body>'
    )
    assert srcs(bundle_scripts(page, static, {})) == ["_static/a.js", "_static/b.js"]


def test_what_could_change_is_left_as_it_is(tmp_path) -> None:
    static = static_with(tmp_path, {"a.js": "a()", "b.js": "b()"})
    other_host = '<head><script src="https://cdn.example/x.js"></script><script src="_static/a.js"></script></head>'
    assert bundle_scripts(other_host, static, {}) == other_host
    asynchronous = '<head><script async src="_static/a.js"></script><script src="_static/b.js"></script></head>'
    assert bundle_scripts(asynchronous, static, {}) == asynchronous
    module = (
        '<head><script type="module" src="_static/a.js"></script></head>'
        '<body><script defer src="_static/a.js"></script><script defer src="_static/b.js"></script></body>'
    )
    assert bundle_scripts(module, static, {}) == module, "module scripts run in order with deferred ones"


def test_a_page_written_by_an_earlier_build_gets_the_changed_parts_and_old_files_go(tmp_path) -> None:
    static = static_with(tmp_path, {"a.js": "a()", "b.js": "b()"})
    first = bundle_scripts(head_loading(["a.js", "b.js"]), static, {})
    (static / "b.js").write_text("b2()", encoding="utf-8")
    bundles: dict = {}
    second = bundle_scripts(first, static, bundles)  # the page as Sphinx left it: the earlier merge
    [old], [new] = srcs(first), srcs(second)
    assert old != new and parts(static, new) == ["a.js", "b.js"]
    assert "b2()" in merged_text(static, new)
    remove_unlinked(static, set(bundles.values()))
    assert not (static / old.removeprefix("_static/")).exists() and (static / new.removeprefix("_static/")).exists()


def test_a_missing_script_is_named(tmp_path) -> None:
    static = static_with(tmp_path, {"a.js": "a()"})
    page = head_loading(["a.js", "gone.js"])
    with pytest.raises(ScriptBundleError, match=r"gone\.js: a page loads this script, but it is not in the build"):
        bundle_scripts(page, static, {})
