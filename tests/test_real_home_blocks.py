"""The home pages of real portals (../shared/realpages) read as an inspector reads them: each dated block of
the page's own content with its newest item, and nothing from the template's menus.

Written down by eye from the saved pages, judged on the day each page was saved (SOURCES.md). Tabbed boxes
(县市区动态 | 部门信息 over two lists; 质量公告 | 产品召回 | 不良反应监测 over three) give each list its own
tab's name. A dated list inside the header's drop-down menu (北京人社: 工作动态, 国务院信息) is the
template's, not a home-page block.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sitebuilder import build_site, check
from test_identity import real_html

from checks import Status
from gapcheck.profile import load_profile

NATIONAL = load_profile("national").options

HOME_BLOCKS = {
    # 中国宜春, generated 2023-10-11.
    ("SimonXinw__job_yichun_home.html", dt.date(2023, 10, 11)): [
        ("政务要闻", "2023-10-11"),
        ("国务院信息", "2023-09-23"),
        ("江西省政策", "2023-10-07"),
        ("县市区动态", "2023-10-11"),
        ("部门信息", "2023-10-11"),
        ("最新政府文件", "2023-09-22"),
        ("最新政策解读", "2023-10-10"),
    ],
    # 北京市人力资源和社会保障局, 2018-03: only 公示公告 is a dated block of the page's own content.
    ("silverfoxy__JSCryptoMinerStudy_bjrbj.gov.cn.html", dt.date(2018, 3, 22)): [("公示公告", "2018-03-20")],
    # 北京市食品药品监督管理局, 2018-03.
    ("silverfoxy__JSCryptoMinerStudy_bjda.gov.cn.html", dt.date(2018, 3, 22)): [
        ("国务院要闻", "2018-03-21"),
        ("推动创新 深化改革", "2018-03-21"),
        ("质量公告", "2018-03-19"),
        ("产品召回", "2018-03-16"),
        ("不良反应监测", "2018-03-15"),
        ("通知公告", "2018-03-21"),
        ("保健食品批准证书遗失声明", "2018-03-13"),
    ],
}


@pytest.mark.parametrize(("name", "saved"), list(HOME_BLOCKS), ids=[n.split("__")[1] for n, _ in HOME_BLOCKS])
def test_home_blocks_and_their_newest_own_item(name, saved):
    site = build_site({"": real_html(name)}, as_of=saved)
    [finding] = check("GK203", site, NATIONAL)
    assert finding.status is Status.PASS
    blocks = finding.evidence.split("首页区块：")[1]
    assert blocks == "、".join(f"{block} 最新 {newest}" for block, newest in HOME_BLOCKS[(name, saved)])


def test_a_dated_list_in_the_header_menu_is_not_a_home_block():
    site = build_site({"": real_html("silverfoxy__JSCryptoMinerStudy_bjrbj.gov.cn.html")}, as_of=dt.date(2018, 3, 22))
    dated_in_menu = [link for link in site.home.links if link.date and link.block.startswith("工作动态")]
    assert dated_in_menu  # the header's drop-down carries dated news
    [finding] = check("GK203", site, NATIONAL)
    assert "工作动态" not in finding.evidence
