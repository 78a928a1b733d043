"""SITES.yaml: the portals a machine checks every night and probes every 15 minutes.

The file is read like a profile (`profile._Doc`): every error names the file, the line and the key, and
says how to fix it. See config/sites.example.yaml for the format.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.errors import ConfigError
from core.urls import NotAWebAddress, web_address

from .notify import NotifyConfig, SmtpConfig
from .profile import DEFAULT_PROFILE, _check_keys, _Doc, _locate, _want
from .store import site_key

DEFAULT_OUT = "reports"
KEEP_RUNS = 90
"""Runs kept per portal by default: three months of nightly runs, enough for the trends and diffs."""


@dataclass(frozen=True)
class SiteEntry:
    name: str
    url: str
    """The home page, normalized like `gapcheck check` does (scheme, and `/` when there is no path)."""
    profile: str
    """A bundled profile's name or an absolute path to a YAML profile."""
    slug: str
    """The folder under `SitesFile.out` that holds this site's reports."""


@dataclass(frozen=True)
class SitesFile:
    path: Path
    sites: tuple[SiteEntry, ...]
    out: Path
    """Absolute; each site's reports go to `out / slug`."""
    db: Path | None
    """The store, absolute; None means gapcheck's default store."""
    notify: NotifyConfig | None = None
    keep_runs: int = KEEP_RUNS
    """Finished runs kept per portal; older ones are pruned after each batch."""

    def out_dir(self, site: SiteEntry) -> Path:
        return self.out / site.slug


_TOP_KEYS = {"defaults", "notify", "sites"}
_DEFAULT_KEYS = {"profile", "out", "db", "keep_runs"}
_NOTIFY_KEYS = {"webhook", "smtp"}
_SMTP_KEYS = {"host", "port", "sender", "to", "username", "password_env", "starttls"}
_SITE_KEYS = {"name", "url", "profile", "slug"}
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXAMPLE_URL = "http://www.example.gov.cn/"


def load_sites(path: Path | str) -> SitesFile:
    """The sites list at `path`, validated; ConfigError names file:line, key and fix for anything wrong."""
    path = Path(path)
    doc = _Doc(
        path,
        what="sites list",
        shape="a sites list is a mapping of keys (defaults:, notify:, sites:); see config/sites.example.yaml",
    )
    data = doc.data
    for key in [k for k, v in data.items() if v is None and k != "sites"]:
        del data[key]  # `notify:` with only comments under it means none
    _check_keys(doc, data, _TOP_KEYS, ())
    base = path.parent.absolute()

    defaults = _want(doc, data.get("defaults", {}), dict, ("defaults",), "a mapping (profile:, out:, db:)")
    _check_keys(doc, defaults, _DEFAULT_KEYS, ("defaults",))
    default_profile = _profile(doc, defaults.get("profile", DEFAULT_PROFILE), ("defaults", "profile"), base)
    out = _folder(doc, defaults.get("out", DEFAULT_OUT), ("defaults", "out"), base)
    db = _folder(doc, defaults["db"], ("defaults", "db"), base) if defaults.get("db") is not None else None
    notify = _notify(doc, data["notify"]) if "notify" in data else None
    keep = defaults.get("keep_runs", KEEP_RUNS)
    _want(doc, keep, int, ("defaults", "keep_runs"), "a whole number of runs")
    if keep < 2:
        raise doc.error(
            ("defaults", "keep_runs"),
            "must be at least 2",
            "keep at least the last two runs: each report compares with the one before",
        )

    if "sites" not in data:
        raise ConfigError(
            f"{path}:1: key 'sites': missing; add sites: with one entry per portal (- url: {_EXAMPLE_URL})"
        )
    items = data["sites"]
    if items is None or items == []:
        raise doc.error(("sites",), "the sites list is empty", f"add at least one entry (- url: {_EXAMPLE_URL})")
    _want(doc, items, list, ("sites",), "a list of sites (- name: …, url: …)")
    sites: list[SiteEntry] = []
    slugs: dict[str, int] = {}
    hosts: dict[str, int] = {}
    for i, item in enumerate(items):
        where = ("sites", i)
        _want(doc, item, dict, where, "a mapping with url: (and name:, profile:, slug:)")
        _check_keys(doc, item, _SITE_KEYS, where)
        if item.get("url") is None:
            raise doc.error(where, "site without a url", f"add url: with the portal's home page, e.g. {_EXAMPLE_URL}")
        url = _url(doc, item["url"], (*where, "url"))
        same = site_key(url)
        if same in hosts:
            raise doc.error(
                (*where, "url"),
                f"the same portal as site {hosts[same] + 1} ({url})",
                "list each portal once (scheme and port do not make another site)",
            )
        hosts[same] = i
        name = (
            _text(doc, item["name"], (*where, "name"))
            if item.get("name") is not None
            else urlsplit(url).hostname or url
        )
        profile = (
            _profile(doc, item["profile"], (*where, "profile"), base)
            if item.get("profile") is not None
            else default_profile
        )
        if item.get("slug") is not None:
            slug = _text(doc, item["slug"], (*where, "slug"))
            if not _SLUG.fullmatch(slug):
                raise doc.error(
                    (*where, "slug"),
                    f"{slug!r} is not a safe folder name",
                    "use letters, digits, '.', '-' and '_' only, starting with a letter or digit",
                )
            slug_at = (*where, "slug")
        else:
            slug = _derived_slug(url)
            slug_at = (*where, "url")
        if slug in slugs:
            raise doc.error(
                slug_at,
                f"folder name {slug!r} is already used by site {slugs[slug] + 1}",
                "give one of them slug: with another folder name",
            )
        slugs[slug] = i
        sites.append(SiteEntry(name, url, profile, slug))
    return SitesFile(path.absolute(), tuple(sites), out, db, notify, keep)


