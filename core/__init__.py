"""The bottom layer every other package stands on: the crawled site model, its enums, errors, URL identity,
date and pattern reading, redaction. It imports nothing of gapcheck's own, and no Scrapy."""
