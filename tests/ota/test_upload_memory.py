"""A firmware upload is streamed to disk (issue 12, requirement 10): a 200 MiB image sent in
chunks arrives whole, with the right size and SHA-256, while the server's resident memory grows
by a small fraction of it; an upload cut off half way leaves no catalog entry and no partial file,
and the server goes on serving. The client side never holds the image either: it is generated,
and hashed, chunk by chunk.
"""

import hashlib
import http.client
import json
import os
import socket
import time
import unittest
import urllib.parse

from broker_fixture import wait_until
from fleet_fixture import HOST, unique
from test_firmware_catalog import OtaTestCase

IMAGE_BYTES = 200 << 20
CHUNK_BYTES = 1 << 20
CUT_AFTER_BYTES = 50 << 20
# What the server may hold for the upload: its body queue (4 MiB), read and write buffers, and
# what the allocator keeps; a server that buffered the image would grow by ~200 MiB.
RSS_GROWTH_LIMIT_KB = 64 << 10


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s in /proc/%d/status" % (key, pid))


class HashedChunks:
    """An iterable of `size` pseudo-random bytes in CHUNK_BYTES chunks, hashed as they are made."""

    def __init__(self, size):
        self.size = size
        self.sha256 = hashlib.sha256()

    def __iter__(self):
        left = self.size
        while left > 0:
            chunk = os.urandom(min(CHUNK_BYTES, left))
            self.sha256.update(chunk)
            left -= len(chunk)
            yield chunk


class UploadMemoryTest(OtaTestCase):
    # AddressSanitizer keeps freed memory in a quarantine (256 MB by default), which would count
    # as growth here: a small one makes RSS track what the server really holds. The options the
    # environment already gives the sanitizer are kept.
    server_env = dict(OtaTestCase.server_env, MOTHERSHIP_OTA_MAX_FIRMWARE_BYTES=str(256 << 20),
                      ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=16"])))

    def upload_path(self, version):
        return "/api/v1/firmware?" + urllib.parse.urlencode({"version": version, "model": "Thermo 3"})

    def upload_chunked(self, body, version):
        conn = http.client.HTTPConnection(HOST, self.server.http_port, timeout=120)
        try:
            conn.request("POST", self.upload_path(version), body=body, encode_chunked=True,
                         headers={"Authorization": "Bearer " + self.api.token,
                                  "Content-Type": "application/octet-stream"})
            r = conn.getresponse()
            return r.status, json.loads(r.read() or b"null")
        finally:
            conn.close()

    def versions(self):
        status, body = self.api.call("GET", "/api/v1/firmware?limit=500")
        self.assertEqual(status, 200, body)
        return [f["version"] for f in body["items"]]

    def tmp_files(self):
        return os.listdir(os.path.join(self.server.data_dir, "blobs", "tmp"))

    def version(self):
        return "1.%d.0" % (int(unique("v")[2:], 16) % 100000)

    def test_a_200_mib_streamed_upload_is_stored_whole_without_the_server_holding_it(self):
        # A small upload first, so that the code and buffers of the path are in place before
        # the baseline is read.
        status, body = self.upload_chunked(HashedChunks(3 * CHUNK_BYTES), self.version())
        self.assertEqual(status, 201, body)
        pid = self.server.pid
        baseline_kb = status_kb(pid, "VmRSS")
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")  # resets VmHWM to the present VmRSS (proc(5)): the peak after is this upload's
        image = HashedChunks(IMAGE_BYTES)
        status, fw = self.upload_chunked(image, self.version())
        peak_kb = status_kb(pid, "VmHWM")

        self.assertEqual(status, 201, fw)
        self.assertEqual(fw["size"], IMAGE_BYTES)
        self.assertEqual(fw["sha256"], image.sha256.hexdigest())
        growth_kb = peak_kb - baseline_kb
        self.assertLess(growth_kb, RSS_GROWTH_LIMIT_KB,
                        "the server's resident memory grew by %d MiB (from %d MiB) during a %d MiB upload"
                        % (growth_kb >> 10, baseline_kb >> 10, IMAGE_BYTES >> 20))
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(self.api.call("DELETE", "/api/v1/firmware/" + fw["id"])[0], 204)

    def test_an_upload_cut_off_half_way_leaves_nothing_and_the_server_answers(self):
        version = self.version()
        with socket.create_connection((HOST, self.server.http_port), timeout=60) as s:
            s.sendall(("POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                       "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
                       % (self.upload_path(version), HOST, self.api.token, IMAGE_BYTES)).encode())
            for chunk in HashedChunks(CUT_AFTER_BYTES):
                s.sendall(chunk)
            self.assertEqual(len(self.tmp_files()), 1, "the upload in progress has its partial file")
        # The server learns of the cut when it reads the end of the stream, then drops the
        # partial file.
        wait_until(lambda: self.tmp_files() == [], 30, "the partial upload's file to go from blobs/tmp")
        self.assertNotIn(version, self.versions())
        status, body = self.upload_chunked(HashedChunks(CHUNK_BYTES), version)
        self.assertEqual(status, 201, body)  # the version was never taken
        self.assertIn(version, self.versions())


if __name__ == "__main__":
    unittest.main()


class DefaultLimitTest(OtaTestCase):
    """The default ota.max_firmware_bytes (2 GiB) against an upload of 3 GiB."""

    server_env = {k: v for k, v in OtaTestCase.server_env.items() if k != "MOTHERSHIP_OTA_MAX_FIRMWARE_BYTES"}

    def test_a_3_gib_upload_gets_413_before_its_body_is_sent(self):
        before = self.api.call("GET", "/api/v1/firmware?limit=500")[1]["items"]
        declared = 3 << 30
        s = socket.create_connection((HOST, self.server.http_port), timeout=30)
        s.sendall(("POST /api/v1/firmware?%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
                   % (urllib.parse.urlencode({"version": "9.3.0", "model": "Thermo 3"}), HOST, self.api.token,
                      declared)).encode())
        # The client goes on sending, as curl without Expect would; the answer must not wait for it.
        s.setblocking(False)
        sent, answer, chunk = 0, b"", os.urandom(1 << 16)
        deadline = time.monotonic() + 30
        while b"\r\n\r\n" not in answer and time.monotonic() < deadline:
            try:
                answer += s.recv(65536)
            except BlockingIOError:
                pass
            except ConnectionResetError:
                break
            try:
                if sent < declared:
                    sent += s.send(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                time.sleep(0.001)
        s.close()
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:200])
        self.assertIn(b"application/problem+json", answer)
        self.assertLess(sent, 64 << 20)  # stopped early: what was sent before the answer came
        self.assertEqual(self.api.call("GET", "/api/v1/firmware?limit=500")[1]["items"], before)
        self.assertEqual(os.listdir(os.path.join(self.server.data_dir, "blobs", "tmp")), [])
