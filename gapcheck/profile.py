"""Profiles: YAML files that say what a portal must carry and how to crawl it, composed with `extends:`.

Every error names the file, the line and the key, and says how to fix it.
"""

from __future__ import annotations

import importlib.resources
import math
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BeforeValidator, Field

from checks import BY_CODE, Severity, UnknownRule, select
from checks.options import ColumnKind, Options, Part, Period, Requirement
from core.errors import ConfigError
from core.patterns import PatternError, compile_pattern
from core.urls import alias_pair
from spiders.rendering import RenderMode
from spiders.settings import DNS_PROBE_HOSTS, EXTERNAL_CACHE_DAYS, MAX_DEPTH, MAX_PAGES, QUERY_VARIANTS

from . import config_words as words
from .cli_words import ERROR
from .config_file import UNSET, ConfigFile, EmptyMeansAbsent, Loc, Section, refuse

DEFAULT_PROFILE = "national"
DEFAULT_TIMEZONE = "Asia/Shanghai"
"""The zone report times are shown in: inspectors and bureaus read Beijing time, whatever the machine's zone."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError when the machine's zone database has no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(name) from None


@dataclass(frozen=True)
class CrawlOptions:
    """How to crawl; `None` means the spider's default (spiders/settings.py)."""

    max_pages: int = MAX_PAGES
    max_depth: int = MAX_DEPTH
    max_query_variants: int = QUERY_VARIANTS
    """Distinct query strings followed per path before it is taken for a trap (an endless calendar)."""
    concurrency: int | None = None
    delay: float | None = None
    timeout: float | None = None
    obey_robots: bool = True
    user_agent: str | None = None
    contact: str | None = None
    """Who to call about the crawler (an e-mail or phone), added to the User-Agent."""
    private_redirects: bool = False
    """Follow redirects from a public (or private) address into a private (or loopback) one: only for a
    bureau checking its own intranet site."""
    incremental: bool = True
    """Ask the pages the last run saw (but the home and list pages) with If-None-Match/If-Modified-Since."""
    external_cache_days: float = EXTERNAL_CACHE_DAYS
    """Days an external link that answered is not asked again; 0 asks every external link every run."""
    dns_probe: tuple[str, ...] = DNS_PROBE_HOSTS
    """Names that resolve whenever this machine has working DNS (an intranet lists its own): when none
    does, a link whose name fails to resolve is unverified, not broken."""
    external: bool = True
    """Ask external links (other hosts, not in allowed_domains). false (--offline): an intranet or offline
    run checks the site's own pages and links only; external ones are listed as not checked."""
    aliases: tuple[tuple[str, str], ...] = ()
    """(production host, base URL) pairs: every request for the host goes to the base URL instead (a
    staging server or a saved mirror), while the store and the reports keep the production URLs."""
    allowed_domains: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    render: RenderMode = RenderMode.AUTO
    """auto, off or all: whether page requests are rendered in Chromium (spiders/rendering.py); auto
    renders the start page, and the whole site when the start page is built by script."""
    render_urls: tuple[str, ...] = ()
    """Regexes: when given, only matching page URLs are rendered (and rendering is on without `render`)."""


@dataclass(frozen=True)
class Profile:
    name: str
    path: str
    basis: str
    crawl: CrawlOptions
    options: Options
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    files: tuple[str, ...] = field(default=())
    """Every file the profile was composed from, the profile's own first."""
    timezone: str = DEFAULT_TIMEZONE
    """The IANA zone the reports show times in (`timezone:`)."""
    bureau: str | None = None
    """The bureau the profile is for: the `name:` of a profile that builds on another (`gapcheck init` writes
    one per bureau, named for it). A profile that extends none (national) names a standard, not a bureau, and a
    child that writes no name of its own inherits that standard's."""


# -- what a profile file may hold ---------------------------------------------------------------


