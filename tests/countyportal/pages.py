"""Every page of the county portal, path → HTML, generated from `spec` and `items`."""

from __future__ import annotations

import datetime as dt
from html import escape

from .items import Item, column_items
from .spec import AS_OF, MAIN, SECTIONS, SITE_NAME, SUB_LISTS, SUBSITES, Col, Section
from .template import breadcrumb, inner, item_rows, item_table, meta_tags, page, spaced

IMAGE_ENTRIES = (("/zwgk/gkzn/index.html", "/images/gkzn.png"), ("/zwgk/ndbg/index.html", "/images/ndbg.png"),
                 ("/zwgk/ysqgk/index.html", "/images/ysqgk.png"))
"""信息公开指南, 年报, 依申请公开 as pictures without text or alt: only the target page says what they are."""
HOME_TABS = {"sfyw": "/xwdt/sfyw/", "bmdt": "/xwdt/bmdt/", "xzdt": "/xwdt/xzdt/", "tzgg": "/zwgk/tzgg/",
             "xzfwj": "/zwgk/xzfwj/"}
"""Home-page tabs, linked as index.html?tab=…: the home page again, not columns."""
SHTML_COLUMN = "/zwgk/tzgg/"
"""Linked as dir/ (home), dir/index.html (menus) and dir/index.shtml (the 政务公开 hub)."""

_TEXT = {
    "机构职能": "负责贯彻执行国家和省、市有关方针政策，拟订全县相关发展规划并组织实施；承办县人民政府交办的其他事项。"
            "内设办公室、综合科、业务科等机构，办公地址：示范县城关镇人民路1号，办公时间：工作日上午8:30-12:00，下午14:30-17:30。",
    "政府信息公开目录": "本目录按机构职能、政策文件、规划计划、财政资金、统计数据、政府信息公开年报等类别编排，"
                "每条信息包括索引号、名称、内容概述、生成日期等要素，公民、法人和其他组织可按类别查阅。",
    "示范概况": "示范县位于浙江省西南部，总面积1826平方公里，辖6个镇、4个乡，户籍人口38.6万人。"
            "境内山清水秀，素有“浙西南生态屏障”之称，是国家级生态示范区。",
    "历史沿革": "示范县历史悠久，唐代置县，宋、元、明、清因之。1949年5月解放，1958年撤销并入邻县，1961年恢复建制至今。",
    "联系我们": "示范县人民政府办公室，地址：示范县城关镇人民路1号，邮编：323000，电话：0571-88881234。",
    "网站地图": "首页、政务公开、新闻动态、政务服务、互动交流、走进示范，以及各部门、乡镇子站。",
}
_GUIDE = ("为了更好地提供政府信息公开服务，依据《中华人民共和国政府信息公开条例》，编制本指南。"
          "一、主动公开：公开范围、公开方式和公开时限。二、依申请公开：申请的提出与受理、办理时限。"
          "三、工作机构：示范县人民政府办公室（县政务公开办），地址：示范县城关镇人民路1号，"
          "办公时间：工作日上午8:30-12:00，下午14:30-17:30（法定节假日除外），联系电话：0571-88881234，"
          "传真：0571-88881235，电子邮箱：zwgk@shifan-xian.gov.cn。四、监督方式。")
_APPLY = ("公民、法人或者其他组织可以向示范县人民政府办公室申请获取政府信息。申请人可通过当面、邮寄、在线等方式提出申请，"
          "填写《政府信息公开申请表》。受理机构：示范县人民政府办公室，地址：示范县城关镇人民路1号，电话：0571-88881234。")


