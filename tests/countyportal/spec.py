"""What the county portal holds and how an inspector judges it: the single source of the fixture.

Every column is one `Col` row: its canonical URL path, name, breadcrumb, the kind an inspector gives
it and the state it is in on `AS_OF`. The pages (`pages.py`) are generated from these rows, so the
judgements below are the portal's truth, not a reading of it. Kinds are inspection kinds: `news`
(动态要闻, 2 weeks), `notice` (通知公告/政策文件, 6 months), `yearly` (updated once a year: 预算, 决算,
财政资金, 统计数据, 年报), `personnel` (人事/规划计划, a year, as the indicators group 规划计划), None (未分类: no update duty). States: fresh, stale, blank (opened,
never any item), undated (items, none dated: counts as not updated), unlimited (items, no duty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AS_OF = dt.date(2026, 11, 20)
SITE_NAME = "示范县人民政府"
SITE_ID = "3311270001"

NAV = (("首页", "/index.html"), ("政务公开", "/zwgk/index.html"), ("新闻动态", "/xwdt/index.html"),
       ("政务服务", "/zwfw/index.html"), ("互动交流", "/hdjl/index.html"), ("走进示范", "/zjsf/index.html"))
"""The top navigation every page carries."""

BLANK_PHRASES = ("暂无信息", "暂无数据", "本栏目暂无内容", "没有相关信息", "信息正在更新中", "")
"""What real templates print in an empty list; "" is a list area with nothing at all."""


@dataclass(frozen=True)
class Col:
    path: str
    """Canonical URL path of the column page, a folder (`/zwgk/tzgg/`)."""
    name: str
    trail: tuple[str, ...]
    """The breadcrumb after 首页, the column's own name last."""
    kind: str | None
    state: str
    items: int = 8
    blank_text: str = ""
    style: str = "art"
    """Article URLs: `art` (/art/2026/11/3/art_12_345.html, 大汉) or `trs` (<col>/202611/t20261103_345.html)."""
    layout: str = "ul"
    """The list markup: `ul` (li rows, date in a span) or `table` (文件 tables with 文号)."""
    url_lag: int = 0
    """Days the URL's date lies before the list's date (written vs published); 0 = 0–2 days by item."""
    per_page: int = 0
    """Items per list page; past it the column goes on in index_1.html, index_2.html."""
    pinned: bool = False
    """An old item pinned (置顶) above the newest."""
    in_menu: bool = True
    """Listed in its section's side menu; False: reached only through an image link without text."""
    meta: bool = False
    """The column page carries `<meta name="ColumnName">` (大汉 templates do, TRS ones often not)."""


@dataclass(frozen=True)
class Section:
    key: str
    name: str
    path: str
    """The hub page (`/zwgk/index.html`), or a sub-site's home page."""
    cols: tuple[Col, ...]
    pages: tuple[tuple[str, str], ...] = ()
    """Text pages in the side menu (name, path): 机构职能, 概况. Not columns."""
    sub: bool = False
    """A sub-site (部门 or 乡镇) with its own banner and menu."""
    parent: tuple[str, str] = ("", "")
    """For a sub-site: the list of sub-sites it belongs to (name, path)."""


def _c(path: str, name: str, trail: tuple[str, ...], kind: str | None, state: str, **kw) -> Col:
    return Col(path, name, (*trail, name), kind, state, **kw)


_ZW, _XW, _FW, _HD = ("政务公开",), ("新闻动态",), ("政务服务",), ("互动交流",)

