#!/usr/bin/env python3
"""Crawl benchmark: gapcheck against `wget --spider`, LinkChecker and linkinator on a generated portal.

This is a benchmark that prints figures, not a test. It

1. generates a deterministic N-page Chinese bureau portal (home page, ~10 columns with paginated
   list pages, article pages with an image, in-site links and occasional PDF attachments) into a
   temporary directory, and checks by its own breadth-first walk that exactly N HTML pages are
   reachable from the home page;
2. serves it with nginx on 127.0.0.1 (one port per tool, each with its own access log);
3. runs each tool in turn (`wget --spider -r ...`, `gapcheck check ...`, and on request LinkChecker,
   linkinator and a bare Scrapy spider, each with its rate limit lifted and external links off),
   measuring wall time and peak RSS, and counts the pages and requests from that tool's nginx
   access log; after gapcheck, times its checks and report over the stored run in a new process;
4. prints a table, the ratio of gapcheck pages/s to each other tool's, and every target of the
   performance issue next to the figure measured for it (met / MISSED / not measured).

Only the standard library is used (the peer tools run as separate processes; LinkChecker and
linkinator are installed on first use into a cache outside the repo). See bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import datetime as dt
import functools
import html
import math
import os
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

PER_PAGE = 20
"""Items on one column list page."""

SITE_NAME = "江川市数据资源管理局"
SITE_SHORT = "市数据局"
CITY = "江川市"
SITE_ID_CODE = "3310000012"

# (path slug, column name, weight of its share of the articles)
COLUMNS: list[tuple[str, str, int]] = [
    ("gzdt", "工作动态", 7),
    ("tzgg", "通知公告", 5),
    ("zcwj", "政策文件", 3),
    ("zcjd", "政策解读", 2),
    ("rsxx", "人事信息", 1),
    ("ghjh", "规划计划", 1),
    ("tjsj", "统计数据", 2),
    ("hygq", "回应关切", 1),
    ("mtbd", "媒体报道", 2),
    ("zjdc", "征集调查", 1),
]
STATIC_PAGES: list[tuple[str, str]] = [
    ("wzdt", "网站地图"),
    ("lxwm", "联系我们"),
    ("gywz", "关于本站"),
    ("yssm", "隐私声明"),
]
EXTRA_STATIC_PAGE = ("sybz", "使用帮助")
"""Added to the footer only when it is needed to hit the requested page count exactly."""

MIN_PAGES = 1 + len(STATIC_PAGES) + len(COLUMNS)

IMAGE_POOL = 6
PDF_POOL = 4
PDF_SHARE = 0.08
"""Share of articles with a PDF attachment."""

# --------------------------------------------------------------------------------------------
# text pools
# --------------------------------------------------------------------------------------------

TOPICS = [
    "数据要素市场化配置改革",
    "公共数据授权运营",
    "数字政府建设",
    "政务服务“一网通办”",
    "营商环境优化提升",
    "城市大脑",
    "电子证照共享应用",
    "政务信息化项目管理",
    "网络安全等级保护",
    "一体化智能化公共数据平台",
    "12345政务服务便民热线",
    "“高效办成一件事”",
    "数字乡村建设",
    "算力基础设施布局",
    "公共数据开放",
    "政务云资源管理",
    "数据安全管理",
    "基层治理数字化",
    "适老化和无障碍改造",
    "政务新媒体规范管理",
    "人工智能赋能千行百业",
    "企业数据资产入表",
]
AREAS = ["临海区", "东湖区", "南屏县", "北岙镇", "西门街道", "高新区", "滨江新区", "青石县"]
LEADERS = ["局党组书记、局长", "局党组成员、副局长", "一级调研员", "总工程师"]
MEDIA = ["人民日报", "新华社", "浙江日报", "江川日报", "江川新闻网", "学习强国"]
SOURCES = [SITE_NAME, "办公室", "数据资源处", "政务服务管理处", "信息安全处", f"{CITY}人民政府办公室"]
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度", "上半年", "前三季度"]
MEETINGS = ["工作推进会", "专题部署会", "党组理论学习中心组学习会", "务虚会", "工作例会", "座谈会"]

TITLE_TEMPLATES: dict[str, list[str]] = {
    "gzdt": [
        "{site}召开{year}年{quarter}{meeting}",
        "{leader}带队赴{area}调研{topic}工作",
        "{area}扎实推进{topic}工作取得阶段性成效",
        "{site}举办{topic}专题培训班",
        "我局与{area}签署{topic}合作框架协议",
    ],
    "tzgg": [
        "关于做好{year}年度{topic}工作的通知",
        "关于开展{topic}专项检查的通知",
        "{year}年度{topic}试点单位名单公示",
        "关于{year}年{quarter}政务信息化项目验收结果的公告",
    ],
    "zcwj": [
        "关于印发《{city}{topic}管理办法》的通知",
        "{city}人民政府办公室关于加快推进{topic}的实施意见",
        "关于印发《{city}{topic}三年行动计划（{year}—{year2}年）》的通知",
    ],
    "zcjd": [
        "《{city}{topic}管理办法》政策解读",
        "一图读懂《关于加快推进{topic}的实施意见》",
        "专家解读：{topic}如何落地见效",
    ],
    "rsxx": [
        "{year}年{site}下属事业单位公开招聘工作人员公告",
        "{site}干部任前公示",
        "{year}年{site}公开遴选公务员拟遴选人员名单公示",
    ],
    "ghjh": [
        "{city}{topic}“十五五”规划",
        "{site}{year}年{topic}工作要点",
        "{city}{topic}专项规划（{year}—{year2}年）",
    ],
    "tjsj": [
        "{year}年{month}月{city}政务服务事项办件情况统计",
        "{year}年{quarter}{city}12345热线受理情况",
        "{year}年{month}月公共数据开放情况统计",
    ],
    "hygq": [
        "关于市民反映{area}{topic}相关问题的回复",
        "对市政协{congress}号提案的答复",
        "对市人大代表第{congress}号建议的答复",
    ],
    "mtbd": [
        "【{media}】{city}：{topic}跑出“加速度”",
        "【{media}】{area}以{topic}赋能高质量发展",
        "【{media}】{city}{topic}经验做法获推广",
    ],
    "zjdc": [
        "关于公开征求《{city}{topic}管理办法（征求意见稿）》意见的公告",
        "{topic}满意度问卷调查",
    ],
}

SENTENCES = [
    "为深入贯彻落实党中央、国务院关于{topic}的决策部署，进一步提升{topic2}工作水平，",
    "{date}，{site}召开专题会议，研究部署{topic}相关工作。",
    "会议强调，要坚持问题导向和目标导向，聚焦{topic}中的堵点难点，细化任务清单，压实工作责任。",
    "近年来，{area}坚持以{topic}为牵引，统筹推进{topic2}，累计归集数据{n1}万条，服务企业群众{n2}万人次。",
    "下一步，{site}将持续深化{topic}，加强部门协同和上下联动，确保各项工作任务落地见效。",
    "各单位要高度重视，加强组织领导，于{date}前将工作情况报送{site}{dept}。",
    "联系人：{dept}王同志，联系电话：0576-8812{n3}。",
    "据统计，今年以来全市共受理{topic}相关事项{n1}件，按时办结率达{pct}%。",
    "本办法自印发之日起施行，由{site}负责解释。",
    "调研组一行实地察看了{area}{topic}应用场景，详细了解了项目建设、运行维护和数据安全等情况。",
    "与会人员围绕{topic}、{topic2}等议题进行了深入交流，提出了意见建议。",
    "《办法》共{n4}章{n5}条，明确了适用范围、职责分工、管理流程和监督保障等内容。",
]
DEPTS = ["办公室", "数据资源处", "政务服务管理处", "信息安全处", "规划发展处"]


class _Slots(dict):
    """Template values, drawn from the generator only when a template uses them."""

    def __init__(self, rng: random.Random, day: dt.date):
        super().__init__()
        self.rng, self.day = rng, day

    def __missing__(self, key: str) -> object:
        rng, day = self.rng, self.day
        if key == "topic2":
            value = rng.choice([t for t in TOPICS if t != self["topic"]])
        else:
            value = {
                "site": lambda: SITE_SHORT if rng.random() < 0.5 else SITE_NAME,
                "city": lambda: CITY,
                "year": lambda: day.year,
                "year2": lambda: day.year + 2,
                "month": lambda: day.month,
                "quarter": lambda: rng.choice(QUARTERS),
                "meeting": lambda: rng.choice(MEETINGS),
                "leader": lambda: rng.choice(LEADERS),
                "area": lambda: rng.choice(AREAS),
                "topic": lambda: rng.choice(TOPICS),
                "media": lambda: rng.choice(MEDIA),
                "congress": lambda: rng.randint(1, 480),
                "date": lambda: f"{day.month}月{day.day}日",
                "dept": lambda: rng.choice(DEPTS),
                "n1": lambda: rng.randint(12, 9800),
                "n2": lambda: rng.randint(3, 480),
                "n3": lambda: f"{rng.randint(0, 9999):04d}",
                "n4": lambda: rng.randint(4, 9),
                "n5": lambda: rng.randint(20, 60),
                "pct": lambda: rng.randint(950, 1000) / 10,
            }[key]()
        self[key] = value
        return value


def _fill(rng: random.Random, template: str, day: dt.date) -> str:
    return template.format_map(_Slots(rng, day))


# --------------------------------------------------------------------------------------------
# binary assets (stdlib only)
# --------------------------------------------------------------------------------------------


def make_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid, solid-colour RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def make_pdf(text: str) -> bytes:
    """A valid one-page PDF with a line of ASCII text and a correct xref table."""
    content = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CSS = """@charset "utf-8";
