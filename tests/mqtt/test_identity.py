"""Who an MQTT client is, beyond certificates: portal users (username + a current access token
as the password) watch devices/+/telemetry and devices/+/state read-only; anonymous clients
exist only with --mqtt-allow-anonymous; $SYS/broker/... is the server's alone to publish and
anyone connected may read it; refused CONNECTs are counted in /metrics."""

import json
import os
import socket
import ssl
import time
import unittest
import urllib.error
import urllib.request

import certs
from broker_fixture import (DISCONNECT, HOST, PINGRESP, PUBACK, PUBLISH, V311, V5, BrokerTestCase, ConnectionClosed, PahoClient,
                            RawClient, disconnect_packet, mosquitto, pingreq, unique, wait_until)

ADMIN_PASSWORD = "mqtt-tests-root-secret"
NOT_AUTHORIZED = 0x87
BAD_CREDENTIALS = {V5: 0x86, V311: 4}  # Bad User Name or Password / 3.1.1 return code 4
NO_ANONYMOUS = {V5: NOT_AUTHORIZED, V311: 5}
SUBACK_FAILURE = {V5: NOT_AUTHORIZED, V311: 0x80}
SYS_INTERVAL_S = 1

SYS_TOPICS = ["$SYS/broker/version", "$SYS/broker/uptime", "$SYS/broker/clients/connected", "$SYS/broker/sessions",
              "$SYS/broker/subscriptions/count", "$SYS/broker/retained messages/count",
              "$SYS/broker/messages/received", "$SYS/broker/messages/sent", "$SYS/broker/messages/dropped",
              "$SYS/broker/bytes/received", "$SYS/broker/bytes/sent"]


class Portal:
    """The HTTP API of one server, for logins and users."""

    def __init__(self, server):
        self.base = "http://%s:%d" % (HOST, server.http_port)

    def call(self, method, path, body=None, token=None):
        """(status, parsed JSON body or None)."""
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        return status, (json.loads(text) if text else None)

    def login(self, username, password):
        status, body = self.call("POST", "/api/v1/auth/login", {"username": username, "password": password})
        if status != 200:
            raise AssertionError("login as %s: HTTP %d %r" % (username, status, body))
        return body["access_token"]

    def create_user(self, admin_token, username, password, role="viewer"):
        status, body = self.call("POST", "/api/v1/users", {"username": username, "role": role, "password": password},
                                 admin_token)
        if status != 201:
            raise AssertionError("creating user %s: HTTP %d %r" % (username, status, body))
        return body["id"]


def auth_failures(server):
    return server.mqtt_metrics()["mothership_mqtt_auth_failures_total"]


def instead_of_pingresp(c, timeout=3):
    """Sends PINGREQ; returns what came before the PINGRESP, ending with "closed" when the
    server closed the connection instead."""
    c.send(pingreq())
    got = []
    try:
        while True:
            p = c.recv(timeout)
            if p.type == PINGRESP:
                return got
            got.append(p)
    except ConnectionClosed:
        return got + ["closed"]


