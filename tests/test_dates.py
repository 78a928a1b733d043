from __future__ import annotations

import pytest

from core.dates import date_from_url, find_dates, parse_meta_date
from core.model import DateMention, DateSource

LABEL, TEXT = DateSource.LABEL, DateSource.TEXT


def values(text: str, **kwargs) -> list[str]:
    return [d.value for d in find_dates(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "value", "matched"),
    [
        ("2026-11-27", "2026-11-27", "2026-11-27"),
        ("2026-1-5", "2026-01-05", "2026-1-5"),
        ("2026/11/27", "2026-11-27", "2026/11/27"),
        ("2026.11.27", "2026-11-27", "2026.11.27"),
        ("2026年11月27日", "2026-11-27", "2026年11月27日"),
        ("2026年1月5日", "2026-01-05", "2026年1月5日"),
        ("2026 年 1 月 5 日", "2026-01-05", "2026 年 1 月 5 日"),
        ("2026年11月27号", "2026-11-27", "2026年11月27号"),
        ("2015年08月25日 09:25:25", "2015-08-25", "2015年08月25日 09:25:25"),
        ("2017-12-01 16:10", "2017-12-01", "2017-12-01 16:10"),
        ("2021-02-01T09:10:00", "2021-02-01", "2021-02-01T09:10:00"),
        ("[2026-11-27]", "2026-11-27", "2026-11-27"),
        ("(2020.04.13)", "2020-04-13", "2020.04.13"),
        ("关于做好2026年元旦假期工作的通知 2026-11-27", "2026-11-27", "2026-11-27"),
        ("2026-11-27.", "2026-11-27", "2026-11-27"),
        ("２０２６－１１－２７", "2026-11-27", "２０２６－１１－２７"),
        ("（２０２０．０４．１３）", "2020-04-13", "２０２０．０４．１３"),
        ("２０２６年１１月２７日　１０：２０", "2026-11-27", "２０２６年１１月２７日 １０：２０"),
        ("2024-02-29", "2024-02-29", "2024-02-29"),
        ("1990-01-01", "1990-01-01", "1990-01-01"),
        ("2100-12-31", "2100-12-31", "2100-12-31"),
    ],
)
def test_full_date_forms(text: str, value: str, matched: str) -> None:
    assert find_dates(text) == [DateMention(value, matched, TEXT)]


@pytest.mark.parametrize(
    "text",
    [
        "20261127",  # never a date without separators
        "文号 20261127001",
        "电话：027-85771234",
        "010-58884104",
        "2026-11-270",
        "12026-11-27",
        "2026-11-27-5",
        "v1.2026.11.27",
        "2026.11.27.3",
        "/2026-11-27",
        "2026-11-27/",
        "http://www.gov.cn/guoqing/2018-05/03/content_5287353.htm",
        "索引号：000014348/2020-35147",
        "2026-11/27",  # mixed separators
        "2026-02-30",
        "2023-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-11-00",
        "2026年2月30日",
        "1989-12-31",
        "2101-01-01",
        "二〇二六年十一月二十七日",
        "2026年11月",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []
    assert find_dates(text, month_day=True) == []


@pytest.mark.parametrize(
    ("text", "value", "matched"),
    [
        ("11-27", "--11-27", "11-27"),
        ("(11-27)", "--11-27", "11-27"),
        ("[03-25]", "--03-25", "03-25"),
        ("关于开展安全生产检查的通知 03/25", "--03-25", "03/25"),
        ("［０３－２５］", "--03-25", "０３－２５"),
        ("11月27日", "--11-27", "11月27日"),
        ("新华社上海11月30日电", "--11-30", "11月30日"),
        ("02-29", "--02-29", "02-29"),
        ("03-25 10:20", "--03-25", "03-25 10:20"),
    ],
)
def test_month_day(text: str, value: str, matched: str) -> None:
    assert find_dates(text, month_day=True) == [DateMention(value, matched, TEXT)]
    assert find_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "1-10月德清县固定资产投资",
        "增长3.5%",
        "12.25亿元",
        "10-20人",
        "10-12月",
        "02-30",
        "13-01",
        "12-31-2",
        "03-25-7",
    ],
)
def test_month_day_lookalikes(text: str) -> None:
    assert find_dates(text, month_day=True) == []


def test_full_date_is_not_split_into_month_day() -> None:
    assert values("2026-11-27 [11-28]", month_day=True) == ["2026-11-27", "--11-28"]
    # An out-of-range year does not leave its month and day behind.
    assert values("1949年10月1日 1949-10-01", month_day=True) == []


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("发布日期：2021-02-01", "发布日期：2021-02-01"),
        ("发布日期: 2021-02-01", "发布日期: 2021-02-01"),
        ("发布时间:2021-02-01 09:10", "发布时间:2021-02-01 09:10"),
        ("发布时间：２０２１年２月１日", "发布时间：２０２１年２月１日"),
        ("日期：2021-02-01", "日期：2021-02-01"),
        ("时间： 2021-02-01 06:23 来源： 山西日报", "时间： 2021-02-01 06:23"),
        ("更新时间 ： 2021/2/1", "更新时间 ： 2021/2/1"),
        ("发文日期：2021年2月1日", "发文日期：2021年2月1日"),
        ("发布日期 ：2021年02月01日", "发布日期 ：2021年02月01日"),
        ("发布日期：\n      [2021-02-01]", "发布日期： [2021-02-01]"),
        ("发布时间：【2021-02-01】", "发布时间：【2021-02-01】"),
    ],
)
def test_labelled(text: str, matched: str) -> None:
    assert find_dates(text) == [DateMention("2021-02-01", matched, LABEL)]