body{margin:0;font:14px/1.6 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#fff}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.w1200{width:1200px;margin:0 auto}
.top-bar{height:32px;line-height:32px;background:#f2f2f2;font-size:12px}
.header{height:120px;background:#b50e0e}
.nav{height:48px;background:#9a0000 url(../images/nav_bg.png) repeat-x}
.nav li{float:left;list-style:none}.nav a{display:block;padding:0 22px;line-height:48px;color:#fff;font-size:16px}
.nav li.on a{background:#c81e1e}
.list li{height:36px;line-height:36px;border-bottom:1px dashed #ddd}.list li span{float:right;color:#999}
.page{text-align:center;margin:20px 0}.page a{padding:3px 8px;border:1px solid #ddd;margin:0 2px}
.article h1{font-size:24px;text-align:center;color:#b50e0e}
.article .info{text-align:center;color:#888;border-bottom:1px solid #ddd;padding-bottom:10px}
.content p{text-indent:2em}
.footer{background:#f5f5f5;border-top:3px solid #b50e0e;padding:20px 0;text-align:center;font-size:12px}
"""

JS = """/* common.js */
function addFavorite(){try{window.external.addFavorite(location.href,document.title)}catch(e){alert('请使用Ctrl+D收藏本页')}}
(function(){var d=new Date(),w='日一二三四五六'.charAt(d.getDay());
document.addEventListener('DOMContentLoaded',function(){var t=document.getElementById('today');
if(t){t.innerHTML=d.getFullYear()+'年'+(d.getMonth()+1)+'月'+d.getDate()+'日 星期'+w}})})();
"""

# --------------------------------------------------------------------------------------------
# portal generation
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Article:
    col: int
    day: dt.date
    title: str
    hhmm: str
    aid: int = 0
    pdf: bool = False

    @property
    def month_dir(self) -> str:
        return f"{self.day:%Y%m}"

    @property
    def fname(self) -> str:
        return f"t{self.day:%Y%m%d}_{self.aid}.html"

    @property
    def path(self) -> str:
        return f"/{COLUMNS[self.col][0]}/{self.month_dir}/{self.fname}"

    @property
    def image(self) -> str:
        return f"W0{self.day:%Y%m%d}{self.aid:09d}.png"

    @property
    def attachment(self) -> str:
        return f"P0{self.day:%Y%m%d}{self.aid:09d}.pdf"


@dataclasses.dataclass
class SiteStats:
    html_files: int = 0
    asset_files: int = 0
    list_pages: int = 0
    articles: int = 0
    static_pages: int = 0
    pdfs: int = 0
    disk_bytes: int = 0


def plan_counts(n_pages: int, rng: random.Random) -> tuple[list[int], bool]:
    """Articles per column (and whether the extra static page is needed) so that
    home + static pages + list pages + articles == n_pages exactly."""
    if n_pages < MIN_PAGES:
        raise SystemExit(f"--pages must be at least {MIN_PAGES}")
    counts = [0] * len(COLUMNS)
    weights = [w for _, _, w in COLUMNS]
    remaining = n_pages - MIN_PAGES  # each column already has its first list page
    extra_static = False
    idx = list(range(len(COLUMNS)))
    while remaining > 0:
        i = rng.choices(idx, weights)[0]
        cost = 2 if counts[i] and counts[i] % PER_PAGE == 0 else 1  # 2: opens a new list page
        if cost > remaining:
            cheap = [j for j in idx if counts[j] == 0 or counts[j] % PER_PAGE]
            if not cheap:
                extra_static = True
                remaining -= 1
                continue
            i, cost = cheap[0], 1
        counts[i] += 1
        remaining -= cost
    return counts, extra_static


def list_page_url(k: int) -> str:
    """Href of list page k relative to the column directory (page 0 is the directory itself)."""
    return "./" if k == 0 else f"index_{k}.html"


class PortalGenerator:
    def __init__(self, root: Path, n_pages: int, seed: int, as_of: dt.date):
        self.root = root
        self.n_pages = n_pages
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.stats = SiteStats()
        self.footer_static = list(STATIC_PAGES)

    # -- output helpers ------------------------------------------------------------------
    def write(self, rel: str, data: str | bytes) -> None:
        p = self.root / rel.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def link(self, src: Path, rel: str) -> None:
        dst = self.root / rel.lstrip("/")
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)  # distinct URL, no extra disk blocks
        except OSError:
            shutil.copyfile(src, dst)

    # -- shared template -------------------------------------------------------------------
    def head(self, title: str, column: str = "", meta: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteDomain" content="www.jcdata.gov.cn">
<meta name="SiteIDCode" content="{SITE_ID_CODE}">
<meta name="ColumnName" content="{html.escape(column or "首页")}">
{meta}<title>{html.escape(title)}</title>
<link rel="stylesheet" href="/css/common.css">
<script src="/js/common.js"></script>
</head>
<body>
<div class="top-bar"><div class="w1200"><span>今天是：<span id="today"></span></span>
<a href="javascript:void(0)" onclick="aria.start()">无障碍浏览</a>
<a href="javascript:void(0)" class="elder">长者模式</a>
<a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a></div></div>
<div class="header"><div class="w1200">
<a href="/" class="logo"><img src="/images/logo.png" alt="{SITE_NAME}"></a>
<div class="search"><form name="searchform" action="javascript:void(0)" method="get">
<input type="text" name="searchword" placeholder="请输入关键词"><button type="submit">搜索</button></form></div>
</div></div>
"""

    def nav(self, active: int | None) -> str:
        items = ['<li{}><a href="/">首页</a></li>'.format(' class="on"' if active is None else "")]
        for i, (slug, name, _) in enumerate(COLUMNS):
            cls = ' class="on"' if i == active else ""
            items.append(f'<li{cls}><a href="/{slug}/">{name}</a></li>')
        return '<div class="nav"><ul class="w1200">\n' + "\n".join(items) + "\n</ul></div>\n"

    def footer(self) -> str:
        links = "|".join(f'<a href="/{slug}/">{name}</a>' for slug, name in self.footer_static)
        return f"""<div class="footer"><div class="w1200">
<div class="footer-links">{links}</div>
<div class="dzjg"><img src="/images/dzjg.png" alt="党政机关" width="55" height="65"></div>
<p>主办单位：{SITE_NAME}　　地址：{CITY}人民路88号　　邮编：318000</p>
<p>网站标识码：{SITE_ID_CODE}　　<span>浙ICP备05012345号-1</span>　　<span>浙公网安备 33100202000123号</span></p>
<p>联系电话：0576-88123456　　建议使用1920×1080分辨率、IE10以上版本浏览器访问本网站</p>
</div></div>
</body>
</html>
"""

    def sidebar(self, active: int) -> str:
        items = "\n".join(
            '<li{}><a href="/{}/">{}</a></li>'.format(' class="on"' if i == active else "", slug, name)
            for i, (slug, name, _) in enumerate(COLUMNS)
        )
        return f'<div class="side"><h3>栏目导航</h3><ul>\n{items}\n</ul></div>\n'

    # -- content -----------------------------------------------------------------------------
    def paragraphs(self, day: dt.date, k: int) -> list[str]:
        out = []
        for _ in range(k):
            n = self.rng.randint(2, 4)
            out.append("".join(_fill(self.rng, self.rng.choice(SENTENCES), day) for _ in range(n)))
        return out

    def make_articles(self, counts: list[int]) -> list[list[Article]]:
        total = sum(counts)
        end = self.as_of - dt.timedelta(days=1)
        span = max(90, min(365 * 8, math.ceil(total / 8)))  # ~8 articles a day
        per_col: list[list[Article]] = []
        for c, cnt in enumerate(counts):
            slug = COLUMNS[c][0]
            arts = []
            for _ in range(cnt):
                day = end - dt.timedelta(days=self.rng.randrange(span))
                title = _fill(self.rng, self.rng.choice(TITLE_TEMPLATES[slug]), day)
                hhmm = f"{self.rng.randint(8, 18):02d}:{self.rng.randint(0, 59):02d}"
                arts.append(Article(c, day, title, hhmm, pdf=self.rng.random() < PDF_SHARE))
            per_col.append(arts)
        # ids grow with publication time, with gaps, like a CMS's
        everything = [a for arts in per_col for a in arts]
        everything.sort(key=lambda a: (a.day, a.hhmm, a.col))
        aid = 4_512_000
        for a in everything:
            aid += self.rng.randint(1, 9)
            a.aid = aid
        for arts in per_col:
            arts.sort(key=lambda a: (a.day, a.hhmm, a.aid), reverse=True)
        return per_col

    # -- pages -------------------------------------------------------------------------------
    def home(self, per_col: list[list[Article]]) -> str:
        blocks = []
        for c in (0, 1, 2, 3, 6, 8):
            slug, name, _ = COLUMNS[c]
            items = "\n".join(
                f'<li><a href="./{slug}/{a.month_dir}/{a.fname}" title="{html.escape(a.title)}">'
                f"{html.escape(a.title)}</a><span>{a.day:%m-%d}</span></li>"
                for a in per_col[c][:8]
            )
            blocks.append(
                f'<div class="block"><div class="hd"><h2>{name}</h2>'
                f'<a class="more" href="./{slug}/">更多&gt;&gt;</a></div>\n<ul class="list">\n{items}\n</ul></div>'
            )
        services = "\n".join(f'<li><a href="/{COLUMNS[c][0]}/">{COLUMNS[c][1]}</a></li>' for c in (4, 5, 7, 9))
        return (
            self.head(SITE_NAME, "", '<meta name="Keywords" content="数据资源,政务服务,公共数据">\n')
            + self.nav(None)
            + '<div class="main w1200">\n<div class="banner"><img src="/images/banner.png" alt="数字江川"></div>\n'
            + "\n".join(blocks)
            + f'\n<div class="block zt"><h2>信息公开</h2><ul>\n{services}\n</ul></div>\n</div>\n'
            + self.footer()
        )

    def list_page(self, c: int, k: int, n_pages: int, arts: list[Article]) -> str:
        _slug, name, _ = COLUMNS[c]
        items = "\n".join(
            f'<li><a href="./{a.month_dir}/{a.fname}" target="_blank" title="{html.escape(a.title)}">'
            f"{html.escape(a.title)}</a><span>{a.day:%Y-%m-%d}</span></li>"
            for a in arts
        )
        if not items:
            items = '<li class="empty">暂无信息</li>'
        pager = [f"共{n_pages}页", f'<a href="{list_page_url(0)}">首页</a>']
        if k > 0:
            pager.append(f'<a href="{list_page_url(k - 1)}">上一页</a>')
        for j in range(max(0, k - 4), min(n_pages, k + 6)):
            pager.append(f"<span>{j + 1}</span>" if j == k else f'<a href="{list_page_url(j)}">{j + 1}</a>')
        if k < n_pages - 1:
            pager.append(f'<a href="{list_page_url(k + 1)}">下一页</a>')
        pager.append(f'<a href="{list_page_url(n_pages - 1)}">尾页</a>')
        title = f"{name}_{SITE_NAME}"
        return (
            self.head(title, name)
            + self.nav(c)
            + '<div class="main w1200">\n'
            + self.sidebar(c)
            + f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="./">{name}</a></div>\n'
            + f'<div class="list-box"><ul class="list">\n{items}\n</ul>\n'
            + '<div class="page">'
            + " ".join(pager)
            + "</div></div>\n</div>\n"
            + self.footer()
        )

    def article_page(self, a: Article, prev: Article | None, nxt: Article | None, related: list[Article]) -> str:
        _slug, name, _ = COLUMNS[a.col]
        paras = self.paragraphs(a.day, self.rng.randint(3, 6))
        cut = self.rng.randint(1, len(paras) - 1)
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[:cut])
        body += (
            f'\n<p style="text-align:center"><img src="./{a.image}" alt="{html.escape(a.title)}" '
            f'width="600" height="400" border="0"></p>\n'
        )
        body += "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[cut:])
        attach = ""
        if a.pdf:
            attach = (
                f'<div class="attach">附件：<a href="./{a.attachment}" target="_blank">'
                f"{html.escape(a.title[:24])}.pdf</a></div>\n"
            )

        def sibling(b: Article | None, label: str) -> str:
            if b is None:
                return f"<p>{label}：没有了</p>"
            return f'<p>{label}：<a href="../{b.month_dir}/{b.fname}">{html.escape(b.title)}</a></p>'

        rel = "\n".join(f'<li><a href="{b.path}">{html.escape(b.title)}</a></li>' for b in related)
        meta = (
            f'<meta name="ArticleTitle" content="{html.escape(a.title)}">\n'
            f'<meta name="PubDate" content="{a.day:%Y-%m-%d} {a.hhmm}">\n'
            f'<meta name="ContentSource" content="{SITE_NAME}">\n'
        )
        source = self.rng.choice(SOURCES)
        return (
            self.head(f"{a.title}_{SITE_NAME}", name, meta)
            + self.nav(a.col)
            + '<div class="main w1200">\n'
            + f'<div class="crumb">当前位置：<a href="../../">首页</a> &gt; <a href="../">{name}</a> &gt; 正文</div>\n'
            + f'<div class="article">\n<h1>{html.escape(a.title)}</h1>\n'
            + f'<div class="info">发布时间：{a.day:%Y-%m-%d} {a.hhmm}　来源：{source}　'
            + '<a href="javascript:window.print()">【打印本页】</a> '
            + '<a href="javascript:window.close()">【关闭窗口】</a></div>\n'
            + f'<div class="content TRS_Editor">\n{body}\n</div>\n{attach}'
            + '<div class="prevnext">'
            + sibling(prev, "上一篇")
            + sibling(nxt, "下一篇")
            + "</div>\n"
            + f'<div class="related"><h3>相关文章</h3><ul>\n{rel}\n</ul></div>\n</div>\n</div>\n'
            + self.footer()
        )

    def static_page(self, slug: str, name: str) -> str:
        if slug == "wzdt":
            body = (
                "\n".join(f'<dl><dt><a href="/{s}/">{n}</a></dt></dl>' for s, n, _ in COLUMNS)
                + "\n"
                + "\n".join(f'<dl><dt><a href="/{s}/">{n}</a></dt></dl>' for s, n in self.footer_static)
            )
        else:
            body = "\n".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs(self.as_of, 3))
        return (
            self.head(f"{name}_{SITE_NAME}", name)
            + self.nav(None)
            + f'<div class="main w1200">\n<div class="crumb">当前位置：<a href="/">首页</a> &gt; {name}</div>\n'
            + f'<div class="article"><h1>{name}</h1>\n<div class="content">\n{body}\n</div></div>\n</div>\n'
            + self.footer()
        )

    # -- driver ------------------------------------------------------------------------------
    def generate(self) -> SiteStats:
        st = self.stats
        counts, extra_static = plan_counts(self.n_pages, self.rng)
        if extra_static:
            self.footer_static.append(EXTRA_STATIC_PAGE)
        per_col = self.make_articles(counts)
        everything = [a for arts in per_col for a in arts]

        # shared assets, and pools of image/attachment files that articles hard-link to
        pool = self.root / "_pool"
        pool.mkdir(parents=True)
        colours = [(181, 14, 14), (30, 90, 160), (40, 140, 70), (200, 150, 30), (120, 60, 150), (90, 90, 90)]
        images = []
        for i in range(IMAGE_POOL):
            p = pool / f"img{i}.png"
            p.write_bytes(make_png(60, 40, colours[i % len(colours)]))
            images.append(p)
        pdfs = []
        for i in range(PDF_POOL):
            p = pool / f"att{i}.pdf"
            p.write_bytes(make_pdf(f"Attachment sample {i + 1} - generated by gapcheck bench"))
            pdfs.append(p)
        self.write("css/common.css", CSS)
        self.write("js/common.js", JS)
        self.write("images/logo.png", make_png(360, 80, (181, 14, 14)))
        self.write("images/dzjg.png", make_png(55, 65, (200, 20, 20)))
        self.write("images/banner.png", make_png(400, 100, (230, 230, 230)))
        self.write("images/nav_bg.png", make_png(4, 48, (154, 0, 0)))
        self.write("robots.txt", "User-agent: *\nAllow: /\n")
        st.asset_files += 7

        self.write("index.html", self.home(per_col))
        st.html_files += 1
        for slug, name in self.footer_static:
            self.write(f"{slug}/index.html", self.static_page(slug, name))
            st.html_files += 1
            st.static_pages += 1

        for c, arts in enumerate(per_col):
            slug = COLUMNS[c][0]
            n_list = max(1, math.ceil(len(arts) / PER_PAGE))
            for k in range(n_list):
                page = self.list_page(c, k, n_list, arts[k * PER_PAGE : (k + 1) * PER_PAGE])
                self.write(f"{slug}/index.html" if k == 0 else f"{slug}/index_{k}.html", page)
                st.html_files += 1
                st.list_pages += 1
            for i, a in enumerate(arts):
                prev = arts[i - 1] if i > 0 else None
                nxt = arts[i + 1] if i + 1 < len(arts) else None
                related = [b for b in self.rng.sample(everything, min(4, len(everything))) if b is not a][:3]
                self.write(a.path, self.article_page(a, prev, nxt, related))
                self.link(images[a.aid % IMAGE_POOL], f"{slug}/{a.month_dir}/{a.image}")
                st.html_files += 1
                st.articles += 1
                st.asset_files += 1
                if a.pdf:
                    self.link(pdfs[a.aid % PDF_POOL], f"{slug}/{a.month_dir}/{a.attachment}")
                    st.asset_files += 1
                    st.pdfs += 1
        shutil.rmtree(pool)  # the hard links keep the data
        st.disk_bytes = disk_usage(self.root)
        return st


def disk_usage(root: Path) -> int:
    seen: set[tuple[int, int]] = set()
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            s = os.lstat(os.path.join(dirpath, name))
            key = (s.st_dev, s.st_ino)
            if key in seen:
                continue
            seen.add(key)
            total += s.st_blocks * 512
    return total


# --------------------------------------------------------------------------------------------
# verification: breadth-first walk of the generated files, as a crawler would see them
# --------------------------------------------------------------------------------------------

_HREF_RE = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.I)
_CSS_URL_RE = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", re.I)


@dataclasses.dataclass
class Reachable:
    html_pages: int
    other: set[str]
    """Reachable URL paths that are not HTML pages (images, PDFs, CSS, JS)."""
    broken: list[str]
    page_depth: dict[str, int]
    """Link depth of each HTML page: the fewest clicks from the home page (home = 0)."""

    @property
    def page_depths(self) -> collections.Counter:
        return collections.Counter(self.page_depth.values())

    @property
    def other_urls(self) -> int:
        return len(self.other)

    def deeper_than(self, depth: int) -> int:
        return sum(n for d, n in self.page_depths.items() if d > depth)


@functools.lru_cache(maxsize=1 << 16)
def resolve(base_dir: str, ref: str) -> str | None:
    """Path of `ref` on this site as seen from a page in `base_dir`, or None if it leads off the
    site or nowhere (javascript:, mailto:, fragments)."""
    if not ref or ref.startswith(("javascript:", "mailto:", "#", "tel:")):
        return None
    u = urllib.parse.urlsplit(urllib.parse.urljoin(base_dir, ref))
    if u.scheme or u.netloc:
        return None  # external (none generated)
    return u.path


def walk_site(root: Path) -> Reachable:
    def target(path: str) -> Path:
        return root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))

    depth_of = {"/": 0}
    queue = collections.deque(["/"])
    html_pages = 0
    other: set[str] = set()
    broken = []
    page_depth: dict[str, int] = {}
    while queue:
        path = queue.popleft()
        depth = depth_of[path]
        f = target(path)
        if not f.is_file():
            broken.append(path)
            continue
        is_html = path.endswith("/") or path.endswith(".html")
        is_css = path.endswith(".css")
        if not (is_html or is_css):
            other.add(path)
            continue
        if is_html:
            html_pages += 1
            page_depth[path] = depth
        else:
            other.add(path)
        text = f.read_text("utf-8")
        refs = (_HREF_RE if is_html else _CSS_URL_RE).findall(text)
        base_dir = path[: path.rfind("/") + 1]
        for ref in refs:
            p = resolve(base_dir, ref)
            if p is not None and p not in depth_of:
                depth_of[p] = depth + 1
                queue.append(p)
    return Reachable(html_pages, other, broken, page_depth)


# --------------------------------------------------------------------------------------------
# nginx
# --------------------------------------------------------------------------------------------


def apt_install(*candidates: str) -> bool:
    """Install the first installable of `candidates` with apt-get (root only)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for pkg in candidates:
        if (
            subprocess.call(
                ["apt-get", "install", "-y", "-q", pkg], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
            )
            == 0
        ):
            return True
    # package lists may be missing on a fresh machine
    subprocess.call(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for pkg in candidates:
        print(f"$ apt-get install -y {pkg}", flush=True)
        if (
            subprocess.call(
                ["apt-get", "install", "-y", "-q", pkg], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
            )
            == 0
        ):
            return True
    return False


def find_binary(name: str, extra_dirs: tuple[str, ...] = ("/usr/sbin", "/usr/local/sbin", "/sbin")) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


def find_nginx() -> str:
    path = find_binary("nginx", ("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/local/nginx/sbin"))
    if path:
        return path
    print("nginx not found; installing nginx-light with apt-get ...", flush=True)
    apt_install("nginx-light", "nginx")
    path = find_binary("nginx", ("/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/local/nginx/sbin"))
    if not path:
        raise SystemExit("nginx not found and could not be installed (apt-get install -y nginx-light)")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LOG_FORMAT = '\'$msec $request_method $status $body_bytes_sent "$request_uri" "$sent_http_content_type"\''


class Nginx:
    def __init__(self, binary: str, workdir: Path, site: Path, tools: list[str], extra: dict[str, str] | None = None):
        self.binary = binary
        self.extra = extra or {}
        """More directives for one tool's server block."""
        self.workdir = workdir
        self.site = site
        self.ports = {tool: free_port() for tool in tools}
        self.logs = {tool: workdir / f"access-{tool}.log" for tool in tools}
        self.proc: subprocess.Popen | None = None
        self.conf = workdir / "nginx.conf"
        self.error_log = workdir / "nginx-error.log"

    log_format = LOG_FORMAT

    def url(self, tool: str) -> str:
        return f"http://127.0.0.1:{self.ports[tool]}/"

    def server_blocks(self) -> list[str]:
        """One server block per tool, each on its own port with its own access log."""
        return [
            f"""    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {self.site};
        index index.html;
        access_log {self.logs[tool]} bench;{self.extra.get(tool, "")}
    }}"""
            for tool, port in self.ports.items()
        ]

    def write_conf(self) -> None:
        info = subprocess.run([self.binary, "-V"], capture_output=True, text=True).stderr
        tmp = self.workdir / "nginx-tmp"
        tmp.mkdir(exist_ok=True)
        temp_paths = [f"    client_body_temp_path {tmp}/body;"]
        for mod in ("proxy", "fastcgi", "uwsgi", "scgi"):
            if f"--without-http_{mod}_module" not in info:
                temp_paths.append(f"    {mod}_temp_path {tmp}/{mod};")
        servers = self.server_blocks()
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the 0700 temp dir
        # As many connections as the open-file limit allows (a client that never reuses a connection
        # holds thousands): each takes a socket and, while a file is sent, its file.
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        nofile = 131072 if hard == resource.RLIM_INFINITY else min(hard, 131072)
        self.conf.write_text(f"""# generated by bench/run.py
{user}worker_processes 2;
worker_rlimit_nofile {nofile};
daemon off;
pid {self.workdir}/nginx.pid;
error_log {self.error_log} warn;
events {{
    worker_connections {nofile // 2};
}}
http {{
    types {{
        text/html html htm;
        text/css css;
        application/javascript js;
        image/png png;
        image/jpeg jpg jpeg;
        image/gif gif;
        application/pdf pdf;
        text/plain txt;
    }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    server_tokens off;
    access_log off;
    log_format bench {self.log_format};
{chr(10).join(temp_paths)}
{chr(10).join(servers)}
}}
""")

    def start(self) -> None:
        self.write_conf()
        argv = [self.binary, "-p", str(self.workdir), "-c", str(self.conf), "-e", str(self.error_log)]
        check = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"nginx -t failed:\n{check.stderr}")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.monotonic() + 15
        pending = set(self.ports)
        while pending:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"nginx exited with {self.proc.returncode}: {self.proc.stderr.read().decode(errors='replace')}"
                )
            if time.monotonic() > deadline:
                raise SystemExit("nginx did not start listening within 15 s")
            for tool in list(pending):
                try:
                    with urllib.request.urlopen(self.url(tool), timeout=2) as r:
                        if r.status == 200:
                            pending.discard(tool)
                except (OSError, urllib.error.URLError):
                    pass
            time.sleep(0.05)
        for log in self.logs.values():  # drop the readiness probes
            log.write_bytes(b"")
        # nginx holds the log open with O_APPEND: truncating is safe

    def cpu_seconds(self) -> float:
        """CPU time nginx's master and workers have used so far."""
        return process_tree_cpu_seconds(self.proc.pid) if self.proc is not None else 0.0

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.kill(self.proc.pid, signal.SIGQUIT)  # graceful shutdown
            self.proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


# --------------------------------------------------------------------------------------------
# running and measuring a tool
# --------------------------------------------------------------------------------------------


def _ppid_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        rest = data.rpartition(b")")[2].split()
        children[int(rest[1])].append(int(entry.name))
    return children


def tree_rss_bytes(root_pid: int, include_root: bool) -> int:
    children = _ppid_map()
    pids = [root_pid] if include_root else []
    stack = list(children.get(root_pid, []))
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


@dataclasses.dataclass
class Result:
    tool: str
    status: str = "not run"
    exit_code: int | None = None
    pages: int = 0
    requests: int = 0
    seconds: float = 0.0
    rss_max_proc_mb: float | None = None
    rss_tree_mb: float | None = None
    crawl_seconds: float | None = None
    """From the first to the last request in the access log."""
    detail: str = ""
    stderr_tail: str = ""
    other_cpu: float | None = None
    """CPUs busy with something else than the tool and nginx during its run, on average (highest of its runs)."""
    cpu: dict[str, float] = dataclasses.field(default_factory=dict)
    """User + system CPU seconds of each process of the tool (the tool itself; or its coordinator, each worker
    and redis-server), summed over its runs."""
    cpu_pages: int = 0
    """Pages of the runs `cpu` was summed over."""
    commands: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    """Commands redis-server ran for the tool's runs, by name."""
    startup_cpu: float | None = None
    """CPU seconds the busiest worker (or redis-server) spent before its crawl began: not in `cpu`."""

    def cpu_per_1000(self) -> dict[str, float]:
        """CPU seconds per 1,000 pages, for each process of the tool."""
        return {name: 1000 * s / self.cpu_pages for name, s in self.cpu.items()} if self.cpu_pages else {}

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def crawl_pages_per_s(self) -> float | None:
        return self.pages / self.crawl_seconds if self.crawl_seconds else None


@dataclasses.dataclass
class LogCounts:
    requests: int
    pages: int
    methods: collections.Counter
    statuses: collections.Counter
    urls: set[str]
    html_get_dupes: int
    page_urls: set[str]
    bytes_sent: int
    first: float | None
    """Epoch time of the first request (nginx $msec: when the response was logged)."""
    last: float | None


_LOG_RE = re.compile(r'^(\d+\.\d+) (\S+) (\d{3}) (\d+) "(.*)" "(.*)"$')


def count_log(path: Path) -> LogCounts:
    methods: collections.Counter = collections.Counter()
    statuses: collections.Counter = collections.Counter()
    urls: set[str] = set()
    html_gets: collections.Counter = collections.Counter()
    requests = 0
    sent = 0
    first = last = None
    if path.exists():
        for line in path.read_text("utf-8", errors="replace").splitlines():
            m = _LOG_RE.match(line)
            if not m:
                continue
            msec, method, status, nbytes, uri, ctype = m.groups()
            stamp = float(msec)
            first = stamp if first is None else min(first, stamp)
            last = stamp if last is None else max(last, stamp)
            requests += 1
            sent += int(nbytes)
            methods[method] += 1
            statuses[status] += 1
            urls.add(uri)
            if method == "GET" and status == "200" and ctype.startswith("text/html"):
                html_gets[uri] += 1
    return LogCounts(
        requests,
        len(html_gets),
        methods,
        statuses,
        urls,
        sum(n - 1 for n in html_gets.values()),
        set(html_gets),
        sent,
        first,
        last,
    )


def parse_time_file(path: Path) -> tuple[float | None, int | None, float | None]:
    """(max RSS MB, exit status, user + system CPU seconds) from `/usr/bin/time -v -o path`."""
    rss = code = cpu = None
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            line = line.strip()
            if line.startswith("Maximum resident set size (kbytes):"):
                rss = int(line.rsplit(":", 1)[1]) / 1024
            elif line.startswith("Exit status:"):
                code = int(line.rsplit(":", 1)[1])
            elif line.startswith(("User time (seconds):", "System time (seconds):")):
                cpu = (cpu or 0.0) + float(line.rsplit(":", 1)[1])
    return rss, code, cpu


_CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat), all CPUs added up."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / _CLK_TCK


def process_tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds of a live process and its live descendants."""
    children = _ppid_map()
    pids, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                rest = f.read().rpartition(b")")[2].split()
            total += int(rest[11]) + int(rest[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / _CLK_TCK


@dataclasses.dataclass
class RunOutcome:
    code: int
    seconds: float
    start: float
    """Epoch times of start and exit."""
    end: float
    rss_max_mb: float | None
    """Largest single process, from /usr/bin/time -v; None without it."""
    rss_tree_mb: float
    """Peak summed RSS of the process tree, sampled from /proc."""
    stdout: Path
    stderr: Path
    cpu_seconds: float | None = None
    """User + system CPU time of the process and the children it waited for (/usr/bin/time -v)."""


class Workers:
    """A redis-server and N `gapcheck worker` processes for one run of a distributed tool."""

    def __init__(self, gapcheck: str, workdir: Path, tag: str, n: int):
        redis_server = find_binary("redis-server")
        if redis_server is None and not apt_install("redis-server"):
            raise SystemExit("redis-server not found: apt-get install -y redis-server")
        redis_server = redis_server or find_binary("redis-server")
        port = self.port = free_port()
        self.url = f"redis://127.0.0.1:{port}/0"
        self.redis = subprocess.Popen(
            [
                redis_server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.procs = []
        for i in range(n):
            argv = [gapcheck, "worker", "--redis", self.url]
            log = open(workdir / f"{tag}-worker{i}.log", "wb")  # noqa: SIM115 - the worker writes it until stop()
            print(f"$ {shlex.join(argv)} &", flush=True)
            self.procs.append(
                subprocess.Popen(
                    argv,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 60  # attached: each says so once its reactor runs
        while time.monotonic() < deadline and not all(
            b"attached" in (workdir / f"{tag}-worker{i}.log").read_bytes() for i in range(n)
        ):
            time.sleep(0.1)

    def commands(self) -> collections.Counter:
        """Commands redis-server has run so far, by name (INFO commandstats: a script counts once, and so does
        each command it runs)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
            conn.sendall(b"*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n")
            data = b""
            while b"\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n")  # a bulk string: $<size>, then the text
            while len(body) < int(head[1:]):
                body += conn.recv(65536)
        calls: collections.Counter = collections.Counter()
        for m in re.finditer(r"^cmdstat_([^:]+):calls=(\d+)", body.decode("latin-1"), re.M):
            calls[m[1]] = int(m[2])
        return calls

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU seconds each worker and redis-server has used so far."""
        named = {f"worker {i + 1}": proc for i, proc in enumerate(self.procs)} | {"redis-server": self.redis}
        return {name: process_tree_cpu_seconds(proc.pid) for name, proc in named.items()}

    def stop(self) -> None:
        for proc in [*self.procs, self.redis]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*self.procs, self.redis]:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


class Runner:
    def __init__(self, workdir: Path, time_bin: str | None, timeout: float):
        self.workdir = workdir
        self.time_bin = time_bin
        self.timeout = timeout
        self.current: subprocess.Popen | None = None

    def run(self, tool: str, argv: list[str], cwd: Path) -> RunOutcome:
        """Run argv and measure it."""
        out_path = self.workdir / f"{tool}.stdout"
        err_path = self.workdir / f"{tool}.stderr"
        time_path = self.workdir / f"{tool}.time"
        cmd = ([self.time_bin, "-v", "-o", str(time_path)] if self.time_bin else []) + argv
        print(f"$ {shlex.join(argv)}", flush=True)
        peak = 0
        stop = threading.Event()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.time()
            t0 = time.monotonic()
            proc = self.current = subprocess.Popen(
                cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
            )

            def sample() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, tree_rss_bytes(proc.pid, include_root=not self.time_bin))
                    stop.wait(0.1)

            poller = threading.Thread(target=sample, daemon=True)
            poller.start()
            try:
                code = proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                print(f"  {tool}: timed out after {self.timeout:.0f} s, killing it", flush=True)
                self.kill_current()
                code = proc.wait()
            seconds = time.monotonic() - t0
            end = time.time()
            stop.set()
            poller.join()
            self.current = None
        rss_max = cpu = None
        if self.time_bin:
            rss_max, inner_code, cpu = parse_time_file(time_path)
            if inner_code is not None:
                code = inner_code
        return RunOutcome(code, seconds, start, end, rss_max, peak / 2**20, out_path, err_path, cpu)

    def kill_current(self) -> None:
        p = self.current
        if p is not None and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def clean_up(runner: Runner | None, nginx: Nginx | None, work: Path, keep: bool) -> None:
    """Whatever happened (an error, Ctrl-C, SIGTERM): no tool left running, nginx stopped, the temp dir gone
    unless kept."""
    if runner is not None:
        runner.kill_current()
    if nginx is not None:
        nginx.stop()
    if keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def find_gapcheck(explicit: str | None) -> str | None:
    if explicit:
        p = shutil.which(explicit) if os.sep not in explicit else explicit
        return p if p and os.access(p, os.X_OK) else None
    candidates = [
        Path(sys.executable).parent / "gapcheck",
        shutil.which("gapcheck"),
        Path(__file__).resolve().parent.parent / ".venv" / "bin" / "gapcheck",
    ]
    for c in candidates:
        if c and os.access(c, os.X_OK) and Path(c).is_file():
            return str(c)
    return None


def find_time() -> str | None:
    p = "/usr/bin/time"
    if os.access(p, os.X_OK):
        return p
    print("/usr/bin/time not found; installing the 'time' package with apt-get ...", flush=True)
    if apt_install("time") and os.access(p, os.X_OK):
        return p
    print("  /usr/bin/time unavailable: peak RSS comes from /proc sampling only", flush=True)
    return None


# --------------------------------------------------------------------------------------------
# peer tools: LinkChecker, linkinator, a bare Scrapy spider
# --------------------------------------------------------------------------------------------

TOOLS = ("wget", "gapcheck", "linkchecker", "linkinator", "scrapy-bare", "gapcheck-Nw")
WORKERS_TOOL = re.compile(r"gapcheck-([1-9]\d*)w")
"""gapcheck-2w, gapcheck-4w…: gapcheck through N `gapcheck worker` processes and a redis-server on 127.0.0.1
(the coordinator is timed; the workers are started and attached first)."""


def workers_of(tool: str) -> int | None:
    """N for gapcheck-Nw, None for a tool that runs alone."""
    m = WORKERS_TOOL.fullmatch(tool)
    return int(m[1]) if m else None


REFERENCE_TOOLS = ("scrapy-bare",)
"""Measured for comparison only: no target is set against them."""
LINKCHECKER_SPEC = "linkchecker"
LINKINATOR_SPEC = "linkinator@7"
BARE_SCRAPY = Path(__file__).resolve().parent / "peers" / "bare_scrapy.py"


def default_peer_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gapcheck-bench"


def _install(steps: list[tuple[list[str], Path | None]], log: Path) -> bool:
    """Run install commands in turn, printing each, their output appended to `log`."""
    with open(log, "ab") as out:
        for argv, cwd in steps:
            print(f"$ {'cd ' + shlex.quote(str(cwd)) + ' && ' if cwd else ''}{shlex.join(argv)}", flush=True)
            if subprocess.call(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT) != 0:
                return False
    return True


def ensure_linkchecker(cache: Path, log: Path) -> tuple[str | None, str]:
    """The linkchecker executable in its own venv under `cache`, installed from PyPI on first use."""
    venv = cache / "linkchecker"
    exe = venv / "bin" / "linkchecker"
    if not os.access(exe, os.X_OK):
        python = shutil.which("python3") or sys.executable
        print(f"installing LinkChecker into {venv} (first use) ...", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        ok = _install(
            [
                ([python, "-m", "venv", str(venv)], None),
                ([str(venv / "bin" / "pip"), "install", "-q", LINKCHECKER_SPEC], None),
            ],
            log,
        )
        if not ok or not os.access(exe, os.X_OK):
            return None, f"pip install {LINKCHECKER_SPEC} failed (see {log})"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return str(exe), version.strip()


def ensure_linkinator(cache: Path, log: Path) -> tuple[str | None, str]:
    """The linkinator CLI from `npm i linkinator@7` in `cache`/linkinator, installed on first use."""
    root = cache / "linkinator"
    exe = root / "node_modules" / ".bin" / "linkinator"
    if not os.access(exe, os.X_OK):
        npm = shutil.which("npm")
        if not npm:
            return None, "npm not found (apt-get install -y nodejs npm)"
        print(f"installing linkinator into {root} (first use) ...", flush=True)
        root.mkdir(parents=True, exist_ok=True)
        ok = _install([([npm, "install", "--no-audit", "--no-fund", LINKINATOR_SPEC], root)], log)
        if not ok or not os.access(exe, os.X_OK):
            return None, f"npm install {LINKINATOR_SPEC} failed (see {log})"
    try:
        pkg = (root / "node_modules" / "linkinator" / "package.json").read_text()
        version = "linkinator " + re.search(r'"version"\s*:\s*"([^"]+)"', pkg).group(1)
    except (OSError, AttributeError):
        version = "linkinator"
    return str(exe), version


def interpreter_of(script: str | None) -> str:
    """The Python that runs `script` (from its #! line), else this one: the venv where Scrapy is."""
    if script:
        try:
            with open(script, "rb") as f:
                first = f.readline().decode(errors="replace").strip()
        except OSError:
            first = ""
        if first.startswith("#!"):
            exe = first[2:].strip().split()[0]
            if os.path.basename(exe).startswith("python") and os.access(exe, os.X_OK):
                return exe
    return sys.executable


def linkchecker_rc(path: Path, pages: int) -> Path:
    """LinkChecker's config file: its per-host rate limit lifted, external links not checked (its default).

    LinkChecker waits 1/maxrequestspersecond (at least 0.1 s, i.e. 10 requests/s, and up to 6 times that)
    between two requests to a host, holding one lock while it sleeps; past 10/s only for a server that
    answers with a `LinkChecker` header, which nginx adds on this tool's port. The result cache is
    also its set of URLs already queued: past `resultcachesize` (default 100,000) URLs are checked
    again, so it is sized for the portal's URLs.
    """
    path.write_text(f"""# written by bench/run.py
[checking]
maxrequestspersecond=1000000
resultcachesize={max(100000, 4 * pages)}
[filtering]
checkextern=0
""")
    return path


# --------------------------------------------------------------------------------------------
# checks and report over the stored run
# --------------------------------------------------------------------------------------------

EVALUATE_PY = """\
# written by bench/run.py: python evaluate_stored_run.py DB RUN_ID OUT [PROFILE]
import sys
from pathlib import Path
from gapcheck.profile import load_profile
from gapcheck.runner import evaluate, rules_of
from gapcheck.store import Store
db, run_id, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
name = sys.argv[4] if len(sys.argv) > 4 else None
profile = load_profile(name)
store = Store(Path(db))
try:
    outcome = evaluate(store, run_id, profile, rules_of(profile), out)
finally:
    store.close()
print(outcome.html)
sys.exit(1 if outcome.failed else 0)
"""
"""Until `gapcheck report` exists: the same checks and reports, through gapcheck.runner.evaluate."""


def report_command_help(gapcheck: str) -> str | None:
    """`gapcheck report --help`, or None when this gapcheck has no report command."""
    try:
        done = subprocess.run([gapcheck, "report", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def copy_store(src: Path, dst: Path) -> int | None:
    """Copy gapcheck's store (the crawl's own file stays as the crawl left it); the id of its last run."""
    if not src.is_file():
        return None
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as a, sqlite3.connect(dst) as b:
        a.backup(b)
        row = a.execute("SELECT max(id) FROM runs").fetchone()
    return row[0] if row else None


@dataclasses.dataclass
class ReportResult:
    status: str = "not run"
    how: str = ""
    seconds: float | None = None
    rss_mb: float | None = None
    pages: int = 0


def run_report(
    runner: Runner, gapcheck: str, python: str, work: Path, tag: str, args: argparse.Namespace
) -> ReportResult:
    """Time the checks and reports over the run gapcheck just stored, in a process of their own:
    `gapcheck report` when this gapcheck has it, else gapcheck.runner.evaluate through `python -c`."""
    res = ReportResult()
    db = work / "gapcheck-report-db.sqlite"
    try:
        run_id = copy_store(work / f"{tag}-db.sqlite", db)
    except sqlite3.Error as exc:
        run_id, res.status = None, f"cannot read gapcheck's store ({exc})"
    if run_id is None:
        res.status = res.status if res.status != "not run" else "no stored run"
        print(f"  checks+report: {res.status}", flush=True)
        return res
    with sqlite3.connect(db) as c:
        res.pages = c.execute("SELECT count(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
    out = work / "gapcheck-report-out"
    usage = report_command_help(gapcheck)
    if usage is not None:
        res.how = "gapcheck report"
        cmd = [gapcheck, "report", str(run_id), "--db", str(db), "--out", str(out)]
        if "--as-of" in usage:  # the run's own as-of date otherwise, which is the same
            cmd += ["--as-of", args.as_of]
        if args.profile:
            cmd += ["--profile", args.profile]
    else:
        res.how = "gapcheck.runner.evaluate (no `gapcheck report` yet)"
        script = work / "evaluate_stored_run.py"
        script.write_text(EVALUATE_PY)
        cmd = [python, str(script), str(db), str(run_id), str(out)] + ([args.profile] if args.profile else [])
    cwd = work / "gapcheck-report-cwd"
    cwd.mkdir(exist_ok=True)
    run = runner.run("gapcheck-report", cmd, cwd)
    res.seconds, res.rss_mb = run.seconds, run.rss_max_mb
    if run.code in (0, 1):  # 1: the findings have gaps
        res.status = "ok"
    else:
        res.status = f"FAILED (exit {run.code})"
        print(
            "  checks+report stderr (tail):\n"
            + "\n".join("    " + ln for ln in (tail(run.stderr) or tail(run.stdout)).splitlines()),
            flush=True,
        )
    print(
        f"  checks+report ({res.how}): exit {run.code}, {run.seconds:.1f} s over {res.pages} stored pages, "
        f"RSS {fmt(res.rss_mb, '.0f')} MB",
        flush=True,
    )
    return res


# --------------------------------------------------------------------------------------------
# targets
# --------------------------------------------------------------------------------------------

TARGET_PAGES = 100_000
"""The portal size the RSS and checks+report targets are set at."""


CPU_RATIO = 1.25
"""Issue 13: CPU per page summed over a distributed crawl's processes, at most this times one process's."""


def cpu_lines(results: list[Result]) -> list[str]:
    """CPU seconds per 1,000 pages of each process of each tool, and the total against one gapcheck process."""
    by_tool = {r.tool: r for r in results}
    alone = sum(by_tool["gapcheck"].cpu_per_1000().values()) if "gapcheck" in by_tool else 0.0
    lines = []
    for r in results:
        per = r.cpu_per_1000()
        if not per:
            continue
        total = sum(per.values())
        parts = ", ".join(f"{name} {value:.2f}" for name, value in per.items())
        versus = f" ({total / alone:.2f}× one process)" if alone and r.tool != "gapcheck" else ""
        startup = f"; each worker's start-up, not counted: ≤ {r.startup_cpu:.1f} s" if r.startup_cpu else ""
        lines.append(f"{r.tool}: {parts}" + (f" = {total:.2f}{versus}" if len(per) > 1 else versus) + startup)
        if r.commands and r.cpu_pages:
            top = ", ".join(f"{name} {n / r.cpu_pages:.2f}" for name, n in r.commands.most_common(6))
            lines.append(
                f"  redis-server: {r.commands.total() / r.cpu_pages:.1f} commands per page, scripts' own included ({top})"
            )
    return lines


def _verdict(value: float, target: float, above: bool) -> str:
    return "met" if (value >= target if above else value < target) else "MISSED"


def target_lines(
    results: list[Result], report: ReportResult, pages: int, workers_ratio: float | None = None
) -> list[str]:
    """Each target of the performance issue, the figure measured for it, and met / MISSED / not measured."""
    by_tool = {r.tool: r for r in results}
    g = by_tool.get("gapcheck")
    g_ok = g is not None and g.status.startswith("ok") and g.pages > 0
    lines = []

    def partial(r: Result) -> str:
        return "" if r.pages == pages else f" ({r.tool} fetched only {r.pages:,} of {pages:,} pages)"

    def ratio(peer: str, target: float, label: str) -> None:
        name = f"gapcheck ÷ {label} pages/s ≥ {target:g}"
        p = by_tool.get(peer)
        missing = [t for t, r in (("gapcheck", g), (peer, p)) if r is None]
        if missing:
            lines.append(f"{name}: not measured (add {' and '.join(missing)} to --tools)")
        elif not (g_ok and p.status.startswith("ok") and p.pages_per_s > 0):
            why = "; ".join(f"{r.tool} {r.status}" for r in (g, p) if not r.status.startswith("ok"))
            lines.append(f"{name}: not measured ({why or 'no pages'})")
        else:
            value = g.pages_per_s / p.pages_per_s
            # A tool that stopped short has no comparable pages/s: show it, decide nothing.
            verdict = "not comparable" if g.pages != pages or p.pages != pages else _verdict(value, target, True)
            lines.append(
                f"{name}: {value:.2f} {verdict} ({g.pages_per_s:.1f} ÷ {p.pages_per_s:.1f}){partial(g)}{partial(p)}"
            )

    if g_ok:
        lines.append(
            f"gapcheck pages/s ≥ 600 (one process, crawled and checked): {g.pages_per_s:.1f} "
            f"{_verdict(g.pages_per_s, 600, True)}{partial(g)}"
        )
    else:
        lines.append(f"gapcheck pages/s ≥ 600: not measured ({g.status if g else 'gapcheck not in --tools'})")
    ratio("wget", 0.25, "wget --spider -r")
    ratio("linkchecker", 20, "LinkChecker")
    ratio("linkinator", 2, "linkinator")

    def at_size(name: str, value: float, text: str, limit: float) -> None:
        """A target that only counts at TARGET_PAGES pages: below that size, the figure without a verdict."""
        if pages < TARGET_PAGES:
            lines.append(
                f"{name}: not measured at this size ({text} at {pages:,} pages; run with --pages {TARGET_PAGES})"
            )
        else:
            lines.append(
                f"{name}: {text} {_verdict(value, limit, False)}"
                + ("" if pages == TARGET_PAGES else f" (at {pages:,} pages)")
            )

    name = f"gapcheck peak RSS at {TARGET_PAGES:,} pages < 300 MB"
    if not g_ok or g.rss_max_proc_mb is None:
        lines.append(f"{name}: not measured ({'no /usr/bin/time' if g_ok else g.status if g else 'gapcheck not run'})")
    else:
        at_size(name, g.rss_max_proc_mb, f"{g.rss_max_proc_mb:.0f} MB", 300)
    name = f"checks+report over the stored {TARGET_PAGES:,}-page run < 30 s"
    if report.seconds is None or not report.status.startswith("ok"):
        lines.append(f"{name}: not measured ({report.status})")
    else:
        at_size(name, report.seconds, f"{report.seconds:.1f} s", 30)
    alone = g.cpu_per_1000() if g_ok else {}
    for r in results:
        n = workers_of(r.tool)
        if n is None:
            continue
        name = f"gapcheck {n} worker{'s' * (n > 1)}: CPU per page of all its processes ÷ one process ≤ {CPU_RATIO:g}"
        per = r.cpu_per_1000()
        if not (alone and per and r.status.startswith("ok")):
            lines.append(f"{name}: not measured ({'add gapcheck to --tools' if not alone else r.status})")
        else:
            value = sum(per.values()) / sum(alone.values())
            lines.append(f"{name}: {value:.2f} {_verdict(value, CPU_RATIO, False)}{partial(r)}")
    # Two worker processes (gapcheck-2w) against one plain process (gapcheck), pages/s in the same run.
    name = "gapcheck 2 workers ÷ 1 process pages/s ≥ 1.6"
    if workers_ratio is None:
        lines.append(f"{name}: not measured (add gapcheck and gapcheck-2w to --tools)")
    else:
        lines.append(f"{name}: {workers_ratio:.2f} {_verdict(workers_ratio, 1.6, True)}")
        one_w, two_w = by_tool.get("gapcheck-1w"), by_tool.get("gapcheck-2w")
        if one_w is not None and two_w is not None and one_w.pages_per_s:
            lines.append(
                f"  (for reference, 2 workers ÷ 1 worker, both through Redis: "
                f"{two_w.pages_per_s / one_w.pages_per_s:.2f})"
            )
    return lines


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


def name_list(
    ap: argparse.ArgumentParser, flag: str, value: str, allowed: tuple[str, ...], pattern: re.Pattern | None = None
) -> list[str]:
    """A comma-separated option's names in order, once each; argparse's usage error on a name not allowed
    (one of `allowed`, or one `pattern` matches whole)."""
    names = list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in allowed and not (pattern and pattern.fullmatch(n))]
    if unknown or not names:
        ap.error(f"{flag}: unknown {unknown}; choose from {','.join(allowed)}")
    return names


def make_workdir(prefix: str, parent: str | None) -> Path:
    """The run's temp dir, readable by nginx's workers. From now on SIGTERM and SIGHUP end the run through its
    `finally` (clean_up) like Ctrl-C does."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_exit)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(work, 0o755)
    return work


def fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=20000, help="HTML pages in the generated portal (default 20000)")
    ap.add_argument(
        "--tools",
        default="wget,gapcheck",
        help=f"comma-separated, run in this order, from {','.join(TOOLS)} (default wget,gapcheck)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (site, nginx.conf, logs, tool output)")
    ap.add_argument(
        "--gapcheck",
        metavar="PATH",
        help="gapcheck executable (default: next to sys.executable, else on PATH, else ./.venv/bin)",
    )
    ap.add_argument(
        "--concurrency",
        type=int,
        default=32,
        help="gapcheck --concurrency, LinkChecker --threads, scrapy-bare --concurrency (default 32)",
    )
    ap.add_argument(
        "--linkinator-concurrency",
        type=int,
        default=100,
        help="linkinator --concurrency (default 100, its own default)",
    )
    ap.add_argument(
        "--peer-cache",
        type=Path,
        default=default_peer_cache(),
        help="where LinkChecker's venv and linkinator's node_modules are installed on first use "
        "(default ~/.cache/gapcheck-bench)",
    )
    ap.add_argument("--as-of", default="2026-11-20", help="gapcheck --as-of; articles are dated before it")
    ap.add_argument("--profile", help="gapcheck --profile NAME (omitted by default)")
    ap.add_argument("--gapcheck-args", default="", help="extra arguments for gapcheck check, shell-quoted")
    ap.add_argument("--seed", type=int, default=20261015, help="generator seed (default 20261015)")
    ap.add_argument("--timeout", type=float, default=3600, help="per-tool timeout in seconds (default 3600)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each tool this many times; the table shows the median time (default 1)",
    )
    ap.add_argument("--tmpdir", help="parent directory for the temp dir (default: system temp)")
    args = ap.parse_args(argv)

    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when piped to a file too
    tools = name_list(ap, "--tools", args.tools, TOOLS, WORKERS_TOOL)
    as_of = dt.date.fromisoformat(args.as_of)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.pages < MIN_PAGES:
        ap.error(
            f"--pages must be at least {MIN_PAGES} (home + {len(STATIC_PAGES)} footer pages + "
            f"{len(COLUMNS)} column list pages)"
        )

    work = make_workdir("gapcheck-bench-", args.tmpdir)
    nginx: Nginx | None = None
    runner: Runner | None = None
    results: list[Result] = []
    report = ReportResult()
    try:
        # 1. generate -------------------------------------------------------------------------
        site = work / "site"
        site.mkdir()
        print(f"generating a {args.pages}-page portal (seed {args.seed}) ...")
        t0 = time.monotonic()
        st = PortalGenerator(site, args.pages, args.seed, as_of).generate()
        gen_s = time.monotonic() - t0
        t0 = time.monotonic()
        reach = walk_site(site)
        walk_s = time.monotonic() - t0
        print(
            f"generated portal in {work} ({gen_s:.1f} s): {st.html_files} HTML files = 1 home + "
            f"{st.static_pages} static + {st.list_pages} list pages + {st.articles} articles; "
            f"{st.asset_files} other files ({st.pdfs} PDFs); {st.disk_bytes / 2**20:.1f} MiB on disk"
        )
        print(
            f"reachable from the home page ({walk_s:.1f} s): {reach.html_pages} HTML pages, "
            f"{reach.other_urls} other URLs (images, CSS, JS, PDFs) = "
            f"{reach.html_pages + reach.other_urls} distinct URLs"
        )
        depths = reach.page_depths
        max_depth = max(depths)
        print(
            f"link depth of the pages (fewest clicks from home): max {max_depth}; "
            + ", ".join(f"deeper than {d}: {reach.deeper_than(d)}" for d in (5, 10, 12, 20) if d < max_depth)
        )
        if reach.broken:
            raise SystemExit(f"generator bug: {len(reach.broken)} broken links, e.g. {reach.broken[:5]}")
        if not (reach.html_pages == st.html_files == args.pages):
            raise SystemExit(
                f"generator bug: {reach.html_pages} reachable pages, {st.html_files} written, {args.pages} asked for"
            )
        expected_pages = reach.html_pages
        expected_urls = reach.html_pages + reach.other_urls

        # 2. tools and nginx --------------------------------------------------------------------
        wanted = any(t in ("gapcheck", "scrapy-bare") or workers_of(t) for t in tools)
        gapcheck = find_gapcheck(args.gapcheck) if wanted else None
        wget = find_binary("wget") if "wget" in tools else None
        peers: dict[str, tuple[str | None, str]] = {}
        if "linkchecker" in tools:
            peers["linkchecker"] = ensure_linkchecker(args.peer_cache, work / "install.log")
        if "linkinator" in tools:
            peers["linkinator"] = ensure_linkinator(args.peer_cache, work / "install.log")
        for peer, (exe, note) in peers.items():
            print(f"{peer}: {exe} ({note})" if exe else f"{peer}: not installed: {note}", flush=True)
        python = interpreter_of(gapcheck)
        time_bin = find_time()
        # LinkChecker goes past 10 requests/s to a host only when the server answers with this header.
        nginx = Nginx(find_nginx(), work, site, tools, {"linkchecker": "\n        add_header LinkChecker bench;"})
        nginx.start()
        print("nginx serving on " + ", ".join(f"{t}: {nginx.url(t)}" for t in tools), flush=True)
        runner = Runner(work, time_bin, args.timeout)

        # 3. run ----------------------------------------------------------------------------------
        for tool in tools:
            res = Result(tool)
            results.append(res)
            url = nginx.url(tool)
            if tool == "wget" and not wget:
                res.status = "not found"
                print("wget not found: skipping it (apt-get install -y wget)", flush=True)
                continue
            if tool.startswith("gapcheck") and not gapcheck:
                res.status = "not found"
                where = args.gapcheck or f"{Path(sys.executable).parent}/gapcheck, PATH, ./.venv/bin"
                print(
                    f"gapcheck not found (looked at {where}): skipping it; install the project "
                    f"(pip install -e .) or pass --gapcheck PATH",
                    flush=True,
                )
                continue
            if tool in peers and not peers[tool][0]:
                res.status = "not installed"
                res.detail = peers[tool][1]
                continue
            all_secs: list[float] = []
            all_crawl: list[float] = []
            for rep in range(args.repeat):
                workers: Workers | None = None
                tag = tool if args.repeat == 1 else f"{tool}-{rep + 1}"
                cwd = work / f"{tag}-cwd"
                cwd.mkdir()
                if tool == "wget":
                    cmd = [wget, "--spider", "-r", "-l", "inf", "-nd", "-np", "-q", "-e", "robots=off", url]
                    ok_codes = {0}
                elif tool == "linkchecker":
                    # -r -1: no depth limit (its default too); external links are not checked by default
                    # (--check-extern is not given); the rc file lifts the per-host rate limit.
                    rc = linkchecker_rc(work / "linkcheckerrc", args.pages)
                    cmd = [
                        peers[tool][0],
                        "-f",
                        str(rc),
                        "-t",
                        str(args.concurrency),
                        "-r",
                        "-1",
                        "--no-robots",
                        "--no-status",
                        "--no-warnings",
                        url,
                    ]
                    ok_codes = {0, 1}  # 1: it found errors (there are none on this portal)
                elif tool == "linkinator":
                    # --skip: everything not on this portal (there is nothing else, so nothing is skipped)
                    cmd = [
                        peers[tool][0],
                        url,
                        "--recurse",
                        "--concurrency",
                        str(args.linkinator_concurrency),
                        "--skip",
                        f"^(?!{re.escape(url)})",
                        "--verbosity",
                        "error",
                    ]
                    ok_codes = {0, 1}  # 1: it found broken links (there are none on this portal)
                elif tool == "scrapy-bare":
                    cmd = [python, str(BARE_SCRAPY), url, "--concurrency", str(args.concurrency)]
                    ok_codes = {0}
                else:  # gapcheck, alone or through workers
                    cmd = [
                        gapcheck,
                        "check",
                        url,
                        "--out",
                        str(work / f"{tag}-out"),
                        "--db",
                        str(work / f"{tag}-db.sqlite"),
                        "--max-pages",
                        str(args.pages + 100),
                        "--concurrency",
                        str(args.concurrency),
                        "--delay",
                        "0",
                        "--as-of",
                        args.as_of,
                    ]
                    if args.profile:
                        cmd += ["--profile", args.profile]
                    cmd += shlex.split(args.gapcheck_args)
                    ok_codes = {0, 1}  # 1: the check ran and found gaps
                    if n_workers := workers_of(tool):
                        workers = Workers(gapcheck, work, tag, n_workers)
                        cmd += ["--redis", workers.url]
                log = nginx.logs[tool]
                if rep:
                    keep_log = work / f"access-{tool}-{rep}.log"
                    shutil.copyfile(log, keep_log)
                    log.write_bytes(b"")  # nginx appends (O_APPEND): truncating in place is safe
                os.sync()  # don't let write-back of the generated site (or the last run) overlap a run
                busy0, nginx0 = cpu_busy_seconds(), nginx.cpu_seconds()
                # The workers' start-up (imports, attaching) is left out: they live on from crawl to crawl.
                helpers0 = workers.cpu_seconds() if workers is not None else {}
                helpers1 = helpers0
                commands0 = workers.commands() if workers is not None else collections.Counter()
                try:
                    run = runner.run(tag, cmd, cwd)
                    if workers is not None:
                        helpers1 = workers.cpu_seconds()
                        res.commands += workers.commands() - commands0
                finally:
                    if workers is not None:
                        workers.stop()
                        workers = None
                busy1, nginx1 = cpu_busy_seconds(), nginx.cpu_seconds()
                code, secs, rss_max, rss_tree, out_p, err_p = (
                    run.code,
                    run.seconds,
                    run.rss_max_mb,
                    run.rss_tree_mb,
                    run.stdout,
                    run.stderr,
                )
                time.sleep(0.3)  # let nginx finish writing the last log lines
                counts = count_log(log)
                all_secs.append(secs)
                if counts.first is not None:
                    crawl = max(counts.last - counts.first, 1e-3)
                    all_crawl.append(crawl)
                    phases = (
                        f"; first request after {counts.first - run.start:.1f} s, crawl "
                        f"{crawl:.1f} s, exit {run.end - counts.last:.1f} s after the last request"
                    )
                else:
                    phases = ""
                res.exit_code = code
                res.rss_max_proc_mb = max(filter(None, (res.rss_max_proc_mb, rss_max)), default=None)
                res.rss_tree_mb = max(res.rss_tree_mb or 0.0, rss_tree)
                res.pages, res.requests = counts.pages, counts.requests
                if run.cpu_seconds is not None:
                    res.cpu_pages += counts.pages
                    spent = {"coordinator" if helpers1 else tool: run.cpu_seconds}
                    spent |= {name: helpers1[name] - helpers0.get(name, 0.0) for name in helpers1}
                    for name, seconds in spent.items():
                        res.cpu[name] = res.cpu.get(name, 0.0) + seconds
                    res.startup_cpu = max(helpers0.values(), default=None)
                other = ""
                if run.cpu_seconds is not None and secs > 0:
                    busy = max(0.0, (busy1 - busy0) - (nginx1 - nginx0) - run.cpu_seconds) / secs
                    res.other_cpu = max(res.other_cpu or 0.0, busy)
                    other = (
                        f"; CPU: tool {run.cpu_seconds / secs:.2f}, nginx {(nginx1 - nginx0) / secs:.2f}, "
                        f"anything else {busy:.2f}"
                    )
                print(
                    f"  {tag}: exit {code}, {secs:.1f} s, {counts.pages} pages, {counts.requests} requests"
                    f"{phases}{other}",
                    flush=True,
                )
                if code in ok_codes and (code == 0 or tool.startswith("gapcheck")):
                    res.status = "ok"
                elif code in ok_codes:
                    res.status = f"ok (exit {code}: it reported errors)"
                    res.stderr_tail = tail(out_p, 10) or tail(err_p, 10)
                    print(
                        f"  {tag} output (tail):\n" + "\n".join("    " + ln for ln in res.stderr_tail.splitlines()),
                        flush=True,
                    )
                elif tool == "wget" and code == 8:
                    res.status = "ok (exit 8: server error responses)"
                else:
                    res.status = f"FAILED (exit {code})"
                    res.stderr_tail = tail(err_p) or tail(out_p)
                    print(
                        f"  {tag} stderr (tail):\n" + "\n".join("    " + ln for ln in res.stderr_tail.splitlines()),
                        flush=True,
                    )
                    break
            res.seconds = statistics.median(all_secs)
            res.crawl_seconds = statistics.median(all_crawl) if all_crawl else None
            not_fetched = [reach.page_depth[u] for u in reach.page_depth if u not in counts.page_urls]
            if not_fetched:
                lo, hi = min(not_fetched), max(not_fetched)
                where = f"link depth {lo}" if lo == hi else f"link depth {lo}–{hi}"
                missing_text = (
                    f"{len(not_fetched)} of {expected_pages} NOT fetched ({where}; the portal "
                    f"has {reach.deeper_than(lo - 1)} pages deeper than {lo - 1})"
                )
            else:
                missing_text = "all found"
            methods = ", ".join(f"{m} {n}" for m, n in counts.methods.most_common())
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(counts.statuses.items()))
            site_urls = reach.other | reach.page_depth.keys()
            unasked = sorted(reach.other - counts.urls)
            extra = len(counts.urls - site_urls)
            res.detail = (
                f"{methods or 'no requests'}; status {statuses or '-'}; {len(counts.urls & site_urls)} "
                f"of the {expected_urls} linked URLs requested"
                + (f" (+{extra} not linked, e.g. {min(counts.urls - site_urls)})" if extra else "")
                + (f"; never requested: {len(unasked)} non-page URLs, e.g. {', '.join(unasked[:3])}" if unasked else "")
                + f"; {counts.bytes_sent / 2**20:.1f} MiB sent; "
                f"pages {missing_text}"
                + (f"; {counts.html_get_dupes} repeated page GETs" if counts.html_get_dupes else "")
            )
            if len(all_secs) == 1:
                res.detail += phases
            else:
                res.detail += "; runs " + ", ".join(f"{x:.1f}" for x in all_secs) + " s (median shown)"
            if tool == "gapcheck" and res.status.startswith("ok"):
                report = run_report(runner, gapcheck, python, work, tag, args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        clean_up(runner, nginx, work, args.keep)

    # 4. report -------------------------------------------------------------------------------
    print()
    print(
        f"portal: {expected_pages} HTML pages, {expected_urls} distinct URLs; "
        f"nginx worker_processes 2; {os.cpu_count()} CPUs"
    )
    header = (
        "tool",
        "status",
        "pages",
        "requests",
        "seconds",
        "pages/s",
        "crawl pages/s",
        "RSS MB",
        "tree RSS MB",
        "other CPU",
    )
    rows = []
    for r in results:
        ran = r.exit_code is not None
        rows.append(
            (
                r.tool + (" (ref)" if r.tool in REFERENCE_TOOLS else ""),
                r.status,
                str(r.pages) if ran else "-",
                str(r.requests) if ran else "-",
                fmt(r.seconds, ".1f") if ran else "-",
                fmt(r.pages_per_s, ".1f") if ran else "-",
                fmt(r.crawl_pages_per_s, ".1f") if ran else "-",
                fmt(r.rss_max_proc_mb, ".1f") if ran else "-",
                fmt(r.rss_tree_mb, ".1f") if ran else "-",
                fmt(r.other_cpu, ".2f") if ran else "-",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=False)))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=False))))
    print()
    for r in results:
        if r.detail:
            print(f"{r.tool}: {r.detail}")
    print(
        "pages = distinct HTML URLs answered 200 to a GET; requests = every request in the tool's "
        "nginx access log; seconds = wall time of the process; crawl pages/s = pages over the time "
        "from its first to its last request; RSS MB = largest single process (/usr/bin/time -v); tree RSS MB = peak "
        "sum over the process tree, sampled every 0.1 s from /proc; other CPU = CPUs busy on average during "
        f"the run with anything but the tool and nginx ({os.cpu_count()} CPUs here; this script's /proc sampling "
        "is a few hundredths; more means other work on the machine slowed the tool)"
    )
    if report.status != "not run":
        print(
            f"checks+report over the stored run, in a process of its own ({report.how or '-'}): "
            + (
                f"{report.seconds:.1f} s over {report.pages} stored pages, RSS {fmt(report.rss_mb, '.1f')} MB"
                if report.status == "ok"
                else report.status
            )
        )
    for r in results:
        if r.tool in REFERENCE_TOOLS:
            print(
                f"{r.tool} is a reference, not a target: the least any Scrapy crawl does here "
                "(GET pages, lxml, a seen set, HEAD the rest; no checks, no store)"
            )
    by_tool = {r.tool: r for r in results}
    g = by_tool.get("gapcheck")
    for r in results:
        if r.tool == "gapcheck" or g is None:
            continue
        name = f"ratio gapcheck pages/s ÷ {r.tool} pages/s"
        if r.status.startswith("ok") and g.status.startswith("ok") and r.pages_per_s > 0:
            print(
                f"{name} = {g.pages_per_s / r.pages_per_s:.2f}"
                + (
                    f" (crawl phase only, first to last request: {g.crawl_pages_per_s / r.crawl_pages_per_s:.2f})"
                    if g.crawl_pages_per_s and r.crawl_pages_per_s
                    else ""
                )
            )
        else:
            why = "; ".join(f"{x.tool} {x.status}" for x in (r, g) if not x.status.startswith("ok"))
            print(f"{name}: n/a ({why or f'{r.tool} measured 0 pages/s'})")
    if cpu := cpu_lines(results):
        print()
        print(
            "CPU s per 1,000 pages (user + system; /usr/bin/time for the tool or coordinator, /proc for the "
            "workers and redis-server from the coordinator's start to its exit):"
        )
        for text in cpu:
            print(f"  {text}")
    print()
    print(f"targets (one run, {expected_pages:,} pages):")
    by_tool = {r.tool: r for r in results if r.status.startswith("ok") and r.pages == expected_pages}
    two = by_tool.get("gapcheck-2w")
    workers_ratio = (
        two.pages_per_s / by_tool["gapcheck"].pages_per_s if two is not None and "gapcheck" in by_tool else None
    )
    for text in target_lines(results, report, expected_pages, workers_ratio):
        print(f"  {text}")
    if report.status.startswith("FAILED"):
        return 1
    return 0 if all(r.status.startswith("ok") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
