"""A matrix file: axes of partial run configurations, expanded into cells.

```toml
[matrix]
name = "seeds"
documents = ["../seeds"]        # relative paths are relative to this file
gold = "../gold"
baseline_cell = "default.gemma.r1"
concurrency = 2                 # cells at once
repeats = 1                     # >1: each repeat gets sampling.seed + repeat - 1
exclude = [{ prompt = "v2", provider = "oracle" }]

[base]                          # a partial RunConfig every cell starts from
cache = { dir = "../cassettes" }

[[axes.prompt]]
name = "default"                # the strategy's own prompt set

[[axes.provider]]
name = "gemma"
provider = { kind = "embedded" }
price = { prompt_per_mtok = 0.0, completion_per_mtok = 0.0 }
```

Each axis entry carries a name (the cell id's part) and partial RunConfig sections; a cell is
one entry per axis, merged over `[base]`. Two entries of one cell setting the same key is an
error, never a silent winner. Everything is validated when the file is read, so a typo stops
the matrix before any call is paid for.
"""

from __future__ import annotations

import itertools
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator

from extractor.config import RunConfig
from extractor_eval.matrix_model import AXES, Price

Section = dict[str, JsonValue]
_SECTIONS = ("provider", "sampling", "retry", "cache", "extraction")
# Settings that name a path: relative ones are resolved against the matrix file's folder.
_PATHS = {("cache", "dir"), ("extraction", "prompt_dir"), ("provider", "model_path")}
_SLUG = re.compile(r"[^a-z0-9-]+")


class MatrixConfigError(ValueError):
    """The matrix file cannot be used; the message names the file, the entry and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def slug(name: str) -> str:
    """A cell id part: lower case, letters, digits and dashes."""
    return _SLUG.sub("-", name.lower()).strip("-")


class AxisEntry(_Strict):
    """One value of an axis: a name and the RunConfig sections it sets."""

    name: str = Field(min_length=1)
    provider: Section | None = None
    sampling: Section | None = None
    retry: Section | None = None
    cache: Section | None = None
    extraction: Section | None = None

    @field_validator("name")
    @classmethod
    def _sluggable(cls, value: str) -> str:
        if not slug(value):
            raise ValueError(f"name {value!r} has no letter or digit to name a cell with")
        return value

    def sections(self) -> dict[str, Section]:
        return {s: v for s in _SECTIONS if (v := getattr(self, s)) is not None}


class ProviderEntry(AxisEntry):
    price: Price = Field(default_factory=Price)


class Axes(_Strict):
    prompt: list[AxisEntry] = Field(default_factory=list)
    provider: list[ProviderEntry] = Field(default_factory=list)
    strategy: list[AxisEntry] = Field(default_factory=list)
    sampling: list[AxisEntry] = Field(default_factory=list)

    def defined(self) -> dict[str, Sequence[AxisEntry]]:
        """The axes that have entries, in AXES order."""
        return {a: getattr(self, a) for a in AXES if getattr(self, a)}


class MatrixSection(_Strict):
    name: str = Field(min_length=1)
    documents: list[Path] = Field(min_length=1)
    gold: Path
    baseline_cell: str | None = None
    concurrency: int = Field(default=1, ge=1, le=64, description="Cells run at once.")
    repeats: int = Field(default=1, ge=1, le=100)
    exclude: list[dict[str, str]] = Field(
        default_factory=list,
        description="Combinations left out: axis → entry name; a cell matching all is skipped.",
    )


class MatrixFile(_Strict):
    matrix: MatrixSection
    base: dict[str, JsonValue] = Field(default_factory=dict)
    axes: Axes


@dataclass(frozen=True)
class CellPlan:
    """One cell to run: an ordinary RunConfig, and how the matrix names and prices it."""

    id: str
    group: str
    axes: dict[str, str]
    repeat: int
    config: RunConfig
    price: Price


@dataclass(frozen=True)
class Matrix:
    name: str
    documents: list[Path]
    gold: Path
    baseline_cell: str | None
    concurrency: int
    cells: list[CellPlan]


def _under(folder: Path, path: Path) -> str:
    """`path` relative to `folder` unless absolute, without `..` steps (shown in reports)."""
    return os.path.normpath(path if path.is_absolute() else folder / path)


def _resolve_paths(sections: Mapping[str, JsonValue], folder: Path) -> dict[str, JsonValue]:
    """Path settings made relative to the matrix file's folder, not to where it is run."""
    out: dict[str, JsonValue] = dict(sections)
    for section, key in _PATHS:
        part = out.get(section)
        if isinstance(part, dict) and isinstance(part.get(key), str):
            value = Path(str(part[key]))
            out[section] = {**part, key: _under(folder, value)}
    return out


def _check_keys(where: str, sections: Mapping[str, JsonValue]) -> None:
    """Unknown sections or settings are refused with the known ones named."""
    for section, values in sections.items():
        if section == "concurrency" and where == "[base]":
            continue
        field = RunConfig.model_fields.get(section)
        model = field.annotation if field is not None else None
        if not isinstance(model, type) or not issubclass(model, BaseModel):
            raise MatrixConfigError(f"{where}: unknown section {section!r} (known: {_SECTIONS})")
        if not isinstance(values, dict):
            raise MatrixConfigError(f"{where}: {section} must be a table")
        unknown = sorted(set(values) - set(model.model_fields))
        if unknown:
            known = ", ".join(sorted(model.model_fields))
            raise MatrixConfigError(
                f"{where}: {section} has no setting {', '.join(unknown)} (known: {known})"
            )


