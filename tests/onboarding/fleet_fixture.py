"""Harness for the onboarding tests: a `mothership serve` with the MQTT TLS listener and a
known admin password, a small REST client, and a Python stand-in for a device's firmware
(paho-mqtt over TLS, keys and CSRs made with the openssl command-line tool) that follows
docs/device-protocol.md "Onboarding". The real device agent (agent/) has its own tests.
"""

import json
import os
import secrets
import shutil
import ssl
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mqtt"))

from broker_fixture import HOST, V5, V311, BrokerTestCase, PahoClient, unique, wait_until  # noqa: E402,F401

ADMIN_PASSWORD = "onboarding-root-pw"
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_.!"


def strong_password():
    """A random password the server's strength check (libpwquality, cracklib) always accepts:
    "pw-" + hex digits is refused about once in 35 ("too simplistic/systematic": cracklib counts
    neighbouring characters such as "45" or "cd"), so no two neighbours here are next to each
    other in ASCII or equal but for case."""
    out = "pw-"
    while len(out) < 24:
        c = secrets.choice(PASSWORD_ALPHABET)
        if abs(ord(c) - ord(out[-1])) > 1 and c.lower() != out[-1].lower():
            out += c
    return out


class Api:
    """The REST API as an admin, technician or viewer sees it."""

    def __init__(self, port, token=None):
        self.base = "http://%s:%d" % (HOST, port)
        self.token = token

    def call(self, method, path, body=None, content_type="application/json", raw=False):
        data = None
        headers = {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                payload = r.read()
                return r.status, (payload if raw else (json.loads(payload) if payload else None))
        except urllib.error.HTTPError as e:
            payload = e.read()
            try:
                return e.code, json.loads(payload)
            except ValueError:
                return e.code, payload

    def login(self, username, password):
        status, body = self.call("POST", "/api/v1/auth/login", {"username": username, "password": password})
        assert status == 200, (status, body)
        return Api(int(self.base.rsplit(":", 1)[1]), body["access_token"])


class EventStream:
    """GET /api/v1/events read in a thread: `events` collects (type, data) as they arrive."""

    def __init__(self, port, token):
        import http.client
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + token})
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.content_type = self.response.getheader("Content-Type")
        self.events = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        kind = None
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind:
                    with self.lock:
                        self.events.append((kind, json.loads(line[6:])))
                    kind = None
        except (OSError, ValueError):
            pass

    def seen(self, kind, **match):
        with self.lock:
            return [d for k, d in self.events if k == kind and all(d.get(f) == v for f, v in match.items())]

    def close(self):
        # http.client hands a "Connection: close" response's socket to the response object.
        sock = getattr(getattr(self.response.fp, "raw", None), "_sock", None)
        if sock is not None:
            try:
                sock.shutdown(2)
            except OSError:
                pass
        self.response.close()
        self.conn.close()


