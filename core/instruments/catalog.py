"""Load, validate and find instruments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencekit.core.errors import InstrumentError
from evidencekit.core.yaml_loader import YamlDocument, load_yaml

#: Instrument kinds with a schema and a typed object. ``review`` is a schema too,
#: but it is the pipeline file, not an instrument found in the catalogue.
INSTRUMENT_KINDS = ("checklist", "framework", "measure", "form", "crosswalk")
SCHEMA_KINDS = (*INSTRUMENT_KINDS, "review")


def _read(source: Path | Any, name: str) -> YamlDocument:
    if isinstance(source, Path):
        return load_yaml(source, name=name)
    # importlib.resources Traversable (package data, possibly zipped)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InstrumentError(f"{name}: the file is not UTF-8 text; save it as UTF-8") from None
    return load_yaml(name, name=name, text=text)


def check_document(
    doc: YamlDocument,
    *,
    kinds: Iterable[str] = SCHEMA_KINDS,
    scorers: Mapping[str, Any] | None = None,
) -> list[str]:
    """Every problem with one loaded document, as ``file:LINE: $.path: message`` lines.

    A checklist's ``scoring`` block is checked by the scorer it names, found in
    ``scorers`` (name → appraisal scorer; the built-in ones when None).
    """
    from evidencekit.core.instruments.scoring_blocks import (
        scoring_check_problems,
        scoring_schema_problems,
    )
    from evidencekit.core.schema_validation import load_schema, validate_document
    from evidencekit.core.yaml_loader import json_path

    def located(pairs: Iterable[tuple[tuple[Any, ...], str]]) -> list[str]:
        return [
            f"{doc.name}:{doc.line_of(path)}: {json_path(path)}: {message}"
            for path, message in pairs
        ]

    data = doc.data
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        return [
            f"{doc.name}:1: $: expected a mapping with 'kind', 'id', 'version', 'title', "
            f"'source'; found {found}"
        ]
    kind = data.get("kind")
    kinds = tuple(kinds)
    if kind not in kinds:
        line = doc.line_of(("kind",))
        what = "is missing" if kind is None else f"is {kind!r}"
        return [f"{doc.name}:{line}: $.kind: {what}; expected one of: {', '.join(kinds)}"]
    problems = validate_document(doc, load_schema(str(kind)))
    if kind == "checklist":
        problems += located(scoring_schema_problems(data, scorers))
    if problems:
        return problems
    from evidencekit.core.instruments.checks import semantic_problems

    problems = semantic_problems(doc)
    if kind == "checklist":
        problems += located(scoring_check_problems(data, scorers))
    return problems


#: Instruments found valid in this process, by content and by the scorers that checked them.
#: Every command builds the catalogue (the shipped instruments and the review's own), and
#: validating them against their schemas is most of its cost (~0.2 s): a process that runs
#: several commands (a test session, a notebook, a server) validates each content once.
#: Only success is remembered, so every error is found and located as before.
_VALIDATED: set[tuple[Any, ...]] = set()


def _validated_key(doc: YamlDocument, scorers: Mapping[str, Any] | None) -> tuple[Any, ...] | None:
    """What validating ``doc`` depends on: its data and the scorers' classes (a checklist's
    scoring block is checked by its scorer); None when the data cannot be keyed."""
    import hashlib
    import json

    try:
        text = json.dumps(doc.data, sort_keys=True, default=repr, ensure_ascii=False)
    except (TypeError, ValueError):  # keys of mixed types, say: validate every time
        return None
    checked_by = None if scorers is None else tuple((n, type(scorers[n])) for n in sorted(scorers))
    return (hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest(), checked_by)


def load_instrument(
    source: Path | Any,
    *,
    name: str | None = None,
    origin: str = "file",
    scorers: Mapping[str, Any] | None = None,
) -> Any:
    """Read, validate and type one instrument file.

    ``scorers`` (name → appraisal scorer; the built-in ones when None) check and type a
    checklist's ``scoring`` block. Raises :class:`InstrumentError` whose ``problems``
    are every error found.
    """
    from evidencekit.core.instruments.models import build_instrument

    display = name or str(source)
    doc = _read(source, display)
    key = _validated_key(doc, scorers)
    if key is None or key not in _VALIDATED:
        problems = check_document(doc, kinds=INSTRUMENT_KINDS, scorers=scorers)
        if problems:
            raise InstrumentError(problems)
        if key is not None:
            _VALIDATED.add(key)
    return build_instrument(doc.data, origin=origin, path=display, lines=doc.lines, scorers=scorers)


def _yaml_files(folder: Path | Any) -> Iterator[Any]:
    entries = sorted(folder.iterdir(), key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir():
            if not entry.name.startswith((".", "_")):
                yield from _yaml_files(entry)
        elif entry.name.endswith((".yaml", ".yml")):
            yield entry


def validate_paths(paths: Iterable[str | Path]) -> tuple[int, list[str]]:
    """Validate files and folders (recursively); return (files checked, problems)."""
    pm = _plugin_manager_or_none()
    from evidencekit.core.instruments.scoring_blocks import scorers_of

    scorers = scorers_of(pm)
    problems: list[str] = []
    valid: list[tuple[Path, YamlDocument]] = []
    count = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = list(_yaml_files(path))
            if not files:
                problems.append(f"{path}: no .yaml files found in this folder")
        elif path.exists():
            files = [path]
        else:
            problems.append(f"{path}: no such file or folder")
            continue
        for file in files:
            count += 1
            try:
                doc = load_yaml(file, name=str(file))
            except InstrumentError as exc:
                problems.extend(exc.problems)
                continue
            file_problems = check_document(doc, scorers=scorers)
            problems.extend(file_problems)
            if not file_problems and doc.data.get("kind") in INSTRUMENT_KINDS:
                valid.append((file, doc))
    problems.extend(_cross_references(valid, pm, scorers))
    return count, problems


def _plugin_manager_or_none() -> Any:
    """Every plugin (installed ones too), or None when one is broken: then instruments
    are checked against the built-in plugins only."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.plugin_manager import get_plugin_manager

    try:
        return get_plugin_manager()
    except EvidencekitError:
        return None


