"""`python -m lrscope sync` sends what earlier runs spooled; `python -m lrscope status` lists it."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional

from . import __version__
from ._run import DEFAULT_SPOOL_DIR
from ._spool import spool_files


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m lrscope", description="lrscope Python client " + __version__)
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("sync", help="send spooled runs to the server (exit 0 when everything was sent)")
    s.add_argument("--dir", help="spool directory (default: LRSCOPE_SPOOL_DIR or ./%s)" % DEFAULT_SPOOL_DIR)
    s.add_argument("--url", help="server URL (default: the run's own, else LRSCOPE_URL)")
    s.add_argument("--retries", type=int, default=5, help="attempts per request before giving up (default 5)")
    st = sub.add_parser("status", help="list spooled runs not sent yet")
    st.add_argument("--dir", help="spool directory")
    w = sub.add_parser("watch", help="send the training logs under DIR to the server as they grow")
    w.add_argument("logdir", metavar="DIR")
    w.add_argument("--url", help="server URL (default: LRSCOPE_URL, else %s)" % "http://127.0.0.1:3000")
    w.add_argument("--host", help="this machine's name in run names (default: its hostname)")
    w.add_argument("--interval", type=float, default=2.0, help="seconds between looks at the files (default 2)")
    w.add_argument("--once", action="store_true", help="send what is there, then exit (0 when the server holds all of it)")
    args = p.parse_args(argv)

    if args.command == "watch":
        from .watch import Watcher

        try:
            return Watcher(args.logdir, url=args.url, host=args.host).run(interval=args.interval, once=args.once)
        except KeyboardInterrupt:
            return 0

    if args.command == "sync":
        from .sync import sync

        results = sync(args.dir, url=args.url, retries=args.retries, echo=print)
        if not results:
            print("nothing to sync in %s" % os.path.abspath(args.dir or os.environ.get("LRSCOPE_SPOOL_DIR") or DEFAULT_SPOOL_DIR))
        bad = [r for r in results if r.status in ("failed", "rejected")]
        return 1 if bad else 0
    if args.command == "status":
        directory = args.dir or os.environ.get("LRSCOPE_SPOOL_DIR") or DEFAULT_SPOOL_DIR
        files = spool_files(directory)
        for path in files:
            with open(path, "rb") as f:
                header = json.loads(f.readline().decode("utf-8"))
                lines = sum(1 for _ in f)
            print("%s  %r  %d requests  -> %s" % (os.path.basename(path), header.get("create", {}).get("name"), lines, header.get("url")))
        if not files:
            print("nothing spooled in %s" % os.path.abspath(directory))
        return 0
    p.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