class Portal:
    """The generated portal: `pages` (path → HTML) and the facts the tests compare against."""

    def __init__(self, filled: bool = False):
        self.filled = filled
        self.items = column_items(filled)
        self.column_of = {c.path: (s, c) for s in SECTIONS for c in s.cols}
        main_items = [i for p in ("/xwdt/sfyw/", "/zwgk/tzgg/", "/xwdt/xzdt/") for i in self.items[p] if not i.pinned]
        main_items.sort(key=lambda i: -i.date.toordinal())
        self.latest = main_items[:8]
        """The 最新信息 box on every inner page: the same site-wide newest items."""
        self.hot = [i for i in self.items["/xwdt/sfyw/"] if not i.pinned][12:18]
        self.pages: dict[str, str] = {}
        self._build()

    # -- pages -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.pages["/index.html"] = self._home()
        for section in SECTIONS:
            self.pages[section.path] = self._hub(section)
            for col in section.cols:
                self._column(section, col)
            for name, path in section.pages:
                # Each department's and town's own functions: text pages differ from one sub-site to the next.
                text = _TEXT[name] if not section.sub else f"{section.name}{_TEXT[name]}"
                self.pages[path] = self._text(section, name, path, text)
        for name, path in SUB_LISTS:
            self.pages[path] = self._sub_list(name, path)
        zwgk = MAIN[1]
        self.pages["/zwgk/gkzn/index.html"] = self._text(zwgk, "政府信息公开指南", "/zwgk/gkzn/index.html", _GUIDE)
        self.pages["/zwgk/ysqgk/index.html"] = self._text(
            zwgk, "依申请公开", "/zwgk/ysqgk/index.html",
            _APPLY + '</p><p><a href="/zwgk/ysqgk/sqb.doc">政府信息公开申请表下载</a>')
        for name, path in (("联系我们", "/zjsf/lxwm.html"), ("网站地图", "/sitemap.html")):
            self.pages[path] = self._text(MAIN[4], name, path, _TEXT[name])
        self.pages["/jcms/search/jiucuo.html"] = page(
            "我为政府网站找错", '<div class="main_box"><h2>我为政府网站找错</h2><form action="/jcms/search/jiucuo_submit.html"'
            ' method="post"><p>问题描述：<textarea name="content"></textarea></p><p>联系电话：<input name="phone" /></p>'
            '<input type="submit" value="提交" /></form></div>', search=False)
        self.pages["/search/search.html"] = page("站内搜索", '<div class="main_box"><p>请输入关键词检索本站信息。</p></div>')

    def _menu(self, section: Section) -> list[tuple[str, str]]:
        menu = [("首页", section.path)] if section.sub else []
        menu += [(c.name, f"{c.path}index.html") for c in section.cols if c.in_menu]
        return menu + list(section.pages)

    def _trail(self, section: Section, col: Col | None = None) -> list[tuple[str, str]]:
        steps = [section.parent] if section.sub else []
        steps.append((section.name, section.path))
        if col is not None:
            steps.append((col.name, col.path))
        return steps

    def _inner(self, section: Section, steps: list[tuple[str, str]], center: str) -> str:
        banner = (f'<div class="sub_banner"><h2>{escape(section.name)}</h2><p>{SITE_NAME}所属{section.parent[0]}</p></div>'
                  if section.sub else "")
        return inner(breadcrumb(steps), section.name, self._menu(section), center, self.latest, self.hot, banner)

    def _list(self, col: Col, items: list[Item]) -> str:
        if not items:
            text = f'<p class="no_data">{col.blank_text}</p>' if col.blank_text else ""
            return f'<div class="list_box"><ul class="news_list"></ul>{text}</div>'
        return f'<div class="list_box">{item_table(items) if col.layout == "table" else item_rows(items)}</div>'

    def _column(self, section: Section, col: Col) -> None:
        items = self.items[col.path]
        size = col.per_page or max(len(items), 1)
        chunks = [items[k:k + size] for k in range(0, len(items), size)] or [[]]
        meta = meta_tags(ColumnName=col.name, ColumnType="信息列表") if col.meta else ""
        for k, chunk in enumerate(chunks):
            pager = _pager(k, len(chunks), len(items)) if len(chunks) > 1 else ""
            center = f'<div class="col_title"><h2>{escape(col.name)}</h2></div>{self._list(col, chunk)}{pager}'
            name = "index.html" if k == 0 else f"index_{k}.html"
            self.pages[f"{col.path}{name}"] = page(f"{col.name}_{section.name}_{SITE_NAME}",
                                                   self._inner(section, self._trail(section, col), center), meta=meta)
        for item in items:
            self.pages.setdefault(item.url, self._article(section, col, item))

    def _article(self, section: Section, col: Col, item: Item) -> str:
        meta = meta_tags(ArticleTitle=item.title, PubDate=f"{item.date} 09:30" if item.date else "",
                         ColumnName=col.name, ContentSource=f"{SITE_NAME}办公室")
        info = f"发布时间：{item.date}　" if item.date else ""
        table = (f'<table class="xxgk_table"><tr><td>索引号：</td><td>001-2026-{item.id}</td><td>发布机构：</td>'
                 f'<td>{SITE_NAME}办公室</td></tr><tr><td>成文日期：</td><td>{item.written}</td><td>发布日期：</td>'
                 f'<td>{item.date}</td></tr><tr><td>文号：</td><td>{item.number}</td></tr></table>' if item.number else "")
        center = (f'<div class="article">{table}<h1 class="art_title">{escape(item.title)}</h1>'
                  f'<div class="art_info">{info}来源：{SITE_NAME}办公室　【字体：<a href="javascript:doZoom(16)">大</a> '
                  f'<a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</div>'
                  f'<div class="art_con"><p>{escape(item.title)}。近日，相关工作按计划有序推进，各项任务落实到位。'
                  f'下一步将继续加强统筹协调，确保取得实效。</p></div>{_reply(col, item)}'
                  f'<div class="art_bottom"><a href="javascript:window.print()">打印本页</a> '
                  f'<a href="javascript:window.close()">关闭窗口</a></div></div>')
        return page(f"{item.title}_{SITE_NAME}", self._inner(section, self._trail(section, col), center), meta=meta)

    def _boxes(self, section: Section, more_form: dict[str, str] | None = None) -> str:
        """A hub or sub-site home: one box per column, five items each, and a 更多 link."""
        boxes = []
        for col in section.cols:
            more = (more_form or {}).get(col.path, f"{col.path}index.html")
            items = self.items[col.path][:5]
            body = item_rows(items) if items else f'<p class="no_data">{col.blank_text or "暂无信息"}</p>'
            boxes.append(f'<div class="gk_box"><div class="box_title"><span>{escape(col.name)}</span>'
                         f'<a class="more" href="{more}">更多&gt;&gt;</a></div>{body}</div>')
        return "\n".join(boxes)

    def _hub(self, section: Section) -> str:
        extra = ""
        if section.key == "zwgk":
            extra = '<div class="gk_pic">' + "".join(
                f'<a href="{href}"><img src="{img}" /></a>' for href, img in IMAGE_ENTRIES) + "</div>"
        elif section.key == "zjsf":
            extra = f'<div class="text">{_TEXT["示范概况"]}</div>'
        more = {SHTML_COLUMN: f"{SHTML_COLUMN}index.shtml"}
        center = extra + self._boxes(section, more)
        return page(f"{section.name}_{SITE_NAME}", self._inner(section, self._trail(section), center))

    def _sub_list(self, name: str, path: str) -> str:
        subs = [s for s in SUBSITES if s.parent[1] == path]
        center = '<ul class="bm_list">' + "".join(f'<li><a href="{s.path}">{s.name}</a></li>' for s in subs) + "</ul>"
        menu = [(s.name, s.path) for s in subs]
        return page(f"{name}_{SITE_NAME}", inner(breadcrumb([(name, path)]), name, menu, center, self.latest, self.hot))

    def _text(self, section: Section, name: str, path: str, text: str) -> str:
        center = f'<div class="article"><h1 class="art_title">{escape(name)}</h1><div class="art_con"><p>{text}</p></div></div>'
        return page(f"{name}_{SITE_NAME}", self._inner(section, [*self._trail(section), (name, path)], center))

    def _pictures(self) -> str:
        """The home page's 图片新闻 strip: a picture and a title per item, the date as MM-DD."""
        items = self.items["/xwdt/tpxw/"]
        cells = "".join(f'<li><a href="{i.url}" target="_blank"><img src="/images/banner.jpg" />'
                        f'<p>{escape(i.title)}</p></a>{spaced(i.date, "%m-%d")}</li>' for i in items)
        return (f'<div class="sy_tpxw"><div class="box_title"><span>图片新闻</span>'
                f'<a class="more" href="/xwdt/tpxw/index.html">更多</a></div><ul>{cells}</ul></div>')

    def _home(self) -> str:
        def tab_box(css: str, tabs: tuple[str, ...], more: str) -> str:
            heads, bodies = [], []
            for n, key in enumerate(tabs):
                col = self.column_of[HOME_TABS[key]][1]
                heads.append(f'<a href="index.html?tab={key}"{" class=on" if n == 0 else ""}>{col.name}</a>')
                style = "" if n == 0 else ' style="display:none"'
                bodies.append(f'<div class="tab_con" id="con_{key}"{style}>'
                              f'{item_rows([i for i in self.items[col.path] if not i.pinned][:8], fmt="%m-%d")}</div>')
            return (f'<div class="{css}"><div class="tab_title">{"".join(heads)}'
                    f'<a class="more" href="{more}">更多</a></div>{"".join(bodies)}</div>')

        pics = '<div class="sy_pic">' + "".join(f'<a href="{h}"><img src="{i}" /></a>' for h, i in IMAGE_ENTRIES) + "</div>"
        subs = "".join(
            f'<div class="sy_zd"><div class="box_title"><span>{name}</span><a class="more" href="{path}">更多</a></div><ul>'
            + "".join(f'<li><a href="{s.path}" target="_blank">{s.name}</a></li>' for s in SUBSITES if s.parent[1] == path)
            + "</ul></div>" for name, path in SUB_LISTS)
        hd = ('<div class="sy_hd"><a href="/hdjl/xzxx/index.html"><img src="/images/xzxx.png" alt="县长信箱" /></a>'
              '<a href="/hdjl/gzly/index.html">公众留言</a><a href="/zwfw/bszn/index.html">办事指南</a></div>')
        body = (f'<div class="banner"><img src="/images/banner.jpg" alt="{SITE_NAME}" /></div>{pics}'
                f'<div class="sy_main">{tab_box("sy_news", ("sfyw", "bmdt", "xzdt"), "/xwdt/sfyw/")}'
                f'{tab_box("sy_gk", ("tzgg", "xzfwj"), SHTML_COLUMN)}{self._pictures()}</div>{subs}{hd}')
        # The failing portal's home page has no search box (inner pages do); the clean one has one.
        return page(SITE_NAME, body, search=self.filled, meta=meta_tags(ColumnName="首页"))


