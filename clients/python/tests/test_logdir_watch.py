"""`python -m lrscope watch`: which files are sent, in chunks from the server's size, again from 0
when a file was truncated, and nothing lost while the server is away. Against a minimal stand-in
for sources.append (the real server is tested in test/python/logdir-watch.test.ts)."""
from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lrscope import watch as w


class CopyServer:
    """Keeps a copy of each file as sources.append describes: bytes at offsets, size in each reply."""

    def __init__(self):
        self.files = {}
        self.calls = []
        self.down = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                if server.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                server.calls.append(body)
                data = base64.b64decode(body["data"])
                key = (body["host"], body["dir"], body["path"])
                have = server.files.get(key, b"")
                if body.get("reset"):
                    have = data
                elif body["offset"] <= len(have) < body["offset"] + len(data):
                    have = have + data[len(have) - body["offset"]:]
                server.files[key] = have
                out = json.dumps({"result": {"data": {"size": len(have)}}}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.http.server_address[1]

    def stop(self):
        self.http.shutdown()
        self.http.server_close()


class WatchTest(unittest.TestCase):
    def setUp(self):
        self.server = CopyServer()
        self.dir = tempfile.mkdtemp(prefix="lrscope-watch-")
        self.old_chunk = w.CHUNK
        w.CHUNK = 10  # small chunks: a file goes in several

    def tearDown(self):
        w.CHUNK = self.old_chunk
        self.server.stop()

    def write(self, rel, data, mode="wb"):
        path = os.path.join(self.dir, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode) as f:
            f.write(data)

    def watcher(self):
        return w.Watcher(self.dir, url=self.server.url, api_key="k", host="box", echo=lambda _: None)

    def copy(self, rel):
        return self.server.files.get(("box", os.path.basename(self.dir), rel))

    def test_sends_logs_and_configs_only_and_skips_checkpoints(self):
        self.write("run/events.out.tfevents.1.box", b"e" * 25)
        self.write("run/config.json", b'{"lr": 1}')
        self.write("run/model.pth", b"weights")
        self.write("run/checkpoint-500/trainer_state.json", b"{}")
        self.write(".hidden/events.out.tfevents.2.box", b"x")
        self.write("lightning_logs/version_0/metrics.csv", b"step,lr\n")
        self.assertEqual(w.watched_files(self.dir), ["lightning_logs/version_0/metrics.csv", "run/config.json", "run/events.out.tfevents.1.box"])
        self.assertTrue(self.watcher().round())
        self.assertEqual(self.copy("run/events.out.tfevents.1.box"), b"e" * 25)
        self.assertEqual(self.copy("run/config.json"), b'{"lr": 1}')
        # 25 bytes in chunks of 10, after asking the server what it holds.
        offsets = [c["offset"] for c in self.server.calls if c["path"].endswith("tfevents.1.box")]
        self.assertEqual(offsets, [0, 0, 10, 20])

    def test_a_new_watcher_resumes_where_the_server_copy_ends_and_a_truncated_file_starts_over(self):
        self.write("run/metrics.csv", b"step,lr\n0,0.1\n")
        self.assertTrue(self.watcher().round())
        self.write("run/metrics.csv", b"1,0.1\n", mode="ab")
        self.server.calls.clear()
        self.assertTrue(self.watcher().round())
        self.assertEqual([(c["offset"], len(base64.b64decode(c["data"]))) for c in self.server.calls], [(0, 0), (14, 6)])
        self.assertEqual(self.copy("run/metrics.csv"), b"step,lr\n0,0.1\n1,0.1\n")
        self.write("run/metrics.csv", b"step,lr\n")
        self.assertTrue(self.watcher().round())
        self.assertEqual(self.copy("run/metrics.csv"), b"step,lr\n")

    def test_keeps_nothing_but_the_files_while_the_server_is_away(self):
        watcher = self.watcher()
        self.write("run/events.out.tfevents.1.box", b"a" * 12)
        self.assertTrue(watcher.round())
        self.server.down = True
        self.write("run/events.out.tfevents.1.box", b"b" * 12, mode="ab")
        self.assertFalse(watcher.round())
        self.server.down = False
        self.assertTrue(watcher.round())
        self.assertEqual(self.copy("run/events.out.tfevents.1.box"), b"a" * 12 + b"b" * 12)


if __name__ == "__main__":
    unittest.main()
