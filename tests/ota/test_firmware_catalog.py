"""The firmware catalog end to end (issue 12, requirements 1-3): streamed uploads into the blob
store, streamed downloads with ETag / Range / If-Range, signatures checked against configured
keys, RBAC, and signed expiring /dl links over HTTP and HTTPS with client certificates.
"""

import base64
import hashlib
import http.client
import json
import os
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

from broker_fixture import mothership_binary
from fleet_fixture import HOST, FleetTestCase, openssl, unique

KEY_DIR = tempfile.mkdtemp(prefix="mothership-release-keys-")
RELEASE_KEY = os.path.join(KEY_DIR, "release.key")
RELEASE_PUB = os.path.join(KEY_DIR, "release.pub")
STRANGER_KEY = os.path.join(KEY_DIR, "stranger.key")
for key in (RELEASE_KEY, STRANGER_KEY):
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key)
openssl("ec", "-in", RELEASE_KEY, "-pubout", "-out", RELEASE_PUB)

LIMIT = 8 << 20  # ota.max_firmware_bytes for this server


def sign(image, key=RELEASE_KEY):
    """What a release engineer runs: openssl dgst -sha256 -sign key fw.bin | base64."""
    with tempfile.NamedTemporaryFile(dir=KEY_DIR) as f:
        f.write(image)
        f.flush()
        der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, f.name], capture_output=True,
                             check=True).stdout
    return base64.b64encode(der).decode()


MODELS = ("Thermo 3", "Thermo 2", "Other", "M")


