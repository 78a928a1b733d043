"""What every rule is given: the site, the profile's options, and views derived from them once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .columns import Column, find_columns
from .model import Site
from .options import Options


@dataclass
class Context:
    site: Site
    options: Options

    @cached_property
    def columns(self) -> list[Column]:
        return find_columns(self.site, self.options)

    def option(self, code: str, key: str) -> float:
        """A rule's setting: the profile's `rules.<code>.<key>`, else the rule's default in the registry."""
        from .registry import BY_CODE  # the registry imports the rule modules, which import this one

        return self.options.rules.get(code, {}).get(key, BY_CODE[code].defaults[key])
