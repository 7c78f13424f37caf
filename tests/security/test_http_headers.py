"""Finding 6: HTTP headers and cookies, over plain HTTP and the HTTPS listener.

"No Content-Security-Policy on the portal or the API; `X-Content-Type-Options` sent twice on
static files; the refresh cookie lacks `Secure` even when it could have it." The server runs
with both listeners (`--http-tls-listen`, certificate from the platform CA) and a small portal
whose index.html holds the build's nonce placeholder, as `npm run build` writes it; the client
trusts only the platform CA from /pki/ca.pem and checks the host name.
"""

import http.client
import json
import os
import re
import shutil
import ssl
import tempfile
import unittest
import warnings

from fleet_fixture import ADMIN_PASSWORD, HOST, FleetTestCase

PORTAL_CSP = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
ONCE = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")

WEB_DIR = tempfile.mkdtemp(prefix="mothership-headers-web-")
os.makedirs(os.path.join(WEB_DIR, "assets"))
with open(os.path.join(WEB_DIR, "index.html"), "w") as f:
    f.write('<!doctype html><html><head><meta property="csp-nonce" nonce="MOTHERSHIP_CSP_NONCE">'
            '<script type="module" src="/assets/app-1.js" nonce="MOTHERSHIP_CSP_NONCE"></script></head>'
            '<body><div id="root"></div></body></html>')
with open(os.path.join(WEB_DIR, "assets", "app-1.js"), "w") as f:
    f.write("document.getElementById('root').textContent = 'portal';\n")


class HttpHeadersTest(FleetTestCase):
    server_args = ("--mqtt-tls-listen", HOST + ":0", "--http-tls-listen", HOST + ":0", "--web-dir", WEB_DIR)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(WEB_DIR, ignore_errors=True)

    def https_port(self):
        m = re.search(r"HTTP listening on https://127\.0\.0\.1:(\d+)", self.server.stdout_text())
        self.assertIsNotNone(m, "no HTTPS listener in the log")
        return int(m.group(1))

    def tls_context(self):
        return ssl.create_default_context(cafile=self.ca_file)  # verifies the chain and 127.0.0.1

    def request(self, tls, method, path, body=None, headers=None):
        if tls:
            conn = http.client.HTTPSConnection(HOST, self.https_port(), context=self.tls_context(), timeout=30)
        else:
            conn = http.client.HTTPConnection(HOST, self.server.http_port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.msg, res.read()
        finally:
            conn.close()

    def assert_once(self, msg, where):
        for name in ONCE:
            self.assertEqual(len(msg.get_all(name) or []), 1, "%s: %s %s" % (where, name, msg.get_all(name)))
        self.assertEqual(msg["X-Content-Type-Options"], "nosniff", where)

    def assert_hsts(self, msg, tls, where):
        values = msg.get_all("Strict-Transport-Security") or []
        self.assertEqual(values, ["max-age=31536000"] if tls else [], where)

    def login(self, tls):
        body = json.dumps({"username": "admin", "password": ADMIN_PASSWORD})
        return self.request(tls, "POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})

    def test_portal_page_has_the_strict_policy_and_a_fresh_style_nonce(self):
        nonces = []
        for tls in (True, False):
            for path in ("/", "/devices/dev_1"):  # the page and the SPA fallback
                status, msg, body = self.request(tls, "GET", path)
                where = "%s %s" % ("https" if tls else "http", path)
                self.assertEqual(status, 200, where)
                self.assert_once(msg, where)
                self.assert_hsts(msg, tls, where)
                csp = msg["Content-Security-Policy"]
                m = re.fullmatch(re.escape(PORTAL_CSP) + r"; style-src 'self' 'nonce-([A-Za-z0-9_-]{24})'", csp)
                self.assertIsNotNone(m, "%s: %s" % (where, csp))
                text = body.decode()
                self.assertNotIn("MOTHERSHIP_CSP_NONCE", text)
                self.assertEqual(text.count('nonce="%s"' % m.group(1)), 2, where)
                self.assertEqual(msg["Cache-Control"], "no-store", where)  # a cached copy's nonce goes stale
                nonces.append(m.group(1))
        self.assertEqual(len(set(nonces)), len(nonces), "a nonce was used twice")

    def test_static_files_send_nosniff_once(self):
        for tls in (True, False):
            status, msg, _ = self.request(tls, "GET", "/assets/app-1.js")
            self.assertEqual(status, 200)
            self.assert_once(msg, "asset")
            self.assertEqual(msg["Content-Security-Policy"], PORTAL_CSP)
            self.assert_hsts(msg, tls, "asset")

    def test_api_answers_allow_nothing(self):
        token = json.loads(self.login(True)[2])["access_token"]
        for tls in (True, False):
            for path, headers in (("/healthz", {}), ("/api/v1/me", {"Authorization": "Bearer " + token}),
                                  ("/api/v1/nothing-here", {}), ("/pki/ca.pem", {})):
                status, msg, _ = self.request(tls, "GET", path, headers=headers)
                where = "%s %s -> %d" % ("https" if tls else "http", path, status)
                self.assert_once(msg, where)
                self.assertEqual(msg["Content-Security-Policy"], API_CSP, where)
                self.assert_hsts(msg, tls, where)

    def test_refresh_cookie_is_secure_over_https_only(self):
        status, msg, _ = self.login(True)
        self.assertEqual(status, 200)
        cookie = msg["Set-Cookie"]
        self.assertIn("; Secure", cookie)
        self.assertIn("HttpOnly", cookie)
        self.assert_hsts(msg, True, "login")
        # The cookie works over HTTPS: refresh rotates it and keeps it Secure.
        value = cookie.split(";", 1)[0]
        status, msg, _ = self.request(True, "POST", "/api/v1/auth/refresh", b"", {"Cookie": value})
        self.assertEqual(status, 200)
        self.assertIn("; Secure", msg["Set-Cookie"])

        status, msg, _ = self.login(False)  # loopback plain HTTP (make run) stays usable
        self.assertEqual(status, 200)
        self.assertNotIn("Secure", msg["Set-Cookie"])

    def test_https_speaks_tls_1_2_and_1_3_only(self):
        port = self.https_port()
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = self.tls_context()
            ctx.minimum_version = ctx.maximum_version = version
            conn = http.client.HTTPSConnection(HOST, port, context=ctx, timeout=30)
            conn.request("GET", "/healthz")
            self.assertEqual(conn.getresponse().status, 200)
            self.assertEqual(conn.sock.version(), version.name.replace("v1_", "v1."))
            conn.close()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.ca_file)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer TLS 1.1 at all
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        conn = http.client.HTTPSConnection(HOST, port, context=ctx, timeout=30)
        with self.assertRaises(ssl.SSLError) as refused:
            conn.request("GET", "/healthz")
        conn.close()
        # The server's alert, not this client giving up: "TLSV1_ALERT_PROTOCOL_VERSION".
        self.assertIn("PROTOCOL_VERSION", str(getattr(refused.exception, "reason", None) or refused.exception).upper())

    def test_a_plain_client_on_the_https_port_is_dropped(self):
        conn = http.client.HTTPConnection(HOST, self.https_port(), timeout=30)
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            conn.request("GET", "/healthz")
            conn.getresponse()
        conn.close()


if __name__ == "__main__":
    unittest.main()
