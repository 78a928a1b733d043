"""Where reports go without --out: REPORTS/<site>/<when>/, one folder per run (`gapcheck check`, `report`,
`recheck`), and REPORTS/<site>/latest the newest (a symlink, or LATEST_FILE naming it where symlinks cannot
be made). Checking another site, or this one again, overwrites nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .sites import site_slug

REPORTS = Path("gapcheck-report")
LATEST, LATEST_FILE = "latest", "latest.txt"


def site_reports(url: str) -> Path:
    """The folder of a site's runs' report folders."""
    return REPORTS / site_slug(url)


def run_folder(url: str, now: dt.datetime) -> Path:
    """A new run's own report folder under its site's."""
    site = site_reports(url)
    name = now.strftime("%Y%m%d-%H%M%S")
    folder, n = site / name, 1
    while folder.exists():
        n += 1
        folder = site / f"{name}-{n}"
    return folder


def point_latest(folder: Path) -> Path:
    """Points the site's `latest` at `folder` (swapped whole: a reader never finds it missing); returns it."""
    link = folder.parent / LATEST
    swap = folder.parent / f".{LATEST}.{os.getpid()}"
    try:
        swap.unlink(missing_ok=True)
        swap.symlink_to(folder.name, target_is_directory=True)
        os.replace(swap, link)
        return link
    except OSError:  # no symlinks here (some Windows accounts, some shares): a file names the folder instead
        swap.unlink(missing_ok=True)
        (folder.parent / LATEST_FILE).write_text(folder.name + "\n", encoding="utf-8")
        return folder
