"""Decoding page bodies whose HTTP header and meta charset may both be wrong.

w3lib (Scrapy's own decoding) reads the byte order mark, the meta charset and what a charset label means, as
browsers do (the WHATWG encoding standard: a big5 label is Big5-HKSCS, shift_jis is cp932). On top of it sits
gapcheck's one rule for Chinese portals: the bytes are evidence that outweighs any label, since a GBK page is
practically never valid UTF-8, and a page that says nothing usable is GB18030, which decodes the whole GB
family.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding, to_unicode

__all__ = ["decode_html"]

# Labels browsers accept for GBK that neither Python nor w3lib knows.
_GB_LABELS = frozenset({"x-gbk", "csgb2312", "gb_2312", "windows-936", "x-euc-cn", "cn-gb"})
_UNINFORMATIVE = "cp1252"
"""What w3lib reads ISO-8859-1, ascii and windows-1252 as. Servlet containers send ISO-8859-1 when a page
sets nothing, and these decode any bytes at all: on a Chinese portal they tell us nothing."""

_GB_CODECS = frozenset({"gb2312", "gbk", "gb18030"})
"""Python's codecs of the GB family (cp936 is gbk), whichever of them a label resolves to: w3lib 2.6 resolves
'gbk' to gbk where 2.5 gave gb18030."""
_SNIFF = 4096
"""Bytes read for a meta charset: a declaration comes in the head, and one further down is a template's
leftover (w3lib 2.6 reads on without a limit)."""
_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))
"""Checked before w3lib's: browsers read a UTF-32 byte order mark as UTF-16 (w3lib 2.6 does too) and show
every other character as a hole, but the text the page holds is UTF-32, and the checks need that text."""

_ASCII = bytes(range(128))
_UTF8_EVIDENCE = 64
"""Non-ASCII bytes of valid UTF-8 before the first invalid one that make a page UTF-8 regardless."""


@lru_cache(maxsize=64)
def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label: 'gb18030' for the whole GB family, None if unusable."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    name = resolve_encoding(label)
    if name is None or name == _UNINFORMATIVE:
        return None
    # HTML without a BOM is in an ASCII-compatible charset: a label for UTF-16/32, EBCDIC or a
    # non-text codec (base64, rot13) is a mistake.
    try:
        if b"<meta".decode(name) != "<meta":
            return None
    except (LookupError, UnicodeDecodeError):
        return None
    return "gb18030" if codecs.lookup(name).name in _GB_CODECS else name


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """The text of an HTML body and the encoding it was read with: 'utf-8', 'gb18030' or a codec name.

    `declared` is the charset from the HTTP header or a meta tag, if the caller has one; without a
    usable one the page's own meta is read. Byte order marks win, then valid UTF-8 (a GBK page is
    practically never valid UTF-8), then the declaration, with GB18030 standing in for every GB
    charset since it decodes all of them.
    """
    for utf32_bom, utf32 in _UTF32_BOMS:
        if body.startswith(utf32_bom):
            return body[len(utf32_bom) :].decode(utf32, "replace"), utf32
    bom_codec, bom = read_bom(body)
    if bom_codec is not None and bom is not None:
        return to_unicode(body[len(bom) :], bom_codec), bom_codec
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        # GBK text stops being valid UTF-8 within a character or two, so a long valid stretch
        # before the first bad byte means a UTF-8 page that was cut off or has one foreign include.
        if len(body[: err.start].translate(None, _ASCII)) >= _UTF8_EVIDENCE:
            return body.decode("utf-8", "replace"), "utf-8"
    codec = _codec(declared)
    if codec is None or codec == "utf-8":  # no declaration, or one just proven wrong
        codec = _codec(html_body_declared_encoding(body[:_SNIFF])) or codec
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
