"""6xx: interaction — consultation channels, answers to messages, surveys and online interviews."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from core.model import NAVIGABLE_TAGS, Link, LinkTag, Page, Verdict
from core.urls import host_of

from .columns import Column, ColumnItem, resolve_date
from .context import Context
from .finding import Finding, Severity, Status
from .matching import WORDS_CACHED, Aliases, is_article, normalize
from .options import Period

# -- consultation channels (GK601) ------------------------------------------------------------------

CHANNEL_WORDS = ("信箱", "咨询", "留言", "写信", "来信", "问政")
"""Words that name a 政务咨询 channel: 局长信箱, 领导信箱, 书记信箱, 市长信箱, 业务咨询, 我要写信, 留言板…"""
NOT_A_CHANNEL = ("电子信箱", "电子邮箱", "咨询电话", "咨询热线", "咨询方式", "咨询时间", "咨询地点", "咨询窗口")
"""Phrases that contain a channel word but are contact details, not a channel."""
EXCLUDED_WORDS = ("举报", "投诉", "信访", "访谈", "调查", "征集")
"""Kinds the inspection rules keep apart from 政务咨询: 举报投诉, petitions (信访), interviews, surveys.
A name with 咨询 in it (咨询投诉) still counts as consultation."""
CHANNEL_NAME_MAX = 16
"""Longer link texts are article titles, not a channel's name."""
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-—–]\s+")


@lru_cache(maxsize=WORDS_CACHED)
def _channel_hit(text: str) -> bool:
    norm = normalize(text)
    if not norm:
        return False
    for phrase in NOT_A_CHANNEL:
        norm = norm.replace(phrase, "")
    if not any(word in norm for word in CHANNEL_WORDS):
        return False
    return "咨询" in norm or not any(word in norm for word in EXCLUDED_WORDS)


@lru_cache(maxsize=WORDS_CACHED)
def _excluded_hit(text: str) -> bool:
    norm = normalize(text)
    return bool(norm) and "咨询" not in norm and any(word in norm for word in EXCLUDED_WORDS)


def _labels(page: Page) -> list[str]:
    """The names a page gives itself: its ColumnName and the parts of its <title>."""
    names = [page.meta.get("columnname", "")]
    names.extend(part for part in _TITLE_SPLIT.split(page.title) if part)
    return [n for n in names if n]


def _page_kind(page: Page) -> str:
    """'consult' for a 政务咨询 page, 'excluded' for 举报投诉/信访/访谈/调查征集 pages, else 'neutral'."""
    labels = _labels(page)
    if any(_channel_hit(n) for n in labels + [h for h in page.headings if len(h) <= CHANNEL_NAME_MAX]) and (
        any(_channel_hit(n) for n in labels) or not any(_excluded_hit(n) for n in labels)
    ):
        return "consult"
    if any(_excluded_hit(n) for n in labels):
        return "excluded"
    return "neutral"


@dataclass(frozen=True, slots=True)
class _Channel:
    page: str
    evidence: str
    usable: bool | None
    """True: opens (or is the crawled page itself); False: its link is broken; None: not known."""


def _channels(ctx: Context) -> Iterator[_Channel]:
    site = ctx.site
    for page in site.pages_landing_first:
        if not page.ok:
            continue
        if not is_article(page):
            column = page.meta.get("columnname", "")
            if column and _channel_hit(column):
                yield _Channel(page.url, f"栏目标识「{column}」", True)
            for part in _TITLE_SPLIT.split(page.title):
                if part and len(part) <= CHANNEL_NAME_MAX and _channel_hit(part):
                    yield _Channel(page.url, f"页面标题「{part}」", True)
                    break
            for heading in page.headings:
                if len(heading) <= CHANNEL_NAME_MAX and _channel_hit(heading):
                    yield _Channel(page.url, f"页面标题「{heading}」", True)
                    break
        for form in page.forms:
            if form.fields and _channel_hit(form.text):
                yield _Channel(page.url, f"表单「{form.text[:40]}」", True)
        for link in page.links:
            if link.tag not in NAVIGABLE_TAGS or link.date:
                continue
            words = link.text or link.title
            if not words or len(words) > CHANNEL_NAME_MAX or not _channel_hit(words):
                continue
            evidence = f"链接「{words}」 → {link.url}"
            if link.url.startswith("mailto:"):
                yield _Channel(page.url, evidence + "（电子邮件）", True)
                continue
            verdict = ctx.verdict(link.url)
            usable = True if verdict is Verdict.OK else False if verdict is Verdict.BROKEN else None
            yield _Channel(
                page.url,
                evidence if usable is not False else evidence + " 无法打开" + ctx.describe(link.url),
                usable,
            )


