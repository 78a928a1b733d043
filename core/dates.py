"""Dates as Chinese government portals write them, in page text, list items, meta tags and URLs."""

from __future__ import annotations

import re

from .model import DateMention, DateSource
from .urls import path_of

__all__ = ["date_from_url", "find_dates", "parse_meta_date"]

MIN_YEAR = 1990
MAX_YEAR = 2100
_TEXT_MAX = 40

# `\d` and int() in Python both take full-width digits, so the text is never normalised and a
# mention's `text` is a plain slice of what the page said. Separators and colons are listed in
# both widths.
_SEP = r"[-/.\uff0d\uff0f\uff0e]"
_DASH = r"[-\uff0d]"
_COLON = r"[:\uff1a]"

# A digit or a separator next to a date means it is part of a longer token: a phone number
# (027-85771234), an index number (000014348/2020-35147), a version, a URL path. The one exception
# is a dash joining two dates into a range (2020.01.01-2020.12.31), common in 公示 notices.
_LEAD = (
    r"(?<!\d)(?:(?<![-/.\uff0d\uff0f\uff0e])"
    rf"|(?<={_SEP}\d{_DASH})|(?<={_SEP}\d\d{_DASH})|(?<=[日号]{_DASH}))"
)
_STRICT_LEAD = r"(?<![\d\-/.\uff0d\uff0f\uff0e])"
_TRAIL = (
    r"(?!\d)(?![/\uff0f])(?![.\uff0e]\d)"
    rf"(?!{_DASH}(?!(?:19|20|21)\d\d(?:{_SEP}|\s*年)\d))"
)
_STRICT_TRAIL = r"(?![\d\-/.\uff0d\uff0f\uff0e])"
_TIME = rf"\d{{1,2}}{_COLON}\d\d(?:{_COLON}\d\d)?(?!\d)"
# A bare "10-20" is as often a range of counts as a day; a unit after it settles that.
_NOT_A_COUNT = r"(?!\s*[%\u2030年月日号时分秒万亿元人个岁天次])"

_FULL = (
    # 2026-11-27, 2026/1/5, 2026.11.27 with an optional time; one separator throughout.
    rf"{_LEAD}(?P<y1>\d{{4}})(?P<s>{_SEP})(?P<m1>\d{{1,2}})(?P=s)(?P<d1>\d{{1,2}})"
    rf"(?:(?:\s+|T){_TIME})?{_TRAIL}"
    # 2026年11月27日, 2015年08月25日 09:25:25
    rf"|{_LEAD}(?P<y2>\d{{4}})\s*年\s*(?P<m2>\d{{1,2}})\s*月\s*(?P<d2>\d{{1,2}})\s*[日号]"
    rf"(?:\s*{_TIME})?"
)
_MONTH_DAY = (
    # 11-27, [03-25]: two digits each, since "1-10月" and "3.5%" are not dates.
    rf"|{_STRICT_LEAD}(?P<m3>\d\d)[-/\uff0d\uff0f](?P<d3>\d\d)(?:\s+{_TIME})?"
    rf"{_STRICT_TRAIL}{_NOT_A_COUNT}"
    # 11月27日, but not the tail of a full date whose year was out of range.
    rf"|(?<!\d)(?<!年)(?<!年\s)(?P<m4>\d{{1,2}})\s*月\s*(?P<d4>\d{{1,2}})\s*[日号]"
)
# Every form starts a digit run; trying the date patterns only there is several times faster than
# letting them scan, since their leading lookbehinds keep re from skipping ahead by itself.
_DIGIT_RUN = re.compile(r"\d+")
_DATES = re.compile(_FULL)
_DATES_MD = re.compile(_FULL + _MONTH_DAY)

# 成文日期, 截止时间 or 北京时间 end like the labels but are not when the page was published, so a
# bare 日期/时间 counts only when no other Chinese character precedes it. Between label and date
# only brackets and the like may stand: words there (来源：…) mean the label was for something else.
_LABEL = re.compile(
    r"(?:(?:发布|更新|发文|公开|发表|发稿)(?:日期|时间)|(?<![\u4e00-\u9fff])(?:日期|时间))"
    r"[\s:\uff1a]*(?:[^\s:\uff1a\d\u4e00-\u9fff][\s:\uff1a]*){0,6}$"
)
_LABEL_WINDOW = 24
_CLOSERS = frozenset(")]）】」』〕>")