MAIN = (
    Section("xwdt", "新闻动态", "/xwdt/index.html", (
        _c("/xwdt/sfyw/", "示范要闻", _XW, "news", "fresh", items=40, per_page=15, pinned=True, style="trs"),
        _c("/xwdt/bmdt/", "部门动态", _XW, "news", "stale", style="trs"),
        _c("/xwdt/xzdt/", "乡镇动态", _XW, "news", "fresh", style="trs", url_lag=20),
        _c("/xwdt/tpxw/", "图片新闻", _XW, "news", "fresh", items=6, style="trs"),
        _c("/xwdt/gsgg/", "公示公告", _XW, "notice", "stale", items=6, style="trs"),
    )),
    Section("zwgk", "政务公开", "/zwgk/index.html", (
        _c("/zwgk/tzgg/", "通知公告", _ZW, "notice", "fresh", items=20, per_page=10, pinned=True, meta=True),
        _c("/zwgk/xzfwj/", "县政府文件", _ZW, "notice", "fresh", layout="table", meta=True),
        _c("/zwgk/xzfbwj/", "县政府办文件", _ZW, "notice", "stale", layout="table", meta=True),
        _c("/zwgk/zcjd/", "政策解读", _ZW, "notice", "blank", blank_text="本栏目暂无内容", meta=True),
        _c("/zwgk/czzj/", "财政资金", _ZW, "yearly", "fresh", items=5, meta=True),
        _c("/zwgk/ysgk/", "预算公开", _ZW, "yearly", "fresh", items=5, meta=True),
        _c("/zwgk/jsgk/", "决算公开", _ZW, "yearly", "stale", items=5, meta=True),
        _c("/zwgk/zxzj/", "专项资金", _ZW, "yearly", "blank", blank_text="暂无信息", meta=True),
        _c("/zwgk/tjsj/", "统计数据", _ZW, "yearly", "undated", items=6, meta=True),
        _c("/zwgk/ghjh/", "规划计划", _ZW, "personnel", "stale", items=4, meta=True),
        _c("/zwgk/ndbg/", "政府信息公开年报", _ZW, "yearly", "fresh", items=4, in_menu=False, meta=True),
        _c("/zwgk/jyta/", "建议提案办理", _ZW, None, "blank", blank_text="没有相关信息", meta=True),
        _c("/zwgk/zdxm/", "重大项目", _ZW, None, "blank", blank_text=""),
    ), pages=(("机构职能", "/zwgk/jgzn/index.html"), ("政府信息公开目录", "/zwgk/gkml/index.html"))),
    Section("zwfw", "政务服务", "/zwfw/index.html", (
        _c("/zwfw/bszn/", "办事指南", _FW, None, "unlimited", items=6),
        _c("/zwfw/bmfw/", "便民服务", _FW, None, "blank", blank_text="信息正在更新中"),
    )),
    Section("hdjl", "互动交流", "/hdjl/index.html", (
        _c("/hdjl/xzxx/", "县长信箱", _HD, None, "unlimited", items=6, layout="table"),
        _c("/hdjl/gzly/", "公众留言", _HD, None, "blank", blank_text="暂无数据"),
        # Counted per year by GK603 / GK604 (no update duty of their own): a clean portal has both.
        _c("/hdjl/dczj/", "调查征集", _HD, "survey", "unlimited", items=8),
        _c("/hdjl/zxft/", "在线访谈", _HD, "interview", "unlimited", items=8),
    )),
    Section("zjsf", "走进示范", "/zjsf/index.html", (),
            pages=(("示范概况", "/zjsf/sfgk/index.html"), ("历史沿革", "/zjsf/lsyg/index.html"))),
)

SUB_LISTS = (("工作机构", "/bmzz/index.html"), ("乡镇街道", "/xzjd/index.html"))

# Sub-sites: (folder, name, states of 工作动态 / 通知公告 / 文件 column / 财政 column).
_SUBSITES = (
    ("bmzz/fgj", "县发展和改革局", ("fresh", "fresh", "fresh", "fresh")),
    ("bmzz/jyj", "县教育局", ("stale", "fresh", "stale", "blank")),
    ("bmzz/czj", "县财政局", ("fresh", "stale", "fresh", "stale")),
    ("bmzz/wjj", "县卫生健康局", ("stale", "blank", "fresh", "fresh")),
    ("bmzz/zrzyj", "县自然资源局", ("fresh", "fresh", "undated", "fresh")),
    ("xzjd/cgz", "城关镇", ("fresh", "stale", "fresh", "blank")),
    ("xzjd/hkz", "河口镇", ("stale", "fresh", "blank", "fresh")),
    ("xzjd/sqx", "石桥乡", ("stale", "stale", "fresh", "stale")),
    ("xzjd/qsx", "青山乡", ("fresh", "fresh", "fresh", "undated")),
)


