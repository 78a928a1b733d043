"""Decoding page bodies whose HTTP header and meta charset may both be wrong."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

__all__ = ["decode_html"]

_GB = frozenset({"gb2312", "gbk", "gb18030"})
# Labels browsers accept for GBK that Python's codec registry does not know.
_GB_LABELS = frozenset({"x-gbk", "csgb2312", "gb_2312-80", "gb_2312", "windows-936", "x-euc-cn", "cn-gb"})
# Servlet containers send ISO-8859-1 when a page sets nothing, and these decode any bytes at all;
# on a Chinese portal they tell us nothing.
_UNINFORMATIVE = frozenset({"ascii", "iso8859-1", "cp1252"})

_SNIFF_BYTES = 4096
_ASCII = bytes(range(128))
_UTF8_EVIDENCE = 64
"""Non-ASCII bytes of valid UTF-8 before the first invalid one that make a page UTF-8 regardless."""
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]+?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@lru_cache(maxsize=64)
def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label: 'gb18030' for the whole GB family, None if unusable."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
        # HTML without a BOM is in an ASCII-compatible charset: a label for UTF-16/32, EBCDIC or a
        # non-text codec (base64, rot13) is a mistake.
        if b"<meta".decode(name) != "<meta":
            return None
    except (LookupError, UnicodeDecodeError):
        return None
    if name in _GB:
        return "gb18030"
    if name in _UNINFORMATIVE:
        return None
    return name


def _sniff(body: bytes) -> str | None:
    m = _META_CHARSET.search(body, 0, _SNIFF_BYTES)
    if m is None:
        return None
    return (m.group(1) or m.group(2)).decode("ascii")


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """The text of an HTML body and the encoding it was read with: 'utf-8', 'gb18030' or a codec name.

    `declared` is the charset from the HTTP header or a meta tag, if the caller has one; without a
    usable one the page's own meta is read. Byte order marks win, then valid UTF-8 (a GBK page is
    practically never valid UTF-8), then the declaration, with GB18030 standing in for every GB
    charset since it decodes all of them.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace"), name
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        # GBK text stops being valid UTF-8 within a character or two, so a long valid stretch
        # before the first bad byte means a UTF-8 page that was cut off or has one foreign include.
        if len(body[: err.start].translate(None, _ASCII)) >= _UTF8_EVIDENCE:
            return body.decode("utf-8", "replace"), "utf-8"
    codec = _codec(declared)
    if codec is None or codec == "utf-8":  # no declaration, or one just proven wrong
        codec = _codec(_sniff(body)) or codec
    if codec is None or codec == "gb18030" or codec == "utf-8":
        try:
            return body.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            pass
    # Neither reading is clean: a short UTF-8 page with a foreign byte, or a GBK page with stray
    # bytes. Whichever leaves fewer holes is the page's encoding.
    as_gb = body.decode("gb18030", "replace")
    as_utf8 = body.decode("utf-8", "replace")
    if as_utf8.count("\ufffd") < as_gb.count("\ufffd"):
        return as_utf8, "utf-8"
    return as_gb, "gb18030"
