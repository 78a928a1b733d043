"""SITES.yaml: the portals a machine checks every night and probes every 15 minutes.

Read like a profile (config_file.py): every error names the file, the line and the key, and says how to
fix it. See config/sites.example.yaml for the format.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from core.urls import NotAWebAddress, web_address

from .config_file import UNSET, ConfigFile, EmptyMeansAbsent, Loc, refuse
from .notify import NotifyConfig, SmtpConfig
from .profile import DEFAULT_PROFILE, locate_profile
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
    title: str | None = None
    """The bureau's name as the list writes it (`name:`), which titles its reports; `name` falls back to the
    host for the batch's own messages, the reports to the profile's bureau first."""


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


_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _url(url: str) -> str:
    try:
        return web_address(url)
    except NotAWebAddress as exc:
        raise refuse("url", problem=exc.problem, fix=exc.fix) from None


def site_slug(url: str) -> str:
    """A folder name for a site's reports: its host, and its port when the URL names one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    slug = host + (f"-{parts.port}" if parts.port else "")
    slug = re.sub(r"[^a-z0-9._-]+", "-", slug).strip("-.") or "site"
    return slug[:100]


def _folder(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _profile(doc: ConfigFile, ref: str, where: Loc, base: Path) -> str:
    if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
        path = Path(ref).expanduser()
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise doc.error(where, "profile_file", path=path)
        return str(path)
    locate_profile(ref, named_at=(doc, where))
    return ref


# -- what a sites list may hold -----------------------------------------------------------------


def _as_text(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # slug: 2024 or name: 12345 is meant as text
    return value


def _stripped(value: str) -> str:
    if not value.strip():
        raise refuse("blank")
    return value.strip()


def _slug(slug: str) -> str:
    if not _SLUG.fullmatch(slug):
        raise refuse("slug_unsafe")
    return slug


def _address(address: str) -> str:
    if "@" not in address or any(c.isspace() for c in address):
        raise refuse("address")
    return address


def _webhook(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise refuse("webhook")
    return url


def _env_name(name: str) -> str:
    if not _ENV_NAME.fullmatch(name):
        raise refuse("env_name")
    return name


def _keep_runs(keep: int) -> int:
    if keep < 2:  # each report compares with the one before
        raise refuse("keep_runs")
    return keep


def _listed(value: object) -> object:
    return [value] if isinstance(value, str) else value  # `to: web@x.gov.cn` is one recipient


Text = Annotated[str, BeforeValidator(_as_text), AfterValidator(_stripped)]
Address = Annotated[Text, AfterValidator(_address)]


class Defaults(EmptyMeansAbsent):
    profile: Text = DEFAULT_PROFILE
    out: Text = DEFAULT_OUT
    db: Text | None = None
    keep_runs: Annotated[int, AfterValidator(_keep_runs)] = KEEP_RUNS


class Smtp(EmptyMeansAbsent):
    """`notify.smtp:`; what is left out is SmtpConfig's default."""

    host: Text
    sender: Address
    to: Annotated[list[Address], BeforeValidator(_listed), Field(min_length=1)]
    port: Annotated[int, Field(ge=1, le=65535)] = UNSET
    username: Text = UNSET
    password_env: Annotated[Text, AfterValidator(_env_name)] = UNSET
    starttls: bool = UNSET

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise refuse("password", at=("password",))
        return data


class Notify(EmptyMeansAbsent):
    webhook: Annotated[Text, AfterValidator(_webhook)] | None = None
    smtp: Smtp | None = None

    @model_validator(mode="after")
    def _something(self) -> Notify:
        if self.webhook is None and self.smtp is None:
            raise refuse("notify_empty")
        return self


class Site(EmptyMeansAbsent):
    url: Annotated[Text, AfterValidator(_url)]
    name: Text | None = None
    profile: Text | None = None
    """A bundled profile's name or a path relative to the sites list; defaults.profile when left out."""
    slug: Annotated[Text, AfterValidator(_slug)] | None = None


class SitesList(EmptyMeansAbsent):
    defaults: Defaults = Field(default_factory=Defaults)
    notify: Notify | None = None
    sites: Annotated[list[Site], Field(min_length=1)]


# -- reading it ---------------------------------------------------------------------------------


def load_sites(path: Path | str) -> SitesFile:
    """The sites list at `path`, validated; ConfigError names file:line, key and fix for anything wrong."""
    path = Path(path)
    doc = ConfigFile(path, "sites")
    data = doc.validate(SitesList)
    base = path.parent.absolute()
    defaults = data.defaults
    default_profile = _profile(doc, defaults.profile, ("defaults", "profile"), base)
    sites: list[SiteEntry] = []
    slugs: dict[str, int] = {}
    hosts: dict[str, int] = {}
    for i, item in enumerate(data.sites):
        where = ("sites", i)
        same = site_key(item.url)
        if same in hosts:
            raise doc.error((*where, "url"), "same_portal", other=hosts[same] + 1, url=item.url)
        hosts[same] = i
        slug = item.slug or site_slug(item.url)
        if slug in slugs:
            at = (*where, "slug" if item.slug else "url")
            raise doc.error(at, "slug_taken", slug=slug, other=slugs[slug] + 1)
        slugs[slug] = i
        name = item.name or urlsplit(item.url).hostname or item.url
        profile = _profile(doc, item.profile, (*where, "profile"), base) if item.profile else default_profile
        sites.append(SiteEntry(name, item.url, profile, slug, item.name))
    notify = None
    if data.notify is not None:
        smtp = data.notify.smtp
        notify = NotifyConfig(
            webhook=data.notify.webhook,
            smtp=SmtpConfig(**{**smtp.model_dump(exclude_unset=True), "to": tuple(smtp.to)}) if smtp else None,
        )
    db = _folder(defaults.db, base) if defaults.db is not None else None
    return SitesFile(path.absolute(), tuple(sites), _folder(defaults.out, base), db, notify, defaults.keep_runs)