def image_of(size, seed):
    block = hashlib.sha256(seed.encode()).digest() * 2048  # 64 KiB, different per seed
    return (block * (size // len(block) + 1))[:size]


class OtaTestCase(FleetTestCase):
    """A server that knows the models in MODELS (firmware for another model is refused)."""

    server_env = dict(FleetTestCase.server_env, MOTHERSHIP_OTA_MAX_FIRMWARE_BYTES=str(LIMIT),
                      MOTHERSHIP_OTA_SIGNING_KEYS=RELEASE_PUB)

    @classmethod
    def _prepare(cls):
        super()._prepare()
        csv = "".join("%s,%s,rev1,CODE-%s\n" % (unique("SN"), m, unique("c")[2:]) for m in MODELS)
        status, body = cls.api.call("POST", "/api/v1/registry/import", csv, "text/csv")
        assert status == 200, body


class FirmwareCatalogTest(OtaTestCase):
    server_args = FleetTestCase.server_args + ("--http-tls-listen", HOST + ":0")

    def send(self, method, path, body=b"", headers=None, token=None, chunked=False, port=None, context=None):
        """One request on its own connection; returns (status, headers, body bytes)."""
        if context is not None:
            conn = http.client.HTTPSConnection(HOST, port, timeout=60, context=context)
        else:
            conn = http.client.HTTPConnection(HOST, port or self.server.http_port, timeout=60)
        headers = dict(headers or {})
        if token is not False:
            headers["Authorization"] = "Bearer " + (token or self.api.token)
        try:
            if chunked:
                def chunks(data=body, step=256 << 10):
                    for i in range(0, len(data), step):
                        yield data[i:i + step]
                conn.request(method, path, body=chunks(), headers=headers, encode_chunked=True)
            else:
                conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def upload(self, image, version, models=("Thermo 3",), signature=None, chunked=False, token=None, **extra):
        query = [("version", version)] + [("model", m) for m in models] + list(extra.items())
        headers = {"Content-Type": "application/octet-stream"}
        if signature:
            headers["X-Firmware-Signature"] = signature
        status, _, body = self.send("POST", "/api/v1/firmware?" + urllib.parse.urlencode(query), image, headers,
                                    token=token, chunked=chunked)
        return status, json.loads(body) if body else None

    def catalog(self, **query):
        status, body = self.api.call("GET", "/api/v1/firmware?" + urllib.parse.urlencode(query))
        self.assertEqual(status, 200, body)
        return body["items"]

    def test_a_streamed_upload_is_kept_with_its_hash_and_downloads_with_ranges(self):
        image = image_of(5 << 20, "range")
        version = "1.%d.0" % (int(unique("v")[2:], 16) % 100000)
        status, fw = self.upload(image, version, models=("Thermo 3", "Thermo 2"), chunked=True,
                                 description="Fixes the drift", filename="thermo-%s.bin" % version)
        self.assertEqual(status, 201, fw)
        self.assertEqual(fw["size"], len(image))
        self.assertEqual(fw["sha256"], hashlib.sha256(image).hexdigest())
        self.assertEqual(fw["models"], ["Thermo 2", "Thermo 3"])
        self.assertIsNone(fw["signature"])
        self.assertIn(fw["id"], [f["id"] for f in self.catalog(model="Thermo 2")])
        self.assertNotIn(fw["id"], [f["id"] for f in self.catalog(model="Thermo 9")])

        path = "/api/v1/firmware/%s/download" % fw["id"]
        status, headers, body = self.send("GET", path)
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), fw["sha256"])
        self.assertEqual(headers["content-length"], str(len(image)))
        self.assertEqual(headers["etag"], '"%s"' % fw["sha256"])
        self.assertEqual(headers["accept-ranges"], "bytes")
        self.assertIn('filename="thermo-%s.bin"' % version, headers["content-disposition"])

        # A download that broke off resumes where it stopped, from the same version only.
        status, headers, body = self.send("GET", path, headers={"Range": "bytes=1000000-", "If-Range": headers["etag"]})
        self.assertEqual(status, 206)
        self.assertEqual(body, image[1000000:])
        self.assertEqual(headers["content-range"], "bytes 1000000-%d/%d" % (len(image) - 1, len(image)))
        status, _, body = self.send("GET", path, headers={"Range": "bytes=-100"})
        self.assertEqual((status, body), (206, image[-100:]))
        status, _, body = self.send("GET", path, headers={"Range": "bytes=10-", "If-Range": '"another-version"'})
        self.assertEqual((status, len(body)), (200, len(image)))
        status, headers, body = self.send("GET", path, headers={"Range": "bytes=%d-" % len(image)})
        self.assertEqual(status, 416)
        self.assertEqual(headers["content-range"], "bytes */%d" % len(image))
        self.assertEqual(json.loads(body)["type"], "https://mothership.dev/problems/range-not-satisfiable")

        status, audit = self.api.call("GET", "/api/v1/audit?action=firmware.upload&target_id=" + fw["id"])
        self.assertEqual(len(audit["items"]), 1, audit)

    def test_a_version_a_model_already_has_is_a_409(self):
        version = "2.0.%d" % (int(unique("v")[2:], 16) % 100000)
        self.assertEqual(self.upload(b"first", version)[0], 201)
        status, body = self.upload(b"second", version, models=("Other", "Thermo 3"))
        self.assertEqual(status, 409, body)
        self.assertEqual(body["type"], "https://mothership.dev/problems/version-taken")
        self.assertEqual(body["detail"], "Other or Thermo 3 already has this version (%s): give this image a new "
                                         "version, or delete the old one first." % version)
        self.assertEqual(self.upload(b"third", version, models=("Other",))[0], 201)

    def test_bad_metadata_is_a_422_that_names_the_field(self):
        for query, field in ((dict(version="v1"), "version"), (dict(version="1.0.0", models=()), "model"),
                             (dict(version="1.0.0", models=("Toaster 9",)), "model")):
            status, body = self.upload(b"img", query["version"], models=query.get("models", ("Thermo 3",)))
            self.assertEqual(status, 422, body)
            self.assertEqual(body["errors"][0]["field"], field)

    def test_too_large_is_refused_before_and_during_the_upload_and_leaves_nothing(self):
        before = len(self.catalog(limit=500))
        blobs = os.path.join(self.server.data_dir, "blobs")
        status, body = self.upload(image_of(LIMIT + 1, "big"), "3.0.0")  # declared: refused before reading
        self.assertEqual(status, 413, body)
        status, body = self.upload(image_of(LIMIT + 1, "big"), "3.0.1", chunked=True)  # found out while reading
        self.assertEqual(status, 413, body)
        self.assertEqual(len(self.catalog(limit=500)), before)
        self.assertEqual(os.listdir(os.path.join(blobs, "tmp")), [])  # no partial file left behind
        status, body = self.upload(image_of(LIMIT, "fits"), "3.0.2", chunked=True)
        self.assertEqual(status, 201, body)

    def test_signatures_verify_against_the_configured_key_only(self):
        image = image_of(300000, "signed")
        version = "4.0.%d" % (int(unique("v")[2:], 16) % 100000)
        status, fw = self.upload(image, version, signature=sign(image))
        self.assertEqual(status, 201, fw)
        pub_der = base64.b64decode("".join(open(RELEASE_PUB).read().splitlines()[1:-1]))
        self.assertEqual(fw["signed_by"], hashlib.sha256(pub_der).hexdigest())
        for signature in (sign(image + b"x"), sign(image, STRANGER_KEY), "bm90IGEgc2lnbmF0dXJl"):
            status, body = self.upload(image, version + "-rc.1", signature=signature)
            self.assertEqual(status, 422, body)
            self.assertEqual(body["errors"][0]["field"], "signature")
        status, audit = self.api.call("GET", "/api/v1/audit?action=firmware.upload&result=failure&limit=200")
        self.assertTrue(any(e["details"].get("version") == version + "-rc.1" for e in audit["items"]), audit)

    def test_roles_viewers_read_admins_manage(self):
        status, fw = self.upload(b"rbac image", "5.0.%d" % (int(unique("v")[2:], 16) % 100000))
        self.assertEqual(status, 201)
        for role in ("viewer", "technician"):
            user = self.user(role)
            self.assertEqual(user.call("GET", "/api/v1/firmware/" + fw["id"])[0], 200)
            self.assertEqual(self.upload(b"x", "9.9.9", token=user.token)[0], 403)
            self.assertEqual(user.call("DELETE", "/api/v1/firmware/" + fw["id"])[0], 403)
            self.assertEqual(self.send("GET", "/api/v1/firmware/%s/download" % fw["id"], token=user.token)[0], 403)
        status, edited = self.api.call("PATCH", "/api/v1/firmware/" + fw["id"], {"release_notes": "- fixed"})
        self.assertEqual((status, edited["release_notes"]), (200, "- fixed"))
        self.assertEqual(self.api.call("DELETE", "/api/v1/firmware/" + fw["id"])[0], 204)
        self.assertEqual(self.api.call("GET", "/api/v1/firmware/" + fw["id"])[0], 404)

    def test_downloads_the_clients_abandon_half_way_leave_the_server_running(self):
        # When the peer resets a socket during a sendfile(2) call that has already sent part of
        # its bytes, the call returns that part and the next one fails with EPIPE and raises
        # SIGPIPE, whose default action ends the process: wrk's closing of its 50 connections at
        # the end of a run did that now and then; 20 clients resetting at once do it every time.
        status, fw = self.upload(image_of(LIMIT, "abandoned"), "6.1.%d" % (int(unique("v")[2:], 16) % 100000))
        self.assertEqual(status, 201, fw)
        request = ("GET /api/v1/firmware/%s/download HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                   "Connection: close\r\n\r\n" % (fw["id"], HOST, self.api.token)).encode()
        stop = threading.Event()

        def download_until_stopped():
            buf = bytearray(1 << 20)
            while not stop.is_set():
                with socket.create_connection((HOST, self.server.http_port), timeout=10) as s:
                    s.sendall(request)
                    while not stop.is_set() and s.recv_into(buf) > 0:
                        pass
                    # Closed with unread bytes and no lingering: the server's socket is reset.
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

        for _ in range(5):
            stop.clear()
            readers = [threading.Thread(target=download_until_stopped) for _ in range(20)]
            for t in readers:
                t.start()
            time.sleep(0.3)
            stop.set()
            for t in readers:
                t.join(30)
            self.assertTrue(self.server.alive(), "the server died of abandoned downloads")
        self.assertEqual(self.send("GET", "/healthz", token=False)[0], 200)

    def test_download_links_work_without_a_token_until_altered_or_presented_by_a_device(self):
        image = image_of(200000, "link")
        status, fw = self.upload(image, "6.0.%d" % (int(unique("v")[2:], 16) % 100000), filename="fw.bin")
        self.assertEqual(status, 201)
        status, link = self.api.call("POST", "/api/v1/firmware/%s/download-link" % fw["id"])
        self.assertEqual(status, 200, link)
        url = urllib.parse.urlsplit(link["url"])
        self.assertEqual((url.scheme, url.port), ("https", self.server.https_port))
        path = url.path + "?" + url.query

        tls = ssl.create_default_context(cafile=self.ca_file)
        status, headers, body = self.send("GET", path, token=False, port=self.server.https_port, context=tls)
        self.assertEqual((status, hashlib.sha256(body).hexdigest()), (200, fw["sha256"]))
        self.assertIn('filename="fw.bin"', headers["content-disposition"])
        status, _, body = self.send("GET", path, token=False, headers={"Range": "bytes=0-9"})  # plain HTTP too
        self.assertEqual((status, body), (206, image[:10]))

        token = url.path.rsplit("/", 1)[1]
        payload, mac = token.split(".")
        altered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + mac
        for bad in (altered, token[:-3], "nonsense"):
            status, _, body = self.send("GET", "/dl/" + bad, token=False)
            self.assertEqual(status, 403, bad)
            self.assertEqual(json.loads(body)["type"], "https://mothership.dev/problems/bad-download-link")

        # A device's certificate on a link made for a person: refused.
        dev = self.onboarded_device()
        with_cert = ssl.create_default_context(cafile=self.ca_file)
        with_cert.load_cert_chain(dev.cert, dev.key)
        status, _, body = self.send("GET", path, token=False, port=self.server.https_port, context=with_cert)
        self.assertEqual(status, 403, body)
        self.assertIn("someone else", json.loads(body)["detail"])


if __name__ == "__main__":
    unittest.main()


class FirmwareUploadCli(OtaTestCase):
    """`mothership firmware upload FILE --model M --version V [--signature F]` against the server."""

    def cli(self, *args):
        env = dict(os.environ, MOTHERSHIP_TOKEN=self.api.token)
        return subprocess.run([mothership_binary(), "firmware", "upload"] + list(args) +
                              ["--api", "http://%s:%d" % (HOST, self.server.http_port)],
                              capture_output=True, text=True, env=env, timeout=120)

    def image_file(self, size, seed):
        path = os.path.join(self.workdir, unique("fw") + ".bin")
        with open(path, "wb") as f:
            f.write(image_of(size, seed))
        return path

    def test_uploads_with_a_signature_and_progress_and_the_server_agrees_on_the_hash(self):
        path = self.image_file(3 << 20, "cli")
        signature = path + ".sig"
        subprocess.run(["openssl", "dgst", "-sha256", "-sign", RELEASE_KEY, "-out", signature, path], check=True)
        res = self.cli(path, "--model", "Thermo 3", "--model", "Thermo 2", "--version", "7.1.0", "--signature",
                       signature, "--description", "from the CLI")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("uploading %s" % os.path.basename(path), res.stderr)
        self.assertIn("100%", res.stderr)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.assertRegex(res.stdout, r"stored fw_\w+: version 7.1.0, %d bytes, sha256 %s, signature verified"
                         % (3 << 20, digest))
        [fw] = [f for f in self.api.call("GET", "/api/v1/firmware?model=Thermo%202")[1]["items"]
                if f["version"] == "7.1.0"]
        self.assertEqual((fw["description"], fw["filename"]), ("from the CLI", os.path.basename(path)))

        # The same version again: the server's refusal comes before the image is sent.
        res = self.cli(path, "--model", "Thermo 3", "--version", "7.1.0")
        self.assertEqual(res.returncode, 1)
        self.assertIn("refused (HTTP 409)", res.stderr)
        self.assertNotIn("100%", res.stderr)

    def test_refusals_are_explained(self):
        res = self.cli(self.image_file(1000, "x"), "--model", "M", "--version", "v2")
        self.assertEqual(res.returncode, 2)
        self.assertIn("not a semantic version", res.stderr)
        res = self.cli(self.image_file(LIMIT + 1, "big"), "--model", "M", "--version", "8.0.0")
        self.assertEqual(res.returncode, 1)
        self.assertIn("refused (HTTP 413)", res.stderr)
        path = self.image_file(2000, "bad-sig")
        with open(path + ".sig", "w") as f:
            f.write(sign(b"other bytes"))
        res = self.cli(path, "--model", "M", "--version", "8.0.1", "--signature", path + ".sig")
        self.assertEqual(res.returncode, 1)
        self.assertIn("refused (HTTP 422)", res.stderr)
        self.assertIn("signature:", res.stderr)
        res = self.cli(os.path.join(self.workdir, "missing.bin"), "--model", "M", "--version", "8.0.2")
        self.assertEqual((res.returncode, res.stderr.strip()), (2, "cannot read %s/missing.bin" % self.workdir))
