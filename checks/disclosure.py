"""4xx: 政府信息公开 — the annual report, the disclosure guide and the catalogue the 条例 requires.

What a visitor sees decides: a report is a link or page whose title names the report and its year;
the guide is the page its entry link leads to (or that names itself the guide), read without the
site's header, navigation and footer; the catalogue is an entry named for it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from core.dates import date_from_url
from core.model import NAVIGABLE_TAGS, LinkTag, Page, Region, Site, Verdict

from .columns import is_pagination, resolve_date
from .context import Context
from .finding import PAGES_SHOWN, Finding, Status, pages_named
from .matching import (
    WORDS_CACHED,
    Aliases,
    TargetNames,
    find_on_site,
    is_article,
    is_document_title,
    link_label,
    may_contain,
    normalize,
    text_snippet,
)

# -- shared ---------------------------------------------------------------------------------------


def _text_mention(site: Site, named: Callable[[str], bool], aliases: Aliases) -> tuple[str, str] | None:
    """A page (not an article) whose text names the thing though no link or title does: (url, words).

    Real entries are sometimes `<a onclick="…">` without an address, which a crawler cannot follow.
    """
    for page in site.pages_landing_first:
        if is_article(page) or not named(page.text):
            continue
        # Link words were judged as links: a dated news title that names the thing is not its entry.
        text = page.text
        for link in page.links:
            if link.text and named(link.text):
                text = text.replace(link.text, " ")
        if named(text):
            return page.url, text_snippet(text, aliases, width=12) or text[:40]
    return None


# -- GK401 annual-report-missing-or-late ------------------------------------------------------------

_REPORT = re.compile(r"年度报告|年报")
_YEAR_NAMED = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_YEAR_BARE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_YEAR_ONLY = re.compile(r"^[\s(（\[【]*(?:19|20)\d\d\s*(?:年度?)?[\s)）\]】]*$")
_OLD_RULES_LAST_YEAR = 2018
"""Reports of years up to this one were due by 31 March under the 2007 条例 (Art. 31)."""
_FIRST_REPORT_YEAR = 2000
_ABOUT_REPORTS = re.compile(r"通知|通报|编制|报送|做好|(?:发布|公布|编报|报告)工作")
"""Words of a notice about compiling or publishing reports ("关于做好2025年度政府信息公开工作年度报告编制公布
工作的通知"), never of a report's own title."""
_REPORT_SEARCHED = "年度报告、公开年报、年报（标题中须有年份，如「2025年」）"


@dataclass(frozen=True, slots=True)
class _Report:
    """One annual report a visitor can find: its year, where it is, and when it was published."""

    year: int
    title: str
    url: str
    date: dt.date | None


@lru_cache(maxsize=WORDS_CACHED)
def _year_of(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text)  # ２０２５年
    m = _YEAR_NAMED.search(text) or _YEAR_BARE.search(text)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=WORDS_CACHED)
def _report_year(text: str, in_report_column: bool, as_of: dt.date) -> int | None:
    """The year of the annual report `text` names, or None when it names none.

    The title must name the report and its year ("2025年政府信息公开工作年度报告", "2024年公开年报"); in the
    annual-report column itself a year alone ("2024年度") or "2024年年报" is enough. "政府工作报告" and
    "统计年报" are other documents: outside that column the title must also say 公开. A notice about the
    reports ("关于做好…年度报告编制公布工作的通知", "…年报发布工作的通知") is not one.
    """
    if not text or _ABOUT_REPORTS.search(text) or is_document_title(text):
        return None
    year = _year_of(text)
    if year is None or not _FIRST_REPORT_YEAR <= year <= as_of.year:
        return None
    if _REPORT.search(text) and "公开" in text:
        return year
    if in_report_column and (_REPORT.search(text) or _YEAR_ONLY.match(unicodedata.normalize("NFKC", text))):
        return year
    return None


_BARE_COLUMN_NAMES = frozenset({"年度报告", "年报", "工作年报"})


@lru_cache(maxsize=WORDS_CACHED)
def _names_report_column(text: str) -> bool:
    """A column name such as 政府信息公开年报, 公开年报 or plain 年度报告: the report words, no year.

    "统计年报" and "企业年报" name other columns.
    """
    if (
        not text
        or len(text) > 20
        or not _REPORT.search(text)
        or _year_of(text) is not None
        or _ABOUT_REPORTS.search(text)
    ):
        return False
    return "公开" in text or normalize(text) in _BARE_COLUMN_NAMES