def _searched_pages(ctx: Context) -> int:
    return len(ctx.site.html_pages)


def consultation_channel_missing(ctx: Context) -> Iterator[Finding]:
    """政务咨询栏目缺失：网站没有可用的政务咨询类栏目（领导信箱、咨询、留言等在线渠道）。

    ## 检查内容
    在所有抓取到的页面的链接文字、栏目标识（ColumnName）、页面标题、小标题和表单文字中查找政务咨询类
    渠道：名称含「信箱」「咨询」「留言」「写信」「来信」「问政」的入口，如局长信箱、领导信箱、书记信箱、
    市长信箱、业务咨询、在线咨询、我要写信、留言板；指向电子邮箱（mailto）的信箱也算渠道。
    「咨询电话」「电子信箱」等联系方式不算渠道。名称只含「举报」「投诉」「信访」「访谈」「调查」「征集」的栏目
    不算政务咨询（检查指标把在线访谈、调查征集、举报投诉类栏目排除在外；网上信访按《信访条例》另行办理，
    也不算），名称同时含「咨询」的（如「咨询投诉」）仍算。带日期的列表条目和超过 16 个字的链接文字是文章，
    不是入口。

    找到入口但链接打不开（404、连接被拒绝等）时视为栏目不可用；入口链接未能核实时为「待核实」。
    没有找到任何渠道且抓取达到页面数上限时为「待核实」，不作否决。按 2019 年检查指标为单项否决；
    按 2015 年普查评分表扣 5 分（配置 rules.GK601.deduction）。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「互动回应差」：未开设政务咨询类栏目。
    《全国政府网站普查评分表》（国办发〔2015〕15号）「互动回应情况—政务咨询类栏目」：渠道建设情况，
    未开设政务咨询类栏目扣 5 分。

    ## 如何整改
    开设政务咨询类栏目（如局长信箱、在线咨询），在首页或互动交流栏目提供入口，确保留言表单可以正常提交，
    并公开办理规则和答复时限。
    """
    site = ctx.site
    where = site.landing_url
    veto = ctx.options.basis != "2015"
    severity = Severity.VETO if veto else Severity.MAJOR
    deduction = 0.0 if veto else ctx.option("GK601", "deduction")
    broken = unknown = None
    for channel in _channels(ctx):
        if channel.usable:
            yield Finding(
                "GK601",
                Status.PASS,
                "政务咨询栏目",
                url=channel.page,
                evidence=channel.evidence,
                message="有政务咨询类栏目",
                severity=severity,
            )
            return
        if channel.usable is False:
            broken = broken or channel
        else:
            unknown = unknown or channel
    if broken is not None and unknown is None:
        yield Finding(
            "GK601",
            Status.FAIL,
            "政务咨询栏目",
            url=broken.page,
            evidence=broken.evidence,
            message="政务咨询类栏目无法使用",
            deduction=deduction,
            severity=severity,
        )
        return
    if unknown is not None:
        yield Finding(
            "GK601",
            Status.UNVERIFIED,
            "政务咨询栏目",
            url=unknown.page,
            evidence=f"{unknown.evidence} 未能确认可以打开",
            message="政务咨询类栏目待核实",
            severity=severity,
        )
        return
    searched = f"在 {_searched_pages(ctx)} 个页面中未找到名称含{'、'.join(CHANNEL_WORDS)}的政务咨询类入口"
    if site.crawl.page_limit_reached:
        yield Finding(
            "GK601",
            Status.UNVERIFIED,
            "政务咨询栏目",
            url=where,
            evidence=f"{searched}；抓取达到页面数上限，未抓取的页面中可能有入口",
            message="政务咨询类栏目待核实",
            severity=severity,
        )
        return
    yield Finding(
        "GK601",
        Status.FAIL,
        "政务咨询栏目",
        url=where,
        evidence=searched,
        message="未开设政务咨询类栏目",
        deduction=deduction,
        severity=severity,
    )


