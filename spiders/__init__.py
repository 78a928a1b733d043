"""Scrapy side of gapcheck: the only code that does network I/O. It records what it saw; checks judge."""
