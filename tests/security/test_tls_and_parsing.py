"""Security review (issue 16), requirement 10: TLS and parsing.

Findings replayed:
- "TLS 1.2 on the MQTT TLS listener accepts CBC suites (SHA-1 and SHA-256)": a TLS 1.2 client
  that offers only CBC suites (or only RSA key exchange) must fail the handshake on every TLS
  listener (mqtts and wss); ECDHE with AES-GCM and TLS 1.3 still work.
- "duplicate JSON keys are accepted (last wins)": `"role":"viewer","role":"admin"` must get
  400 problem+json (`duplicate-key`) and create nobody.
- "`%` and `_` in `q=` act as LIKE wildcards": they must match themselves only.
Each bad input gets a clean error and changes nothing; the server stays healthy.
"""

import subprocess
import unittest
import urllib.parse

from broker_fixture import HOST, unique
from fleet_fixture import FleetTestCase, strong_password

CBC_SUITES = ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384",
              "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES128-SHA256", "AES128-SHA", "AES128-GCM-SHA256",
              "DHE-RSA-AES128-GCM-SHA256"]


def s_client(port, *options):
    """Runs a TLS handshake with openssl s_client; returns (handshake completed, output)."""
    args = ["openssl", "s_client", "-connect", "%s:%d" % (HOST, port), "-servername", "localhost", "-brief"]
    args += list(options)
    try:
        done = subprocess.run(args, input=b"", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    out = done.stdout.decode(errors="replace")
    return done.returncode == 0 and "CONNECTION ESTABLISHED" in out, out


class TlsAndParsing(FleetTestCase):
    server_args = FleetTestCase.server_args + ("--mqtt-wss-listen", HOST + ":0")

    def tls_ports(self):
        return {"mqtts": self.server.ports["mqtts"], "wss": self.server.ports["wss"]}

    def test_tls12_cbc_and_non_ecdhe_suites_are_refused_on_every_tls_listener(self):
        for name, port in self.tls_ports().items():
            for suite in CBC_SUITES:
                with self.subTest(listener=name, suite=suite):
                    ok, out = s_client(port, "-tls1_2", "-cipher", suite)
                    self.assertFalse(ok, out)
        self.assert_server_healthy()

    def test_tls12_ecdhe_aead_and_tls13_still_work(self):
        for name, port in self.tls_ports().items():
            with self.subTest(listener=name, version="1.2"):
                ok, out = s_client(port, "-tls1_2", "-cipher",
                                   "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                   "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
                self.assertTrue(ok, out)
                self.assertRegex(out, r"Ciphersuite: ECDHE-(ECDSA|RSA)-(AES128-GCM-SHA256|CHACHA20-POLY1305)")
            with self.subTest(listener=name, version="1.3"):
                ok, out = s_client(port, "-tls1_3")
                self.assertTrue(ok, out)
                self.assertIn("TLSv1.3", out)

    def test_duplicate_json_keys_get_400_and_create_nobody(self):
        name = unique("dup").lower()
        body = ('{"username":"%s","password":"%s","role":"viewer","role":"admin"}' % (name, strong_password()))
        status, problem = self.api.call("POST", "/api/v1/users", body)
        self.assertEqual(status, 400, problem)
        self.assertTrue(problem["type"].endswith("/duplicate-key"), problem)
        self.assertIn('"role"', problem["detail"])
        status, users = self.api.call("GET", "/api/v1/users?limit=200")
        self.assertEqual(status, 200, users)
        self.assertNotIn(name, [u["username"] for u in users["items"]])
        # The same body without the duplicate is fine: the refusal was for the duplicate only.
        status, created = self.api.call("POST", "/api/v1/users", body.replace('"role":"viewer",', ""))
        self.assertEqual(status, 201, created)
        self.assertEqual(created["role"], "admin")

    def test_nested_duplicate_keys_are_refused_too(self):
        status, problem = self.api.call("PUT", "/api/v1/provisioning/templates/" + unique("M"),
                                        '{"labels":{"site":"a","site":"b"}}')
        self.assertEqual(status, 400, problem)
        self.assertTrue(problem["type"].endswith("/duplicate-key"), problem)

    def search(self, q):
        status, page = self.api.call("GET", "/api/v1/registry?limit=500&q=" + urllib.parse.quote(q, safe=""))
        self.assertEqual(status, 200, page)
        return sorted(r["serial"] for r in page["items"])

    def test_search_takes_percent_underscore_and_backslash_literally(self):
        tag = unique("L")[2:].upper()
        underscore, plain, percent = "SN_%s" % tag, "SNX%s" % tag, "SN-P%s" % tag
        csv = ("%s,Thermo,rev1,CODE-1-%s\n%s,Thermo,rev1,CODE-2-%s\n%s,Thermo 100%% %s,rev1,CODE-3-%s\n"
               % (underscore, tag, plain, tag, percent, tag, tag))
        status, body = self.api.call("POST", "/api/v1/registry/import", csv, "text/csv")
        self.assertEqual(status, 200, body)
        mine = {underscore, plain, percent}
        self.assertEqual(set(self.search(tag)), mine)
        self.assertEqual(self.search("SN_" + tag), [underscore])  # not SNX...
        self.assertEqual(set(self.search("%")) & mine, {percent})  # the model holds a literal %
        self.assertEqual(set(self.search("_")) & mine, {underscore})
        self.assertEqual(set(self.search("\\")) & mine, set())
        # Devices: the same search on /api/v1/devices (a claimed record is a device at once).
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": plain, "claim_code": "CODE-2-" + tag})
        self.assertEqual(status, 202, body)
        devices = lambda q: [d["serial"] for d in self.api.call(  # noqa: E731
            "GET", "/api/v1/devices?limit=500&q=" + urllib.parse.quote(q, safe=""))[1]["items"]]
        self.assertEqual(devices(plain), [plain])
        self.assertNotIn(plain, devices("%"))
        self.assertNotIn(plain, devices("SN%" + tag))


if __name__ == "__main__":
    unittest.main()
