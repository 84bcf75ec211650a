"""The explorer chapters' papermill parameters: declared once, shown by --help-notebook, and every
bad name or value refused with one line naming the parameter and what it allows.

The checker is tested here without a kernel, fed exactly what papermill would inject (its own CLI
value parser and its own translator); tests/unit/test_*_papermill.py run a few real papermill runs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from phb import parameters
from phb.models import inequality, uptake
from phb.parameters import HOW_SURE, INEQUALITY, UPTAKE, ParameterError, how_sure_defaults

papermill_cli = pytest.importorskip("papermill.cli")
from papermill.translators import PythonTranslator, translate_parameters  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def cells(chapter: parameters.Chapter) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """The chapter's parameters cell and the cell after it."""
    notebook = nbformat.read(ROOT / chapter.notebook, as_version=4)
    index = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(index) == 1, f"{chapter.notebook} must have exactly one parameters cell"
    return notebook.cells[index[0]], notebook.cells[index[0] + 1]


def papermill_namespace(chapter: parameters.Chapter, **cli: str) -> dict:
    """The kernel's namespace after papermill ran the chapter's parameters cell and its injected
    cell for ``papermill ... -p NAME VALUE`` (values parsed by papermill's own CLI parser)."""
    values = {name: papermill_cli._resolve_type(text) for name, text in cli.items()}
    injected = translate_parameters("python3", "python", values, "Parameters")
    namespace: dict = {}
    exec(chapter.cell_source(), namespace)  # noqa: S102 - the chapter's own parameters cell
    exec(injected, namespace)  # noqa: S102 - what papermill injects
    namespace["In"] = ["", chapter.cell_source(), injected, "parameters.check(...)"]
    return namespace


def refusal(chapter: parameters.Chapter, **cli: str) -> str:
    """The one line a refused papermill run ends with."""
    with pytest.raises(ParameterError) as caught:
        parameters.check(chapter, papermill_namespace(chapter, **cli))
    lines = caught.value._render_traceback_()
    assert len(lines) == 1
    return lines[0]


# ---------------------------------------------------------------- declared once, shown by papermill
@pytest.mark.parametrize("chapter", parameters.CHAPTERS.values(), ids=lambda c: Path(c.notebook).stem)
def test_the_parameters_cell_is_the_spec_and_the_next_cell_checks_it(chapter):
    cell, after = cells(chapter)
    assert cell.source == chapter.cell_source(), (
        f"{chapter.notebook}: write its parameters cell from phb.parameters (Chapter.cell_source)"
    )
    constant = next(name for name, value in vars(parameters).items() if value is chapter)
    # (whitespace aside: the formatter may wrap the call)
    assert f"parameters.check(parameters.{constant},globals())" in "".join(after.source.split())
    # nothing between them defines names: the check cell comes straight after
    assert "injected-parameters" not in after.metadata.get("tags", [])


@pytest.mark.parametrize("chapter", parameters.CHAPTERS.values(), ids=lambda c: Path(c.notebook).stem)
def test_help_notebook_shows_type_default_and_range_of_every_parameter(chapter):
    cell, _ = cells(chapter)
    inferred = {p.name: p for p in PythonTranslator.inspect(cell)}
    assert list(inferred) == chapter.names
    for spec in chapter.parameters:
        shown = inferred[spec.name]
        assert shown.inferred_type_name == spec.kind.__name__
        assert shown.default == ("None" if spec.default is None else shown.default)
        assert spec.allowed in shown.help
        assert ("None: the sourced default" in shown.help) == (spec.default is None)


def test_ranges_are_the_models_own():
    for spec in UPTAKE.parameters[: len(uptake.ALL_PARAMETERS)]:
        model = uptake.parameters()[spec.name]
        assert (spec.minimum, spec.maximum) == (model.minimum, model.maximum)
    for name, (low, high) in inequality.RATIO_RANGES.items():
        inequality.scenario("deprivation quintiles", 0.5, **{name: low})
        inequality.scenario("deprivation quintiles", 0.5, **{name: high})
        for outside in (low - 0.01, high + 0.01):
            with pytest.raises(ValueError, match=name):
                inequality.scenario("deprivation quintiles", 0.5, **{name: outside})


# ---------------------------------------------------------------- refusals, one line each
@pytest.mark.parametrize(
    "chapter, cli, named",
    [
        (UPTAKE, {"support_share": "0.8"}, "'support_share' (did you mean 'support'?)"),
        (UPTAKE, {"shar_aware": "0.8"}, "'shar_aware' (did you mean 'share_aware'?)"),
        (HOW_SURE, {"true_share": "0.5", "outcome_link": "1"}, "'true_share' (did you mean 'share'?), 'outcome_link'"),
        (INEQUALITY, {"advocacy": "0.2", "uptake": "3"}, "'uptake'"),
    ],
)
def test_an_unknown_name_is_refused_naming_it_and_listing_the_valid_ones(chapter, cli, named):
    line = refusal(chapter, **cli)
    assert line.startswith("ParameterError: unknown parameter") and named in line
    assert line.endswith("this chapter takes " + ", ".join(chapter.names))


