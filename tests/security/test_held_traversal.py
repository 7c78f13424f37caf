"""Security review, checks that held: path traversal (issue 16, requirement 11).

The server serves a built portal here (MOTHERSHIP_HTTP_WEB_DIR, a temporary directory with
index.html and an asset), with a secret file beside it and the server's own keys in its data
directory. Traversal variants (plain, percent-encoded, double-encoded, backslashes, overlong UTF-8,
NUL bytes, ;-parameters, absolute paths) go out over raw sockets exactly as written, at the top,
under /assets/, /static/, /pki/ and /api/v1/ (with and without an admin token), GET and HEAD:
no answer holds /etc/passwd, the secret file or a private key, and none is a 5xx.
"""

import os
import shutil
import tempfile
import unittest

from held_fixture import HeldTestCase

PASSWD_MARKER = b"root:x:0:0"
KEY_MARKERS = (b"PRIVATE KEY-----",)

PASSWD_TARGETS = [
    "/../../etc/passwd",
    "/../../../../../../../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/..%5c..%5cetc/passwd",
    "/..%5c..%5c..%5c..%5c..%5cetc%5cpasswd",
    "/..\\..\\..\\..\\etc\\passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/....//....//....//etc/passwd",
    "/..;/..;/..;/etc/passwd",
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/etc/passwd",
    "/../../etc/passwd%00.js",
    "/..%00/..%00/etc/passwd",
    "/.%2e/.%2e/.%2e/.%2e/etc/passwd",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/etc/passwd",
    "/./././../../../../etc/passwd",
]

PREFIXES = ["", "/assets", "/static", "/pki", "/api/v1", "/api/v1/devices", "/api/v1/registry"]


class PathTraversal(HeldTestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="mothership-web-")
        cls.web = os.path.join(cls.root, "web")
        os.makedirs(os.path.join(cls.web, "assets"))
        with open(os.path.join(cls.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>held portal</title>")
        with open(os.path.join(cls.web, "assets", "app-3f2a.js"), "w") as f:
            f.write("console.log('held asset');")
        cls.secret = ("HELD-SECRET-" + os.urandom(8).hex()).encode()
        with open(os.path.join(cls.root, "secret.txt"), "wb") as f:
            f.write(cls.secret)
        cls.server_env = dict(cls.server_env, MOTHERSHIP_HTTP_WEB_DIR=cls.web)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.root, ignore_errors=True)

    def secret_targets(self):
        key = os.path.join(self.server.data_dir, "keys", "jwt-signing.pem")
        self.assertTrue(os.path.exists(key), key)
        to_key = os.path.relpath(key, self.web)
        to_secret = os.path.relpath(os.path.join(self.root, "secret.txt"), self.web)
        return [
            "/" + to_secret, "/assets/../" + to_secret, "/assets/%2e%2e/" + to_secret,
            "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/..%5c..%5csecret.txt",
            "/%252e%252e/secret.txt", "/.%2e/secret.txt",
            "/" + to_key, "/assets/../" + to_key, "/" + to_key.replace("/", "%2f"), "/" + to_key.replace("..", "%2e%2e"),
            "/" + key, "/" + key.replace("/", "%2f"), "//" + key.lstrip("/"),
            "/../data/keys/jwt-signing.pem", "/data/keys/jwt-signing.pem",
        ]

    def send(self, method, target, token=None, version="HTTP/1.1"):
        head = "%s %s %s\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method, target, version)
        if token:
            head += "Authorization: Bearer %s\r\n" % token
        return self.raw_http(head.encode("latin-1") + b"\r\n")

    def assert_nothing_leaks(self, method, target, token=None, version="HTTP/1.1"):
        status, answer = self.send(method, target, token, version)
        self.assertIsNotNone(status, "no HTTP answer to %s %s: %r" % (method, target, answer[:200]))
        self.assertLess(status, 500, answer[:400])
        self.assertNotIn(PASSWD_MARKER, answer)
        self.assertNotIn(self.secret, answer)
        for marker in KEY_MARKERS:
            self.assertNotIn(marker, answer)
        return status, answer

    def test_the_portal_is_served_so_the_refusals_mean_something(self):
        status, answer = self.send("GET", "/assets/app-3f2a.js")
        self.assertEqual(status, 200)
        self.assertIn(b"held asset", answer)
        status, answer = self.send("GET", "/")
        self.assertEqual(status, 200)
        self.assertIn(b"held portal", answer)
        with open("/etc/passwd", "rb") as f:
            self.assertIn(PASSWD_MARKER, f.read())  # the marker would show if the file leaked

    def test_traversal_to_etc_passwd(self):
        for prefix in PREFIXES:
            for target in PASSWD_TARGETS:
                for method in ("GET", "HEAD"):
                    with self.subTest(method=method, target=prefix + target):
                        self.assert_nothing_leaks(method, prefix + target)
                with self.subTest(target=prefix + target, token="admin"):
                    self.assert_nothing_leaks("GET", prefix + target, token=self.api.token)

    def test_traversal_to_files_beside_the_portal_and_the_servers_keys(self):
        for target in self.secret_targets():
            for prefix in ("", "/assets", "/api/v1"):
                with self.subTest(target=prefix + target):
                    self.assert_nothing_leaks("GET", prefix + target)
                    self.assert_nothing_leaks("GET", prefix + target, token=self.api.token)

    def test_request_targets_that_are_not_origin_form(self):
        for target in ("../../etc/passwd", "..%2f..%2fetc%2fpasswd", "http://127.0.0.1/../../etc/passwd",
                       "http://127.0.0.1/%2e%2e/%2e%2e/etc/passwd", "file:///etc/passwd", "*", "/../../etc/passwd#x",
                       "/../../etc/passwd?x=../../etc/passwd"):
            for version in ("HTTP/1.1", "HTTP/1.0"):
                with self.subTest(target=target, version=version):
                    self.assert_nothing_leaks("GET", target, version=version)

    def test_api_path_parameters(self):
        for template in ("/api/v1/devices/%s", "/api/v1/registry/%s", "/api/v1/users/%s",
                         "/api/v1/provisioning/templates/%s"):
            for value in ("..%2f..%2f..%2fetc%2fpasswd", "%2e%2e", "..", "%252e%252e%252fetc%252fpasswd",
                          "..%5c..%5cetc%5cpasswd"):
                with self.subTest(path=template % value):
                    self.assert_nothing_leaks("GET", template % value, token=self.api.token)
                    if template.startswith("/api/v1/provisioning"):
                        body = b'{"labels":{}}'
                        head = ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer %s\r\n"
                                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                                % (template % value, self.api.token, len(body)))
                        status, answer = self.raw_http(head.encode() + body)
                        self.assertIsNotNone(status)
                        self.assertLess(status, 500, answer[:400])
        # Nothing was written outside the data directory by a template named like a path.
        self.assertEqual(sorted(os.listdir(self.root)), ["secret.txt", "web"])

    def test_zz_server_log_holds_no_secrets(self):
        self.assert_log_holds_no_secrets()


if __name__ == "__main__":
    unittest.main()