@dataclass(frozen=True, slots=True)
class _ColumnEntry:
    """A link to the annual-report column, for evidence when a report is missing."""

    words: str
    url: str
    crawled: bool


def _report_columns(site: Site, names: TargetNames) -> tuple[dict[str, str], list[_ColumnEntry]]:
    """Annual-report column pages → the words that named them (ColumnName, title or an entry link),
    and the links to such columns, crawled or not."""
    columns: dict[str, str] = {}
    entries: dict[str, _ColumnEntry] = {}
    for page in site.pages_landing_first:
        if is_article(page):
            continue
        for name in (page.meta.get("columnname", ""), page.title):
            if _names_report_column(name):
                columns.setdefault(page.url, name)
        for link in page.links:
            if link.tag not in NAVIGABLE_TAGS or link.date:
                continue
            _, words = names.link_words(link)
            if not _names_report_column(words):
                continue
            target = site.page(link.url)
            crawled = target is not None and target.ok and target.is_html
            if crawled and target is not None and (target is site.landing or is_article(target)):
                continue
            entries.setdefault(link.url, _ColumnEntry(words, link.url, crawled))
            if crawled and target is not None:
                columns.setdefault(target.url, words)
    return columns, list(entries.values())


def _as_date(value: str | None, as_of: dt.date) -> dt.date | None:
    if not value or value.startswith("--"):
        return None
    date = dt.date.fromisoformat(value)
    return date if date <= as_of else None


_REPORT_LINK_TAGS = frozenset({LinkTag.A, LinkTag.AREA})


def _find_reports(site: Site, columns: dict[str, str], names: TargetNames) -> list[_Report]:
    """Every annual report linked or published on the site, one per URL, with its publication date.

    The date is the list item's date where the report is listed, else the report page's own
    publication date (PubDate, 发布日期), else the date its URL carries.
    """
    as_of = site.as_of
    titles: dict[str, tuple[int, str]] = {}
    item_dates: dict[str, dt.date] = {}
    for page in site.pages_landing_first:
        in_column = page.url in columns
        for link in page.links:
            if link.tag not in _REPORT_LINK_TAGS:
                continue
            _, words = names.link_words(link)
            if is_pagination(words):
                continue
            year = _report_year(words, in_column and link.region is Region.MAIN, as_of)
            if year is None:
                continue
            target = site.page(link.url)
            key = target.url if target is not None else link.url
            titles.setdefault(key, (year, words))
            if link.date and key not in item_dates:
                date = resolve_date(link.date, link.url, site)
                if date is not None:
                    item_dates[key] = date
        # An article in the annual-report column may be titled with its year only.
        filed = is_article(page) and _names_report_column(page.meta.get("columnname", ""))
        for name in (page.meta.get("articletitle", ""), page.title):
            year = _report_year(name, filed, as_of)
            if year is not None:
                titles.setdefault(page.url, (year, name))
                break
    reports = []
    for url, (year, title) in titles.items():
        report_page = site.page(url)
        date = item_dates.get(url)
        if date is None and report_page is not None and report_page.ok:
            date = _as_date(report_page.best_date(), as_of)
        if date is None:
            date = _as_date(date_from_url(url), as_of)
        reports.append(_Report(year, title, url, date))
    return reports


def _deadline(ctx: Context, year: int) -> dt.date:
    """The last day the report of `year` may be published."""
    if year <= _OLD_RULES_LAST_YEAR:
        return dt.date(year + 1, 3, 31)
    month = min(max(int(ctx.option("GK401", "deadline_month")), 1), 12)
    day = min(max(int(ctx.option("GK401", "deadline_day")), 1), calendar.monthrange(year + 1, month)[1])
    return dt.date(year + 1, month, day)


def _by_year(reports: list[_Report]) -> dict[int, _Report]:
    """Each year's report; when a year is found more than once, the earliest dated one."""
    best: dict[int, _Report] = {}
    for report in reports:
        seen = best.get(report.year)
        if seen is None or (report.date is not None and (seen.date is None or report.date < seen.date)):
            best[report.year] = report
    return dict(sorted(best.items(), reverse=True))


def _listing(by_year: dict[int, _Report]) -> str:
    if not by_year:
        return "无"
    return "、".join(f"{year}年（{r.date.isoformat() if r.date else '发布日期不详'}）" for year, r in by_year.items())