class IdentityTestCase(certs.CertificateDirectory, BrokerTestCase):
    """A server with an admin password, a TLS listener whose client CA issues device dev-i,
    and $SYS every second; portal tokens per server (a restarted server has new keys)."""

    server_env = {"MOTHERSHIP_ADMIN_PASSWORD": ADMIN_PASSWORD, "MOTHERSHIP_MQTT_SYS_INTERVAL_S": str(SYS_INTERVAL_S)}

    pki_prefix = "mothership-identity-"

    @classmethod
    def make_certificates(cls):
        # The test CA is imported as the platform's issuing CA, so the device certificates it
        # signs are ours, and it signs the server's TLS certificate too.
        cls.ca = certs.CertificateAuthority(cls.pki_dir, "test-ca")
        cls.device = cls.ca.issue_device("dev-i", "dev-i")
        cls.server_args = ("--mqtt-tls-listen", HOST + ":0", "--pki-ca-cert", cls.ca.cert, "--pki-ca-key", cls.ca.key)

    def setUp(self):
        super().setUp()
        cls = type(self)
        if getattr(cls, "_tokens_of", None) is not self.server:
            portal = Portal(self.server)
            cls.admin_token = portal.login("admin", ADMIN_PASSWORD)
            portal.create_user(cls.admin_token, "watcher", "w4tch-the-fleet-9")
            cls.watcher_token = portal.login("watcher", "w4tch-the-fleet-9")
            cls._tokens_of = self.server
        self.portal = Portal(self.server)

    def user(self, username="watcher", token=None, version=V5, **kw):
        """A connected paho client of a portal user."""
        c = self.paho(version=version, username=username,
                      password=token or (self.watcher_token if username == "watcher" else self.admin_token), **kw)
        c.connect()
        return c

    def device_raw(self):
        """dev-i over TLS with its certificate, as a RawClient (MQTT 5)."""
        ctx = ssl.create_default_context(cafile=self.ca.cert)
        ctx.load_cert_chain(*self.device)
        sock = ctx.wrap_socket(socket.create_connection((HOST, self.server.ports["mqtts"]), timeout=5),
                               server_hostname=HOST)
        c = RawClient(None, sock=sock)
        self.addCleanup(c.close)
        return c

    def device_client(self):
        """dev-i over TLS with its certificate."""
        cert, key = self.device
        ca = self.ca.cert
        c = PahoClient(self.server.ports["mqtts"], client_id="dev-i", version=V5,
                       tls=dict(ca_certs=ca, certfile=cert, keyfile=key))
        self.addCleanup(c.stop)
        c.connect()
        return c


