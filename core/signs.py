"""What a page says when it is no real page: a soft 404's words and a firewall check page's.

Read by the rules (checks/answers.py, with thresholds from the profile) and, for crawl control only, by
the spider: it does not read a check page as the page it stands for.
"""

from __future__ import annotations

import re

NOT_FOUND_WORDS = re.compile(r"(?:您(?:所)?(?:访问|请求|查找)的)?页面不存在|404\s*not\s*found", re.I)
CHALLENGE_WORDS = re.compile(
    r"just a moment|checking your browser|attention required|安全验证|人机验证|访问验证|滑动验证|请完成验证"
    r"|安全检测|访问被拦截|创宇盾|网站防火墙|web应用防火墙",
    re.I,
)
CHALLENGE_STATUSES = frozenset({200, 403, 503})
"""Statuses a firewall answers its check page with."""
CHALLENGE_TEXT = 200
"""Characters of visible text a firewall's check page has at most; a real page may mention the words. The
default of rules.GK302.challenge_text, and what the crawl goes by."""


def challenge_word(title: str, text: str, limit: int, kept: int) -> str | None:
    """The words that make a short page (at most `limit` characters of visible text) a firewall's check page;
    `kept`: how much of the text was kept, past which its length is unknown (longer than any check page)."""
    if len(text) > limit or len(text) >= kept:
        return None
    m = CHALLENGE_WORDS.search(title) or CHALLENGE_WORDS.search(text)
    return m.group(0) if m else None
