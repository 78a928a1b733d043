"""The CMS template every page of the county portal is poured into, as TRS WCM and 大汉 Hanweb build it.

A page is: top bar, header (logo; a search box on inner pages only), top navigation, then either the
home page's boxes or the inner layout — breadcrumb (`dqwz`), side menu of the section's columns
(`#left .sub_nav`), the content area (`#center .zx_list`), and the right column (`.right_box`: the
site-wide 最新信息 with dates and 热点推荐) — then friend links to external hosts and the footer with
主办单位, 网站标识码, ICP, 公安备案, the 党政机关 badge and the 找错 image link (a path with `search` in it
that is not a site search).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from .items import Item
from .spec import NAV, SITE_ID, SITE_NAME

FRIEND_LINKS = (("中国政府网", "http://www.gov.cn/"), ("浙江省人民政府", "http://www.zj.gov.cn/"),
                ("示范市人民政府", "http://www.shifan.gov.cn/"), ("浙江政务服务网", "https://www.zjzwfw.gov.cn/"))
"""External hosts gapcheck would ask: the tests keep them out with --exclude."""

_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{title}</title>
<meta name="SiteName" content="{site}" />
<meta name="SiteDomain" content="www.shifan-xian.gov.cn" />
<meta name="SiteIDCode" content="{site_id}" />
{meta}
<link href="/css/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top"><div class="top_in"><span class="welcome">欢迎访问{site}门户网站</span>
<a href="javascript:void(0);" class="wza">无障碍浏览</a> <a href="javascript:void(0);">长者模式</a></div></div>
<div class="header"><div class="logo"><a href="/index.html"><img src="/images/logo.png" alt="{site}" /></a></div>
{search}</div>
<div class="nav"><ul>
{nav}
</ul></div>
{body}
<div class="friend_link"><span>友情链接：</span>
{friends}
</div>
<div class="footer"><div class="footer_in">
<p><a href="/zjsf/sfgk/index.html">关于我们</a> | <a href="/zjsf/lxwm.html">联系我们</a> | <a href="/sitemap.html">网站地图</a></p>
<p>主办单位：{site}办公室　承办单位：示范县大数据发展中心　地址：示范县城关镇人民路1号　联系电话：0571-88881234</p>
<p>网站标识码：{site_id}　<a href="https://beian.miit.gov.cn/" target="_blank">浙ICP备12003456号-1</a>　
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33112702000123" target="_blank">浙公网安备 33112702000123号</a></p>
<p><a href="https://bszs.conac.cn/sitename?method=show&amp;id=0A1B2C3D4E5F" target="_blank"><img src="/images/dzjg.png" /></a>
<a href="/jcms/search/jiucuo.html" target="_blank"><img src="/images/jiucuo.png" /></a></p>
</div></div>
<script id="_jiucuo_" sitecode="{site_id}" src="/jcms/exposure/jiucuo.js"></script>
</body>
</html>
"""

_SEARCH = """<div class="search"><form action="/search/search.html" method="get" name="searchform" target="_blank">
<input type="text" name="searchword" class="search_txt" value="" /><input type="submit" class="search_btn" value="搜索" />
</form></div>"""


def page(title: str, body: str, *, meta: str = "", search: bool = True) -> str:
    """A whole page: the template around `body` (the home page has no search box)."""
    nav = "\n".join(f'<li><a href="{href}">{name}</a></li>' for name, href in NAV)
    friends = "\n".join(f'<a href="{href}" target="_blank">{escape(name)}</a>' for name, href in FRIEND_LINKS)
    return _PAGE.format(title=escape(title), site=SITE_NAME, site_id=SITE_ID, meta=meta, nav=nav, body=body,
                        friends=friends, search=_SEARCH if search else "")


def meta_tags(**tags: str) -> str:
    return "\n".join(f'<meta name="{name}" content="{escape(value)}" />' for name, value in tags.items() if value)


def spaced(date: dt.date | None, fmt: str = "%Y-%m-%d") -> str:
    """A date in a span with the whitespace and newlines CMS templates leave around it."""
    return f'<span class="date">\n\t\t\t\t{date:{fmt}}\n\t\t\t</span>' if date else ""


def item_rows(items: list[Item], *, fmt: str = "%Y-%m-%d", css: str = "news_list") -> str:
    """`<ul>` list rows: a [置顶] mark on pinned items, the date in a span."""
    rows = []
    for item in items:
        mark = '<span class="zd">[置顶]</span>' if item.pinned else ""
        rows.append(f'<li>{mark}<a href="{item.url}" target="_blank" title="{escape(item.title)}">'
                    f'{escape(item.title)}</a>{spaced(item.date, fmt)}</li>')
    return f'<ul class="{css}">\n' + "\n".join(rows) + "\n</ul>"


def item_table(items: list[Item]) -> str:
    """A 文件 table: 序号, 文件名称, 文号, 发布日期 (the layout of 信息公开 file lists)."""
    rows = ['<tr class="th"><th width="8%">序号</th><th>文件名称</th><th width="22%">文号</th><th width="14%">发布日期</th></tr>']
    for n, item in enumerate(items, 1):
        rows.append(f'<tr><td>{n}</td><td class="tl"><a href="{item.url}" target="_blank">{escape(item.title)}</a></td>'
                    f'<td>{item.number}</td><td>{item.date or ""}</td></tr>')
    return '<table class="news_list" width="100%" border="0" cellspacing="0" cellpadding="0">\n' + "\n".join(rows) + "\n</table>"


def breadcrumb(steps: list[tuple[str, str]]) -> str:
    """当前位置：首页 > 政务公开 > 财政资金 (every step a link)."""
    links = " &gt; ".join(f'<a href="{href}">{escape(name)}</a>' for name, href in [("首页", "/index.html"), *steps])
    return f'<div class="dqwz">当前位置：{links}</div>'


def inner(crumb: str, menu_title: str, menu: list[tuple[str, str]], center: str, latest: list[Item],
          hot: list[Item], banner: str = "") -> str:
    """The inner layout: banner (sub-sites), breadcrumb, side menu, content, and the right column boxes."""
    menu_html = "\n".join(f'<li><a href="{href}">{escape(name)}</a></li>' for name, href in menu)
    hot_rows = "\n".join(f'<li><a href="{i.url}" target="_blank">{escape(i.title)}</a><span>[{i.date}]</span></li>'
                         for i in hot)
    return f"""{banner}<div class="main_box">
{crumb}
<div id="left"><div class="sub_nav"><h3>{escape(menu_title)}</h3><ul>
{menu_html}
</ul></div></div>
<div id="center">
{center}
</div>
<div id="right">
<div class="right_box"><div class="box_title"><span>最新信息</span></div>
{item_rows(latest, css="zx_list")}
</div>
<div class="right_box"><div class="box_title"><span>热点推荐</span></div>
<ul class="rd_list">
{hot_rows}
</ul></div>
</div>
</div>"""