def is_number(value: object) -> bool:
    """What gapcheck takes for a number wherever it reads one (profile, sites list, command line): an int or a
    finite float. YAML's .nan and .inf and Python's float("nan") are floats, but a NaN delay compares false
    with everything and an infinite one never ends, so neither is a number of seconds, pages or points."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _regex(pattern: str) -> str:
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        raise refuse("regex", reason=exc) from None
    return pattern


def _period(text: str) -> str:
    try:
        Period.parse(text)
    except ValueError:
        raise refuse("period") from None
    return text


def _render(value: object) -> object:
    # YAML 1.1 reads a bare `off` as false (and `on` as true): take those for what was meant.
    if isinstance(value, bool):
        return RenderMode.ALL if value else RenderMode.OFF
    if isinstance(value, str) and value in (RenderMode.OFF, RenderMode.ALL, RenderMode.AUTO):
        return RenderMode(value)
    raise refuse("render")


def _aliases(aliases: dict[str, str]) -> dict[str, str]:
    for host, base in aliases.items():
        if alias_pair(host, base) is None:
            raise refuse("alias_pair", at=(host,), host=host, base=base)
    return aliases


def _known(code: str, at: Loc) -> None:
    """`code` names a rule or a family of rules (GK2)."""
    try:
        select([code])
    except UnknownRule as exc:
        raise refuse("unknown_rule", at=at, reason=exc.args[0]) from None


def _codes(codes: list[str]) -> list[str]:
    for i, code in enumerate(codes):
        _known(code, (i,))
    return codes


def _rule_settings(rules: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    for code, settings in rules.items():
        if code not in BY_CODE:
            _known(code, (code,))
            raise refuse("rule_prefix", at=(code,))
        allowed = BY_CODE[code].defaults
        if not allowed and settings:
            raise refuse("rule_without_settings", at=(code,), code=code)
        for key in settings:
            if key not in allowed:
                raise refuse("extra_forbidden", at=(code, key), allowed=", ".join(sorted(allowed)))
    return rules


Count = Annotated[int, Field(ge=1)]
Points = Annotated[float, Field(allow_inf_nan=False)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
"""Seconds or days, 0 allowed (no delay, no caching)."""
Regex = Annotated[str, AfterValidator(_regex)]
PeriodText = Annotated[str, AfterValidator(_period)]


def _timezone(name: str) -> str:
    try:
        zone(name)
    except ValueError:
        raise refuse("timezone") from None
    return name


class CrawlSection(Section):
    """`crawl:`; what is left out is CrawlOptions' default."""

    max_pages: Count = UNSET
    max_depth: Count = UNSET
    max_query_variants: Count = UNSET
    concurrency: Count = UNSET
    # The command line refuses a negative delay or timeout too (cli._seconds); a timeout of 0 would fail
    # every request.
    delay: Amount = UNSET
    timeout: Annotated[float, Field(gt=0, allow_inf_nan=False)] = UNSET
    obey_robots: bool = UNSET
    user_agent: str = UNSET
    contact: str = UNSET
    private_redirects: bool = UNSET
    incremental: bool = UNSET
    external_cache_days: Amount = UNSET
    dns_probe: list[str] = UNSET
    external: bool = UNSET
    aliases: Annotated[dict[str, str], AfterValidator(_aliases)] = UNSET
    allowed_domains: list[str] = UNSET
    include: list[Regex] = UNSET
    exclude: list[Regex] = UNSET
    render: Annotated[RenderMode, BeforeValidator(_render)] = UNSET
    render_urls: list[Regex] = UNSET


class KindSection(Section):
    label: str = UNSET
    limit: PeriodText | None = UNSET
    """None: no freshness limit (a child profile may lift its parent's)."""
    deduction: Points = UNSET
    keywords: list[str] = UNSET


class PartSection(Section):
    name: str
    match: list[str]
    download: bool = UNSET
    in_text: bool = UNSET


class RequirementSection(Section):
    """One of `requirements:`; what is left out is Requirement's default."""

    name: str
    match: list[str] = UNSET
    severity: Annotated[Severity, Field(strict=False)] = UNSET
    deduction: Points = UNSET
    on_homepage: bool = UNSET
    pinned: bool = UNSET
    linked_from_homepage: bool = UNSET
    links_to_city_portal: bool = UNSET
    contains: list[PartSection] | None = UNSET
    drop: bool = UNSET
    """Remove the requirement of this name that the profile extends."""


class HomepageSection(Section):
    limit: PeriodText = UNSET


class ProfileFile(EmptyMeansAbsent):
    """One profile file, before it is composed with the one it extends. Below the top, an empty key is an
    error, but for a column kind's `limit:` (none)."""

    name: str = UNSET
    extends: str = UNSET
    basis: Literal["2015", "2019"] = UNSET
    timezone: Annotated[str, AfterValidator(_timezone)] = UNSET
    crawl: CrawlSection = UNSET
    column_kinds: dict[str, KindSection] = UNSET
    column_names: dict[str, str] = UNSET
    column_urls: dict[Regex, str] = UNSET
    homepage: HomepageSection = UNSET
    city_portal: list[str] = UNSET
    requirements: list[RequirementSection] = UNSET
    rules: Annotated[dict[str, dict[str, Points]], AfterValidator(_rule_settings)] = UNSET
    select: Annotated[list[str], AfterValidator(_codes)] = UNSET
    ignore: Annotated[list[str], AfterValidator(_codes)] = UNSET


# -- composing ---------------------------------------------------------------------------------


def bundled_profiles() -> list[str]:
    folder = importlib.resources.files("gapcheck.config").joinpath("profiles")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def locate_profile(ref: str, relative_to: Path | None = None, named_at: tuple[ConfigFile, Loc] | None = None) -> Path:
    """The file of the profile `ref`: a path (relative to `relative_to`), a file named `ref`.yaml there, or
    a bundled profile. `named_at`: the file and key that name it, for the error."""
    if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
        path = Path(ref)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        return path
    if relative_to is not None and (relative_to / f"{ref}.yaml").exists():
        return relative_to / f"{ref}.yaml"
    resource = importlib.resources.files("gapcheck.config").joinpath("profiles", f"{ref}.yaml")
    if not resource.is_file():
        context = {"ref": ref, "names": ", ".join(bundled_profiles())}
        if named_at:
            raise named_at[0].error(named_at[1], "no_profile", **context)
        problem, fix = words.PROBLEM["no_profile"]
        raise ConfigError(f"{problem}；{fix}".format(**context))
    return Path(str(resource))