def _gaps(by_year: dict[int, _Report], required: int) -> list[int]:
    """Years between the oldest report found and the required one that have no report."""
    if not by_year:
        return []
    return [y for y in range(min(by_year), required) if y not in by_year]


def annual_report_missing_or_late(ctx: Context) -> Iterator[Finding]:
    """年度报告缺失或逾期：上一年度的政府信息公开工作年度报告没有发布，或晚于法定期限发布。

    ## 检查内容
    在所有页面的链接、列表条目和文章标题中查找政府信息公开工作年度报告：标题须含年份（如「2025年」）
    和「年度报告」「公开年报」「年报」等字样（年报栏目中只写年份的条目也算）。「政府工作报告」「统计年报」
    等不含「公开」的标题不算。证据是报告本身：关于报告的通知（「关于做好2025年度政府信息公开工作年度报告编制
    公布工作的通知」「……年报发布工作的通知」，含通知、报送、编制、做好……工作等字样）不是报告，同一列表中
    既有通知又有报告时取报告。发布日期取列表条目上的日期，没有时取报告页面的发布日期（PubDate、发布日期），
    再没有时取网址中的日期。

    应有的报告是检查日期（--as-of）上一年度的报告：部门的年度报告应于次年 1 月 31 日前发布，
    一级政府的应于 3 月 31 日前发布（rules.GK401.deadline_month / deadline_day，默认 1 / 31）；
    2018 年度及以前的报告按 2007 年条例一律为次年 3 月 31 日。检查日期还在上一年度报告的期限之内时，
    检查再前一年度的报告。找到但晚于期限发布的判为「逾期」（rules.GK401.late_deduction），找不到的判为
    「缺失」（rules.GK401.deduction）；找到但没有任何发布日期的为「待核实」。找不到报告、而年报栏目的入口
    指向没有抓取的页面（常见于设在市政府信息公开平台、在抓取范围之外的栏目）时，由人工核对。证据列出网站上
    找到的全部年度及其发布日期，并指出中间缺少的年度。

    ## 依据
    《中华人民共和国政府信息公开条例》（2019年修订）第四十九条：县级以上人民政府部门应当在每年 1 月 31 日
    前向本级政府信息公开工作主管部门提交本行政机关上一年度政府信息公开工作年度报告并向社会公布；县级以上
    地方人民政府的政府信息公开工作主管部门应当在每年 3 月 31 日前向社会公布本级政府上一年度政府信息公开工作
    年度报告。第五十条规定报告的内容。2007 年条例第三十一条：每年 3 月 31 日前公布。

    ## 如何整改
    在「政府信息公开年报」栏目按期发布上一年度的年度报告，标题写明年度（如「××局2025年政府信息公开工作
    年度报告」），并显示发布日期；历年报告应保留在栏目中，不要删除。
    """
    site = ctx.site
    as_of = site.as_of
    columns, entries = _report_columns(site, ctx.names)
    by_year = _by_year(_find_reports(site, columns, ctx.names))
    required = as_of.year - 1
    note = ""
    if as_of <= _deadline(ctx, required):
        note = f"（{required}年度报告的期限 {_deadline(ctx, required)} 未到，检查上一年度）"
        required -= 1
    deadline = _deadline(ctx, required)
    subject = f"{required}年政府信息公开工作年度报告"
    gaps = _gaps(by_year, required)
    found = f"网站上的年度报告：{_listing(by_year)}"
    if gaps:
        found += f"；其间缺少：{'、'.join(f'{y}年' for y in gaps)}"
    report = by_year.get(required)
    if report is None:
        yield _missing_report(ctx, required, deadline, note, found if by_year else "", columns, entries, by_year)
        return
    shown = f"「{report.title}」"
    if report.date is None:
        yield Finding(
            "GK401",
            Status.UNVERIFIED,
            subject,
            url=report.url,
            evidence=f"{shown}没有发布日期，无法判断是否在 {deadline} 前发布{note}；{found}",
            message=f"{required}年度报告的发布日期待核实",
        )
    elif report.date > deadline:
        late = (report.date - deadline).days
        yield Finding(
            "GK401",
            Status.FAIL,
            subject,
            url=report.url,
            evidence=f"{shown}{report.date} 发布，晚于期限 {deadline} {late} 天{note}；{found}",
            message=f"{required}年度报告逾期发布",
            deduction=ctx.option("GK401", "late_deduction"),
        )
    else:
        yield Finding(
            "GK401",
            Status.PASS,
            subject,
            url=report.url,
            evidence=f"{shown}{report.date} 发布，不晚于期限 {deadline}{note}；{found}",
            message=f"{required}年度报告按期发布",
        )


