"""Safe, bounded YAML loading that remembers the line of every node.

``load_yaml`` returns plain data (dicts, lists, scalars) and a map from each
node's JSON path to its 1-based line, so later errors can name the line.
Dates stay strings (instruments compare and print them as written), duplicate
keys are errors, and alias expansion is capped so a "billion laughs" file fails
fast instead of eating memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evidencekit.core.errors import InstrumentError

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
#: The deepest nesting of lists and mappings read (an instrument needs fewer than 10).
#: PyYAML composes recursively, so 2,000 nested '[' used to end in a RecursionError.
MAX_DEPTH = 100

PathKey = tuple[Any, ...]


class _LimitError(Exception):
    """A YAML file beyond a declared limit: ``line`` (1-based) and a message."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: '2018-07-24' stays a string.

    Composing counts nodes and depth as it goes, so a file of 1.3 million items or
    thousands of nested brackets stops at the limit instead of being built first.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            line = self.peek_event().start_mark.line + 1
            raise _LimitError(
                line,
                f"more than {MAX_NODES:,} YAML nodes; an instrument or "
                "review file is never that large",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise _LimitError(
                    line,
                    f"lists and mappings nested more than {MAX_DEPTH} "
                    "deep; an instrument or review file is never that deep",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

#: libyaml's parser (C), with the same resolvers: composing is ~10x faster, which is most of
#: the time spent loading the instrument catalog. Any error is reported by re-reading the
#: text with the pure-Python loader, so messages are the same with or without libyaml.
_CLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader without the timestamp resolver."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@dataclass
class YamlDocument:
    """Data loaded from a YAML file and the line of every node in it."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    name: str = "<string>"

    def line_of(self, path: PathKey) -> int:
        """The line of the deepest node on ``path`` that exists (1 if none)."""
        return line_of(self.lines, path)


def line_of(lines: dict[PathKey, int], path: PathKey) -> int:
    """The line of the deepest node on ``path`` found in ``lines`` (1 if none)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def json_path(path: PathKey) -> str:
    """Render a path as ``$.items[3].answers``."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and _IDENT.match(part):
            out += f".{part}"
        else:
            out += f"[{str(part)!r}]"
    return out


def load_yaml(
    source: str | Path, *, name: str | None = None, text: str | None = None
) -> YamlDocument:
    """Load one YAML document safely from a file (or from ``text``).

    Raises :class:`InstrumentError` with ``file:LINE: message`` for anything a
    user can get wrong: unreadable file, too large, bad encoding, YAML syntax,
    duplicate keys, alias blow-up, several documents.
    """
    display = name or str(source)
    if text is None:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InstrumentError(f"{display}: cannot read the file: {exc.strerror}") from None
        if size > MAX_BYTES:
            raise InstrumentError(
                f"{display}: file is {size:,} bytes, more than the {MAX_BYTES:,} allowed "
                "for an instrument; split it or check it is the right file"
            )
        try:
            raw = path.read_bytes()
        except OSError as exc:  # unreadable (permissions), or a folder
            raise InstrumentError(f"{display}: cannot read the file: {exc.strerror}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InstrumentError(
                f"{display}:{line}: the file is not UTF-8 text; save it as UTF-8"
            ) from None
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise InstrumentError(f"{display}: text is larger than {MAX_BYTES:,} bytes")
    if "\x00" in text:
        raise InstrumentError(f"{display}: the file contains NUL bytes; it is not a YAML text file")

    node = _compose_fast(text)
    if node is not None:
        doc = YamlDocument(data=None, name=display)
        try:
            doc.data = _Builder(display, doc.lines).build(node, ())
            return doc
        except InstrumentError:
            # A limit or a circular alias: the pure-Python loader reads it again, checking
            # depth and size while it composes, so the message names the line it is at.
            pass
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        # Control characters are refused before parsing starts; name their line.
        line = text[: exc.position].count("\n") + 1
        raise InstrumentError(
            f"{display}:{line}: the text contains the control character U+{exc.character:04X}, "
            "which YAML does not allow; remove it"
        ) from None
    try:
        node = loader.get_single_node()
    except _LimitError as exc:
        raise InstrumentError(f"{display}:{exc.line}: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        where = ""
        if mark is not None:
            where = f" in {json_path(_path_at(text, mark.index))} (column {mark.column + 1})"
        raise InstrumentError(
            f"{display}:{line}: YAML syntax error{where}: {problem}{context}"
        ) from None
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{display}: YAML error: {exc}") from None
    finally:
        loader.dispose()

    doc = YamlDocument(data=None, name=display)
    if node is None:
        return doc
    builder = _Builder(display, doc.lines)
    doc.data = builder.build(node, ())
    return doc


def _compose_fast(text: str) -> yaml.Node | None:
    """The document's node tree from libyaml, or None (no libyaml, an empty document, or
    any error: the Python loader then reads it again and says what is wrong)."""
    if _CLoader is None:
        return None
    loader = _CLoader(text)
    try:
        return loader.get_single_node()
    except Exception:  # any libyaml complaint: let the Python loader explain it
        return None
    finally:
        loader.dispose()


def _path_at(text: str, index: int) -> PathKey:
    """The JSON path of the place where parsing ``text`` reaches ``index`` (or fails).

    A syntax error leaves no document to point into, so the events before the error
    are replayed to say which mapping key or list item was being read: a tab or an
    unclosed bracket is then reported under ``$.items[2]``, not only by line.
    """
    # One frame per open collection: [is_mapping, current key or list index, in_value].
    stack: list[list[Any]] = []

    def path() -> PathKey:
        out: list[Any] = []
        for depth, (is_map, pos, in_value) in enumerate(stack):
            top = depth == len(stack) - 1
            # A list item is on the path only while it is open (a deeper frame exists);
            # a mapping key once its value is being read.
            if (is_map and in_value) or (not is_map and not top):
                out.append(pos)
        return tuple(out)

    def node_done() -> None:
        if stack:
            frame = stack[-1]
            if frame[0]:
                frame[2] = not frame[2]  # a key is done: its value is next, and back
            else:
                frame[1] += 1

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if event.start_mark.index >= index and not isinstance(
                event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)
            ):
                break
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                if stack and stack[-1][0] and not stack[-1][2]:
                    stack[-1][1] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
                node_done()
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if stack and stack[-1][0] and not stack[-1][2]:
                    stack[-1][1] = "?"  # a collection used as a key
                stack.append([isinstance(event, yaml.MappingStartEvent), 0, False])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                node_done()
    except yaml.YAMLError:
        pass  # the error being located; the path so far is the answer
    return path()


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _Builder:
    def __init__(self, name: str, lines: dict[PathKey, int]):
        self.name = name
        self.lines = lines
        self.count = 0
        self.constructor = _Loader("")
        self.open: set[int] = set()  # ids of the collections being built (alias cycles)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: more than {MAX_NODES:,} YAML nodes "
                "(aliases expanding too far?); an instrument is never that large"
            )
        if len(path) > MAX_DEPTH:  # aliases inside aliases can nest what was composed flat
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: lists and mappings nested more than "
                f"{MAX_DEPTH} deep (through aliases); an instrument is never that deep"
            )
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.open:
                raise InstrumentError(
                    f"{self.name}:{node.start_mark.line + 1}: {json_path(path)}: an alias "
                    "refers to the list or mapping that contains it (a circular alias); "
                    "write the value out instead"
                )
            self.open.add(id(node))
            try:
                return self._build(node, path)
            finally:
                self.open.discard(id(node))
        return self._build(node, path)

    def _build(self, node: yaml.Node, path: PathKey) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            # Scalars with unknown tags fail in the constructor below; a tagged mapping or
            # list (e.g. !!python/object/apply) would otherwise pass as plain data.
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: {json_path(path)}: the tag "
                f"{node.tag!r} is not allowed; write plain mappings, lists and values"
            )
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build_scalar_key(key_node)
                if key in out:
                    raise InstrumentError(
                        f"{self.name}:{key_node.start_mark.line + 1}: {json_path(path)}: "
                        f"key {key!r} appears twice; keep one"
                    )
                # A value's line is its key's line: for a block mapping or list under
                # 'scoring:' an error then points at 'scoring:', not at its first child.
                self.lines.setdefault((*path, key), key_node.start_mark.line + 1)
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: {json_path(path)}: {exc.problem}"
            ) from None
        except ValueError as exc:  # e.g. an integer beyond Python's 4,300-digit limit
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: {json_path(path)}: the value "
                f"{node.value[:20]!r}... cannot be read ({exc}); write it as text in quotes"
                if len(node.value) > 20
                else f"{self.name}:{node.start_mark.line + 1}: {json_path(path)}: the value "
                f"{node.value!r} cannot be read ({exc}); write it as text in quotes"
            ) from None

    def build_scalar_key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: a mapping key must be a plain value"
            )
        try:
            key = self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            raise InstrumentError(
                f"{self.name}:{node.start_mark.line + 1}: the key {node.value[:20]!r} cannot "
                f"be read ({getattr(exc, 'problem', None) or exc}); write it as text in quotes"
            ) from None
        # JSON Schema and JSON paths want string keys; 0-3 scale anchors are written as numbers.
        if isinstance(key, bool):
            return str(key).lower()
        return key if isinstance(key, str) else str(key)