@pytest.mark.parametrize(
    "text",
    [
        "成文日期：2021-02-01",  # written, not published: freshness goes by 发布日期
        "截止时间：2021-02-01",
        "北京时间2021-02-01",
        "时间 来源：新华社 2021-02-01",
        "发布日期：2021-01-31 2021-02-01",
        "作者： 2021-02-01",
    ],
)
def test_unlabelled(text: str) -> None:
    assert find_dates(text)[-1].source is TEXT


def test_label_is_recognised_at_the_edge_of_its_window() -> None:
    # The label window may start inside 成文日期; the character before it still counts.
    for pad in range(15, 25):
        text = "正文" * 10 + "成文日期：" + " " * pad + "2021-02-01"
        assert find_dates(text)[0].source is TEXT, pad


def test_label_text_is_trimmed_and_capped() -> None:
    assert find_dates("发布日期：" + " " * 18 + "2021-02-01 09:10:11") == [
        DateMention("2021-02-01", "发布日期： 2021-02-01 09:10:11", LABEL)
    ]
    [mention] = find_dates("发布时间： < < < < < <   2021 年 02 月 01 日     09:10:11")
    assert mention.source is LABEL
    assert mention.text == "2021 年 02 月 01 日 09:10:11"


def test_order_and_dedup() -> None:
    text = "2021-02-01 通知 2021年2月1日 2020/12/31 2021.2.1"
    assert find_dates(text) == [
        DateMention("2021-02-01", "2021-02-01", TEXT),
        DateMention("2020-12-31", "2020/12/31", TEXT),
    ]


def test_labelled_mention_replaces_earlier_unlabelled_one_in_place() -> None:
    text = "2021-02-01 标题 2020-12-31 发布日期：2021年2月1日"
    assert find_dates(text) == [
        DateMention("2021-02-01", "发布日期：2021年2月1日", LABEL),
        DateMention("2020-12-31", "2020-12-31", TEXT),
    ]


def test_limit() -> None:
    text = " ".join(f"2021-01-{day:02d}" for day in range(1, 31))
    assert len(find_dates(text)) == 20
    assert values(text, limit=3) == ["2021-01-01", "2021-01-02", "2021-01-03"]


def test_range_joined_by_dash() -> None:
    assert values("公示期：2020.01.01-2020.12.31") == ["2020-01-01", "2020-12-31"]
    assert values("2020年1月1日-2020年12月31日") == ["2020-01-01", "2020-12-31"]
    assert values("2020-1-1-2020-1-31") == ["2020-01-01", "2020-01-31"]


def test_empty_and_digitless() -> None:
    assert find_dates("") == []
    assert find_dates("政府信息公开" * 100, month_day=True) == []


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("http://www.example.gov.cn/zwgk/t20210402_12116.html", "2021-04-02"),
        ("http://www.hangzhou.gov.cn/art/2023/5/15/art_1229_1.html", "2023-05-15"),
        ("http://www.gov.cn/zhengce/2017-06/08/content_5200760.htm", "2017-06-08"),
        ("http://hdzfxxgk.hd.gov.cn/gszbm/202008/t20200802_1352104.html#", "2020-08-02"),
        ("/201905/t20190512_1.html", "2019-05-12"),
        ("/2021/0402/x.html", "2021-04-02"),
        ("/20210402/x.html", "2021-04-02"),
        ("/news/2021/04/02/x.html", "2021-04-02"),
        ("/news/2021-04-02/x.html", "2021-04-02"),
        ("./lxyz/dkbmjc/201606/t20160623_3913.html", "2016-06-23"),
        ("/content/t20210402.shtml", "2021-04-02"),
        ("/202105/abc.html", None),
        ("/2021/04/x.html", None),
        ("/t20210230_1.html", None),
        ("/art/2023/13/15/art_1.html", None),
        ("/20210402.html", None),
        ("/news/20210402", "2021-04-02"),
        ("/news/2021/04/02", "2021-04-02"),
        ("/news/20210402_1/", None),
        ("/col/col1229/index.html", None),
        ("/detail.jsp?id=20210402&date=2021-04-02", None),
        ("/list_20210402_1.html", None),
        ("", None),
    ],
)
def test_date_from_url(url: str, value: str | None) -> None:
    assert date_from_url(url) == value


@pytest.mark.parametrize(
    ("content", "value"),
    [
        ("2021-02-01 09:10", "2021-02-01"),
        ("2021/02/01", "2021-02-01"),
        ("2021年2月1日", "2021-02-01"),
        ("2020年08月02日", "2020-08-02"),
        (" 2021-2-1 ", "2021-02-01"),
        ("2007-08-20-23:59:59", "2007-08-20"),
        ("2021-02-01T09:10:00+08:00", "2021-02-01"),
        ("２０２１－０２－０１", "2021-02-01"),
        ("20210201", None),
        ("2021-02-30", None),
        ("", None),
        ("今天", None),
    ],
)
def test_parse_meta_date(content: str, value: str | None) -> None:
    assert parse_meta_date(content) == value
