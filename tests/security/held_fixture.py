"""Shared pieces of the security regression tests for the checks that held (test_held_*.py).

HeldTestCase is the onboarding harness's FleetTestCase (a real `mothership serve` with the
MQTT TLS listener, on loopback) with:
- a random admin password (and random user passwords that never contain the user name), so the
  tests do not depend on which passwords a strength check accepts;
- a record of every secret the tests handled (access tokens, passwords, claim codes), and
  `assert_log_holds_no_secrets()` that reads the server's stdout and stderr for them; each module
  calls it from its last test (`test_zz_...`: unittest runs a class's tests by name);
- helpers for problem+json answers, raw HTTP requests (bytes sent as written), TLS MQTT raw clients
  for devices and users, and devices taken through onboarding.
"""

import base64
import http.client
import json
import os
import socket
import ssl
import time

from fleet_fixture import (HOST, V5, Api, FleetTestCase, PahoClient, openssl, strong_password,  # noqa: F401
                           unique, wait_until)
from broker_fixture import RawClient


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class HeldTestCase(FleetTestCase):
    """A FleetTestCase whose secrets are random and remembered."""

    admin_password = strong_password()
    server_env = dict(FleetTestCase.server_env, MOTHERSHIP_ADMIN_PASSWORD=admin_password,
                      MOTHERSHIP_AUTH_LOGIN_FREE_FAILURES="1000")

    @classmethod
    def setUpClass(cls):
        cls.secrets = {cls.admin_password: "the admin password"}
        super().setUpClass()

    @classmethod
    def _prepare(cls):
        anonymous = Api(cls.server.http_port)
        cls.api = anonymous.login("admin", cls.admin_password)
        cls.secrets[cls.api.token] = "the admin's access token"
        status, bundle = anonymous.call("GET", "/pki/ca.pem", raw=True)
        assert status == 200, status
        cls.ca_file = os.path.join(cls.workdir, "ca.pem")
        with open(cls.ca_file, "wb") as f:
            f.write(bundle)
        cls.tls_port = cls.server.ports["mqtts"]

    # --- people -------------------------------------------------------------------------------

    def make_user(self, role):
        """A new user of `role`: (Api signed in as it, user id, username, password)."""
        name = unique(role[:4]).lower()
        password = strong_password()
        status, body = self.api.call("POST", "/api/v1/users", {"username": name, "role": role, "password": password})
        self.assertEqual(status, 201, body)
        api = Api(self.server.http_port).login(name, password)
        self.secrets[password] = "the password of " + name
        self.secrets[api.token] = "the access token of " + name
        return api, body["id"], name, password

    def user(self, role):
        return self.make_user(role)[0]

    # --- devices ------------------------------------------------------------------------------

    def import_devices(self, count, model="Thermo"):
        rows = super().import_devices(count, model)
        for _, code in rows:
            self.secrets[code] = "a claim code"
        return rows

    def onboard(self, csr_for=None):
        """A device taken through onboarding (hello, technician's claim, certificate); csr_for(dev)
        may return the CSR the device sends instead of the harness's own."""
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code)
        if csr_for is not None:
            dev.csr = csr_for(dev)
        dev.connect_for_onboarding()
        dev.say_hello()
        dev.wait_status("awaiting_approval")
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body.get("status")), (200, "completed"), body)
        dev.wait_certificate()
        return dev

    def tls_socket(self, certfile=None, keyfile=None):
        ctx = ssl.create_default_context(cafile=self.ca_file)
        if certfile:
            ctx.load_cert_chain(certfile, keyfile)
        sock = socket.create_connection((HOST, self.tls_port), timeout=10)
        return ctx.wrap_socket(sock, server_hostname=HOST)

    def raw_device(self, dev, version=V5, client_id=None):
        """A RawClient over mutual TLS with the device's certificate, CONNACK 0 checked."""
        c = RawClient(None, version=version, sock=self.tls_socket(dev.cert, dev.key))
        self.addCleanup(c.close)
        ack = c.connect(version=version, client_id=client_id or dev.device_id)
        self.assertEqual(ack.reason, 0, ack)
        return c

    def raw_provisioning(self, serial, code, version=V5, client_id=None):
        """A RawClient over TLS without certificate, as a device being onboarded; returns (client, CONNACK)."""
        c = RawClient(None, version=version, sock=self.tls_socket())
        self.addCleanup(c.close)
        return c, c.connect(version=version, client_id=client_id or serial, username=serial, password=code)

    # --- HTTP ---------------------------------------------------------------------------------

    def assert_problem(self, status, body, headers, expected_status, slug=None):
        """An RFC 7807 answer: the status, Content-Type application/problem+json, a `type` of the slug."""
        self.assertEqual(status, expected_status, body)
        self.assertEqual(headers.get("content-type", "").split(";")[0].strip(), "application/problem+json",
                         (headers, body))
        doc = json.loads(body) if isinstance(body, (bytes, str)) else body
        self.assertEqual(doc.get("status"), expected_status, doc)
        if slug:
            self.assertTrue(str(doc.get("type", "")).endswith("/" + slug), doc)
        return doc

    def request(self, method, path, token=None, body=None, content_type="application/json"):
        """One request on its own connection: (status, body bytes, headers with lower-case names).
        `path` goes out as written (quote it yourself)."""
        conn = http.client.HTTPConnection(HOST, self.server.http_port, timeout=30)
        try:
            headers = {}
            if token is not None:
                headers["Authorization"] = "Bearer " + token
            data = None
            if body is not None:
                data = body.encode() if isinstance(body, str) else (body if isinstance(body, bytes)
                                                                   else json.dumps(body).encode())
                headers["Content-Type"] = content_type
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            payload = r.read()
            return r.status, payload, {k.lower(): v for k, v in r.getheaders()}
        finally:
            conn.close()

    def raw_http(self, request_bytes, timeout=15):
        """Sends the bytes as they are on a fresh connection; returns (status or None, whole answer)."""
        with socket.create_connection((HOST, self.server.http_port), timeout=timeout) as s:
            s.sendall(request_bytes)
            chunks = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        answer = b"".join(chunks)
        status = None
        first = answer.split(b"\r\n", 1)[0].split()
        if len(first) >= 2 and first[0].startswith(b"HTTP/") and first[1].isdigit():
            status = int(first[1])
        return status, answer

    def all_items(self, api, path, key="id", limit=None):
        """Every item of a cursor-paginated list, following next_cursor."""
        items, cursor = [], None
        sep = "&" if "?" in path else "?"
        while True:
            url = path
            params = []
            if limit:
                params.append("limit=%d" % limit)
            if cursor:
                params.append("cursor=" + cursor)
            if params:
                url += sep + "&".join(params)
            status, page = api.call("GET", url)
            self.assertEqual(status, 200, page)
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    # --- the server's log ---------------------------------------------------------------------

    def assert_log_holds_no_secrets(self):
        """No access token (nor any JWT: "eyJ" is the start of every encoded JSON header), password
        or claim code the tests used appears in the server's stdout or stderr."""
        cls = type(self)
        servers = list(getattr(cls, "_dead_servers", [])) + [cls.server]
        self.assertGreater(len(cls.secrets), 1, "the tests recorded no secrets")
        for server in servers:
            log = server.stdout_text() + server.stderr_text()
            self.assertIn("HTTP listening", log)  # the right file
            self.assertNotIn("eyJ", log, "a JWT in the server's log")
            for secret, what in sorted(cls.secrets.items(), key=lambda kv: kv[1]):
                self.assertNotIn(secret, log, "%s is in the server's log" % what)
