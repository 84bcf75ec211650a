"""Loading the tables: each one a typed DataFrame, after the whole package has been validated.

:func:`load` validates the package once per process and per state of its files; a broken package
raises :class:`~phb.data.problems.DataValidationError` listing every problem, and nothing half-loads.
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phb.data.problems import DataValidationError, Problem, did_you_mean
from phb.data.schema import BIBLIOGRAPHY, DATA_DIR, descriptor_resource, read_descriptor, validate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


_VALIDATED: dict[tuple[Any, ...], list[Problem]] = {}
_FRAMES: dict[tuple[Any, ...], dict[str, pd.DataFrame]] = {}


def _signature(directory: Path) -> tuple[Any, ...]:
    """Identity of the package's current state: paths, sizes and modification times."""
    files = sorted(directory.glob("*")) + [directory.parent / BIBLIOGRAPHY]
    return (str(directory.resolve()),) + tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()
    )


def _package_digest(directory: Path) -> str:
    """SHA-256 over every byte validation reads or runs: the package's files and the bibliography
    (names and contents), the validating modules' source and frictionless's version."""
    digest = hashlib.sha256()
    code = sorted(Path(__file__).parent.glob("*.py"))
    for path in sorted(directory.glob("*")) + [directory.parent / BIBLIOGRAPHY] + code:
        if path.is_file():
            digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    digest.update(metadata.version("frictionless").encode())
    return digest.hexdigest()


def _clean_record(digest: str) -> Path | None:
    """Where a package with this digest is recorded as found clean (None without a home directory)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    return cache / "phb" / "clean-packages" / digest if cache.is_absolute() else None


def _recorded_clean(record: Path | None) -> bool:
    """Whether a clean package with this record was seen before (False if the cache cannot be read)."""
    try:
        return record is not None and record.is_file()
    except OSError:  # a cache directory this user may not read
        return False


def _remember_clean(record: Path | None) -> None:
    """Record a clean package; a cache that cannot be written only means validating next time."""
    if record is None:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.touch()
    except OSError:
        pass


def _validated(directory: Path) -> tuple[tuple[Any, ...], list[Problem]]:
    """The package's signature and problems, validating once per state of its files (and, for a
    clean package, once per machine: see the module's docstring)."""
    sig = _signature(directory)
    if sig not in _VALIDATED:
        before = _package_digest(directory)
        if _recorded_clean(_clean_record(before)):
            _VALIDATED[sig] = []
        else:
            problems = validate(directory)
            # Recorded only if no file changed while it was being validated.
            if not problems and _package_digest(directory) == before:
                _remember_clean(_clean_record(before))
            _VALIDATED[sig] = problems
    return sig, _VALIDATED[sig]


def ensure_valid(directory: Path) -> tuple[Any, ...]:
    """Validate the whole package once per state; raise DataValidationError if broken."""
    sig, problems = _validated(directory)
    if problems:
        raise DataValidationError(problems, directory)
    return sig


def _typed_frame(directory: Path, resource: dict[str, Any]) -> pd.DataFrame:
    """One CSV file as a DataFrame of pandas nullable dtypes, typed by its schema."""
    import pandas as pd

    fields = resource["schema"]["fields"]
    raw = pd.read_csv(directory / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    out = {}
    for f in fields:
        col = [None if v == "" else v for v in raw[f["name"]]]
        kind = f.get("type", "string")
        if kind == "integer":
            out[f["name"]] = pd.array([None if v is None else int(v) for v in col], dtype="Int64")
        elif kind == "number":
            out[f["name"]] = pd.array([None if v is None else float(v) for v in col], dtype="Float64")
        elif kind == "boolean":
            out[f["name"]] = pd.array([None if v is None else v.lower() in ("true", "1") for v in col], dtype="boolean")
        else:
            out[f["name"]] = pd.array(list(col), dtype="string")
    frame = pd.DataFrame(out)
    frame.attrs["description"] = resource.get("description", "")
    frame.attrs["source"] = str(directory / resource["path"])
    return frame


def load(name: str, directory: Path | str | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame, after validating the whole package.

    Columns use pandas nullable dtypes (``string``, ``Int64``, ``Float64``, ``boolean``).
    Raises :class:`DataValidationError` if anything in the package is broken, and
    ``KeyError`` for an unknown table name.
    """
    directory = Path(directory) if directory else DATA_DIR
    sig = ensure_valid(directory)
    descriptor, _ = read_descriptor(directory)
    assert descriptor is not None
    names = [r["name"] for r in descriptor["resources"]]
    if name not in names:
        raise KeyError(f"no table {name!r}{did_you_mean(name, names)} (tables: {', '.join(names)})")
    frames = _FRAMES.setdefault(sig, {})
    if name not in frames:
        frames[name] = _typed_frame(directory, descriptor_resource(descriptor, name))
    return frames[name].copy()


def table_names(directory: Path | str | None = None) -> list[str]:
    """Names of the tables declared in the data package."""
    descriptor, problems = read_descriptor(Path(directory) if directory else DATA_DIR)
    if descriptor is None:
        raise DataValidationError(problems, directory or DATA_DIR)
    return [r["name"] for r in descriptor["resources"]]


def source_titles(directory: Path | str | None = None) -> dict[str, str]:
    """Each source's title by its id (``source_id`` -> title), for tables that name their sources."""
    sources = load("sources", directory)
    return dict(zip(sources["source_id"], sources["title"]))