# -- unanswered messages (GK602) --------------------------------------------------------------------

_ASKED = re.compile(r"(?:来信|留言|提问|咨询|写信|发信|信件|诉求)(?:时间|日期)[\s:：]*")
_REPLIED = re.compile(r"(?:回复|答复|办结|回信|反馈)(?:时间|日期)[\s:：]*")
_REPLY_TEXT = re.compile(r"(?:回复|答复)(?:内容|意见)[\s:：]*")
_TITLE = re.compile(r"(?:来信|留言|咨询|信件|问题)?(?:标题|主题)[\s:：]*")
_ANY_LABEL = re.compile(
    r"(?:来信|留言|提问|咨询|写信|发信|信件|诉求|回复|答复|办结|回信|反馈)(?:时间|日期|内容|意见|单位|部门)"
    r"|(?:来信|留言|咨询|信件|问题)?(?:标题|主题)[\s:：]|(?:办理|处理|回复|答复)?状态[\s:：]"
)
_NO_REPLY_TEXT = ("暂无", "无", "空", "待", "未", "尚未")
PENDING = (
    "未回复",
    "未答复",
    "待回复",
    "待答复",
    "处理中",
    "办理中",
    "未办结",
    "待处理",
    "未处理",
    "正在办理",
    "正在处理",
    "受理中",
    "未受理",
    "待办理",
)
ANSWERED = ("已回复", "已答复", "已办结", "已处理", "已反馈", "已回信", "已解答")
_SEGMENT_MAX = 600
_LETTER_TEXT = 3000
"""Characters of a letter's own page read for its reply (答复时间, 答复内容), past the site's header."""
_TITLE_BACK = 150
_ROW_MAX = 300
_STATUS_NEAR = 200
WINDOW = Period(1, "y")
"""Messages older than this before the as-of are outside the inspection."""


@dataclass(frozen=True, slots=True)
class _Message:
    page: str
    title: str
    date: dt.date
    state: str
    """'answered', 'pending' (the page says it is not answered), or 'unknown'."""
    shown: str
    """The words that told the state: 回复时间：2026-11-11, 办理状态：处理中…"""
    replied: dt.date | None = None


_DATE_AT = re.compile(
    r"[\[(（【]?\s*(\d{4})\s*(?:[-/.－／．]|年)\s*(\d{1,2})\s*(?:[-/.－／．]|月)\s*(\d{1,2})(?!\d)\s*[日号]?"
)


def _date_after(text: str, at: int) -> tuple[dt.date | None, int]:
    """The full date printed right at `at` (after a label), and where it ends."""
    m = _DATE_AT.match(text, at)
    if m is None:
        return None, at
    try:
        return dt.date(*(int(g) for g in m.groups())), m.end()
    except ValueError:
        return None, at


def _until_label(text: str, start: int, limit: int = 60) -> str:
    """The words from `start` up to the next label, for titles and reply texts."""
    m = _ANY_LABEL.search(text, start, start + limit + 20)
    end = m.start() if m else start + limit
    return text[start:end].strip(" ：:，,;；")[:limit]


def _state(segment: str, near: int = _ROW_MAX) -> tuple[str, str, dt.date | None]:
    """How a message stands from the text after its date: answered with a date, pending, or unknown.

    Status words (处理中, 已回复…) count only within `near` characters: further on they belong to the
    page's notes, not to this message.
    """
    m = _REPLIED.search(segment)
    while m:
        replied, end = _date_after(segment, m.end())
        if replied is not None:
            return "answered", " ".join(segment[m.start() : end].split()), replied
        m = _REPLIED.search(segment, m.end())
    for m in _REPLY_TEXT.finditer(segment):
        words = _until_label(segment, m.end())
        if len(words) >= 2 and not words.startswith(_NO_REPLY_TEXT):
            return "answered", f"{segment[m.start() : m.end()].strip()}{words[:20]}…", None
    rest = segment[:near]
    pending = [token for token in PENDING if token in rest]
    for token in pending:
        rest = rest.replace(token, "")
    answered = [token for token in ANSWERED if token in rest]
    if pending and not answered:
        return "pending", pending[0], None
    if answered and not pending:
        return "answered", answered[0], None
    return "unknown", "", None


