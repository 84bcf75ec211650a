"""The book's editions: which one this is, and the checks that come before tagging a new one.

One source of truth: ``CITATION.cff`` holds the edition (``version: "0.1"``) and the day it was
released (``date-released``). The book's pages and the PDF show it (:func:`current_edition`), a
citation names it, and ``pyproject.toml`` must say the same version. ``CHANGELOG.md`` has a section
per edition, ``## [0.1] - 2026-11-30``.

``make release VERSION=0.2`` (``python -m bookkit.edition release 0.2``) tags ``v0.2`` only when the
changelog has a dated section for 0.2, the citation file says 0.2 with that date, pyproject agrees,
the working tree is clean and the tag does not exist yet; otherwise it refuses with one line. Pushing
the tag makes the publish workflow attach the PDF and the workshop kit to a GitHub release.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: An edition number: major.minor (a new major edition changes what a result means).
VERSION = re.compile(r"\d+\.\d+")
#: A changelog section heading: ``## [0.1] - 2026-11-30`` (the date is absent while unreleased).
SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.M)


class ReleaseError(ValueError):
    """The repository is not ready to tag an edition; the message says what to fix, in one line."""


@dataclass(frozen=True)
class Edition:
    """An edition of the book: its number and the day it was released."""

    version: str
    released: dt.date

    @property
    def label(self) -> str:
        """What a reader sees on every page and on the PDF: "Edition 0.1, 30 November 2026"."""
        return f"Edition {self.version}, {self.released.day} {self.released:%B %Y}"

    @property
    def tag(self) -> str:
        """The git tag of this edition: ``v0.1``."""
        return f"v{self.version}"


def _read_citation(root: Path) -> dict:
    import yaml

    path = root / "CITATION.cff"
    if not path.is_file():
        raise ReleaseError(f"{path} is missing: it holds the edition number")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def current_edition(root: Path = ROOT) -> Edition:
    """The edition ``CITATION.cff`` names, with its ``date-released``.

    The version is read as text (``0.10`` must not become the number 0.1) and must be major.minor.
    """
    citation = _read_citation(root)
    version, released = citation.get("version"), citation.get("date-released")
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise ReleaseError(f'CITATION.cff: version must be a quoted major.minor such as "0.1", found {version!r}')
    if not isinstance(released, dt.date):
        raise ReleaseError(f"CITATION.cff: date-released must be a date such as 2026-11-30, found {released!r}")
    return Edition(version, released)


def changelog_sections(root: Path = ROOT) -> dict[str, dt.date | None]:
    """Each ``## [version] - date`` section of ``CHANGELOG.md``: version -> date (None if undated)."""
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    return {m["version"]: dt.date.fromisoformat(m["date"]) if m["date"] else None for m in SECTION.finditer(text)}


def changelog_notes(version: str, root: Path = ROOT) -> str:
    """The body of the changelog's section for ``version`` (the release notes of that edition)."""
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = list(SECTION.finditer(text))
    for heading, following in zip(headings, headings[1:] + [None]):
        if heading["version"] == version:
            end = following.start() if following else len(text)
            return text[heading.end() : end].strip() + "\n"
    raise ReleaseError(f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD'")


def pyproject_version(root: Path = ROOT) -> str | None:
    """``version`` in ``pyproject.toml``'s ``[project]`` table."""
    import tomllib

    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return data.get("project", {}).get("version")


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def check_release(version: str, root: Path = ROOT) -> Edition:
    """Everything that must agree before edition ``version`` is tagged; raise :class:`ReleaseError`
    naming the first thing that does not, or return the edition."""
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"VERSION must be major.minor such as 0.2, not {version!r}")
    sections = changelog_sections(root)
    if version not in sections:
        raise ReleaseError(
            f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD': move the Unreleased notes under one"
        )
    if sections[version] is None:
        raise ReleaseError(f"CHANGELOG.md: the section for {version} has no date ('## [{version}] - YYYY-MM-DD')")
    edition = current_edition(root)
    if edition.version != version:
        raise ReleaseError(f"CITATION.cff says version {edition.version}, not {version}")
    if edition.released != sections[version]:
        raise ReleaseError(
            f"CITATION.cff's date-released {edition.released} differs from "
            f"CHANGELOG.md's {sections[version]} for {version}"
        )
    if (declared := pyproject_version(root)) != version:
        raise ReleaseError(f"pyproject.toml says version {declared}, not {version}")
    status = _git(root, "status", "--porcelain")
    if status.returncode != 0:
        raise ReleaseError(f"{root} is not a git working tree: {status.stderr.strip()}")
    if status.stdout.strip():
        changed = len(status.stdout.splitlines())
        raise ReleaseError(f"the working tree has {changed} uncommitted change(s): commit them first")
    if _git(root, "rev-parse", "--quiet", "--verify", f"refs/tags/{edition.tag}").returncode == 0:
        raise ReleaseError(f"the tag {edition.tag} already exists")
    return edition


def release(version: str, root: Path = ROOT) -> Edition:
    """Check (:func:`check_release`), then create the annotated tag ``v<version>``."""
    edition = check_release(version, root)
    tagged = _git(root, "tag", "--annotate", edition.tag, "--message", edition.label)
    if tagged.returncode != 0:
        raise ReleaseError(f"git tag {edition.tag} failed: {tagged.stderr.strip()}")
    return edition


def check_tag(tag: str, root: Path = ROOT) -> Edition:
    """The tag a release is being published from must name the edition CITATION.cff holds."""
    edition = current_edition(root)
    if tag != edition.tag:
        raise ReleaseError(
            f"the tag {tag} does not name this edition: CITATION.cff says {edition.version} (tag {edition.tag})"
        )
    changelog_notes(edition.version, root)  # and the changelog has its section
    return edition


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bookkit.edition", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("show", help="print the current edition")
    commands.add_parser("release", help="check everything agrees, then tag v<VERSION>").add_argument("version")
    commands.add_parser("check-tag", help="check a tag names the current edition").add_argument("tag")
    commands.add_parser("notes", help="print the changelog section of an edition").add_argument("version")
    args = parser.parse_args(argv)
    try:
        if args.command == "show":
            print(current_edition(args.root).label)
        elif args.command == "release":
            edition = release(args.version, args.root)
            print(f"Tagged {edition.tag} ({edition.label}). Publish it: git push origin {edition.tag}")
        elif args.command == "check-tag":
            print(f"{args.tag}: {check_tag(args.tag, args.root).label}")
        else:
            print(changelog_notes(args.version, args.root), end="")
    except ReleaseError as error:
        print(f"{args.command} refused: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