def _cross_references(
    valid: list[tuple[Path, YamlDocument]], pm: Any, scorers: Mapping[str, Any]
) -> list[str]:
    """References between instruments (a measure's framework, a crosswalk's entries),
    resolved against the shipped instruments, those of installed plugins, and the files
    being validated."""
    if not valid:
        return []
    from evidencekit.core.instruments.checks import reference_problems
    from evidencekit.core.instruments.models import build_instrument

    catalog = build_catalog(pm)
    names = set()
    for file, doc in valid:
        instrument = build_instrument(
            doc.data, origin="file", path=str(file), lines=doc.lines, scorers=scorers
        )
        catalog.add(instrument, origin="file", path=str(file))
        names.add(str(file))
    return [p for p in reference_problems(catalog) if p.split(":", 1)[0] in names]


_VERSION_PART = re.compile(r"(\d+)|([^\d]+)")


def version_key(version: str) -> tuple[Any, ...]:
    """Natural sort key, so that '1.10' > '1.9' and '2018' > '2013'."""
    return tuple(
        (0, int(num), "") if num else (1, 0, text) for num, text in _VERSION_PART.findall(version)
    )


@dataclass(frozen=True)
class CatalogEntry:
    """One instrument in the catalogue, with where it came from."""

    instrument: Any
    origin: str
    path: str

    @property
    def id(self) -> str:
        return self.instrument.id

    @property
    def version(self) -> str:
        return self.instrument.version

    @property
    def kind(self) -> str:
        return self.instrument.kind

    @property
    def title(self) -> str:
        return self.instrument.title


