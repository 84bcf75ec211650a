"""Unit tests for phb.data: loading, figures, rendering, validation and the CLI."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from phb import data
from phb.data import Figure
from phb.data.appendices import data_dictionary, data_dictionary_frames, sources_markdown
from phb.data.cli import main
from phb.data.qualifiers import LOWER, QUALIFIER_WORDS, UPPER

REPO = Path(__file__).resolve().parents[2]


def test_real_package_is_valid() -> None:
    assert data.validate(REPO / "data") == []


def test_every_table_loads_with_nullable_dtypes() -> None:
    for name in data.table_names():
        frame = data.load(name)
        assert len(frame) > 0, name
        for column, dtype in frame.dtypes.items():
            assert str(dtype) in {"string", "Int64", "Float64", "boolean"}, (name, column, dtype)
        assert frame["source_id"].notna().all(), name
        assert frame["locator"].str.strip().str.len().gt(0).all(), name


def test_load_returns_a_copy() -> None:
    a = data.load("figures")
    a.loc[0, "unit"] = "changed"
    assert data.load("figures").loc[0, "unit"] != "changed"


def test_load_unknown_table_suggests() -> None:
    with pytest.raises(KeyError, match="figures"):
        data.load("figure")


def test_typed_columns() -> None:
    uptake = data.load("phb_uptake")
    assert str(uptake["value"].dtype) == "Int64"
    assert str(uptake["includes_wheelchair"].dtype) == "boolean"
    assert uptake["includes_wheelchair"].isna().any()  # unknown stays unknown
    figs = data.load("figures").set_index("id")
    assert pd.isna(figs.loc["poet2014_qol_improved_s1", "value"])  # a bound has no point value
    assert figs.loc["poet2014_qol_improved_s1", "lower"] == 80


@pytest.mark.parametrize(
    ("fid", "text"),
    [
        ("poet2014_qol_improved_s1", "more than 80%"),
        ("poet2014_qol_improved", "86%"),
        ("poet2014_process_difficult", "11.9% to 22%"),
        ("poet2014_negative_s1", "0% to 5.4%"),
        ("poet2014_negative_blog", "fewer than 5%"),
        ("nateval_sample_n", "2,235"),
        ("audit_commission_dp_cost_per_user", "£200 to £1,800"),
        ("phb_total_2015", "about 4,700"),
        ("phb_total_2017", "nearly 16,000"),
        ("phb_ltp_ambition_2023_24", "up to 200,000"),
        ("nateval_arm_n", "just over 1,000"),
        ("nateval_ascot_change_phb", "0.057"),
        ("nateval_ascot_p", "less than 0.001"),
        ("nateval_mh_cost_change_phb", "−12%"),
        ("phb_pilot_annual_budget", "£4 million"),
        ("adass2011_spend", "£1.5 billion"),
        ("poet2014_independence_holders", "three quarters"),
        ("poet2014_process_difficult_blog", "between one in 10 and a fifth"),
        ("study2011_would_not_consider", "about half"),
        ("sds_rate_per_1000_range", "4.6 to 34.6 per 1,000"),
        ("council_variation_fold", "24-fold"),
        ("direct_payments_start_year", "1996"),
        ("phb_target_2021_03", "50,000 to 100,000"),
        ("poet2015_managed_direct_payment_pct", "36.7%"),
    ],
)
def test_figure_text(fid: str, text: str) -> None:
    assert data.figure(fid).text == text


def test_figure_fields_and_citation() -> None:
    fig = data.figure("study2011_survey_n")
    assert isinstance(fig, Figure)
    assert (fig.value, fig.unit, fig.qualifier, fig.lower, fig.upper) == (104, "people", "exact", None, None)
    assert fig.citation == "nhsconfed2011views"
    assert "Methodology" in fig.locator
    assert fig.conflicts_with == ("study2011_survey_n_exec",)
    assert fig.preferred and not data.figure("study2011_survey_n_exec").preferred
    with pytest.raises(AttributeError):
        fig.value = 1  # type: ignore[misc]  # frozen


def test_figure_unknown_id_suggests() -> None:
    with pytest.raises(KeyError) as err:
        data.figure("study2011_survey")
    message = str(err.value)
    assert "study2011_survey" in message and "did you mean" in message and "study2011_survey_n" in message


def test_every_figure_renders() -> None:
    for fid in data.figure_ids():
        text = data.figure(fid).text
        assert text and "None" not in text and "nan" not in text.lower(), fid


def test_text_never_invents_a_point() -> None:
    """A bound renders with its qualifier word; only exact/approximately give a bare number."""
    for fid in data.figure_ids():
        fig = data.figure(fid)
        if fig.qualifier in LOWER | UPPER:
            assert fig.value is None
            assert fig.text.startswith(QUALIFIER_WORDS[fig.qualifier]), fid


def test_figure_text_rendering_rules(make_figure) -> None:
    make = make_figure
    assert make(value=1234567).text == "1,234,567"
    assert make(value=0.25, unit="fraction").text == "25%"
    assert make(value=1, unit="years").text == "1 year"
    assert make(lower=3, upper=5, unit="GBP_million", qualifier="range").text == "£3 to £5 million"
    assert make(upper=10, unit="percent", qualifier="under").text == "under 10%"
    assert make(value=3, unit="times", qualifier="approximately").text == "about 3 times"


def test_structured_tables_agree_with_figures() -> None:
    """Every number in a structured table equals the figures row it names."""
    figs = data.load("figures").set_index("id")
    checked = 0
    descriptor_columns = {
        "frontline_survey": "percent",
        "in_control_outcomes": "percent_improved",
        "nao_study": "count",
        "phb_budget_type_mix": "share_pct",
        "social_care_by_client_group": "percent_with_personal_budget",
    }
    for name in data.table_names():
        if name in ("figures", "sources"):
            continue
        frame = data.load(name)
        if "figure_id" not in frame:
            continue
        value_col = descriptor_columns.get(name, "value")
        for rec in frame.to_dict("records"):
            fid = rec["figure_id"]
            if pd.isna(fid):
                assert all(pd.isna(rec.get(c, None)) for c in (value_col, "lower", "upper")), (name, rec)
                continue
            fig = figs.loc[fid]
            for mine, theirs in ((value_col, "value"), ("lower", "lower"), ("upper", "upper")):
                if mine not in rec:
                    continue
                a, b = rec[mine], fig[theirs]
                assert (pd.isna(a) and pd.isna(b)) or math.isclose(float(a), float(b)), (name, fid, mine, a, b)
            for col in ("unit", "qualifier", "source_id", "preferred"):
                if col in rec:
                    assert rec[col] == fig[col], (name, fid, col)
            checked += 1
    assert checked > 150


def test_every_source_id_is_in_references_bib() -> None:
    keys = set(re.findall(r"^@\w+\{([^,]+),", (REPO / "references.bib").read_text(encoding="utf-8"), re.M))
    used = set()
    for name in data.table_names():
        frame = data.load(name)
        used |= set(frame["source_id"])
        if "report_source_id" in frame:
            used |= set(frame["report_source_id"].dropna())
    assert used <= keys, used - keys
    assert set(data.load("sources")["source_id"]) == keys


def test_references_bib_parses_and_renders_without_braces() -> None:
    pybtex_database = pytest.importorskip("pybtex.database")
    from pybtex.plugin import find_plugin

    bib = pybtex_database.parse_file(str(REPO / "references.bib"))
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    backend = find_plugin("pybtex.backends", "text")()
    for entry in style.format_entries(bib.entries.values()):
        text = entry.text.render(backend)
        assert "{" not in text and "\\" not in text, text


def test_every_source_file_and_s_key_is_listed() -> None:
    sources = data.load("sources")
    shared = REPO.parent / "shared"
    if (shared / "sources").is_dir():
        files = {p.name for p in (shared / "sources").glob("*.txt")}
        assert files <= set(sources["file"].dropna())
    if (shared / "research" / "figures.md").is_file():
        text = (shared / "research" / "figures.md").read_text(encoding="utf-8")
        declared = set(re.findall(r"^\| (S\d+) \|", text, re.M))
        assert declared == set(sources["s_key"].dropna())


def test_every_number_in_figures_md_is_recorded() -> None:
    """Each number in figures.md's tables appears among the figures' values or bounds."""
    path = REPO.parent / "shared" / "research" / "figures.md"
    if not path.is_file():
        pytest.skip("figures.md not available")
    figs = data.load("figures")
    known = set()
    for col in ("value", "lower", "upper"):
        for v in figs[col].dropna():
            known |= {round(float(v), 4), round(float(v) * 100, 4)}
    missing = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("| S") or line.startswith("|---"):
            continue
        cells = line.split("|")[1:-1]
        body = " ".join(cells[1:])  # the first cell names the figure
        body = re.sub(
            r"\b(19|20)\d\d(/\d\d)?\b|\bQ\d\b|\bS\d+\b|\b\d{4}-\d\d\b|GHQ-12|EQ-5D|FEV1|HbA1c|18\(2\)|P<0\.001",
            " ",
            body,
        )
        for num in re.findall(r"\d[\d,]*\.?\d*", body):
            v = float(num.replace(",", "").rstrip("."))
            if round(v, 4) not in known:
                missing.append((num, line[:80]))
    # numbers that are dates, ages or words in labels rather than figures
    allowed = {"18", "64", "65", "12", "10", "2", "0", "1", "4", "5", "3"}
    missing = [m for m in missing if m[0] not in allowed]
    assert not missing, missing


def test_cli_validate_ok() -> None:
    out = subprocess.run([sys.executable, "-m", "phb.data", "validate"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("OK:")


def test_cli_validate_dir_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(REPO / "data")]) == 0
    assert main([]) == 2
    assert main(["validate", str(tmp_path)]) == 1
    assert "datapackage.json" in capsys.readouterr().out


def test_cli_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["figure", "poet2014_qol_improved_s1"]) == 0
    assert "more than 80%" in capsys.readouterr().out
    assert main(["figure", "nope_not_here"]) == 1


def test_import_is_side_effect_free_and_light() -> None:
    code = "import sys, phb.data; print('pandas' in sys.modules, 'frictionless' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_data_dictionary_covers_every_table_and_field() -> None:
    md = data_dictionary()
    frames = data_dictionary_frames()
    for name, fields in frames.items():
        assert f"## `{name}`" in md
        for f in fields["field"]:
            assert f"<tr><td><code>{f}</code></td>" in md
    assert "0 to 100" in md and "required" in md


def test_sources_markdown_lists_every_source() -> None:
    md = sources_markdown()
    for rec in data.load("sources").to_dict("records"):
        assert f"`{rec['source_id']}`" in md
    assert "Cannot support" in md
    assert "Who wrote it: In Control, a charity that promotes" in md, "each source says who wrote it"


def test_contradictions_are_linked_with_one_preferred() -> None:
    figs = data.load("figures").set_index("id")
    linked = figs[figs["conflicts_with"].notna()]
    assert len(linked) >= 18
    for fid, rec in linked.iterrows():
        for other in rec["conflicts_with"].split(";"):
            assert fid in figs.loc[other, "conflicts_with"].split(";")
    assert (
        figs.loc["study2011_focus_group_n", "preferred"] and not figs.loc["study2011_focus_group_n_exec", "preferred"]
    )
    assert figs.loc["study2011_survey_prior_pb_n", "preferred"]
    assert figs.loc["poet2014_organisations_n", "preferred"]
    assert figs.loc["poet2014_negative_s1", "preferred"]
    assert figs.loc["poet2014_qol_improved_s1", "preferred"]
