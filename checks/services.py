"""7xx: online services — 办事指南 with every element class, and the forms they name downloadable."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from core.model import NAVIGABLE_TAGS, Link, LinkTag, Page, Region, Verdict
from core.urls import path_of

from .columns import Column
from .context import Context
from .finding import Finding, Severity, Status
from .matching import WORDS_CACHED, Aliases

GUIDE_WORDS = ("办事指南", "服务指南")
"""A column or page with one of these in its name holds service guides."""
ENTRY_WORDS = (*GUIDE_WORDS, "办事服务", "政务服务", "网上办事", "在线办事", "办事大厅")
"""Entries that may lead to the guides on another platform (the province's 政务服务网)."""

ELEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("事项名称", ("事项名称", "项目名称", "服务名称", "审批项目", "许可事项", "服务事项", "事项名")),
    (
        "设定依据",
        (
            "设定依据",
            "法律依据",
            "办理依据",
            "实施依据",
            "政策依据",
            "法定依据",
            "审批依据",
            "许可依据",
            "受理依据",
            "法规依据",
            "设立依据",
        ),
    ),
    (
        "申请条件",
        (
            "申请条件",
            "受理条件",
            "办理条件",
            "申报条件",
            "许可条件",
            "准予许可的条件",
            "申请人条件",
            "准入条件",
            "申请资格",
        ),
    ),
    (
        "办理材料",
        (
            "办理材料",
            "申请材料",
            "提交材料",
            "申报材料",
            "所需材料",
            "申请资料",
            "材料目录",
            "提交资料",
            "材料清单",
            "所需资料",
            "应提交的材料",
            "需提交的材料",
            "要件",
        ),
    ),
    (
        "办理地点",
        (
            "办理地点",
            "受理地点",
            "办理窗口",
            "受理窗口",
            "办公地点",
            "办理地址",
            "受理地址",
            "窗口地址",
            "服务窗口",
            "办理场所",
            "受理机构地址",
        ),
    ),
    ("办理时间", ("办理时间", "受理时间", "办公时间", "工作时间", "窗口时间", "服务时间", "窗口办公时间")),
    ("联系电话", ("联系电话", "咨询电话", "联系方式", "咨询方式", "服务电话", "办公电话", "受理电话", "咨询投诉电话")),
    (
        "办理流程",
        (
            "办理流程",
            "办理程序",
            "办事流程",
            "受理程序",
            "审批流程",
            "审批程序",
            "工作流程",
            "办理步骤",
            "流程图",
            "申请程序",
            "许可程序",
            "办理环节",
            "办事程序",
            "审批步骤",
        ),
    ),
)
"""The eight element classes of a 办事指南 and the labels portals use for each."""

FORM_NAMES = ("申请表", "申请书")
"""Words in a guide's text that name a form the applicant must fill in."""
BASELINE_PAGES = 12
"""Pages (not guides) sampled for the template's own words: a footer's 联系电话 is not the guide's."""
_SPACE = re.compile(r"\s+")
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-—–]\s+")
_LIST_PAGE_DATED = 3