def _missing_report(
    ctx: Context,
    year: int,
    deadline: dt.date,
    note: str,
    found: str,
    columns: dict[str, str],
    entries: list[_ColumnEntry],
    by_year: dict[int, _Report],
) -> Finding:
    """No report of the required year: a failure, unless the annual-report column was not crawled
    (often on the city's disclosure platform, outside the crawl), which a person must open."""
    site = ctx.site
    subject = f"{year}年政府信息公开工作年度报告"
    where = found or f"在 {len(site.html_pages)} 个页面的链接和标题中未找到：{_REPORT_SEARCHED}"
    evidence = f"未找到{year}年度报告（期限 {deadline}）{note}；{where}"
    unread = [e for e in entries if not e.crawled and not _opens_broken(ctx, e.url)]
    if columns:
        url, name = next(iter(columns.items()))
        evidence += f"；年报栏目「{name}」：{url}"
    elif unread:
        entry = unread[0]
        return Finding(
            "GK401",
            Status.MANUAL,
            subject,
            url=entry.url,
            evidence=f"{evidence}；年报栏目入口「{entry.words}」 → {entry.url} 未抓取（站外或未到达），"
            f"请人工核对该栏目中的{year}年度报告及其发布日期",
            message=f"{year}年度报告需人工核对",
        )
    elif entries:
        url = entries[0].url
        evidence += f"；年报栏目入口「{entries[0].words}」 → {url} 无法打开"
    else:
        url = next(iter(by_year.values())).url if by_year else site.landing_url
    return Finding(
        "GK401",
        Status.FAIL,
        subject,
        url=url,
        evidence=evidence,
        message=f"缺少{year}年度政府信息公开工作年度报告",
        deduction=ctx.option("GK401", "deduction"),
    )


def _opens_broken(ctx: Context, url: str) -> bool:
    page = ctx.site.page(url)
    return ctx.verdict(url) is Verdict.BROKEN or (page is not None and not page.ok)


# -- GK402 disclosure-guide-incomplete --------------------------------------------------------------

_GUIDE_ALIASES = Aliases(("政府信息公开指南", "信息公开指南", "公开指南"))
_GUIDE_SEARCHED = "政府信息公开指南、信息公开指南、公开指南"
_TEMPLATE_PEERS = 30
"""Pages a guide page is compared with to tell its own text from the site's header, nav and footer."""


@dataclass(frozen=True, slots=True)
class _Element:
    """Something Art. 12 says the guide must state, and the labels a guide states it under."""

    name: str
    required: bool
    labels: str
    """The labels, for evidence."""
    pattern: re.Pattern[str]


_ELEMENTS = (
    _Element(
        "工作机构",
        True,
        "工作机构、办公机构、受理机构、机构名称",
        re.compile(r"(?:工作|办公|受理|负责)机构|机构名称|受理(?:单位|部门)"),
    ),
    # Not 邮箱地址 or 网站地址: those are the online contact, not where the office is.
    _Element(
        "地址",
        True,
        "地址、办公地址、通信地址、办公地点",
        re.compile(r"(?<!邮箱)(?<!邮件)(?<!网站)(?<!网络)(?<!网页)(?<!电子)地址|(?:办公|受理|接待)地点"),
    ),
    _Element(
        "办公时间", True, "办公时间、受理时间、工作时间、接待时间", re.compile(r"(?:办公|受理|工作|接待|上班)时间")
    ),
    # 热线 only with its number: "清晨热线" is a column name.
    _Element("电话", True, "电话、联系电话、咨询电话、热线", re.compile(r"(?<!传真)电话|热线[\s:：]*\d")),
    _Element("传真", False, "传真", re.compile(r"传真")),
    _Element(
        "互联网联系方式",
        False,
        "电子邮箱、电子邮件、邮箱、网上申请",
        re.compile(r"电子邮箱|电子邮件|邮箱|e-?mail|[\w.-]+@[\w-]+(?:\.[\w-]+)+|网上申请|在线申请", re.I),
    ),
)