def _text(doc: _Doc, value: Any, where: tuple) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # slug: 2024 or name: 12345 is meant as text
    _want(doc, value, str, where, "a string")
    if not value.strip():
        raise doc.error(where, "empty", "write a value or remove the key")
    return value.strip()


def _url(doc: _Doc, value: Any, where: tuple) -> str:
    try:
        return web_address(_text(doc, value, where))
    except NotAWebAddress as exc:
        raise doc.error(where, exc.problem, exc.fix) from None


def _derived_slug(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    slug = host + (f"-{parts.port}" if parts.port else "")
    slug = re.sub(r"[^a-z0-9._-]+", "-", slug).strip("-.") or "site"
    return slug[:100]


def _folder(doc: _Doc, value: Any, where: tuple, base: Path) -> Path:
    path = Path(_text(doc, value, where)).expanduser()
    return path if path.is_absolute() else base / path


def _profile(doc: _Doc, value: Any, where: tuple, base: Path) -> str:
    ref = _text(doc, value, where)
    if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
        path = Path(ref).expanduser()
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise doc.error(
                where,
                f"profile file {path} not found",
                "give a path relative to this file, or a bundled profile's name",
            )
        return str(path)
    try:
        _locate(ref, None)
    except ConfigError as exc:
        raise doc.error(where, str(exc), "fix the name") from None
    return ref


def _notify(doc: _Doc, section: Any) -> NotifyConfig:
    _want(doc, section, dict, ("notify",), "a mapping (webhook:, smtp:)")
    _check_keys(doc, section, _NOTIFY_KEYS, ("notify",))
    webhook = None
    if section.get("webhook") is not None:
        webhook = _text(doc, section["webhook"], ("notify", "webhook"))
        parts = urlsplit(webhook)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise doc.error(
                ("notify", "webhook"),
                f"{webhook!r} is not a web address",
                "write the full address the report summary is posted to, e.g. https://hooks.example.gov.cn/gapcheck",
            )
    smtp = _smtp(doc, section["smtp"]) if section.get("smtp") is not None else None
    if webhook is None and smtp is None:
        raise doc.error(("notify",), "neither webhook: nor smtp: given", "add one, or remove notify:")
    return NotifyConfig(webhook=webhook, smtp=smtp)


def _smtp(doc: _Doc, smtp: Any) -> SmtpConfig:
    at = ("notify", "smtp")
    _want(doc, smtp, dict, at, "a mapping (host:, port:, sender:, to:, …)")
    if "password" in smtp:
        raise doc.error(
            (*at, "password"),
            "passwords are not kept in the sites list",
            "put the password in an environment variable and name it in password_env:",
        )
    _check_keys(doc, smtp, _SMTP_KEYS, at)
    for key in ("host", "sender", "to"):
        if smtp.get(key) is None:
            raise doc.error(at, f"smtp without {key}:", f"add {key}: (host:, sender: and to: are required)")
    host = _text(doc, smtp["host"], (*at, "host"))
    sender = _text(doc, smtp["sender"], (*at, "sender"))
    to = smtp["to"]
    if isinstance(to, str):
        to = [to]
    _want(doc, to, list, (*at, "to"), "a list of e-mail addresses")
    if not to:
        raise doc.error((*at, "to"), "no recipients", "list at least one e-mail address")
    recipients = tuple(_address(doc, a, (*at, "to", j)) for j, a in enumerate(to))
    _address(doc, sender, (*at, "sender"))
    port = smtp.get("port", 25)
    _want(doc, port, int, (*at, "port"), "a port number")
    if not 1 <= port <= 65535:
        raise doc.error((*at, "port"), f"{port} is not a port number", "write e.g. 25, 465 or 587")
    username = _text(doc, smtp["username"], (*at, "username")) if smtp.get("username") is not None else None
    password_env = None
    if smtp.get("password_env") is not None:
        password_env = _text(doc, smtp["password_env"], (*at, "password_env"))
        if not _ENV_NAME.fullmatch(password_env):
            raise doc.error(
                (*at, "password_env"),
                f"{password_env!r} is not an environment variable name",
                "write the variable's name, e.g. GAPCHECK_SMTP_PASSWORD, not the password",
            )
    starttls = smtp.get("starttls", False)
    _want(doc, starttls, bool, (*at, "starttls"), "true or false")
    return SmtpConfig(
        host=host,
        sender=sender,
        to=recipients,
        port=port,
        username=username,
        password_env=password_env,
        starttls=starttls,
    )


def _address(doc: _Doc, value: Any, where: tuple) -> str:
    address = _text(doc, value, where)
    if "@" not in address or any(c.isspace() for c in address):
        raise doc.error(where, f"{address!r} is not an e-mail address", "write it like web@example.gov.cn")
    return address