class Catalog:
    """Instruments by id and version. Later sources override earlier ones."""

    def __init__(self, scorers: Mapping[str, Any] | None = None) -> None:
        #: Appraisal scorers by name, which check and type checklists' scoring blocks.
        self.scorers = scorers
        self._entries: dict[tuple[str, str], CatalogEntry] = {}
        self.problems: list[str] = []
        #: The same problems by origin (``package``, ``plugin …``, ``review``).
        self.problems_by_origin: dict[str, list[str]] = {}

    def add_folder(self, folder: Path | Any, origin: str, display_root: str | None = None) -> None:
        """Load every YAML file below ``folder``; collect problems instead of stopping."""
        for file in _yaml_files(folder):
            name = str(file) if isinstance(file, Path) else f"{display_root or origin}/{file.name}"
            try:
                instrument = load_instrument(file, name=name, origin=origin, scorers=self.scorers)
            except InstrumentError as exc:
                self.problems.extend(exc.problems)
                self.problems_by_origin.setdefault(origin, []).extend(exc.problems)
                continue
            self.add(instrument, origin=origin, path=name)

    def add(self, instrument: Any, *, origin: str, path: str) -> None:
        self._entries[(instrument.id, instrument.version)] = CatalogEntry(instrument, origin, path)

    def entries(self, kind: str | None = None) -> list[CatalogEntry]:
        out = [e for e in self._entries.values() if kind is None or e.kind == kind]
        return sorted(out, key=lambda e: (e.kind, e.id, version_key(e.version)))

    def versions(self, instrument_id: str) -> list[str]:
        return sorted((v for (i, v) in self._entries if i == instrument_id), key=version_key)

    def entry(
        self, ref: str, version: str | None = None, *, kind: str | None = None
    ) -> CatalogEntry:
        """Find ``ID`` or ``ID@VERSION`` (the newest version when none is given)."""
        if version is None and "@" in ref:
            ref, version = ref.split("@", 1)
        versions = self.versions(ref)
        if not versions:
            known = ", ".join(sorted({i for (i, _) in self._entries})) or "(none)"
            raise InstrumentError(f"no instrument with id {ref!r}; known: {known}")
        if version is None:
            version = versions[-1]
        elif version not in versions:
            raise InstrumentError(
                f"instrument {ref!r} has no version {version!r}; versions: {', '.join(versions)}"
            )
        entry = self._entries[(ref, version)]
        if kind is not None and entry.kind != kind:
            raise InstrumentError(f"instrument {ref!r} is a {entry.kind}, not a {kind}")
        return entry

    def get(self, ref: str, version: str | None = None, *, kind: str | None = None) -> Any:
        """The typed instrument for ``ID`` or ``ID@VERSION``."""
        return self.entry(ref, version, kind=kind).instrument


def build_catalog(pm: Any | None = None, review_dir: Path | None = None) -> Catalog:
    """Every instrument: the package's, each plugin's folders, then the review's own.

    A review's ``instruments/`` folder may add instruments or override a shipped
    one with the same id and version.
    """
    from importlib.resources import files

    from evidencekit.core.instruments.scoring_blocks import scorers_of

    catalog = Catalog(scorers_of(pm))
    package = files("evidencekit.instruments")
    catalog.add_folder(package, "package", "instruments")
    if pm is not None:
        from evidencekit.core.plugin_manager import plugin_origin

        for impl in pm.hook.evidencekit_instrument_folders.get_hookimpls():
            origin = plugin_origin(pm, impl.plugin)
            # A plugin's mistake is reported (a warning in `instruments list`), not fatal.
            try:
                folders = list(impl.function() or [])
            except Exception as exc:  # third-party code
                catalog.problems.append(
                    f"{origin}: evidencekit_instrument_folders failed: {type(exc).__name__}: {exc}"
                )
                continue
            for folder in folders:
                if not folder.is_dir():
                    catalog.problems.append(
                        f"{origin}: instrument folder {folder} does not exist or is not a folder"
                    )
                    continue
                catalog.add_folder(folder, f"plugin {origin}", str(folder))
    if review_dir is not None:
        folder = Path(review_dir) / "instruments"
        # Run from a source checkout, the review folder's instruments/ *is* the package's.
        same = isinstance(package, Path) and folder.resolve() == package.resolve()
        if folder.is_dir() and not same:
            catalog.add_folder(folder, "review")
    return catalog