def _names_guide(text: str) -> bool:
    """Names the 政府信息公开指南; the 依申请公开指南 is another document."""
    if len(text) <= _WORDS_MAX:
        return _words_name_guide(text)
    return may_contain(text, ("公开指南",)) and "公开指南" in normalize(text).replace("依申请公开指南", "")


_WORDS_MAX = 200
"""Link words and titles up to this long are looked at once (cached); longer is a page's whole text."""


@lru_cache(maxsize=WORDS_CACHED)
def _words_name_guide(text: str) -> bool:
    return "公开指南" in normalize(text).replace("依申请公开指南", "")


@dataclass
class _Guide:
    pages: list[tuple[Page, str]]
    """Readable guide pages and how each was found."""
    unread: list[tuple[str, str]]
    """Guide entries whose content could not be read here: (url, why)."""
    broken: list[tuple[str, str]]
    """Guide entries that do not open: (url, evidence)."""


def _find_guide(site: Site, names: TargetNames, verdict: Callable[[str], Verdict | None]) -> _Guide:
    pages: dict[str, tuple[Page, str]] = {}
    unread: dict[str, str] = {}
    broken: dict[str, str] = {}
    for page in site.pages_landing_first:
        for name, via in (
            (page.meta.get("articletitle", ""), "页面标题"),
            (page.title, "页面标题"),
            (page.meta.get("columnname", ""), "栏目标识"),
        ):
            if name and _names_guide(name) and page.ok:
                pages.setdefault(page.url, (page, f"{via}「{name}」"))
                break
    for page in site.pages_landing_first:
        for link in page.links:
            if link.tag not in NAVIGABLE_TAGS:
                continue
            how, words = names.link_words(link)
            if not _names_guide(words):
                continue
            seen = f"{link_label(how, words)}（{page.url}）"
            target = site.page(link.url)
            if target is not None and target.ok and target.is_html:
                if target is not site.landing or target.url in pages:
                    pages.setdefault(target.url, (target, seen))
            elif site.is_attachment(link.url) and verdict(link.url) is not Verdict.BROKEN:
                unread.setdefault(link.url, f"指南为附件，{seen}")
            elif verdict(link.url) is Verdict.BROKEN or (target is not None and not target.ok):
                check = site.checks.get(link.url)
                why = f"（HTTP {check.status}）" if check is not None and check.status else ""
                broken.setdefault(link.url, f"{seen} → {link.url} 无法打开{why}")
            else:
                unread.setdefault(link.url, f"指南页面未抓取（站外或未到达），{seen}")
    return _Guide(list(pages.values()), list(unread.items()), list(broken.items()))


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _own_text(site: Site, page: Page, guides: set[str]) -> tuple[str, str]:
    """The page's own text and its template text (header, navigation, footer), told apart by
    comparing it with pages of the same site that are not guides: the words they share at the start
    and at the end are the template.
    """
    tokens = page.text.split()
    backwards = tokens[::-1]
    peers: dict[str, Page] = {}
    candidates = [site.landing] + [site.page(u) for u in site.found_on.get(page.url, [])]
    candidates += [site.page(link.url) for link in page.links if link.tag in NAVIGABLE_TAGS]
    for peer in candidates:
        if (
            peer is None
            or peer is page
            or peer.url in peers
            or peer.url in guides
            or not peer.is_html
            or not peer.text
            or peer.text == page.text
        ):
            continue
        peers[peer.url] = peer
        if len(peers) >= _TEMPLATE_PEERS:
            break
    head = tail = 0
    for peer in peers.values():
        other = peer.text.split()
        head = max(head, _common_prefix(tokens, other))
        tail = max(tail, _common_prefix(backwards, other[::-1]))
    if head + tail >= len(tokens):
        return "", page.text
    return " ".join(tokens[head : len(tokens) - tail]), " ".join(tokens[:head] + tokens[len(tokens) - tail :])


_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTE_END = re.compile(r"[\s；;。]")


def _quote(text: str, m: re.Match[str], after: int = 40, least: int = 10) -> str:
    """The label found, with up to two more characters of its word before it (办公地址), and what follows
    up to the end of that clause (a gap, ；or 。after at least `least` characters), for evidence."""
    start = m.start()
    while start > 0 and m.start() - start < 2 and _CJK.match(text[start - 1]):
        start -= 1
    end = min(len(text), m.end() + after)
    stop = _QUOTE_END.search(text, m.end() + least, end)
    return text[start : stop.start() if stop else end].strip()


