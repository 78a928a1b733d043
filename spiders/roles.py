"""What a request is for, kept in `request.meta["gapcheck"]`. No Scrapy here: the profile loader imports
spiders/rendering.py, which reads a request's role, and spiders/politeness.py, which spiders/portal.py imports,
reads it too."""

from __future__ import annotations

__all__ = ["Role"]


class Role:
    """A request's role, `request.meta["gapcheck"]`."""

    PAGE = "page"
    CHECK = "check"
    PROBE = "probe"
    """A request of gapcheck's own, not one of the site's URLs: a path that cannot exist, asked once (how the
    host answers for missing pages), or the start page read raw beside its rendering."""
