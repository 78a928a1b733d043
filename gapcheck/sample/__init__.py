"""The bundled sample portal: a small static website of a fictional municipal commerce bureau.

示例市商务局 is modelled on a real city commerce bureau's portal (entry page with a script redirect,
TRS-style column and article pages, a GBK-encoded column, several date formats) and carries a known
set of seeded gaps, listed in ``GAPS.md`` beside this file. ``gapcheck demo`` and the end-to-end tests
serve it on 127.0.0.1 with :func:`gapcheck.sample.server.serve` and check it as of :data:`AS_OF`.
"""

from pathlib import Path

AS_OF = "2026-11-20"
"""The date the sample portal is frozen at: check it with ``--as-of 2026-11-20``."""

PORTAL_DIR = Path(__file__).parent / "portal"
"""The site's document root."""

__all__ = ["AS_OF", "PORTAL_DIR"]
