"""The bundled sample portal: a small static website of a fictional municipal commerce bureau.

示例市商务局 is modelled on a real city commerce bureau's portal (entry page with a script redirect,
TRS-style column and article pages, a GBK-encoded column, several date formats) and carries a known
set of seeded gaps, listed in ``GAPS.md`` beside this file. ``gapcheck demo`` and the end-to-end tests
serve it on 127.0.0.1 with :func:`gapcheck.sample.server.serve` and check it as of :data:`AS_OF`.
"""

from pathlib import Path

AS_OF = "2026-11-20"
"""The date the sample portal is frozen at: check it with ``--as-of 2026-11-20``."""

NAME = "示例市商务局"
"""The fictional bureau the sample portal is of."""

PORTAL_DIR = Path(__file__).parent / "portal"
"""The site's document root."""

CHECK_OPTIONS = (
    "--profile",
    "wuhan-commerce",
    "--as-of",
    AS_OF,
    # The sample is a bureau of its own, checked against Wuhan's duties: its name, not the profile's.
    "--name",
    NAME,
    "--concurrency",
    "8",
    "--delay",
    "0",
    # The city portal cannot be reached from a sandbox; the demo must not depend on it.
    "--exclude",
    r"^https?://([a-z0-9-]+\.)*wuhan\.gov\.cn/",
)
"""`gapcheck check` options for the sample portal: how `gapcheck demo` (and the tests) check it."""

__all__ = ["AS_OF", "CHECK_OPTIONS", "NAME", "PORTAL_DIR"]