def _norm(text: str) -> str:
    """Page text as labels are compared in: NFKC, no white space (portals space out 办 理 地 点)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class Guide:
    page: Page
    title: str
    named: bool
    """The title names the matter (`成品油零售经营资格审批办事指南`): the 事项名称 element is there."""


@dataclass
class Guides:
    """The site's service guides, what could not be read, and how the rules found (or missed) them."""

    ctx: Context
    guides: list[Guide]
    unread: list[tuple[str, str]]
    """(title, URL) of guide items that are attachments, off-site or not fetched."""
    columns: list[Column]
    entries: list[Link]
    """Links named 办事指南/办事服务… (when no guide was found: where the guides may be)."""

    @cached_property
    def baseline(self) -> list[str]:
        """Normalised texts of ordinary pages, whose common words belong to the site's template."""
        guide_urls = {g.page.url for g in self.guides}
        pages = [p for p in self.ctx.site.html_pages if p.ok and p.url not in guide_urls and not p.is_entry_stub][
            :BASELINE_PAGES
        ]
        return [_norm(p.text) for p in pages]

    def count(self, text: str, label: str) -> int:
        """How often `label` appears in a guide's text beyond what ordinary pages show (the lower median).

        The median, not the minimum: an odd page without the footer must not make the footer the guide's.
        """
        counts = sorted(t.count(label) for t in self.baseline)
        template = counts[(len(counts) - 1) // 2] if counts else 0
        return max(0, text.count(label) - template)


_EDITION = re.compile(r"(?:[(（\[【][^()（）\[\]【】]{0,20}[)）\]】])+$")


@lru_cache(maxsize=WORDS_CACHED)
def _guide_title(title: str) -> bool:
    """`成品油零售经营资格审批办事指南` (an edition in brackets may follow): a guide named after its matter.

    A bare `办事指南` is the column; `关于印发……办事指南的通知` is news about a guide.
    """
    norm = _EDITION.sub("", _norm(title))
    return any(norm.endswith(word) and len(norm) > len(word) for word in GUIDE_WORDS)


def _names(page: Page) -> list[str]:
    names = [page.meta.get("articletitle", ""), *page.headings, *_TITLE_SPLIT.split(page.title)]
    return [n for n in names if n]


def _title(page: Page) -> str:
    names = _names(page)
    for name in names:
        if _guide_title(name):
            return name
    if page.meta.get("articletitle"):
        return page.meta["articletitle"]
    parts = [p for p in _TITLE_SPLIT.split(page.title) if p]
    return parts[0] if parts else page.url


def _is_list(page: Page) -> bool:
    return sum(1 for link in page.links if link.date and link.region is Region.MAIN) >= _LIST_PAGE_DATED


def find_guides(ctx: Context) -> Guides:
    """The guides: items of every 办事指南/服务指南 column (and of its sub-columns), and pages titled `…办事指南`."""
    site = ctx.site
    aliases = Aliases(GUIDE_WORDS)
    by_url = {c.url: c for c in ctx.columns}
    column_pages = {u for c in ctx.columns for u in c.pages}
    columns = [c for c in ctx.columns if aliases.hit(c.name)]
    guides: list[Guide] = []
    unread: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(page: Page) -> None:
        if page.url in seen:
            return
        seen.add(page.url)
        guides.append(Guide(page, _title(page), any(_guide_title(n) for n in _names(page))))

    def take(column: Column, depth: int) -> None:
        for item in column.items:
            page = site.page(item.url)
            if page is not None and page.is_html and page.ok:
                sub = by_url.get(page.url)
                if sub is not None or page.url in column_pages:
                    if sub is not None and depth < 2:
                        take(sub, depth + 1)
                    continue
                if page is site.landing or _is_list(page):
                    continue
                add(page)
            elif item.url not in seen:
                seen.add(item.url)
                unread.append((item.title, item.url))

    for column in columns:
        take(column, 1)
    landing = site.landing
    for page in site.html_pages:
        if not page.ok or page.url in seen or page.url in column_pages or page is landing or _is_list(page):
            continue
        if any(_guide_title(n) for n in [page.meta.get("articletitle", ""), *_TITLE_SPLIT.split(page.title)] if n):
            add(page)
    entries: list[Link] = []
    if not guides and not unread:
        entry_words = Aliases(ENTRY_WORDS)
        for page in site.html_pages:
            for link in page.links:
                if (
                    link.tag in NAVIGABLE_TAGS
                    and not link.date
                    and link.text
                    and len(link.text) <= 16
                    and entry_words.hit(link.text)
                    and all(e.url != link.url for e in entries)
                ):
                    entries.append(link)
    return Guides(ctx, guides, unread, columns, entries)


def _elements(guides: Guides, guide: Guide) -> tuple[list[str], list[str]]:
    """The element classes a guide carries and those it lacks, in the standard order."""
    text = _norm(guide.page.text)
    have, lack = [], []
    for name, labels in ELEMENTS:
        if (name == "事项名称" and guide.named) or any(guides.count(text, label) for label in labels):
            have.append(name)
        else:
            lack.append(name)
    return have, lack


def service_guide_incomplete(ctx: Context) -> Iterator[Finding]:
    """办事指南要素缺失：办事指南缺少事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程中的某类要素。

    ## 检查内容
    办事指南是名称含「办事指南」「服务指南」的栏目（含其子栏目）中的条目，以及标题为「……办事指南」的页面。
    在每份指南的正文中查找八类要素及其常用别称：事项名称（项目名称；指南标题写明事项的，如
    「成品油零售经营资格审批办事指南」，视为具备）、设定依据（法律依据、办理依据、实施依据）、申请条件
    （受理条件、办理条件）、办理材料（申请材料、提交材料、申报材料）、办理地点（受理地点、办理窗口、受理窗口）、
    办理时间（受理时间、办公时间）、联系电话（咨询电话、联系方式）、办理流程（办理程序、受理程序、办事流程）。
    栏目条目的标题不是「……办事指南」的，须在正文中写明「事项名称」等标签。网站大多数页面都有的文字
    （如页脚的「联系电话」）不算指南的要素。

    每份缺要素的指南报告一条，列出所缺要素类别。扣分按要素类别计算、全站每类只扣一次（每类 2 分，
    配置 rules.GK701.deduction）：某类要素第一次在某份指南中缺失时由该条报告扣分，其他指南再缺同一类不重复扣分。
    网站没有任何办事指南时报告一条「不通过」（配置 deduction_none，默认按八类要素全部缺失计 16 分）；
    办事指南入口指向站外平台（如政务服务网）或指南为附件、未抓取时无法检查，为「待核实」。
    2019 年检查指标把办事指南要素缺失列为「服务不实用」单项否决，但触发数量未经确认：配置 veto_at 大于 0 时，
    按 2019 口径缺要素的指南达到该数量即按单项否决报告；默认 0，不作否决。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）「服务实用情况—办事指南」：办事指南要素的完整性、准确性，
    缺少一类要素扣 2 分。《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「服务不实用」：
    办事指南要素缺失。

    ## 如何整改
    按统一模板补全每份办事指南的八类要素：事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、
    联系电话、办理流程，并与政务服务平台上的事项信息保持一致。
    """
    site = ctx.site
    found = ctx.derived("guides", find_guides)
    where = site.landing_url
    if not found.guides:
        yield from _no_guides(ctx, found, where)
        return
    per_class = ctx.option("GK701", "deduction")
    veto_at = ctx.option("GK701", "veto_at")
    results = [(guide, *_elements(found, guide)) for guide in found.guides]
    incomplete = sum(1 for _g, _have, lack in results if lack)
    veto = ctx.options.basis != "2015" and veto_at > 0 and incomplete >= veto_at
    charged: set[str] = set()
    for guide, have, lack in results:
        if not lack:
            yield Finding(
                "GK701",
                Status.PASS,
                guide.title,
                url=guide.page.url,
                evidence="八类要素齐全",
                message="办事指南要素齐全",
            )
            continue
        new = [name for name in lack if name not in charged]
        charged.update(new)
        repeat = [name for name in lack if name not in new]
        note = f"（{'、'.join(repeat)}已在其他指南中扣分）" if repeat else ""
        yield Finding(
            "GK701",
            Status.FAIL,
            guide.title,
            url=guide.page.url,
            evidence=f"缺少 {len(lack)} 类要素：{'、'.join(lack)}{note}；已有：{'、'.join(have) or '无'}",
            message="办事指南要素不全",
            deduction=per_class * len(new),
            severity=Severity.VETO if veto else None,
        )
    if found.unread:
        title, url = found.unread[0]
        yield Finding(
            "GK701",
            Status.UNVERIFIED,
            f"未检查的办事指南（{len(found.unread)} 份）",
            url=url,
            evidence=f"「{title}」等 {len(found.unread)} 份指南为附件、在站外或未抓取，未检查要素",
            message="办事指南待核实",
        )


def _no_guides(ctx: Context, found: Guides, where: str) -> Iterator[Finding]:
    site = ctx.site
    if found.unread:
        title, url = found.unread[0]
        yield Finding(
            "GK701",
            Status.UNVERIFIED,
            "办事指南",
            url=url,
            evidence=f"「{title}」等 {len(found.unread)} 份指南为附件、在站外或未抓取，未检查要素",
            message="办事指南待核实",
        )
        return
    outside = [link for link in found.entries if (page := site.page(link.url)) is None or not page.is_html]
    if outside:
        link = outside[0]
        yield Finding(
            "GK701",
            Status.UNVERIFIED,
            "办事指南",
            url=where,
            evidence=f"入口「{link.text}」 → {link.url}（{link.host or '站外'}）指向站外平台或未抓取的页面，未检查要素",
            message="办事指南在站外平台，待核实",
        )
        return
    columns = "、".join(c.name for c in found.columns)
    searched = (
        f"栏目「{columns}」中没有可检查的指南"
        if columns
        else f"在 {len(site.html_pages)} 个页面中未找到办事指南（{'、'.join(GUIDE_WORDS)}）"
    )
    if site.crawl.page_limit_reached:
        yield Finding(
            "GK701",
            Status.UNVERIFIED,
            "办事指南",
            url=where,
            evidence=f"{searched}；抓取达到页面数上限，未抓取的页面中可能有指南",
            message="办事指南待核实",
        )
        return
    yield Finding(
        "GK701",
        Status.FAIL,
        "办事指南",
        url=found.columns[0].url if found.columns else where,
        evidence=searched,
        message="网站未提供办事指南",
        deduction=ctx.option("GK701", "deduction_none"),
    )


def guide_form_not_downloadable(ctx: Context) -> Iterator[Finding]:
    """办事表格无法下载：办事指南中的表格、附件打不开，或指南提到申请表却没有提供下载。

    ## 检查内容
    办事指南的确定方法同 GK701。指南正文区域中指向附件（doc、docx、xls、xlsx、pdf、wps 等）的链接，
    即所需的办事表格和文件附件，逐个检查能否打开：能打开为通过；返回 404、500、连接被拒绝等为不通过，
    每个扣 1 分（配置 rules.GK702.deduction）；被拒绝访问、限流、超时或未检查的为「待核实」，不扣分。
    同一附件被多份指南引用时只报告一次。指南正文提到「申请表」「申请书」（不含每个页面都有的模板文字），
    但没有任何附件链接的，报告「未提供下载」，扣 1 分。
    失效附件同时是失效链接，由 GK301/GK302 另行计入。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）「服务实用情况—附件下载」：所需的办事表格、文件附件等资料
    能否正常下载，办事指南中提到的表格未提供下载或无法下载的，每个扣 1 分。
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）「服务不实用」中办事服务的可用性要求。

    ## 如何整改
    在每份办事指南中以附件形式提供所需的全部申请表格和范本，文件名写明表格名称，并定期检查附件能否下载。
    """
    found = ctx.derived("guides", find_guides)
    deduction = ctx.option("GK702", "deduction")
    reported: set[str] = set()
    for guide in found.guides:
        page = guide.page
        attachments = [
            link
            for link in page.links
            if link.tag in (LinkTag.A, LinkTag.AREA)
            and link.region is Region.MAIN
            and not link.url.startswith(("mailto:", "javascript:"))
            and ctx.site.is_attachment(link.url)
        ]
        if not attachments:
            text = _norm(page.text)
            named = [name for name in FORM_NAMES if found.count(text, name)]
            if named:
                yield Finding(
                    "GK702",
                    Status.FAIL,
                    f"{guide.title}：{'、'.join(named)}",
                    url=page.url,
                    evidence=f"指南正文提到「{'、'.join(named)}」，页面上没有可下载的附件",
                    message="办事表格未提供下载",
                    deduction=deduction,
                )
            continue
        for link in attachments:
            if link.url in reported:
                continue
            reported.add(link.url)
            name = link.text or link.title or path_of(link.url).rsplit("/", 1)[-1]
            evidence = f"链接「{name}」 → {link.url}"
            verdict = ctx.verdict(link.url)
            if verdict is Verdict.OK:
                yield Finding("GK702", Status.PASS, name, url=page.url, evidence=evidence, message="办事表格可以下载")
            elif verdict is Verdict.BROKEN:
                yield Finding(
                    "GK702",
                    Status.FAIL,
                    name,
                    url=page.url,
                    evidence=f"{evidence} 无法下载{ctx.describe(link.url)}",
                    message="办事表格无法下载",
                    deduction=deduction,
                )
            else:
                yield Finding(
                    "GK702",
                    Status.UNVERIFIED,
                    name,
                    url=page.url,
                    evidence=f"{evidence} 未能确认可以下载（服务器未给出明确结果）",
                    message="办事表格待核实",
                )