def _labelled_messages(page: Page) -> list[_Message]:
    """Letters shown as 来信标题：… 来信时间：… 回复时间：… (the common TRS/信箱 layout).

    Each letter runs from its title label (or its date label when the title comes later) to the next
    letter's; the reply, if any, is read from the text after the letter's date.
    """
    text = page.text
    anchors: list[tuple[int, int, dt.date]] = []  # (date label start, date end, date)
    for m in _ASKED.finditer(text):
        date, end = _date_after(text, m.end())
        if date is not None:
            anchors.append((m.start(), end, date))
    heads: list[tuple[int, int | None]] = []  # (record start, where its title begins)
    previous_end = 0
    for start, end, _date in anchors:
        last_title = None
        for t in _TITLE.finditer(text, max(previous_end, start - _TITLE_BACK), start):
            last_title = t
        heads.append((last_title.start(), last_title.end()) if last_title else (start, None))
        previous_end = end
    messages = []
    for i, (_start, end, date) in enumerate(anchors):
        stop = heads[i + 1][0] if i + 1 < len(anchors) else len(text)
        segment = text[end : min(stop, end + _SEGMENT_MAX)]
        title_at = heads[i][1]
        if title_at is not None:
            title = _until_label(text, title_at)
        else:
            after = _TITLE.search(segment, 0, 100)
            title = _until_label(segment, after.end()) if after else ""
        state, shown, replied = _state(segment, _STATUS_NEAR)
        messages.append(_Message(page.url, title, date, state, shown, replied))
    return messages


def _listed_messages(ctx: Context, page: Page) -> list[_Message]:
    """Messages listed as rows (title, date, status) on a consultation page."""
    text = page.text
    # The page's own rows: not the template's latest-items box, not the 【字体：大 中 小】 tools of a row.
    rows = [
        link
        for link in ctx.template.own_links(page)
        if link.tag is LinkTag.A
        and link.date
        and len(link.text.strip()) > 1
        and link.url.startswith(("http://", "https://"))
    ]
    found: list[tuple[int, Link]] = []
    cursor = 0
    for link in rows:
        at = text.find(link.text, cursor)
        if at < 0:
            continue
        found.append((at, link))
        cursor = at + len(link.text)
    messages = []
    for i, (at, link) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        segment = text[at + len(link.text) : min(stop, at + _ROW_MAX)]
        date = resolve_date(link.date, link.url, ctx.site)
        if date is None:
            continue
        state, shown, replied = _state(segment)
        target = ctx.site.page(link.url)
        if state == "unknown" and target is not None and target.is_html:
            if _labelled_messages(target):
                continue  # the message's own page, crawled, says more (its letters are read there)
            # A letter page dated only by its 发布时间: its 答复时间 / 答复内容 tell whether it was answered.
            state, shown, replied = _state(target.text[:_LETTER_TEXT], _LETTER_TEXT)
        messages.append(_Message(page.url, link.text, date, state, shown, replied))
    return messages


def _messages(ctx: Context) -> list[_Message]:
    seen: dict[tuple[str, dt.date] | tuple[str, int], _Message] = {}
    order: list[tuple[str, dt.date] | tuple[str, int]] = []
    for page in ctx.site.html_pages:
        if not page.ok:
            continue
        kind = _page_kind(page)
        if kind == "excluded":
            continue
        if kind == "neutral" and not (_REPLIED.search(page.text) or _REPLY_TEXT.search(page.text)):
            continue
        found = _labelled_messages(page)
        if not found and kind == "consult":
            found = _listed_messages(ctx, page)
        for n, message in enumerate(found):
            key = (normalize(message.title)[:30], message.date) if message.title else (page.url, n)
            known = seen.get(key)
            if known is None:
                seen[key] = message
                order.append(key)
            elif known.state == "unknown" and message.state != "unknown":
                seen[key] = message
    return [seen[key] for key in order]