def openssl(*args):
    res = subprocess.run(["openssl"] + list(args), capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError("openssl %s failed:\n%s" % (" ".join(args), res.stderr))
    return res.stdout


class Device:
    """A device being onboarded: serial + claim code, its own key (made here, never sent)."""

    def __init__(self, directory, port, ca_file, serial, code, key_spec=("ec", "ec_paramgen_curve:P-256")):
        self.dir = tempfile.mkdtemp(prefix=serial + "-", dir=directory)
        self.port = port
        self.ca_file = ca_file
        self.serial = serial
        self.code = code
        self.key = os.path.join(self.dir, "device.key")
        self.cert = os.path.join(self.dir, "device.crt")
        algorithm, option = key_spec
        openssl("req", "-new", "-newkey", algorithm, "-pkeyopt", option, "-nodes", "-keyout", self.key,
                "-subj", "/CN=please-make-me-admin", "-out", os.path.join(self.dir, "device.csr"))
        with open(os.path.join(self.dir, "device.csr")) as f:
            self.csr = f.read()
        self.provisioning = None
        self.device_id = None

    def connect_for_onboarding(self, version=V5, code=None, expect_success=True):
        c = PahoClient(self.port, client_id=self.serial, version=version, username=self.serial,
                       password=self.code if code is None else code, tls=dict(ca_certs=self.ca_file))
        self.provisioning = c
        return c.connect(expect_success=expect_success)

    def say_hello(self, model="Thermo", firmware="1.0.0"):
        c = self.provisioning
        c.subscribe([("$provision/%s/certificate" % self.serial, 1), ("$provision/%s/status" % self.serial, 1)])
        c.publish("$provision/%s/hello" % self.serial,
                  json.dumps({"model": model, "firmware_version": firmware, "csr": self.csr}), 1)

    def statuses(self):
        return [json.loads(m.payload) for m in self.provisioning.messages if m.topic.endswith("/status")]

    def wait_status(self, status, timeout=10):
        wait_until(lambda: any(s["status"] == status for s in self.statuses()), timeout, "status " + status)
        return [s for s in self.statuses() if s["status"] == status][-1]

    def wait_certificate(self, timeout=10):
        topic = "$provision/%s/certificate" % self.serial
        wait_until(lambda: any(m.topic == topic and m.payload for m in self.provisioning.messages), timeout,
                   "the certificate")
        message = json.loads([m.payload for m in self.provisioning.messages if m.topic == topic and m.payload][-1])
        with open(self.cert, "w") as f:
            f.write(message["certificate"])
        self.device_id = message["device_id"]
        return message

    def connect_with_certificate(self, version=V5, expect_success=True, client_id=None):
        c = PahoClient(self.port, client_id=client_id or self.device_id, version=version,
                       tls=dict(ca_certs=self.ca_file, certfile=self.cert, keyfile=self.key))
        c.connect(expect_success=expect_success)
        return c

    def stop(self):
        if self.provisioning:
            self.provisioning.stop()


class FleetTestCase(BrokerTestCase):
    """A server with the TLS listener; `api` is the admin, `ca_file` the CA bundle from /pki/ca.pem."""

    allow_anonymous = False
    server_args = ("--mqtt-tls-listen", HOST + ":0")
    # Every test claims from 127.0.0.1: the per-address delays are for a unit test.
    server_env = {"MOTHERSHIP_ADMIN_PASSWORD": ADMIN_PASSWORD, "MOTHERSHIP_PROVISIONING_LOCKOUT_AFTER_FAILURES": "3",
                  "MOTHERSHIP_PROVISIONING_ADDRESS_FREE_FAILURES": "1000"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.mkdtemp(prefix="mothership-onboarding-")
        cls._prepare()

    @classmethod
    def tearDownClass(cls):
        failed = cls._had_failure
        super().tearDownClass()
        if not failed and os.environ.get("MOTHERSHIP_IT_KEEP") != "1":
            shutil.rmtree(cls.workdir, ignore_errors=True)  # device keys, certificates, CSV files

    @classmethod
    def _prepare(cls):
        anonymous = Api(cls.server.http_port)
        cls.api = anonymous.login("admin", ADMIN_PASSWORD)
        status, bundle = anonymous.call("GET", "/pki/ca.pem", raw=True)
        assert status == 200
        cls.ca_file = os.path.join(cls.workdir, "ca.pem")
        with open(cls.ca_file, "wb") as f:
            f.write(bundle)
        cls.tls_port = cls.server.ports["mqtts"]

    def setUp(self):
        before = self.server
        super().setUp()
        if self.server is not before:  # a crash restarted it: new CA, new admin token
            type(self)._prepare()
        self.devices = []

    def tearDown(self):
        for d in self.devices:
            d.stop()
        super().tearDown()

    def import_devices(self, count, model="Thermo"):
        """Imports `count` fresh records; returns [(serial, code)]."""
        rows = [(unique("SN"), "CODE-" + unique("c")[2:]) for _ in range(count)]
        csv = "".join("%s,%s,rev1,%s\n" % (s, model, c) for s, c in rows)
        status, body = self.api.call("POST", "/api/v1/registry/import", csv, "text/csv")
        self.assertEqual(status, 200, body)
        return rows

    def device(self, serial, code, **kw):
        d = Device(self.workdir, self.tls_port, self.ca_file, serial, code, **kw)
        self.devices.append(d)
        return d

    def onboarded_device(self, model="Thermo"):
        """A device taken through onboarding (hello, then the admin's claim): it has its certificate."""
        [(serial, code)] = self.import_devices(1, model)
        dev = self.device(serial, code)
        dev.connect_for_onboarding()
        dev.say_hello(model=model)
        dev.wait_status("awaiting_approval")
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual(status, 200, body)
        dev.wait_certificate()
        return dev

    def user(self, role):
        name = unique(role[:4]).lower()
        password = strong_password()  # not based on the name: the server refuses those
        status, body = self.api.call("POST", "/api/v1/users", {"username": name, "role": role, "password": password})
        self.assertEqual(status, 201, body)
        return Api(self.server.http_port).login(name, password)