def _subsite(n: int, folder: str, name: str, states: tuple[str, ...]) -> Section:
    town = folder.startswith("xzjd")
    parent = SUB_LISTS[1] if town else SUB_LISTS[0]
    trail = (parent[0], name)
    # Towns call their policy column 政府文件 and have one 财政资金 column; departments say 文件通知
    # and alternate 预算公开 / 决算公开: the same duty under the names real sub-sites use.
    names = ("工作动态", "通知公告", "政府文件" if town else "文件通知",
             "财政资金" if town else ("预算公开", "决算公开")[n % 2])
    slugs = ("gzdt", "tzgg", "zfwj" if town else "wjtz", "czzj" if town else ("ysgk", "jsgk")[n % 2])
    kinds = ("news", "notice", "notice", "yearly")
    phrases = iter(BLANK_PHRASES[n % len(BLANK_PHRASES):] + BLANK_PHRASES)
    cols = tuple(
        _c(f"/{folder}/{slug}/", col, trail, kind, state, items=5, meta=bool(n % 2),
           blank_text=next(phrases) if state == "blank" else "", layout="table" if slug == "wjtz" else "ul")
        for col, slug, kind, state in zip(names, slugs, kinds, states, strict=True))
    return Section(folder, name, f"/{folder}/index.html", cols, pages=(("机构职能", f"/{folder}/jgzn/index.html"),),
                   sub=True, parent=parent)


SUBSITES = tuple(_subsite(n, *row) for n, row in enumerate(_SUBSITES))
SECTIONS = MAIN + SUBSITES
COLUMNS = tuple(col for section in SECTIONS for col in section.cols)


# ----------------------------------------------------------------------------- expected judgements

CUTOFF = {"news": AS_OF - dt.timedelta(days=14), "notice": AS_OF.replace(month=AS_OF.month - 6),
          "yearly": AS_OF.replace(year=AS_OF.year - 1), "personnel": AS_OF.replace(year=AS_OF.year - 1)}
"""The oldest newest-item date each kind may have on AS_OF (2 weeks, 6 months, 1 year back)."""


@dataclass(frozen=True)
class Judgement:
    url: str
    """Canonical URL path (the folder; the report may name it `…/` or `…/index.html`)."""
    name: str
    breadcrumb: str
    kind: str | None
    state: str


def judgements(filled: bool = False) -> tuple[Judgement, ...]:
    """The inspector's table: every column of the portal, once."""
    return tuple(Judgement(c.path, c.name, " > ".join(("首页", *c.trail)), c.kind, effective_state(c, filled))
                 for c in COLUMNS)


def effective_state(col: Col, filled: bool) -> str:
    """A column's state in the portal variant: `filled` publishes in every blank, stale or undated column."""
    if filled and col.state in ("blank", "stale", "undated"):
        return "fresh" if col.kind else "unlimited"
    return col.state


def expected_verdict(filled: bool = False) -> dict[str, object]:
    """The site verdict: ≥5 blank columns veto (GK202); ≥5 overdue news/notice columns veto (GK205)."""
    rows = judgements(filled)
    blank = [j for j in rows if j.state == "blank"]
    overdue_news = [j for j in rows if j.kind == "news" and j.state in ("stale", "undated")]
    vetoes = {"GK202"} if len(blank) >= 5 else set()
    if len(overdue_news) >= 5:
        vetoes.add("GK205")
    return {"verdict": "不合格" if vetoes else "合格", "vetoes": vetoes, "blank": len(blank)}


def table(filled: bool = False) -> str:
    """The judgements as a Markdown table (printed by `python tests/countyportal --table`)."""
    lines = ["| column | URL | breadcrumb | kind | state |", "|---|---|---|---|---|"]
    lines += [f"| {j.name} | {j.url} | {j.breadcrumb} | {j.kind or '未分类'} | {j.state} |" for j in judgements(filled)]
    verdict = expected_verdict(filled)
    lines.append(f"\nverdict: {verdict['verdict']}, vetoes: {', '.join(sorted(verdict['vetoes'])) or 'none'}, "
                 f"blank columns: {verdict['blank']}")
    return "\n".join(lines)
