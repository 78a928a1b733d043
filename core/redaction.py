"""Credentials out of everything gapcheck writes: reports, logs, error lines and the store's notes are passed around."""

from __future__ import annotations

import re
from typing import Any

_CREDENTIALS = re.compile(r"(?i)\b(https?|ftp|rediss?)://[^/\s@?#]+@")
_USERINFO = re.compile(r"(?<![\w/])(?!mailto:)[\w.~%!$&'()*+,;=-]+:[^@\s/]+@(?=[\w.-]+[:/\s>'\")]|[\w.-]+$)")
"""user:password@host as an error message quotes it, without the scheme."""


def redact(value: Any) -> Any:
    """The report with user:password@ removed from every URL in it: reports are passed around."""
    if isinstance(value, str):
        if "@" not in value:  # both patterns need one; most strings of a big report are plain URLs
            return value
        return _USERINFO.sub("***@", _CREDENTIALS.sub(r"\1://***@", value))
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
