"""A YAML configuration file (a profile, a sites list): read with the line of every key, validated by a
pydantic model, and every error told as `file:line: 键 'key'：problem；fix` in Chinese (config_words)."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from core.errors import ConfigError

from . import config_words as words

Loc = tuple[str | int, ...]
FileKind = Literal["profile", "sites"]
M = TypeVar("M", bound=BaseModel)

UNSET: Any = None
"""The default of a key a file may leave out when the default lives elsewhere (a profile's keys merge with
the profile it extends, then fill the runtime dataclasses): read with `model_dump(exclude_unset=True)`."""


class Section(BaseModel):
    """A mapping in a configuration file: exact types (`yes` is no number, `12` no text), no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EmptyMeansAbsent(Section):
    """A section in which a key with nothing after it (`notify:` with only comments under it) is left out."""

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


def refuse(kind: str, at: Loc = (), **context: Any) -> PydanticCustomError:
    """A check of gapcheck's own failing, worded by `config_words.PROBLEM[kind]`; `at` is the key below the
    validated value's that is wrong (a setting inside a mapping checked as a whole)."""
    return PydanticCustomError(kind, kind, {**context, "at": at})


class ConfigFile:
    """A parsed YAML file and the line of every key path in it."""

    def __init__(self, path: Path, kind: FileKind):
        self.path, self.kind = path, kind
        what = words.WHAT[kind]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(words.NOT_FOUND.format(file=path, what=what)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(words.UNREADABLE.format(file=path, what=what, reason=exc)) from None
        self.lines: dict[Loc, int] = {}
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise ConfigError(words.NOT_YAML.format(where=where, reason=getattr(exc, "problem", None) or exc)) from None
        self._seen: set[int] = set()
        self.data = self._build(node, ()) if node is not None else {}
        if not isinstance(self.data, dict):
            raise ConfigError(f"{path}:1: {words.SHAPE[kind]}")

    def _build(self, node: yaml.Node, path: Loc) -> Any:
        # The composer hands an alias back as the very node its anchor named, so a node met twice is an
        # alias. Expanding them lets 500 bytes of nested aliases ("billion laughs") grow to gigabytes, and
        # one that contains itself recurse without end; a configuration gains nothing from them.
        if id(node) in self._seen:
            raise self.error(path, "alias")
        self._seen.add(id(node))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):  # `[a, b]: 1` parses, but is no key of ours
                    self.lines[(*path, "?")] = key_node.start_mark.line + 1
                    raise self.error((*path, "?"), "key_not_scalar")
                key = key_node.value
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self._build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(item, (*path, i)) for i, item in enumerate(node.value)]
        return yaml.SafeLoader("").construct_object(node, deep=True)

    def _line(self, loc: Loc) -> tuple[Loc, int]:
        """The nearest key at or above `loc` that is written in the file, and its line."""
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return loc, self.lines.get(loc, 1)

    def error(self, loc: Loc, kind: str, **context: Any) -> ConfigError:
        """`config_words.PROBLEM[kind]` at the line of `loc`, as the user reads it."""
        loc, line = self._line(loc)
        problem, fix = words.PROBLEM[kind]
        key = ".".join(str(p) for p in loc) or words.TOP
        return ConfigError(
            words.AT_KEY.format(
                file=self.path, line=line, key=key, problem=problem.format(**context), fix=fix.format(**context)
            )
        )

    def validate(self, model: type[M]) -> M:
        """The file as `model`; the error nearest the top of the file if it is not one."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            # A missing key comes last: a misspelt one (an unknown key) is the likelier cause.
            first = min(exc.errors(), key=lambda e: (e["type"] == "missing", self._line(_loc(e))[1]))
            raise self._explain(model, first) from None

    def _explain(self, model: type[BaseModel], error: ErrorDetails) -> ConfigError:
        context = {k: _whole(v) for k, v in (error.get("ctx") or {}).items() if k != "at"}
        loc, kind = _loc(error), error["type"]
        if kind not in words.PROBLEM:  # a check pydantic added since; its own words, in English
            kind, context = "other", {"message": error["msg"]}
        if kind == "missing":
            loc, name = loc[:-1], loc[-1]
            return self.error(loc, kind, name=name, more=words.MISSING_MORE.get(str(name), ""))
        if kind == "extra_forbidden" and "allowed" not in context:
            context["allowed"] = ", ".join(_keys_at(model, loc[:-1]))
        if "expected" in context:  # "'a', 'b' or 'c'"
            context["expected"] = context["expected"].replace(" or ", ", ").replace(", ", words.OR)
        return self.error(loc, kind, input=_shown(error["input"]), **context)


def _loc(error: ErrorDetails) -> Loc:
    """Where pydantic found the error, with gapcheck's own `at` below it; `[key]` marks a mapping's key,
    which sits on the key's own line."""
    return tuple(p for p in error["loc"] if p != "[key]") + tuple((error.get("ctx") or {}).get("at", ()))


def _whole(value: Any) -> Any:
    """A bound such as ge=0 as the user wrote it: 0, not 0.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _shown(value: Any) -> str:
    if value is None:
        return words.NOTHING
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _keys_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the section at `loc` takes."""
    kind: Any = model
    for part in loc:
        kind = _bare(kind)
        kind = kind.model_fields[part].annotation if _is_section(kind) else typing.get_args(kind)[-1]
    return sorted(_bare(kind).model_fields)


def _is_section(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _bare(kind: Any) -> Any:
    """`kind` without Annotated's metadata and a union's None."""
    while True:
        origin = typing.get_origin(kind)
        if origin is typing.Annotated:
            kind = typing.get_args(kind)[0]
        elif origin in (typing.Union, types.UnionType):
            kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
        else:
            return kind
