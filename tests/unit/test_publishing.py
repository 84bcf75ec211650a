"""Publishing: the deploy workflow runs exactly the README's commands with pinned actions, the
build refuses a placeholder repository URL, and `make lint` / .ci/run check the workflow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sphinx.errors import ConfigError

from bookkit.site import PLACEHOLDER_URL, repository_url, site_path

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def readme_two_commands() -> list[str]:
    """The commands of README.md's "Two commands" block: each line's command, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README.md's 'Two commands' section has no ```bash block"
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [command for command in commands if command]


def readme_other_make_commands() -> set[str]:
    """`make ...` commands in README.md's "Other commands" table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Other commands", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(make [\w-]+)", section, re.M))


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def build_steps() -> list[dict]:
    return workflow()["jobs"]["build"]["steps"]


def test_readme_block_is_the_two_commands() -> None:
    assert readme_two_commands() == ["make book", "make test"]


def test_workflow_builds_and_tests_with_exactly_the_readme_commands() -> None:
    """Every `make` the build job runs is a whole step of its own; the first ones are the README's
    two commands, in order, and the rest are make targets the README lists (the PDF, the kit)."""
    runs = [step["run"].strip() for step in build_steps() if "run" in step]
    makes = [run for run in runs if re.match(r"make\b", run)]
    assert all("\n" not in run for run in makes), f"a make step runs more than one command: {makes}"
    two = readme_two_commands()
    assert makes[: len(two)] == two, f"the workflow runs {makes}, the README says {two} first"
    extra = set(makes[len(two) :])
    assert extra <= readme_other_make_commands(), f"not in README's Other commands: {extra}"
    assert {"make pdf", "make workshop"} <= extra
    mentions = [run for run in runs if "make" in run.split() and run not in makes]
    assert not mentions, f"make called inside another step: {mentions}"


def test_workflow_runs_as_ci_and_publishes_with_its_own_repository_url() -> None:
    env = workflow()["jobs"]["build"]["env"]
    assert env["CI"] == "true"
    assert env["PHB_PUBLISH"] == "1"
    assert env["PHB_REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"


def test_workflow_deploys_pages_and_attaches_downloads() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for action in (
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/upload-artifact",
        "actions/setup-node",
        "actions/cache",
    ):
        assert f"uses: {action}@" in text, f"{action} is not used"
    jobs = workflow()["jobs"]
    assert jobs["deploy"]["if"] == "github.ref == 'refs/heads/main'"
    assert jobs["release"]["if"] == "startsWith(github.ref, 'refs/tags/v')"
    uploads = next(s for s in build_steps() if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert {"_build/pdf/phb-book.pdf", "workshop/phb-workshop.zip"} <= set(uploads["with"]["path"].split())
    pages = next(s for s in build_steps() if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert pages["with"]["path"] == "_build/html"
    triggers = workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"] == {"branches": ["main"], "tags": ["v*"]}
    assert "workflow_dispatch" in triggers


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    lines = [
        line.strip() for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if re.match(r"\s*(- )?uses:", line)
    ]
    assert lines
    unpinned = [
        line for line in lines if not re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line)
    ]
    assert not unpinned, f"actions not pinned to a full SHA with '# vX.Y.Z': {unpinned}"


def test_ci_lints_before_it_tests_and_lint_can_grow() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^make (\w+)$", ci, re.M)
    assert commands[:2] == ["lint", "test"], f".ci/run runs make {commands}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lint: .*\blint-workflows\b", makefile, re.M)
    assert re.search(r"^lint-workflows: .*\n\t\$\(VENV\)/bin/actionlint .*\.github/workflows/", makefile, re.M)


# ---------------------------------------------------------------- the one repository URL
def test_the_environment_overrides_the_configured_url() -> None:
    url = repository_url(PLACEHOLDER_URL, {"PHB_REPOSITORY_URL": "https://github.com/nhs/phb/"})
    assert url == "https://github.com/nhs/phb"


def test_without_publishing_the_placeholder_builds() -> None:
    assert repository_url(PLACEHOLDER_URL, {}) == PLACEHOLDER_URL


@pytest.mark.parametrize(
    "configured, environ",
    [
        (PLACEHOLDER_URL, {"PHB_PUBLISH": "1"}),
        (PLACEHOLDER_URL + "/", {"PHB_PUBLISH": "1"}),
        ("", {"PHB_PUBLISH": "1"}),
        (None, {"PHB_PUBLISH": "1", "PHB_REPOSITORY_URL": ""}),
        ("https://github.com/nhs/phb", {"PHB_PUBLISH": "1", "PHB_REPOSITORY_URL": PLACEHOLDER_URL}),
    ],
)
def test_publishing_refuses_a_placeholder_or_missing_url(configured: str | None, environ: dict) -> None:
    with pytest.raises(ConfigError, match="PHB_PUBLISH=1 but the repository URL is"):
        repository_url(configured, environ)


def test_publishing_accepts_a_real_url() -> None:
    environ = {"PHB_PUBLISH": "1", "PHB_REPOSITORY_URL": "https://github.com/nhs/phb"}
    assert repository_url(PLACEHOLDER_URL, environ) == "https://github.com/nhs/phb"


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, "/"),
        ("", "/"),
        ("/", "/"),
        ("/phb-book", "/phb-book/"),
        ("phb-book/", "/phb-book/"),
        ("/a/b/", "/a/b/"),
    ],
)
def test_site_path_has_a_slash_at_each_end(given: str | None, expected: str) -> None:
    environ = {} if given is None else {"PHB_SITE_PATH": given}
    assert site_path(environ) == expected


def test_a_page_git_cannot_date_keeps_its_source_link() -> None:
    """No git (a downloaded zip): the page shows no date but keeps the source name the theme's
    launch and download buttons need."""
    from types import SimpleNamespace

    from bookkit.site import keep_source_links_without_git

    env = SimpleNamespace(git_last_updated={"intro": None, "chapters/01": (1700000000, True)})
    keep_source_links_without_git(None, env)
    assert env.git_last_updated == {"intro": (None, True), "chapters/01": (1700000000, True)}
