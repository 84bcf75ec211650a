"""The offline assets agree with what Altair asks for."""

import json
import re
from pathlib import Path

from altair.vegalite.v6.display import VEGA_VERSION, VEGAEMBED_VERSION, VEGALITE_VERSION
from altair.vegalite.v6.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


def test_preload_declares_exactly_the_versions_altair_requests():
    text = (ROOT / "book_assets" / "vega-preload.js").read_text()
    declared = dict(re.findall(r'(\w+_version): "([^"]+)"', text))
    assert declared == {
        "vega_version": VEGA_VERSION,
        "vegalite_version": VEGALITE_VERSION,
        "vegaembed_version": VEGAEMBED_VERSION,
    }


def test_npm_pins_match_altairs_vega_lite_schema():
    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert "v" + deps["vega-lite"] == SCHEMA_VERSION
    assert deps["vega"].split(".")[0] == VEGA_VERSION
    assert deps["vega-embed"].split(".")[0] == VEGAEMBED_VERSION
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, version in deps.items():
        assert lock[f"node_modules/{name}"]["version"] == version, f"{name} lock differs"


def test_requirements_are_all_pinned():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    packages = [line for line in lines if line and not line.startswith(("#", "-e"))]
    assert packages and all("==" in line for line in packages), [p for p in packages if "==" not in p]