def _merge(cell: str, layers: Sequence[tuple[str, Mapping[str, JsonValue]]]) -> dict[str, object]:
    """Base first, then one entry per axis; a key two axis entries set is a conflict."""
    merged: dict[str, object] = {}
    owner: dict[tuple[str, str], str] = {}
    for where, sections in layers:
        for section, values in sections.items():
            if not isinstance(values, dict):
                merged[section] = values
                continue
            target = merged.setdefault(section, {})
            assert isinstance(target, dict)
            for key, value in values.items():
                previous = owner.get((section, key))
                if previous is not None and previous != "[base]" and where != "[base]":
                    raise MatrixConfigError(
                        f"cell {cell}: {section}.{key} is set by both {previous} and {where}"
                    )
                owner[(section, key)] = where
                target[key] = value
    return merged


def _excluded(axes: Mapping[str, str], rules: Sequence[Mapping[str, str]]) -> bool:
    return any(all(axes.get(a) == n for a, n in rule.items()) for rule in rules)


def _check_excludes(
    axes: Mapping[str, Sequence[AxisEntry]], rules: Sequence[Mapping[str, str]]
) -> None:
    for rule in rules:
        for axis, name in rule.items():
            names = [e.name for e in axes.get(axis, ())]
            if name not in names:
                raise MatrixConfigError(
                    f"[matrix] exclude names {axis} {name!r}, which is no entry (known: {names})"
                )


def _cell_config(cell: str, merged: dict[str, object], repeat: int, repeats: int) -> RunConfig:
    if repeats > 1:  # distinct requests, so each repeat is its own cached sample
        sampling = merged.setdefault("sampling", {})
        assert isinstance(sampling, dict)
        seed = sampling.get("seed", RunConfig().sampling.seed)
        sampling["seed"] = int(seed if isinstance(seed, int) else 0) + repeat - 1
    try:
        return RunConfig.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3]
        )
        raise MatrixConfigError(f"cell {cell}: {problems}") from None


def expand(spec: MatrixFile, folder: Path) -> list[CellPlan]:
    """Every combination of one entry per axis, minus the excluded, times the repeats."""
    axes = spec.axes.defined()
    if not axes:
        raise MatrixConfigError("the matrix has no axes: add [[axes.prompt]] or another axis")
    _check_excludes(axes, spec.matrix.exclude)
    base = _resolve_paths(spec.base, folder)
    _check_keys("[base]", base)
    for axis, entries in axes.items():
        seen = [slug(e.name) for e in entries]
        if len(set(seen)) != len(seen):
            raise MatrixConfigError(f"axes.{axis}: two entries share a name ({seen})")
        for i, e in enumerate(entries):
            _check_keys(f"axes.{axis}[{i}] {e.name!r}", e.sections())
    cells = []
    for combo in itertools.product(*axes.values()):
        names = dict(zip(axes, (e.name for e in combo), strict=True))
        if _excluded(names, spec.matrix.exclude):
            continue
        group = ".".join(slug(e.name) for e in combo)
        layers = [("[base]", base)] + [
            (f"axes.{a} {e.name!r}", _resolve_paths(e.sections(), folder))
            for a, e in zip(axes, combo, strict=True)
        ]
        price = next((e.price for e in combo if isinstance(e, ProviderEntry)), Price())
        for repeat in range(1, spec.matrix.repeats + 1):
            cell = f"{group}.r{repeat}"
            merged = _merge(cell, layers)
            config = _cell_config(cell, merged, repeat, spec.matrix.repeats)
            cells.append(CellPlan(cell, group, names, repeat, config, price))
    if not cells:
        raise MatrixConfigError("every combination is excluded: the matrix has no cell")
    return cells


def _baseline(wanted: str | None, cells: Sequence[CellPlan]) -> str:
    """The named cell (a configuration's name means its first repeat); the first by default."""
    if wanted is None:
        return cells[0].id
    for c in cells:
        if wanted in (c.id, c.group) and (wanted == c.id or c.repeat == 1):
            return c.id
    known = ", ".join(c.id for c in cells)
    raise MatrixConfigError(f"baseline_cell {wanted!r} is no cell of the matrix (cells: {known})")


def load_matrix(path: Path) -> Matrix:
    """The matrix file, validated and expanded; every problem is a MatrixConfigError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MatrixConfigError(f"cannot read matrix file {path}: {exc}") from None
    try:
        spec = MatrixFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()[:3]
        )
        raise MatrixConfigError(f"{path}: {problems}") from None
    folder = path.parent
    try:
        cells = expand(spec, folder)
        baseline = _baseline(spec.matrix.baseline_cell, cells)
    except MatrixConfigError as exc:
        raise MatrixConfigError(f"{path}: {exc}") from None
    m = spec.matrix
    return Matrix(
        name=m.name,
        documents=[Path(_under(folder, p)) for p in m.documents],
        gold=Path(_under(folder, m.gold)),
        baseline_cell=baseline,
        concurrency=m.concurrency,
        cells=cells,
    )