_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month]:
        return False
    if month == 2 and day == 29 and year:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def _iso(year: str, month: str, day: str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    if not MIN_YEAR <= y <= MAX_YEAR or not _valid(y, m, d):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _month_day(month: str, day: str) -> str | None:
    m, d = int(month), int(day)
    return f"--{m:02d}-{d:02d}" if _valid(0, m, d) else None


def _value(m: re.Match[str]) -> str | None:
    group = m.lastgroup
    assert group is not None  # every form is a named group
    n = group[-1]  # every form ends with its day group: d1, d2 full dates, d3, d4 month-day
    if n in "12":
        return _iso(m["y" + n], m["m" + n], m["d" + n])
    return _month_day(m["m" + n], m["d" + n])


def find_dates(text: str, *, month_day: bool = False, limit: int = 20) -> list[DateMention]:
    """Every date in `text`, in order of first appearance, one mention per value.

    With `month_day`, list-item dates without a year (`11-27`, `11月27日`) count too, as `--MM-DD`.
    A date right after a label such as 发布日期： has source LABEL, any other TEXT; when a value
    appears both ways the labelled mention is kept, at the place of the first.
    """
    pattern = _DATES_MD if month_day else _DATES
    found: dict[str, DateMention] = {}
    end = 0
    for run in _DIGIT_RUN.finditer(text):
        if run.start() < end:
            continue
        m = pattern.match(text, run.start())
        if m is None:
            continue
        end = m.end()
        value = _value(m)
        if value is None:
            continue
        seen = found.get(value)
        if seen is not None and seen.source is DateSource.LABEL:
            continue
        start = m.start()
        label = _LABEL.search(text, max(0, start - _LABEL_WINDOW), start)
        if label is None:
            if seen is not None:
                continue
            source, snippet = DateSource.TEXT, " ".join(m.group().split())
        else:
            source = DateSource.LABEL
            stop = end + 1 if end < len(text) and text[end] in _CLOSERS else end
            snippet = " ".join(text[label.start() : stop].split())
            if len(snippet) > _TEXT_MAX:
                snippet = " ".join(m.group().split())
        found[value] = DateMention(value, snippet[:_TEXT_MAX], source)
        if len(found) >= limit:
            break
    return list(found.values())


# Only the path: query strings carry ids and cache-busters that look like dates and are not.
_URL_T = re.compile(r"(?:^|/)t((?:19|20|21)\d\d)(\d\d)(\d\d)(?=[_./]|$)")
_URL_YMD = re.compile(
    r"/((?:19|20|21)\d\d)(?:"
    r"/(\d{1,2})/(\d{1,2})"  # /art/2023/5/15/
    r"|-(\d\d)/(\d\d)"  # /2017-06/08/
    r"|/(\d\d)(\d\d)"  # /2021/0402/
    r"|(\d\d)(\d\d)"  # /20210402/
    r"|([-_])(\d\d)\10(\d\d)"  # /2021-04-02/
    r")(?=/|$)"
)


def date_from_url(url: str) -> str | None:
    """The date a portal's CMS wrote into an article URL (`/t20210402_1.html`, `/art/2023/5/15/…`).

    A `t` + 8 digits file name wins over dated folders, since folders often hold a whole month.
    """
    path = path_of(url)
    for m in _URL_T.finditer(path):
        value = _iso(*m.groups())
        if value:
            return value
    best = None
    for m in _URL_YMD.finditer(path):
        g = m.groups()
        month, day = next((g[i], g[i + 1]) for i in (1, 3, 5, 7, 10) if g[i] is not None)
        best = _iso(g[0], month, day) or best
    return best


_META = re.compile(rf"(?<!\d)(\d{{4}})\s*(?:{_SEP}|年)\s*(\d{{1,2}})\s*(?:{_SEP}|月)\s*(\d{{1,2}})(?!\d)")


def parse_meta_date(content: str) -> str | None:
    """The date in a `<meta name="PubDate">`-like content: `2021-02-01 09:10`, `2021年2月1日`.

    Laxer than find_dates about what follows, because CMSs write `2007-08-20-23:59:59` there.
    """
    m = _META.search(content)
    return _iso(*m.groups()) if m else None
