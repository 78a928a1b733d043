"""argparse that speaks Chinese: its own words (usage, section titles, -h, parse errors) from cli_words, and
help wrapped by the width a terminal shows, where a Chinese character takes two columns.

Why not gettext, which argparse looks its words up through: gettext reads compiled .mo catalogues for the
user's locale, and bureau servers often run LANG=C; a catalogue installed in the process would also change
every other argparse user in it. Supplying the words here needs neither, and the tests check each English
template against the argparse that runs (tests/test_chinese.py)."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from typing import Any, NoReturn

from . import cli_words as W


def _template(english: str) -> re.Pattern[str]:
    """argparse's message template as a pattern whose groups are its fields (%(name)s, and %s as p0, p1)."""
    numbered = iter(range(9))
    return re.compile(
        re.sub(
            r"%\\\((\w+)\\\)[sr]|%[sr]",
            lambda m: f"(?P<{m.group(1) or f'p{next(numbered)}'}>.+?)",
            re.escape(english),
        )
        + r"\Z",
        re.S,
    )


_PARSE_ERRORS = [(_template(english), ours) for english, ours in W.PARSE_ERROR.items()]


def chinese_parse_error(message: str) -> str:
    """argparse's English error in Chinese; a message argparse did not word (our types') stays as it is."""
    for pattern, ours in _PARSE_ERRORS:
        found = pattern.match(message)
        if found:
            fields = found.groupdict()
            if "message" in fields:
                fields["message"] = chinese_parse_error(fields["message"])
            if "type" in fields:
                fields["type"] = W.TYPE_NAME.get(fields["type"], fields["type"])
            return ours.format(**fields)
    return message


_WIDE = "\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef"
_OPEN, _CLOSE = "（《「『【“", "，。；：、）》」』】”！？"
_UNIT = re.compile(rf"\s+|[{_OPEN}]*(?:[^\s{_WIDE}]+|[{_WIDE}])[{_CLOSE}]*")
"""What a line may break between: spaces, each Chinese character, each run of other characters (a word, a
path, a URL); opening brackets stay with what follows, closing punctuation with what precedes."""


def columns(text: str) -> int:
    """The terminal columns `text` takes: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns (a word longer than that has a line of its own)."""
    lines, line = [], ""
    for unit in _UNIT.findall(text):
        if unit.isspace():
            line += " " if line else ""
        elif line.strip() and columns(line) + columns(unit) > width:
            lines.append(line.rstrip())
            line = unit
        else:
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ChineseFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, W.USAGE if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class ChineseParser(argparse.ArgumentParser):
    usage_exit_code = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = W.POSITIONALS, W.OPTIONS
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=W.HELP_OPTION)

    def error(self, message: str) -> NoReturn:  # argparse's usage line, then the error in Chinese
        self.print_usage(sys.stderr)
        self.exit(self.usage_exit_code, W.ERROR_LINE.format(prog=self.prog, message=chinese_parse_error(message)))
