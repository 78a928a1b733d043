"""Profiles: YAML files that say what a portal must carry and how to crawl it, composed with `extends:`.

Every error names the file, the line and the key, and says how to fix it.
"""

from __future__ import annotations

import importlib.resources
import math
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checks import BY_CODE, Severity, UnknownRule, select
from checks.options import ColumnKind, Options, Part, Period, Requirement
from core.errors import ConfigError
from core.patterns import PatternError, compile_pattern
from spiders.aliases import alias_pair
from spiders.rendering import RenderMode
from spiders.settings import DNS_PROBE_HOSTS, EXTERNAL_CACHE_DAYS, MAX_DEPTH, MAX_PAGES, QUERY_VARIANTS

DEFAULT_PROFILE = "national"


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


# -- reading YAML with line numbers ----------------------------------------------------------


class _Doc:
    """A parsed YAML file and the line of every key path in it."""

    def __init__(
        self,
        path: Path,
        what: str = "profile",
        shape: str = "a profile is a mapping of keys (name:, extends:, requirements: …)",
    ):
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: {what} file not found; check the name or path") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the {what} ({exc}); save it as UTF-8 text") from None
        self.lines: dict[tuple, int] = {}
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(f"{where}: not valid YAML ({problem}); fix the indentation or quoting there") from None
        self._seen: set[int] = set()
        self.data = self._build(node, ()) if node is not None else {}
        if not isinstance(self.data, dict):
            raise ConfigError(f"{path}:1: {shape}")

    def _build(self, node: yaml.Node, path: tuple) -> Any:
        # The composer hands an alias back as the very node its anchor named, so a node met twice is an
        # alias. Expanding them lets 500 bytes of nested aliases ("billion laughs") grow to gigabytes, and
        # one that contains itself recurse without end; a profile gains nothing from them, so none is taken.
        if id(node) in self._seen:
            raise self.error(
                path,
                "用了 YAML 别名（*名字，指向 &名字 处的值），配置文件不接受别名",
                "把这个值完整写出来，删去 & 和 *",
            )
        self._seen.add(id(node))
        if path not in self.lines:
            self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):  # `[a, b]: 1` parses, but is no key of ours
                    self.lines[(*path, "?")] = key_node.start_mark.line + 1
                    raise self.error((*path, "?"), "键是一个列表或映射", "键只写一个词，如 exclude:")
                key = key_node.value
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self._build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(item, (*path, i)) for i, item in enumerate(node.value)]
        loader = yaml.SafeLoader("")
        return loader.construct_object(node, deep=True)

    def error(self, path: tuple, problem: str, fix: str) -> ConfigError:
        line = self.lines.get(path)
        while line is None and path:
            path = path[:-1]
            line = self.lines.get(path)
        key = ".".join(str(p) for p in path) or "(top)"
        return ConfigError(f"{self.path}:{line or 1}: key '{key}': {problem}; {fix}")


# -- validation ------------------------------------------------------------------------------

_TOP_KEYS = {
    "name",
    "extends",
    "basis",
    "crawl",
    "column_kinds",
    "column_names",
    "column_urls",
    "homepage",
    "city_portal",
    "requirements",
    "rules",
    "select",
    "ignore",
}
_CRAWL_KEYS = {f for f in CrawlOptions.__dataclass_fields__}
_KIND_KEYS = {"label", "limit", "deduction", "keywords"}
_REQ_KEYS = {
    "name",
    "match",
    "severity",
    "deduction",
    "on_homepage",
    "pinned",
    "linked_from_homepage",
    "links_to_city_portal",
    "contains",
    "drop",
}
_PART_KEYS = {"name", "match", "download", "in_text"}


def _regex(doc: _Doc, pattern: str, path: tuple) -> None:
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        raise doc.error(
            path,
            f"{pattern!r} is not a regular expression ({exc})",
            "escape special characters such as ? and ( with a backslash",
        ) from None


def _check_keys(doc: _Doc, value: dict, allowed: set[str], path: tuple) -> None:
    for key in value:
        if key not in allowed:
            raise doc.error((*path, key), "unknown key", f"use one of: {', '.join(sorted(allowed))}")