def _reply(col: Col, item: Item) -> str:
    """A letter (县长信箱, 公众留言) is answered within days, as the mailbox pages of real portals show it."""
    if col.name not in ("县长信箱", "公众留言") or item.date is None:
        return ""
    answered = item.date + dt.timedelta(days=5)
    return (f'<div class="reply"><p>答复单位：示范县人民政府办公室</p><p>答复时间：{answered}</p>'
            f'<p>答复内容：您好！您反映的问题已转交相关部门办理，现答复如下：相关工作正在推进，感谢您的关注。</p></div>')


def _pager(k: int, pages: int, total: int) -> str:
    """TRS pagination: index.html, index_1.html, … with 首页 上一页 下一页 尾页."""
    def name(n: int) -> str:
        return "index.html" if n == 0 else f"index_{n}.html"

    links = [f'<a href="{name(0)}">首页</a>']
    if k > 0:
        links.append(f'<a href="{name(k - 1)}">上一页</a>')
    if k < pages - 1:
        links.append(f'<a href="{name(k + 1)}">下一页</a>')
    links.append(f'<a href="{name(pages - 1)}">尾页</a>')
    return f'<div class="page">共{total}条　第{k + 1}/{pages}页　{" ".join(links)}</div>'


ASSETS = ("/css/style.css", "/js/jquery.min.js", "/jcms/exposure/jiucuo.js", "/zwgk/ysqgk/sqb.doc",
          "/images/logo.png", "/images/banner.jpg", "/images/dzjg.png", "/images/jiucuo.png", "/images/xzxx.png",
          *(img for _, img in IMAGE_ENTRIES))
"""Non-HTML targets the pages link to; the server answers each with a few bytes."""

__all__ = ["AS_OF", "ASSETS", "HOME_TABS", "IMAGE_ENTRIES", "SHTML_COLUMN", "Portal"]
