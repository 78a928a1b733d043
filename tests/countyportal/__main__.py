"""`python -m countyportal [--filled] (--table | --serve | --write DIR)`, run from tests/."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from  import Portal, serve_portal, table


def main() -> None:
    parser = argparse.ArgumentParser(prog="countyportal")
    parser.add_argument("--filled", action="store_true", help="the passing variant: no blank or stale columns")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--table", action="store_true", help="print the expected judgements")
    group.add_argument("--serve", action="store_true", help="serve on 127.0.0.1 until Ctrl-C")
    group.add_argument("--write", metavar="DIR", help="write the pages as files")
    args = parser.parse_args()
    if args.table:
        print(table(args.filled))
    elif args.write:
        for path, html in Portal(args.filled).pages.items():
            target = Path(args.write, path.lstrip("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
    else:
        with serve_portal(args.filled) as server:
            print(server.url, flush=True)
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass


main()