@pytest.mark.parametrize(
    "chapter, name, text, allowed",
    [
        (UPTAKE, "seed", "abc", "a whole number, at least 0"),
        (UPTAKE, "seed", "-1", "a whole number, at least 0"),
        (UPTAKE, "seed", "True", "a whole number, at least 0"),
        (UPTAKE, "draws", "2.5", "a whole number from 1,000 to 10,000,000"),
        (UPTAKE, "draws", "1", "a whole number from 1,000 to 10,000,000"),
        (UPTAKE, "population", "60000001", "a whole number from 0 to 60,000,000"),
        (UPTAKE, "share_aware", "1.2", "a number from 0 to 1"),
        (UPTAKE, "mean_budget", "lots", "a number from 0 to 1,000,000,000"),
        (UPTAKE, "support", "nan", "a number from 0 to 1"),
        (HOW_SURE, "n", "abc", "a whole number, at least 1"),
        (HOW_SURE, "n", "129.7", "a whole number, at least 1"),
        (HOW_SURE, "n", "0", "a whole number, at least 1"),
        (HOW_SURE, "survey_size", "20001", "a whole number from 1 to 20,000"),
        (HOW_SURE, "strength", "3.5", "a number from 0 to 3"),
        (INEQUALITY, "need_ratio", "0.5", "a number from 1 to 5"),
        (INEQUALITY, "advocacy", "None", "a number from 0 to 1"),
        (INEQUALITY, "preset", "everyone", "one of 'deprivation quintiles'"),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter_and_its_range(chapter, name, text, allowed):
    line = refusal(chapter, **{name: text})
    assert line.startswith(f"ParameterError: {name} must be {allowed}")
    assert line.endswith(
        f"; got {papermill_cli._resolve_type(text)!r}"
        + (" (text)" if isinstance(papermill_cli._resolve_type(text), str) and name != "preset" else "")
    )


def test_a_combination_the_model_forbids_is_one_line_too():
    line = refusal(UPTAKE, completion_no_support="0.8", completion_full_support="0.5")
    assert line.startswith("ParameterError: completion_full_support must be at least completion_no_support")
    line = refusal(UPTAKE, share_direct_payment="0.7", share_third_party="0.5")
    assert line.startswith("ParameterError: share_direct_payment + share_third_party")


# ---------------------------------------------------------------- what is accepted
def test_values_papermill_passes_are_used_and_none_becomes_the_sourced_default():
    namespace = papermill_namespace(UPTAKE, population="5e3", share_aware="0.8", draws="2000", seed="0")
    used = parameters.check(UPTAKE, namespace)
    assert used["population"] == 5000 and used["share_aware"] == 0.8 and used["draws"] == 2000
    assert used["share_consider"] == uptake.defaults()["share_consider"]
    assert namespace["share_consider"] == used["share_consider"]  # later cells read the value in use
    assert namespace["seed"] == 0

    namespace = papermill_namespace(INEQUALITY, need_ratio="3", preset="age bands 2023/24")
    used = parameters.check(INEQUALITY, namespace)
    assert used == {
        "advocacy": 0.5,
        "propensity_ratio": inequality.ASSUMPTIONS["propensity_ratio"][0],
        "need_ratio": 3.0,
        "benefit_ratio": inequality.ASSUMPTIONS["benefit_ratio"][0],
        "preset": "age bands 2023/24",
    }

    namespace = papermill_namespace(HOW_SURE, n="400", share="0.5")
    assert parameters.check(HOW_SURE, namespace) == {**how_sure_defaults(), "n": 400, "share": 0.5}


def test_papermill_path_names_are_allowed():
    namespace = papermill_namespace(HOW_SURE, PAPERMILL_INPUT_PATH="in.ipynb", PAPERMILL_OUTPUT_PATH="out.ipynb")
    assert parameters.check(HOW_SURE, namespace)["n"] == how_sure_defaults()["n"]


def test_in_a_live_notebook_other_cells_are_not_mistaken_for_papermills():
    """Without papermill, the cell run before the check is the parameters cell or any other cell:
    its names are not parameters, and nothing is refused for them."""
    namespace: dict = {}
    exec(HOW_SURE.cell_source(), namespace)  # noqa: S102
    namespace["In"] = ["", "x = 1\nscenario = 2", "parameters.check(...)"]
    assert parameters.check(HOW_SURE, namespace)["n"] == how_sure_defaults()["n"]
    assert parameters.injected_names(["", "# Parameters\nn = 3\nfoo = 4\n", "now"]) == ["n", "foo"]


def test_the_models_refuse_truncation_too():
    """The checks do not rest on the chapter alone: the models refuse the same values."""
    for draws in (2.5, 1, uptake.MIN_DRAWS - 1, True):
        with pytest.raises(ValueError, match="draws must be a whole number from 1,000"):
            uptake.monte_carlo(draws=draws)
    for seed in (-1, "abc", 1.5):
        with pytest.raises(ValueError, match="seed must be a whole number"):
            uptake.monte_carlo(draws=1_000, seed=seed)
    with pytest.raises(ValueError, match="n must be a whole number"):
        how_sure_defaults(n=129.7)
    with pytest.raises(ValueError, match="survey_size must be between 1 and"):
        how_sure_defaults(survey_size=30_000)


def test_a_mapping_of_parameters_is_checked_the_same_way():
    """For tools that build a papermill command (the explorers' export): the same refusals."""
    assert parameters.check_mapping(HOW_SURE, {"n": 400})["n"] == 400
    with pytest.raises(ParameterError, match="unknown parameter 'true_share'"):
        parameters.check_mapping(HOW_SURE, {"true_share": 0.5})
    with pytest.raises(ParameterError, match="n must be a whole number, at least 1; got 129.7"):
        parameters.check_mapping(HOW_SURE, {"n": 129.7})
