"""The items each column lists: titles, publication dates and article URLs, derived from its `Col` row.

Deterministic: dates step back from `AS_OF` by the column's kind and state, titles come from fixed
pools picked by position, article ids count up from one number. No randomness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .spec import AS_OF, COLUMNS, Col, effective_state

_DAY = dt.timedelta(days=1)

NEWEST = {"news": {"fresh": 2, "stale": 45}, "notice": {"fresh": 25, "stale": 230},
          "yearly": {"fresh": 120, "stale": 430}, "personnel": {"fresh": 120, "stale": 430},
          "survey": {"unlimited": 10}, "interview": {"unlimited": 10}, None: {"unlimited": 10, "fresh": 10}}
"""Days from AS_OF back to a column's newest item, by kind and state: well inside or outside the duty."""
STEP = {"news": 4, "notice": 15, "yearly": 120, "personnel": 120, "survey": 30, "interview": 30, None: 25}
"""Days between a column's items."""
PINNED_AGE = {"news": 400, "notice": 320, "yearly": 700, "personnel": 700, "survey": 300, "interview": 300,
              None: 300}

_TOWNS = ("城关镇", "河口镇", "石桥乡", "青山乡", "白沙镇", "柳溪乡")
_TOPICS = ("秋冬种生产", "安全生产", "乡村振兴", "森林防火", "营商环境优化", "民生实事", "防汛抗旱",
           "文明城市创建", "农村人居环境整治", "招商引资", "耕地保护", "食品安全")
_NEWS = ("{town}召开{topic}工作推进会", "县领导到{town}调研{topic}工作", "示范县举行{topic}现场观摩会",
         "{town}扎实推进{topic}")
_NOTICE = ("关于开展{topic}专项检查的通知", "关于{topic}有关事项的公告", "关于{topic}工作的通知",
           "关于{topic}项目的公示")
_FILES = ("示范县人民政府关于印发{topic}实施方案的通知", "示范县人民政府办公室关于加强{topic}工作的意见",
          "示范县人民政府关于{topic}的决定")
_MATTERS = ("居民身份证办理", "不动产登记", "个体工商户登记", "城乡居民医保参保", "高龄津贴申领", "建筑工程施工许可")
_YEARLY = {
    "预算公开": "示范县{year}年{who}部门预算公开", "决算公开": "示范县{year}年{who}部门决算公开",
    "财政资金": "{year}年{who}财政资金使用情况公开", "统计数据": "示范县{year}年国民经济和社会发展统计数据",
    "规划计划": "示范县{topic}专项规划（{year}—{end}年）",
}
_ANNUAL_REPORT = "示范县人民政府{year}年政府信息公开工作年度报告"
ANNUAL_NOTICE = "关于做好{year}年度政府信息公开工作年度报告编制公布工作的通知"
"""A notice *about* the annual report: listed beside the report, it is not the report."""


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    date: dt.date | None
    """Publication date as the list shows it; None in undated columns."""
    written: dt.date | None
    """The date in the article URL (成文日期): before the publication date."""
    url: str
    pinned: bool = False
    number: str = ""
    """文号 of a file."""


def _title(col: Col, i: int, date: dt.date | None) -> str:
    topic, town = _TOPICS[(i // 4 + len(col.path)) % len(_TOPICS)], _TOWNS[(i + len(col.name)) % len(_TOWNS)]
    who = col.trail[-2] if len(col.trail) > 2 else "县级"
    year = (date or AS_OF).year
    if col.name in _YEARLY:
        return _YEARLY[col.name].format(year=year - 1 - i if date is None else year, who=who, topic=topic, end=year + 4)
    if col.kind == "news":
        return _NEWS[i % len(_NEWS)].format(town=town, topic=topic)
    if col.kind == "notice":
        pool = _FILES if "文件" in col.name else _NOTICE
        return pool[i % len(pool)].format(topic=topic)
    if col.name == "办事指南":
        return f"{_MATTERS[i % len(_MATTERS)]}办事指南"
    return f"关于{town}{topic}问题的咨询"


def _url(col: Col, n: int, item_id: int, written: dt.date | None) -> str:
    if written is None:
        return f"{col.path}content_{item_id}.html"  # no date anywhere: the column is undated
    if col.style == "trs":
        return f"{col.path}{written:%Y%m}/t{written:%Y%m%d}_{item_id}.html"
    return f"/art/{written.year}/{written.month}/{written.day}/art_{1200 + n}_{item_id}.html"


def _annual_reports(col: Col, n: int, ids: list[int]) -> list[Item]:
    """The 年报 column: each year's report, and the notice about compiling it, side by side."""
    items = []
    for k, year in enumerate((2025, 2024, 2023)):
        report = dt.date(year + 1, 1, 26 - k)
        notice = dt.date(year + 1, 1, 8)
        for title, date in ((_ANNUAL_REPORT.format(year=year), report), (ANNUAL_NOTICE.format(year=year), notice)):
            item_id = ids.pop()
            items.append(Item(item_id, title, date, date, _url(col, n, item_id, date)))
    return items[:col.items]


def column_items(filled: bool = False) -> dict[str, list[Item]]:
    """Column path → its items, newest first (a pinned item on top)."""
    ids = list(range(5600 + 4 * len(COLUMNS) * 50, 5600, -1))
    out: dict[str, list[Item]] = {}
    for n, col in enumerate(COLUMNS):
        state = effective_state(col, filled)
        if state == "blank":
            out[col.path] = []
            continue
        if col.name == "政府信息公开年报":
            out[col.path] = _annual_reports(col, n, ids)
            continue
        items = []
        dated = state != "undated"
        newest = AS_OF - NEWEST[col.kind][state if dated else "fresh"] * _DAY - (n % 3) * _DAY
        count = col.items + (1 if col.pinned else 0)
        for i in range(count):
            pinned = col.pinned and i == 0
            date = AS_OF - PINNED_AGE[col.kind] * _DAY if pinned else newest - STEP[col.kind] * (i - col.pinned) * _DAY
            written = date - (col.url_lag or (i % 3)) * _DAY
            item_id = ids.pop()
            number = f"示政发〔{written.year}〕{40 - i}号" if col.layout == "table" and col.kind else ""
            items.append(Item(item_id, _title(col, i, date if dated else None), date if dated else None,
                              written if dated else None, _url(col, n, item_id, written if dated else None),
                              pinned, number))
        out[col.path] = items
    _seed_annual_notice(out)
    return out


def _seed_annual_notice(out: dict[str, list[Item]]) -> None:
    """通知公告 also lists the notice about the 2025 annual report (the same article as in 年报)."""
    notice = next((i for i in out.get("/zwgk/ndbg/", []) if i.title == ANNUAL_NOTICE.format(year=2025)), None)
    tzgg = out.get("/zwgk/tzgg/")
    if notice is None or not tzgg:
        return
    tzgg.append(notice)
    tzgg.sort(key=lambda i: (not i.pinned, -(i.date or AS_OF).toordinal()))
