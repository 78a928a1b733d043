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