@dataclass(frozen=True, slots=True)
class _Seen:
    url: str
    words: str
    in_template: bool


def _look_for(element: _Element, texts: list[tuple[Page, str, str]]) -> _Seen | None:
    """Where the element is stated: in a guide's own text first, else only in its template."""
    for page, own, _ in texts:
        m = element.pattern.search(own)
        if m:
            return _Seen(page.url, _quote(own, m), False)
    for page, _, template in texts:
        m = element.pattern.search(template)
        if m:
            return _Seen(page.url, _quote(template, m), True)
    return None


def disclosure_guide_incomplete(ctx: Context) -> Iterator[Finding]:
    """公开指南缺失或要素不全：找不到政府信息公开指南，或指南没有写明工作机构、地址、办公时间、电话。

    ## 检查内容
    政府信息公开指南是名称（页面标题、ArticleTitle、栏目标识 ColumnName）为「政府信息公开指南」「公开指南」
    的页面，或这样命名的链接所到的页面（「依申请公开指南」是另一份文件，不算）；没有文字的图片链接按其所到
    页面的名称（标题、当前位置、栏目标识）认定。在指南页面的正文中查找：
    工作机构（工作机构、办公机构、受理机构、机构名称）、地址（办公地址、通信地址、办公地点）、办公时间
    （受理时间、工作时间）、电话（联系电话、咨询电话），每项一条结果；传真和互联网联系方式（电子邮箱、
    网上申请）在指南这一条的证据中列出有无，不单独判定。正文不含全站通用的页眉、导航和页脚：页脚里的
    「地址」「电话」是网站主办单位的，不是指南写明的。

    找不到指南时只报告一条「政府信息公开指南」缺失。指南只以附件（doc、pdf）提供或指南页面未被抓取时，
    由人工核对；页面上只有「政府信息公开指南」字样而没有可以打开的链接（如由脚本打开）时，也由人工核对。

    ## 依据
    《中华人民共和国政府信息公开条例》（2019年修订）第十二条：行政机关编制、公布的政府信息公开指南应当
    包括政府信息的分类、编排体系、获取方式和政府信息公开工作机构的名称、办公地址、办公时间、联系电话、
    传真号码、互联网联系方式等内容，并及时更新。

    ## 如何整改
    在政务公开专栏设置「政府信息公开指南」，以网页正文（而不只是附件）写明政府信息公开工作机构的名称、
    办公地址、办公时间、联系电话、传真号码和电子邮箱，并在机构或联系方式变化后及时更新。
    """
    site = ctx.site
    guide = _find_guide(site, ctx.names, ctx.verdict)
    subject = "政府信息公开指南"
    if not guide.pages:
        yield _no_guide_page(ctx, guide)
        return
    urls = {page.url for page, _ in guide.pages}
    texts = [(page, *_own_text(site, page, urls)) for page, _ in guide.pages]
    seen = {element.name: _look_for(element, texts) for element in _ELEMENTS}
    first, _how = guide.pages[0]
    optional = []
    for element in _ELEMENTS:
        if not element.required:
            hit = seen[element.name]
            optional.append(
                f"{element.name}：有「{hit.words}」" if hit and not hit.in_template else f"{element.name}：未写明"
            )
    shown = [how for _, how in guide.pages[:PAGES_SHOWN]]
    attachments = [why for _, why in guide.unread]
    evidence = f"指南页面：{'；'.join(shown)}；" + "；".join(optional)
    if attachments:
        evidence += "；另有" + "；".join(attachments)
    yield Finding("GK402", Status.PASS, subject, url=first.url, evidence=evidence, message="有政府信息公开指南")
    read = [page.url for page, _ in guide.pages]
    for element in _ELEMENTS:
        if element.required:
            yield _element_finding(ctx, element, seen[element.name], read, guide)


def _element_finding(ctx: Context, element: _Element, hit: _Seen | None, read: list[str], guide: _Guide) -> Finding:
    subject = f"政府信息公开指南：{element.name}"
    if hit is not None and not hit.in_template:
        return Finding(
            "GK402",
            Status.PASS,
            subject,
            url=hit.url,
            evidence=f"正文「{hit.words}」",
            message=f"指南写明了{element.name}",
        )
    searched = f"在指南页面 {pages_named(read)} 的正文中未找到：{element.labels}"
    if hit is not None:
        searched += f"（只在页眉页脚等全站通用部分有「{hit.words}」，那是网站主办单位的信息，不是指南写明的）"
    if guide.unread:
        url, why = guide.unread[0]
        return Finding(
            "GK402",
            Status.MANUAL,
            subject,
            url=url,
            evidence=f"{searched}；{why}，请人工核对附件或该页面是否写明{element.name}",
            message=f"指南的{element.name}需人工核对",
        )
    return Finding(
        "GK402",
        Status.FAIL,
        subject,
        url=read[0],
        evidence=searched,
        message=f"指南未写明{element.name}",
        deduction=ctx.option("GK402", "deduction"),
    )


