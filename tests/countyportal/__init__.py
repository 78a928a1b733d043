"""A fictional county portal (示范县人民政府) built like real TRS / 大汉 county portals, for end-to-end tests.

    from countyportal import serve_portal, judgements, expected_verdict, AS_OF
    with serve_portal() as server: ...

`spec` is the truth (columns, kinds, states on AS_OF), `items` the dated items, `template` the CMS
template, `pages` every page, `server` the HTTP server. `python -m countyportal --table` (from tests/)
prints the judgements; `--serve` serves the portal until Ctrl-C; `--write DIR` writes it as files.
"""

from .pages import Portal
from .server import serve_portal
from .spec import AS_OF, COLUMNS, SECTIONS, expected_verdict, judgements, table

__all__ = ["AS_OF", "COLUMNS", "SECTIONS", "Portal", "expected_verdict", "judgements", "serve_portal", "table"]