class Users(IdentityTestCase):
    """Portal users and their access tokens (anonymous clients allowed too)."""

    def test_user_with_own_token_connects(self):
        for username, token in (("admin", self.admin_token), ("watcher", self.watcher_token)):
            for version in (V5, V311):
                with self.subTest(username=username, version=version):
                    c = self.raw(version=version)
                    ack = c.connect(client_id=unique(username), username=username, password=token.encode())
                    self.assertEqual(ack.reason, 0)
        res = mosquitto("mosquitto_pub", self.port, "-V", "mqttv311", "-u", "watcher", "-P", self.watcher_token,
                        "-t", "ops/" + unique(), "-m", "x", "-q", "1", "-d")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("CONNACK (0)", res.stdout + res.stderr)

    def test_wrong_credentials_refused(self):
        tampered = self.admin_token[:-2] + ("AA" if not self.admin_token.endswith("AA") else "BB")
        cases = [("admin", "garbage"), ("admin", "a.b.c"), ("admin", tampered), ("admin", ""),
                 ("admin", self.watcher_token),  # another user's token
                 ("watcher", self.admin_token), ("Admin", self.admin_token), ("nobody", self.admin_token),
                 ("admin", ADMIN_PASSWORD),  # the portal password is not an access token
                 ("admin", None)]  # a user name without a password
        for username, password in cases:
            for version in (V5, V311):
                with self.subTest(username=username, password=(password or "")[:12], version=version):
                    c = self.raw(version=version)
                    ack = c.connect(client_id=unique("bad"), username=username,
                                    password=None if password is None else password.encode())
                    self.assertEqual((ack.reason, ack.session_present), (BAD_CREDENTIALS[version], False))
                    self.assertEqual(c.wait_closed(3), [])
        with self.subTest("a password without a user name (MQTT 5)"):
            c = self.raw(version=V5)
            self.assertEqual(c.connect(client_id=unique("bad"), password=self.admin_token.encode()).reason,
                             BAD_CREDENTIALS[V5])
        with self.subTest("paho and mosquitto_pub"):
            self.assertEqual(self.paho(version=V5, username="admin", password="nope").connect(expect_success=False)[1],
                             BAD_CREDENTIALS[V5])
            res = mosquitto("mosquitto_pub", self.port, "-V", "mqttv311", "-u", "admin", "-P", self.watcher_token,
                            "-t", "a", "-m", "x", "-d")
            self.assertIn("CONNACK (4)", res.stdout + res.stderr)

    def test_disabled_user_refused(self):
        username = unique("leaver")
        user_id = self.portal.create_user(self.admin_token, username, "leaver-password")
        token = self.portal.login(username, "leaver-password")
        self.assertEqual(self.raw().connect(client_id=unique(), username=username, password=token.encode()).reason, 0)
        status, _ = self.portal.call("PATCH", "/api/v1/users/" + user_id, {"disabled": True}, self.admin_token)
        self.assertEqual(status, 200)
        # The token has not expired, but its user may no longer connect.
        ack = self.raw().connect(client_id=unique(), username=username, password=token.encode())
        self.assertEqual(ack.reason, BAD_CREDENTIALS[V5])

    def test_disabled_user_loses_live_connections(self):
        # Disabling ends what the user already has open, not only what comes next: an MQTT 5
        # client hears why (0x98 administrative action), a 3.1.1 client is simply closed.
        username = unique("ousted")
        user_id = self.portal.create_user(self.admin_token, username, "ousted-password")
        token = self.portal.login(username, "ousted-password")
        v5 = self.raw(version=V5)
        v311 = self.raw(version=V311)
        self.assertEqual(v5.connect(client_id=unique(), username=username, password=token.encode()).reason, 0)
        self.assertEqual(v311.connect(client_id=unique(), username=username, password=token.encode()).reason, 0)
        bystander = self.raw(version=V5)
        self.assertEqual(bystander.connect(client_id=unique(), username="admin",
                                           password=self.admin_token.encode()).reason, 0)
        status, _ = self.portal.call("PATCH", "/api/v1/users/" + user_id, {"disabled": True}, self.admin_token)
        self.assertEqual(status, 200)
        got = v5.wait_closed(5)
        self.assertEqual([(p.type, p.reason) for p in got if p.type == DISCONNECT], [(DISCONNECT, 0x98)])
        v311.wait_closed(5)
        self.assertEqual(bystander.ping(), [])  # other users stay connected (ping raises if closed)

    def test_auth_failures_counted(self):
        before = auth_failures(self.server)
        self.raw(version=V5).connect(client_id=unique(), username="admin", password=b"wrong")
        self.raw(version=V311).connect(client_id=unique(), username="watcher", password=self.admin_token.encode())
        self.raw(version=V5).connect(client_id=unique(), password=b"no user name")
        # Successful connections are not failures.
        self.raw(version=V5).connect(client_id=unique(), username="admin", password=self.admin_token.encode())
        self.raw(version=V5).connect(client_id=unique())  # anonymous, allowed here
        self.assertEqual(auth_failures(self.server) - before, 3)

    # --- what users may touch ----------------------------------------------------------------

    def test_user_receives_device_telemetry_and_state_only(self):
        watchers = [self.user(version=V5), self.user(username="admin", version=V311)]
        for w in watchers:
            self.assertEqual(w.subscribe([("devices/+/telemetry", 1), ("devices/+/state", 1), ("devices/#", 1)]),
                             [1, 1, 1])
        dev = self.device_client()
        seen = ["devices/dev-i/telemetry", "devices/dev-i/state", "devices/dev-i/telemetry/temp"]
        hidden = ["devices/dev-i/jobs/x", "devices/dev-i/config", "devices/dev-i/commands/reboot",
                  "devices/dev-i/telemetryx", "devices/dev-i/x/telemetry"]
        for topic in hidden + seen:
            dev.publish(topic, topic.encode(), 1)
        dev.publish("devices/dev-i/telemetry", b"last", 1)
        for w in watchers:
            w.wait_messages(1, topic="devices/dev-i/telemetry", timeout=10)
            wait_until(lambda: any(m.payload == b"last" for m in w.messages), 10, "the last telemetry")
            w.sync()
            self.assertEqual({m.topic for m in w.messages}, set(seen))

    def test_retained_device_messages_obey_the_same_rule(self):
        dev = self.device_client()
        dev.publish("devices/dev-i/state", b"online", 1, retain=True)
        dev.publish("devices/dev-i/jobs/retained", b"secret", 1, retain=True)
        self.addCleanup(lambda: (dev.publish("devices/dev-i/state", b"", 1, retain=True),
                                 dev.publish("devices/dev-i/jobs/retained", b"", 1, retain=True)))
        w = self.user()
        w.subscribe("devices/#", 1)
        w.wait_messages(1, topic="devices/dev-i/state")
        w.sync()
        self.assertEqual([(m.topic, m.payload, m.retain) for m in w.messages],
                         [("devices/dev-i/state", b"online", True)])

    def test_user_may_not_publish_into_device_namespaces(self):
        dev = self.device_client()
        self.assertEqual(dev.subscribe("devices/dev-i/#", 1), [1])
        c = self.raw(version=V5)
        self.assertEqual(c.connect(client_id=unique("u"), username="admin", password=self.admin_token.encode()).reason,
                         0)
        for topic in ("devices/dev-i/commands/reboot", "devices/dev-i/telemetry", "$provision/s1/csr",
                      "$SYS/broker/version"):
            with self.subTest(topic=topic):
                self.assertEqual(c.publish(topic, b"from a user", qos=1).reason, NOT_AUTHORIZED)
        c311 = self.raw(version=V311)
        self.assertEqual(c311.connect(client_id=unique("u"), username="watcher",
                                      password=self.watcher_token.encode()).reason, 0)
        ack = c311.publish("devices/dev-i/commands/reboot", b"from a 3.1.1 user", qos=1)
        self.assertEqual((ack.type, len(ack.body)), (PUBACK, 2))
        dev.sync()
        self.assertEqual([m.topic for m in dev.messages], [])
        # Outside the device namespaces a user publishes like anyone.
        topic = "ops/" + unique()
        listener = self.user(version=V311)
        listener.subscribe(topic, 1)
        self.assertLess(c.publish(topic, b"hello", qos=1).reason, 0x80)
        self.assertEqual(listener.wait_messages(1, topic=topic)[0].payload, b"hello")

    def test_user_may_not_subscribe_to_provisioning(self):
        for version in (V5, V311):
            with self.subTest(version=version):
                c = self.raw(version=version)
                self.assertEqual(c.connect(client_id=unique("u"), username="watcher",
                                           password=self.watcher_token.encode()).reason, 0)
                ack = c.subscribe(("$provision/#", 1), ("$provision/serial-1/cert", 1), ("$share/g/$provision/#", 1),
                                  ("devices/+/telemetry", 1), ("#", 1))
                self.assertEqual(ack.reasons, [SUBACK_FAILURE[version]] * 3 + [1, 1])

    def test_device_will_delivered_inside_its_namespace_only(self):
        watcher = self.user(version=V5)
        self.assertEqual(watcher.subscribe("devices/+/state", 1), [1])
        for will_topic, delivered in (("devices/dev-i/state", True), ("devices/dev-other/state", False)):
            with self.subTest(will_topic=will_topic):
                dev = self.device_raw()
                payload = b"offline " + will_topic.encode()
                self.assertEqual(dev.connect(client_id="dev-i", will={"topic": will_topic, "payload": payload,
                                                                      "qos": 1}).reason, 0)
                dev.abort()  # no DISCONNECT: the will is due
                if delivered:
                    self.assertEqual(watcher.wait_messages(1, topic=will_topic)[0].payload, payload)
                else:
                    wait_until(lambda: self.server.mqtt_metrics()["mothership_mqtt_connections"] <= 1, 5,
                               "the server to see the device go")
                    watcher.sync()
                    self.assertEqual(watcher.messages_on(will_topic), [])

    # --- a device's client id in other hands -------------------------------------------------

    def _intruders(self):
        """CONNECT arguments of connections that are not dev-i but use its client id."""
        return [("anonymous", {}),
                ("user", {"username": "watcher", "password": self.watcher_token.encode()})]

    def test_device_session_not_resumed_by_another_identity(self):
        # The device's session holds a message under devices/dev-i/ that it has not
        # acknowledged. Another identity asking for a session named "dev-i" must not get it:
        # the resent PUBLISH would hand it a device topic it may never read.
        persistent = {"session_expiry_interval": 300}
        for name, credentials in self._intruders():
            with self.subTest(intruder=name):
                dev = self.device_raw()
                self.assertEqual(dev.connect(client_id="dev-i", clean=False, props=persistent).reason, 0)
                self.assertEqual(dev.subscribe(("devices/dev-i/#", 1)).reasons, [1])
                dev.publish("devices/dev-i/commands/" + name, b"for dev-i only", qos=1)
                self.assertEqual([p.topic for p in dev.pending_before_ack + dev.ping() if p.type == PUBLISH],
                                 ["devices/dev-i/commands/" + name])  # delivered, not acknowledged
                dev.abort()
                wait_until(lambda: self.server.mqtt_metrics()["mothership_mqtt_connections"] == 0, 5,
                           "the server to see the device go")
                try:
                    intruder = self.raw(version=V5)
                    ack = intruder.connect(client_id="dev-i", clean=False, props=persistent, **credentials)
                    got = intruder.ping() if ack.reason == 0 else intruder.wait_closed(3)
                    self.assertEqual([p.topic for p in got if p.type == PUBLISH], [],
                                     "CONNACK %r; session present: %s" % (ack, ack.session_present))
                finally:
                    intruder.close()
                    self._end_device_session()

    def _end_device_session(self):
        """dev-i connects with clean start and no expiry, and leaves: no session remains."""
        dev = self.device_raw()
        self.assertEqual(dev.connect(client_id="dev-i", clean=True).reason, 0)
        dev.send(disconnect_packet(V5))
        dev.wait_closed(3)

    def test_device_not_disconnected_by_another_identity(self):
        # A connection that is not dev-i must not take dev-i's session over (and with it, the
        # device off the network) just by sending its client id.
        for name, credentials in self._intruders():
            with self.subTest(intruder=name):
                dev = self.device_raw()
                self.assertEqual(dev.connect(client_id="dev-i").reason, 0)
                try:
                    intruder = self.raw(version=V5)
                    intruder.connect(client_id="dev-i", **credentials)
                    self.assertEqual(instead_of_pingresp(dev), [])
                finally:
                    intruder.close()
                    self._end_device_session()

    # --- $SYS ---------------------------------------------------------------------------------

    def _sys_values(self, client):
        """The latest value of every $SYS topic, once all have arrived (the first of each is the
        retained one, up to an interval old)."""
        wait_until(lambda: all(client.messages_on(t) for t in SYS_TOPICS), 3 * SYS_INTERVAL_S + 5, "every $SYS topic")
        return {t: client.messages_on(t)[-1].payload.decode() for t in SYS_TOPICS}

    def test_sys_topics_readable_by_users_and_anonymous(self):
        for name, client in (("anonymous", self.paho(version=V5)), ("user", None)):
            with self.subTest(name):
                if client is None:
                    client = self.user(version=V311)
                else:
                    client.connect()
                self.assertEqual(client.subscribe("$SYS/#", 0), [0])
                values = self._sys_values(client)
                # Retained: the first value of each topic came at once, with the retain flag.
                self.assertTrue(all(client.messages_on(t)[0].retain for t in SYS_TOPICS))
                self.assertRegex(values["$SYS/broker/version"], r"^mothership \d+\.\d+")
                self.assertRegex(values["$SYS/broker/uptime"], r"^\d+ seconds$")
                for topic in SYS_TOPICS[2:]:
                    self.assertRegex(values[topic], r"^\d+$", topic)
                self.assertGreaterEqual(int(values["$SYS/broker/clients/connected"]), 1)
                self.assertGreaterEqual(int(values["$SYS/broker/sessions"]), 1)
                self.assertGreaterEqual(int(values["$SYS/broker/subscriptions/count"]), 1)
        res = mosquitto("mosquitto_sub", self.port, "-V", "mqttv5", "-u", "watcher", "-P", self.watcher_token, "-t",
                        "$SYS/broker/version", "-C", "1", "-W", "10")
        self.assertRegex(res.stdout, r"^mothership ", res.stderr)

    def test_sys_values_follow_the_broker(self):
        watcher = self.user()
        watcher.subscribe("$SYS/broker/#", 0)
        base = {t: int(v.split()[0]) for t, v in self._sys_values(watcher).items() if t != "$SYS/broker/version"}
        number = lambda t: int(watcher.messages_on(t)[-1].payload.split()[0])
        rounds = lambda: len(watcher.messages_on("$SYS/broker/clients/connected"))
        timeout = 3 * SYS_INTERVAL_S + 5
        # Traffic: counters only grow, so the (possibly stale) retained values are a floor.
        topic = "ops/" + unique()
        watcher.subscribe(topic, 1)
        for i in range(5):
            watcher.publish(topic, b"%d" % i, 1)
        watcher.wait_messages(5, topic=topic)
        for name, more in (("messages/received", 5), ("messages/sent", 5), ("bytes/received", 5), ("uptime", 1)):
            t = "$SYS/broker/" + name
            wait_until(lambda: number(t) >= base[t] + more, timeout, "%s to grow by %d" % (name, more))
        # Connections: three more clients, a live round, then they leave. Clients of earlier
        # tests may still be counted at first, which can only make the drop larger.
        extra = [self.raw() for _ in range(3)]
        for c in extra:
            self.assertEqual(c.connect(client_id=unique("extra")).reason, 0)
        seen = rounds()
        wait_until(lambda: rounds() >= seen + 2, timeout, "a $SYS round with the extra clients")
        with_extra = number("$SYS/broker/clients/connected")
        self.assertGreaterEqual(with_extra, 4)  # the watcher and the three
        for c in extra:
            c.close()
        wait_until(lambda: number("$SYS/broker/clients/connected") <= with_extra - 3, timeout,
                   "clients/connected to drop by 3 (from %d)" % with_extra)

    def test_sys_publish_by_clients_not_delivered(self):
        reader = self.paho(version=V5)
        reader.connect()
        reader.subscribe("$SYS/#", 0)
        self._sys_values(reader)
        anon = self.raw(version=V5)
        anon.connect(client_id=unique("anon"))
        user = self.raw(version=V5)
        user.connect(client_id=unique("user"), username="admin", password=self.admin_token.encode())
        old = self.raw(version=V311)
        old.connect(client_id=unique("old"))
        for c in (anon, user):
            for topic in ("$SYS/broker/version", "$SYS/forged/topic"):
                with self.subTest(topic=topic):
                    self.assertEqual(c.publish(topic, b"forged", qos=1, retain=True).reason, NOT_AUTHORIZED)
        self.assertEqual(len(old.publish("$SYS/broker/version", b"forged", qos=1, retain=True).body), 2)
        self.device_client().publish("$SYS/broker/version", b"forged", 1)  # paho 1.6 hides the PUBACK reason
        # Let two more $SYS rounds pass: any forged value would have been routed by then.
        rounds = len(reader.messages_on("$SYS/broker/version"))
        wait_until(lambda: len(reader.messages_on("$SYS/broker/version")) >= rounds + 2, 3 * SYS_INTERVAL_S + 5,
                   "two more $SYS rounds")
        reader.sync()
        self.assertEqual([m.topic for m in reader.messages if m.payload == b"forged"], [])
        late = self.paho(version=V311)
        late.connect()
        late.subscribe("$SYS/#", 0)
        self.assertRegex(self._sys_values(late)["$SYS/broker/version"], r"^mothership ")
        late.sync()
        self.assertEqual([m.topic for m in late.messages if not m.topic.startswith("$SYS/broker/")], [])