def _no_guide_page(ctx: Context, guide: _Guide) -> Finding:
    site = ctx.site
    subject = "政府信息公开指南"
    if guide.unread:
        url, why = guide.unread[0]
        return Finding(
            "GK402",
            Status.MANUAL,
            subject,
            url=url,
            evidence=f"{why}；请人工核对指南是否写明工作机构、地址、办公时间、电话",
            message="政府信息公开指南需人工核对",
        )
    if guide.broken:
        url, why = guide.broken[0]
        return Finding(
            "GK402",
            Status.FAIL,
            subject,
            url=site.found_on.get(url, [url])[0],
            evidence=why,
            message="政府信息公开指南无法打开",
            deduction=ctx.option("GK402", "deduction"),
        )
    mention = _text_mention(site, _names_guide, _GUIDE_ALIASES)
    if mention:
        url, words = mention
        return Finding(
            "GK402",
            Status.MANUAL,
            subject,
            url=url,
            evidence=f"页面文字中有「{words}」，但没有可以打开的链接（可能由脚本打开），请人工核对指南",
            message="政府信息公开指南需人工核对",
        )
    return Finding(
        "GK402",
        Status.FAIL,
        subject,
        url=site.landing_url,
        evidence=f"在 {len(site.html_pages)} 个页面的链接和标题中未找到：{_GUIDE_SEARCHED}",
        message="缺少政府信息公开指南",
        deduction=ctx.option("GK402", "deduction"),
    )


# -- GK403 disclosure-catalogue-missing ------------------------------------------------------------

_CATALOGUE_LABELS = ("政府信息公开目录", "信息公开目录", "公开目录")
_CATALOGUE_ALIASES = Aliases(_CATALOGUE_LABELS)


def disclosure_catalogue_missing(ctx: Context) -> Iterator[Finding]:
    """公开目录缺失：网站上找不到政府信息公开目录。

    ## 检查内容
    在所有页面（文章页除外）的链接文字、图片说明、页面标题和栏目标识（ColumnName）中查找「政府信息公开目录」
    「信息公开目录」「公开目录」；没有文字的图片链接按其所到页面的名称（标题、当前位置、栏目标识）认定。
    标题提到目录的新闻（如「关于更新公开目录的通知」）和列表中的带日期条目不算入口。页面上只有这些字样而没有可以打开的链接（如由脚本打开）时，由人工核对。

    ## 依据
    《中华人民共和国政府信息公开条例》（2019年修订）第十二条：行政机关编制、公布的政府信息公开目录应当
    包括政府信息的索引、名称、内容概述、生成日期等内容，并及时更新。

    ## 如何整改
    在政务公开专栏设置「政府信息公开目录」入口，按索引号、名称、内容概述、生成日期编排主动公开的信息。
    """
    site = ctx.site
    subject = "政府信息公开目录"
    found = find_on_site(site, _CATALOGUE_ALIASES, ctx.names)
    if found:
        first = found[0]
        yield Finding(
            "GK403", Status.PASS, subject, url=first.page, evidence=first.evidence(), message="有政府信息公开目录"
        )
        return
    mention = _text_mention(site, _CATALOGUE_ALIASES.hit, _CATALOGUE_ALIASES)
    if mention:
        url, words = mention
        yield Finding(
            "GK403",
            Status.MANUAL,
            subject,
            url=url,
            evidence=f"页面文字中有「{words}」，但没有可以打开的链接（可能由脚本打开），请人工核对目录",
            message="政府信息公开目录需人工核对",
        )
        return
    yield Finding(
        "GK403",
        Status.FAIL,
        subject,
        url=site.landing_url,
        evidence=f"在 {len(site.html_pages)} 个页面中未找到：{'、'.join(_CATALOGUE_LABELS)}",
        message="缺少政府信息公开目录",
        deduction=ctx.option("GK403", "deduction"),
    )