def _late(message: _Message, months: int) -> bool:
    """Answered, but more than `months` after it was asked."""
    if message.replied is None:
        return False
    return Period(months, "m").cutoff(message.replied) > message.date


def consultation_unanswered(ctx: Context) -> Iterator[Finding]:
    """留言超期未回复：政务咨询类栏目中检查日期前 1 年内的留言，有超过 3 个月未回复的。

    ## 检查内容
    读取政务咨询类页面（局长信箱、业务咨询、留言板等，含留言详情页）上公开的留言：
    「来信标题 / 来信时间（留言时间、提问时间、咨询时间）/ 回复时间（答复时间）/ 回复内容 / 办理状态」
    式的信件，以及列有标题、日期和状态（已回复、未回复、处理中……）的留言列表。举报投诉、网上信访、
    在线访谈、调查征集类页面不在检查范围内。

    对检查日期前 1 年内的留言：页面明确显示未回复（未回复、待回复、处理中、办理中等）且留言日期早于检查日期
    前 3 个月（按日历月计算：检查日期 11 月 20 日时，8 月 20 日及以后的留言未超期；月数见配置
    rules.GK602.months）的，按单项否决报告，证据为留言标题、日期和页面显示的状态。
    为避免误判，下列情况只列为「需人工核实」，不作否决：留言超过 3 个月但页面既没有回复也没有办理状态；
    回复时间晚于留言 3 个月以上（已回复，但回复超期）。回复是否实质性答复也需要人工判断。
    网站没有公开任何带日期的留言时为「待核实」（站点未公开留言，无法判断），不算通过。

    ## 依据
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决项「互动回应差」：检查时间点前 1 年内，
    政务咨询类栏目存在超过 3 个月未回应的留言（在线访谈、调查征集、举报投诉类栏目除外）。
    《全国政府网站普查评分表》（国办发〔2015〕15号）单项否决项「互动回应差」：监测时间点前 1 年内，
    要求对公众信件、留言及时答复处理的政务咨询类栏目存在超过三个月未回应的现象。

    ## 如何整改
    对超期留言立即办理并公开答复；建立留言办理时限制度（一般不超过 15 个工作日），定期清理未办结留言，
    并在页面上公开留言时间、答复时间和办理状态。
    """
    site = ctx.site
    as_of = site.as_of
    months = int(ctx.option("GK602", "months"))
    overdue_before = Period(months, "m").cutoff(as_of)
    window_start = WINDOW.cutoff(as_of)
    messages = [m for m in _messages(ctx) if m.date <= as_of]
    where = site.landing_url
    if not messages:
        yield Finding(
            "GK602",
            Status.UNVERIFIED,
            "政务咨询留言",
            url=where,
            evidence=f"在 {len(site.html_pages)} 个页面中未找到带日期的留言（来信时间、留言时间、提问时间……）",
            message="站点未公开留言，无法判断",
        )
        return
    recent = [m for m in messages if m.date >= window_start]
    problems = 0
    for message in recent:
        subject = message.title or f"{message.date} 的留言"
        quoted = f"「{message.title}」" if message.title else "留言"
        if message.state == "pending" and message.date < overdue_before:
            problems += 1
            yield Finding(
                "GK602",
                Status.FAIL,
                subject,
                url=message.page,
                severity=Severity.VETO,
                evidence=f"{quoted}，留言日期 {message.date}，页面显示「{message.shown}」；"
                f"至 {as_of} 已超过 {months} 个月（{overdue_before} 之前）未回复",
                message=f"留言超过 {months} 个月未回复",
            )
        elif message.state == "answered" and _late(message, months):
            problems += 1
            yield Finding(
                "GK602",
                Status.MANUAL,
                subject,
                url=message.page,
                evidence=f"{quoted}，留言日期 {message.date}，{message.shown}：回复晚于留言 {months} 个月以上",
                message="留言回复超期，需人工核实",
            )
        elif message.state == "unknown" and message.date < overdue_before:
            problems += 1
            yield Finding(
                "GK602",
                Status.MANUAL,
                subject,
                url=message.page,
                evidence=f"{quoted}，留言日期 {message.date}，页面未显示回复或办理状态",
                message="留言是否已回复需人工核实",
            )
    if problems:
        return
    pending = sum(1 for m in recent if m.state == "pending")
    detail = f"，其中 {pending} 条未回复但未超过 {months} 个月" if pending else ""
    evidence = (
        f"公开留言 {len(messages)} 条，{window_start} 以来 {len(recent)} 条，无超过 {months} 个月未回复的留言{detail}"
    )
    yield Finding(
        "GK602", Status.PASS, "政务咨询留言", url=messages[0].page, evidence=evidence, message="留言均及时回复"
    )