class SysOff(BrokerTestCase):
    """MOTHERSHIP_MQTT_SYS_INTERVAL_S=0 turns $SYS off."""

    server_env = {"MOTHERSHIP_MQTT_SYS_INTERVAL_S": "0"}

    def test_no_sys_topics(self):
        c = self.paho(version=V5)
        c.connect()
        self.assertEqual(c.subscribe("$SYS/#", 0), [0])
        time.sleep(1.5)  # longer than the clock's 1 s tick: a $SYS round would have come
        c.sync()
        self.assertEqual([m.topic for m in c.messages], [])


class NoAnonymous(IdentityTestCase):
    """Without --mqtt-allow-anonymous: credentials or a certificate, or nothing."""

    allow_anonymous = False

    def test_no_credentials_refused(self):
        before = auth_failures(self.server)
        for version in (V5, V311):
            with self.subTest(version=version):
                c = self.raw(version=version)
                ack = c.connect(client_id=unique("anon"))
                self.assertEqual((ack.reason, ack.session_present), (NO_ANONYMOUS[version], False))
                self.assertEqual(c.wait_closed(3), [])
        res = mosquitto("mosquitto_sub", self.port, "-V", "mqttv5", "-t", "$SYS/#", "-C", "1", "-W", "5")
        self.assertNotEqual(res.returncode, 0)
        self.assertEqual(res.stdout, "")
        self.assertEqual(auth_failures(self.server) - before, 3)

    def test_users_still_connect_and_read_sys(self):
        c = self.user(version=V311)
        self.assertEqual(c.subscribe("$SYS/broker/uptime", 0), [0])
        self.assertRegex(c.wait_messages(1)[0].payload.decode(), r"^\d+ seconds$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