def is_number(value: object) -> bool:
    """What gapcheck takes for a number wherever it reads one (profile, sites list, command line): an int or a
    finite float. YAML's .nan and .inf and Python's float("nan") are floats, but a NaN delay compares false
    with everything and an infinite one never ends, so neither is a number of seconds, pages or points."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _want(doc: _Doc, value: Any, kind: type | tuple, path: tuple, what: str) -> Any:
    numeric = kind in (int, float, (int, float))
    if numeric and isinstance(value, float) and not is_number(value):
        raise doc.error(path, f"{value!r} 不是有限的数", f"write {what} there（写一个有限的数，不要写 .nan 或 .inf）")
    ok = isinstance(value, kind) and not (numeric and isinstance(value, bool))
    if not ok:
        raise doc.error(path, f"expected {what}, got {value!r}", f"write {what} there")
    return value


def _strings(doc: _Doc, value: Any, path: tuple) -> list[str]:
    _want(doc, value, list, path, "a list of strings")
    for i, item in enumerate(value):
        _want(doc, item, str, (*path, i), "a string")
    return value


def _validate(doc: _Doc) -> None:
    data = doc.data
    for key in [k for k, v in data.items() if v is None]:
        del data[key]  # `requirements:` with only comments under it means none
    _check_keys(doc, data, _TOP_KEYS, ())
    for key in ("name", "extends", "basis"):
        if key in data:
            _want(doc, data[key], str, (key,), "a string")
    if "basis" in data and data["basis"] not in ("2015", "2019"):
        raise doc.error(("basis",), f"unknown basis {data['basis']!r}", 'use "2015" or "2019"')
    crawl = data.get("crawl", {})
    _want(doc, crawl, dict, ("crawl",), "a mapping")
    _check_keys(doc, crawl, _CRAWL_KEYS, ("crawl",))
    for key in ("max_pages", "max_depth", "concurrency", "max_query_variants"):
        if key in crawl:
            _want(doc, crawl[key], int, ("crawl", key), "a whole number")
            if crawl[key] < 1:
                raise doc.error(("crawl", key), "must be at least 1", "write a positive number")
    # The command line refuses these too (cli._seconds); a timeout of 0 would fail every request.
    for key, what, zero_ok in (
        ("delay", "a number of seconds", True),
        ("timeout", "a number of seconds", False),
        ("external_cache_days", "a number of days", True),
    ):
        if key in crawl:
            value = _want(doc, crawl[key], (int, float), ("crawl", key), what)
            if value < 0 or (value == 0 and not zero_ok):
                least = "不小于 0" if zero_ok else "大于 0"
                raise doc.error(
                    ("crawl", key), f"{value!r} 太小，应{least}", f"write {what} there（写一个{least}的数）"
                )
    for key in ("user_agent", "contact"):
        if key in crawl:
            _want(doc, crawl[key], str, ("crawl", key), "a string")
    for key in ("allowed_domains", "include", "exclude", "render_urls", "dns_probe"):
        if key in crawl:
            _strings(doc, crawl[key], ("crawl", key))
    if "render" in crawl:
        # YAML 1.1 reads a bare `off` as false (and `on` as true): take those for what was meant.
        if isinstance(crawl["render"], bool):
            crawl["render"] = RenderMode.ALL.value if crawl["render"] else RenderMode.OFF.value
        if crawl["render"] not in (RenderMode.OFF, RenderMode.ALL, RenderMode.AUTO):
            raise doc.error(
                ("crawl", "render"),
                f"unknown value {crawl['render']!r}",
                "write auto, off or all (or list the page URLs to render under crawl.render_urls)",
            )
    if "aliases" in crawl:
        _want(doc, crawl["aliases"], dict, ("crawl", "aliases"), "a mapping of production host → base URL")
        for host, base in crawl["aliases"].items():
            if not isinstance(base, str) or alias_pair(str(host), base) is None:
                raise doc.error(
                    ("crawl", "aliases", host),
                    f"{host!r}: {base!r} is not a host and a base URL",
                    "write e.g. www.example.gov.cn: http://127.0.0.1:8080",
                )
    for key in ("include", "exclude", "render_urls"):
        for i, pattern in enumerate(crawl.get(key, [])):
            _regex(doc, pattern, ("crawl", key, i))
    for key in ("obey_robots", "incremental", "private_redirects", "external"):
        if key in crawl:
            _want(doc, crawl[key], bool, ("crawl", key), "true or false")
    kinds = data.get("column_kinds", {})
    _want(doc, kinds, dict, ("column_kinds",), "a mapping of kind → settings")
    for key, kind in kinds.items():
        path = ("column_kinds", key)
        _want(doc, kind, dict, path, "a mapping")
        _check_keys(doc, kind, _KIND_KEYS, path)
        if "limit" in kind and kind["limit"] is not None:
            try:
                Period.parse(kind["limit"])
            except ValueError:
                raise doc.error(
                    (*path, "limit"), f"{kind['limit']!r} is not a period", "write e.g. 14d, 6m or 1y"
                ) from None
        if "keywords" in kind:
            _strings(doc, kind["keywords"], (*path, "keywords"))
        if "deduction" in kind:
            _want(doc, kind["deduction"], (int, float), (*path, "deduction"), "a number of points")
    names = data.get("column_names", {})
    _want(doc, names, dict, ("column_names",), "a mapping of column name → kind")
    urls = data.get("column_urls", {})
    _want(doc, urls, dict, ("column_urls",), "a mapping of URL pattern → kind")
    for pattern in urls:
        _regex(doc, str(pattern), ("column_urls", pattern))
    homepage = data.get("homepage", {})
    _want(doc, homepage, dict, ("homepage",), "a mapping")
    _check_keys(doc, homepage, {"limit"}, ("homepage",))
    if "city_portal" in data:
        _strings(doc, data["city_portal"], ("city_portal",))
    reqs = data.get("requirements", [])
    _want(doc, reqs, list, ("requirements",), "a list of requirements")
    for i, req in enumerate(reqs):
        path = ("requirements", i)
        _want(doc, req, dict, path, "a mapping with name: and match:")
        _check_keys(doc, req, _REQ_KEYS, path)
        if "name" not in req:
            raise doc.error(path, "requirement without a name", "add name: with the column's standard name")
        _want(doc, req["name"], str, (*path, "name"), "a string")
        if "match" in req:
            _strings(doc, req["match"], (*path, "match"))
        if "severity" in req and req["severity"] not in {s.value for s in Severity}:
            raise doc.error(
                (*path, "severity"),
                f"unknown severity {req['severity']!r}",
                f"use one of: {', '.join(s.value for s in Severity)}",
            )
        if "deduction" in req:
            _want(doc, req["deduction"], (int, float), (*path, "deduction"), "a number of points")
        for flag in ("on_homepage", "pinned", "linked_from_homepage", "links_to_city_portal", "drop"):
            if flag in req:
                _want(doc, req[flag], bool, (*path, flag), "true or false")
        for j, part in enumerate(req.get("contains", []) or []):
            ppath = (*path, "contains", j)
            _want(doc, part, dict, ppath, "a mapping with name: and match:")
            _check_keys(doc, part, _PART_KEYS, ppath)
            if "name" not in part or "match" not in part:
                raise doc.error(ppath, "a part needs name: and match:", "add both")
            _strings(doc, part["match"], (*ppath, "match"))
    rules = data.get("rules", {})
    _want(doc, rules, dict, ("rules",), "a mapping of rule code → settings")
    for code, settings in rules.items():
        if code not in BY_CODE:
            _known_codes(doc, [code], ("rules", code))
            raise doc.error(("rules", code), "settings take one rule's full code, not a prefix", "write e.g. GK302")
        _want(doc, settings, dict, ("rules", code), "a mapping")
        allowed = set(BY_CODE[code].defaults)
        if not allowed and settings:
            raise doc.error(("rules", code), f"{code} has no settings", "remove this entry")
        _check_keys(doc, settings, allowed, ("rules", code))
        for key, value in settings.items():
            _want(doc, value, (int, float), ("rules", code, key), "a number")
    for key in ("select", "ignore"):
        if key in data:
            _known_codes(doc, _strings(doc, data[key], (key,)), (key,))


def _known_codes(doc: _Doc, codes: list[str], path: tuple) -> None:
    try:
        select(codes)
    except UnknownRule as exc:
        raise doc.error(path, str(exc.args[0]), "run `gapcheck rules` for the list of codes") from None


# -- composing ---------------------------------------------------------------------------------


def bundled_profiles() -> list[str]:
    folder = importlib.resources.files("gapcheck.config").joinpath("profiles")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def _locate(ref: str, relative_to: Path | None) -> Path:
    if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
        path = Path(ref)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        return path
    if relative_to is not None and (relative_to / f"{ref}.yaml").exists():
        return relative_to / f"{ref}.yaml"
    resource = importlib.resources.files("gapcheck.config").joinpath("profiles", f"{ref}.yaml")
    if not resource.is_file():
        raise ConfigError(
            f"profile {ref!r} not found; use a path to a .yaml file or one of: {', '.join(bundled_profiles())}"
        )
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
    resolved = path.resolve()
    if resolved in chain:
        cycle = " → ".join(str(p) for p in (*chain, resolved))
        raise ConfigError(
            f"{path}: key 'extends': profiles extend each other in a cycle ({cycle}); remove one of the extends:"
        )
    doc = _Doc(path)
    _validate(doc)
    data = doc.data
    if "extends" not in data:
        return data, (str(path),)
    try:
        parent_path = _locate(data["extends"], path.parent)
    except ConfigError as exc:
        raise doc.error(("extends",), str(exc), "name a bundled profile or a file next to this one") from None
    parent, files = _compose(parent_path, (*chain, resolved))
    return _merge(parent, {k: v for k, v in data.items() if k != "extends"}), (str(path), *files)


def load_profile(ref: str | None) -> Profile:
    """The profile named `ref` (a bundled name or a path), composed with what it extends."""
    path = _locate(ref or DEFAULT_PROFILE, None)
    data, files = _compose(path, ())
    crawl = data.get("crawl", {})
    kinds = tuple(
        ColumnKind(
            key,
            k.get("label", key),
            Period.parse(k["limit"]) if k.get("limit") else None,
            tuple(k.get("keywords", [])),
            float(k.get("deduction", 0)),
        )
        for key, k in data.get("column_kinds", {}).items()
    )
    requirements = tuple(
        Requirement(
            r["name"],
            tuple(r.get("match") or [r["name"]]),
            Severity(r.get("severity", "major")),
            float(r.get("deduction", 2)),
            bool(r.get("on_homepage")),
            bool(r.get("pinned")),
            bool(r.get("linked_from_homepage")),
            bool(r.get("links_to_city_portal")),
            tuple(
                Part(p["name"], tuple(p["match"]), bool(p.get("download")), bool(p.get("in_text")))
                for p in r.get("contains", []) or []
            ),
        )
        for r in data.get("requirements", [])
    )
    options = Options(
        basis=data.get("basis", "2019"),
        column_kinds=kinds,
        requirements=requirements,
        city_portal=tuple(data.get("city_portal", [])),
        homepage_limit=Period.parse(data.get("homepage", {}).get("limit", "14d")),
        column_names=dict(data.get("column_names", {})),
        column_urls={str(k): str(v) for k, v in data.get("column_urls", {}).items()},
        rules=dict(data.get("rules", {})),
    )
    return Profile(
        name=data.get("name", path.stem),
        path=str(path),
        basis=data.get("basis", "2019"),
        crawl=_crawl_options(crawl),
        options=options,
        select=tuple(data.get("select", [])),
        ignore=tuple(data.get("ignore", [])),
        files=files,
    )


def _crawl_options(crawl: dict) -> CrawlOptions:
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in crawl.items()}
    if "aliases" in values:
        values["aliases"] = tuple(alias_pair(str(h), b) for h, b in values["aliases"].items())
    if "render" in values:
        values["render"] = RenderMode(values["render"])
    return CrawlOptions(**values)


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
        raise ConfigError(f"{path}: already exists; pass --out with a new file name")
    _locate(extends, None)  # an unknown base profile fails here, naming the bundled ones
    template = importlib.resources.files("gapcheck.config").joinpath("starter.yaml").read_text(encoding="utf-8")
    text = string.Template(template).substitute(
        name=_one_line(name), path=_one_line(str(path)), extends=_one_line(extends), city_portal=_one_line(city_portal)
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot write the profile ({exc.strerror}); pass --out with a writable path"
        ) from None
    load_profile(str(path))
    return path