# -- surveys and online interviews (GK603, GK604) ------------------------------------------------

SURVEY_WORDS = (
    "调查征集",
    "征集调查",
    "民意征集",
    "意见征集",
    "网上调查",
    "在线调查",
    "问卷调查",
    "民意调查",
    "征求意见",
    "网上征集",
    "调查问卷",
)
INTERVIEW_WORDS = ("访谈",)


@dataclass(frozen=True, slots=True)
class _Activity:
    columns: list[Column]
    total: int
    recent: list[dt.date]
    undated: int
    entries_elsewhere: list[str]
    """Entries that lead off the site or to pages the crawl did not fetch."""


def _activity(ctx: Context, words: tuple[str, ...]) -> _Activity:
    aliases = Aliases(words)
    columns = [c for c in ctx.columns if aliases.hit(c.name)]
    window_start = WINDOW.cutoff(ctx.site.as_of)
    items: dict[str, ColumnItem] = {}
    for column in columns:
        for item in column.items:
            items.setdefault(item.url, item)
    recent = sorted((i.date for i in items.values() if i.date and i.date >= window_start), reverse=True)
    undated = sum(1 for i in items.values() if i.date is None)
    elsewhere = []
    if not columns:
        for page in ctx.site.html_pages:
            for link in page.links:
                if (
                    link.tag in NAVIGABLE_TAGS
                    and not link.date
                    and link.text
                    and len(link.text) <= CHANNEL_NAME_MAX
                    and aliases.hit(link.text)
                ):
                    target = ctx.site.page(link.url)
                    if (target is None or not target.is_html) and link.url not in elsewhere:
                        elsewhere.append(link.url)
    return _Activity(columns, len(items), recent, undated, elsewhere)


def _activity_finding(ctx: Context, code: str, label: str, words: tuple[str, ...], missing: str) -> Iterator[Finding]:
    site = ctx.site
    act = _activity(ctx, words)
    window_start = WINDOW.cutoff(site.as_of)
    minimum = int(ctx.option(code, "minimum"))
    where = site.landing_url
    if not act.columns:
        if act.entries_elsewhere:
            hosts = "、".join(dict.fromkeys(host_of(u) or u for u in act.entries_elsewhere))
            yield Finding(
                code,
                Status.UNVERIFIED,
                label,
                url=where,
                evidence=f"{label}入口指向站外或未抓取的页面（{hosts}）：{act.entries_elsewhere[0]}",
                message=f"{label}在站外平台，未能统计",
            )
            return
        searched = f"在 {len(site.html_pages)} 个页面中未找到{label}栏目（{'、'.join(words)}）"
        if site.crawl.page_limit_reached:
            yield Finding(
                code,
                Status.UNVERIFIED,
                label,
                url=where,
                evidence=f"{searched}；抓取达到页面数上限，未抓取的页面中可能有该栏目",
                message=f"{label}栏目待核实",
            )
            return
        yield Finding(
            code,
            Status.FAIL,
            label,
            url=where,
            evidence=searched,
            message=f"未开设{label}栏目",
            deduction=ctx.option(code, missing),
        )
        return
    column = act.columns[0]
    names = "、".join(dict.fromkeys(c.name for c in act.columns))
    undated = f"（另有 {act.undated} 条无日期）" if act.undated else ""
    if not act.recent:
        yield Finding(
            code,
            Status.FAIL,
            label,
            url=column.url,
            evidence=f"栏目「{names}」共 {act.total} 条信息{undated}，{window_start} 以来没有",
            message=f"1 年内未开展{label}",
            deduction=ctx.option(code, "deduction_stale"),
        )
    elif len(act.recent) < minimum:
        yield Finding(
            code,
            Status.FAIL,
            label,
            url=column.url,
            evidence=f"栏目「{names}」{window_start} 以来 {len(act.recent)} 条，少于 {minimum} 条{undated}"
            f"，最新 {act.recent[0]}",
            message=f"1 年内{label}少于 {minimum} 次",
            deduction=ctx.option(code, "deduction_few"),
        )
    else:
        yield Finding(
            code,
            Status.PASS,
            label,
            url=column.url,
            evidence=f"栏目「{names}」{window_start} 以来 {len(act.recent)} 条，最新 {act.recent[0]}",
            message=f"{label}开展正常",
        )