def _merge(base: dict, child: dict) -> dict:
    out = dict(base)
    for key, value in child.items():
        if key == "requirements":
            merged = {r["name"]: r for r in base.get("requirements", [])}
            for req in value:
                if req.get("drop"):
                    merged.pop(req["name"], None)
                else:
                    merged[req["name"]] = req
            out[key] = list(merged.values())
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def _compose(path: Path, chain: tuple[Path, ...]) -> tuple[dict, tuple[str, ...]]:
    """The keys `path` and the profiles it extends set, merged, and the files they came from."""
    doc = ConfigFile(path, "profile")
    data = doc.validate(ProfileFile).model_dump(exclude_unset=True)
    if "extends" not in data:
        return data, (str(path),)
    parent_path = locate_profile(data.pop("extends"), path.parent, (doc, ("extends",)))
    chain = (*chain, path.resolve())
    if parent_path.resolve() in chain:
        cycle = " → ".join(str(p) for p in (*chain, parent_path.resolve()))
        raise doc.error(("extends",), "extends_cycle", cycle=cycle)
    parent, files = _compose(parent_path, chain)
    return _merge(parent, data), (str(path), *files)


def load_profile(ref: str | None) -> Profile:
    """The profile named `ref` (a bundled name or a path), composed with what it extends; what no file sets
    is the default of the dataclass it fills."""
    path = locate_profile(ref or DEFAULT_PROFILE)
    data, files = _compose(path, ())
    kinds = tuple(
        ColumnKind(
            key,
            kind.get("label", key),
            Period.parse(kind["limit"]) if kind.get("limit") else None,
            tuple(kind.get("keywords", ())),
            **_only(kind, "deduction"),
        )
        for key, kind in data.get("column_kinds", {}).items()
    )
    requirements = tuple(
        Requirement(
            req["name"],
            tuple(req.get("match") or [req["name"]]),
            contains=tuple(Part(**{**part, "match": tuple(part["match"])}) for part in req.get("contains") or ()),
            **_only(
                req, "severity", "deduction", "on_homepage", "pinned", "linked_from_homepage", "links_to_city_portal"
            ),
        )
        for req in data.get("requirements", [])
    )
    chosen: dict[str, Any] = _only(data, "basis")
    if "limit" in data.get("homepage", {}):
        chosen["homepage_limit"] = Period.parse(data["homepage"]["limit"])
    options = Options(
        column_kinds=kinds,
        requirements=requirements,
        city_portal=tuple(data.get("city_portal", ())),
        column_names=data.get("column_names", {}),
        column_urls=data.get("column_urls", {}),
        rules=data.get("rules", {}),
        **chosen,
    )
    crawl: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.get("crawl", {}).items()}
    if "aliases" in crawl:
        crawl["aliases"] = tuple(alias_pair(host, base) for host, base in crawl["aliases"].items())
    return Profile(
        name=data.get("name", path.stem),
        path=str(path),
        basis=options.basis,
        crawl=CrawlOptions(**crawl),
        options=options,
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        files=files,
        bureau=_bureau(data.get("name"), files),
        **_only(data, "timezone"),
    )


def _bureau(name: str | None, files: tuple[str, ...]) -> str | None:
    if len(files) < 2 or not name:
        return None
    root, _ = _compose(Path(files[-1]), ())
    return None if name == root.get("name") else name


def _only(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Those of `keys` that `values` has: the rest keep the dataclass's default."""
    return {k: values[k] for k in keys if k in values}


def _one_line(value: str | list[str]) -> str:
    """`value` as a double-quoted YAML scalar (or flow list) on one line: whatever a bureau's name holds
    (a newline, `: `, `#`, a leading `*` or `&`, "yes") stays a string, and a line break cannot add a key,
    in the value or in the starter's comments that name it too."""
    return yaml.safe_dump(
        value, default_style='"', default_flow_style=True, allow_unicode=True, width=float("inf")
    ).removesuffix("\n")


def write_starter(name: str, path: Path, extends: str, city_portal: list[str]) -> Path:
    """A commented starter profile for a new bureau, checked to load before it is left in place."""
    if path.exists():
        raise ConfigError(ERROR["profile_exists"].format(path=path))
    locate_profile(extends)  # an unknown base profile fails here, naming the bundled ones
    template = importlib.resources.files("gapcheck.config").joinpath("starter.yaml").read_text(encoding="utf-8")
    text = string.Template(template).substitute(
        name=_one_line(name), path=_one_line(str(path)), extends=_one_line(extends), city_portal=_one_line(city_portal)
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(ERROR["profile_unwritable"].format(path=path, reason=exc.strerror)) from None
    load_profile(str(path))
    return path