def survey_missing(ctx: Context) -> Iterator[Finding]:
    """调查征集不足：没有调查征集栏目，或检查日期前 1 年内开展的调查征集少于规定次数。

    ## 检查内容
    按栏目名称查找调查征集类栏目（调查征集、民意征集、意见征集、网上调查、在线调查、问卷调查、征求意见……），
    统计栏目（含分页，多个同类栏目合并去重）中检查日期前 1 年内带日期的条目。无日期的条目不计数。
    没有该类栏目扣 5 分；有栏目但 1 年内没有条目扣 5 分；1 年内少于 6 条扣 3 分。门户网站的最低条数为 6，
    其他网站为 3，由配置 rules.GK603.minimum 设定；扣分分别为 deduction_missing、deduction_stale、
    deduction_few。入口指向站外平台（如市政府统一的征集平台）时无法统计，为「待核实」；抓取达到页面数上限
    且未找到栏目时也为「待核实」。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）「互动回应情况—调查征集类栏目」：未开设栏目扣 5 分，
    1 年内未开展调查征集扣 5 分，1 年内开展少于 6 次（门户网站；其他网站 3 次）扣 3 分。
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）「互动交流」中调查征集的开展情况，按同一口径扣分。

    ## 如何整改
    开设调查征集栏目，围绕重要政策、重大决策定期开展意见征集和网上调查，公开征集时间、内容和结果反馈，
    每年开展次数不少于规定次数。
    """
    yield from _activity_finding(ctx, "GK603", "调查征集", SURVEY_WORDS, "deduction_missing")


def online_interview_missing(ctx: Context) -> Iterator[Finding]:
    """在线访谈不足：检查日期前 1 年内没有开展在线访谈，或开展次数少于规定次数。

    ## 检查内容
    按栏目名称查找在线访谈类栏目（名称含「访谈」：在线访谈、网上访谈、政策访谈……），统计栏目（含分页）中
    检查日期前 1 年内带日期的访谈条目，无日期的条目不计数。没有该栏目或 1 年内没有访谈扣 5 分，
    1 年内少于 6 期扣 3 分。门户网站的最低期数为 6，其他网站为 3，由配置 rules.GK604.minimum 设定；
    扣分为 deduction_stale、deduction_few。入口指向站外平台时为「待核实」。

    ## 依据
    《全国政府网站普查评分表》（国办发〔2015〕15号）「互动回应情况—互动访谈类栏目」：1 年内未开展在线访谈
    扣 5 分，开展少于 6 期（门户网站；其他网站 3 期）扣 3 分。
    《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）「互动交流」中在线访谈的开展情况，按同一口径扣分。

    ## 如何整改
    围绕重点工作和群众关切定期开展在线访谈，由负责同志解读政策、回应关切，公开访谈时间、嘉宾和文字实录，
    每年开展期数不少于规定次数。
    """
    yield from _activity_finding(ctx, "GK604", "在线访谈", INTERVIEW_WORDS, "deduction_stale")
