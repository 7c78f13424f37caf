"""MQTT over TLS: client certificates from the configured CA name devices, and a device may
touch only devices/<its id>/...; certificates that do not verify fail the handshake; the
server's certificate is self-issued (or the configured one); TLS below 1.2 is refused."""

import hashlib
import os
import socket
import ssl
import time
import unittest

import certs
from broker_fixture import (HOST, PUBACK, PUBLISH, V311, V5, BrokerTestCase, ConnectionClosed, PahoClient, RawClient,
                            mosquitto, publish_packet, unique, wait_until)

NOT_AUTHORIZED = 0x87
CLIENT_ID_NOT_VALID = 0x85
V311_REFUSED = {NOT_AUTHORIZED: 5, CLIENT_ID_NOT_VALID: 2}  # 3.1.1 CONNACK return codes
SUBACK_FAILURE_V311 = 0x80

TLS_LISTENER = ("--mqtt-tls-listen", HOST + ":0")
CONNECT_TIMEOUT_S = 2
LONGEST_ID = "dev-" + "x" * 124  # device ids have at most 128 characters


def client_context(server_ca, cert=None, key=None, version=None):
    """A TLS client context that verifies the server against `server_ca` (host name included);
    version pins one TLS version."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(server_ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    if version is not None:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


def handshake_failures(server):
    return server.mqtt_metrics()["mothership_mqtt_handshake_failures_total"]


def expect_handshake_failures(test, before, count):
    """The server counts a refused handshake when its side of it ends, which can be a moment
    after the client has given up: wait for the count, then check it is exact."""
    try:
        wait_until(lambda: handshake_failures(test.server) - before >= count, 5, "%d handshake failures" % count)
    except AssertionError:
        pass
    test.assertEqual(handshake_failures(test.server) - before, count)


def auth_failures(server):
    return server.mqtt_metrics()["mothership_mqtt_auth_failures_total"]


class TlsTestCase(certs.CertificateDirectory, BrokerTestCase):
    """A server with a TLS listener; certificates made per class in a temporary directory."""

    pki_prefix = "mothership-tls-"

    def server_ca(self):
        """The certificate clients verify the server against."""
        raise NotImplementedError

    def tls_socket(self, ctx, server_hostname=HOST):
        """A TLS connection to the mqtts listener, its handshake done."""
        sock = socket.create_connection((HOST, self.server.ports["mqtts"]), timeout=5)
        try:
            return ctx.wrap_socket(sock, server_hostname=server_hostname)
        except BaseException:
            sock.close()
            raise

    def tls_raw(self, cert=None, key=None, version=V5):
        c = RawClient(None, version=version, sock=self.tls_socket(client_context(self.server_ca(), cert, key)))
        self.addCleanup(c.close)
        return c

    def tls_paho(self, cert=None, key=None, **kw):
        c = PahoClient(self.server.ports["mqtts"], tls=dict(ca_certs=self.server_ca(), certfile=cert, keyfile=key),
                       **kw)
        self.addCleanup(c.stop)
        return c

    def mosquitto_tls(self, tool, cert, key, *args):
        tls_args = ["--cafile", self.server_ca()] + (["--cert", cert, "--key", key] if cert else [])
        return mosquitto(tool, self.server.ports["mqtts"], *(tls_args + list(args)))

    def assert_refused_in_handshake(self, ctx):
        """The server ends the connection during the TLS handshake: no CONNACK ever comes.

        With TLS 1.3 the client's side of the handshake completes before the server has
        checked the client's certificate, so the refusal (an alert, or the socket closed) may
        only show at the first read; a CONNECT is sent to make sure it does not get an answer.
        Returns the client's error message."""
        try:
            sock = self.tls_socket(ctx)
        except (ssl.SSLError, ConnectionError) as e:
            return str(e)
        c = RawClient(None, sock=sock)
        self.addCleanup(c.close)
        try:
            ack = c.connect(version=V5, client_id="whoever")
        except (ssl.SSLError, ConnectionError, ConnectionClosed) as e:
            return str(e)
        self.fail("the handshake succeeded and CONNECT got %r" % ack)


class TlsDevices(TlsTestCase):
    """Client certificates of the test CA name devices; no anonymous access."""

    allow_anonymous = False
    server_env = {"MOTHERSHIP_MQTT_CONNECT_TIMEOUT_S": str(CONNECT_TIMEOUT_S)}

    @classmethod
    def make_certificates(cls):
        # The test CA is imported as the platform's issuing CA: the device certificates it signs
        # are ours, and it signs the server's TLS certificate.
        ca = cls.ca = certs.CertificateAuthority(cls.pki_dir, "test-ca")
        foreign = certs.CertificateAuthority(cls.pki_dir, "foreign-ca")
        cls.dev_a = ca.issue_device("dev-a", "dev-a")
        cls.dev_b = ca.issue_device("dev-b", "dev-b")
        # The SAN URI names the device; the CN (a valid id too) does not.
        cls.by_urn = ca.issue_device("by-urn", "dev-cn-decoy", device_urn_id="dev-urn")
        cls.longest = ca.issue_device("longest", "dev-cn-decoy", device_urn_id=LONGEST_ID)
        cls.too_long = ca.issue_device("too-long", "dev-cn-decoy", device_urn_id=LONGEST_ID + "x")
        cls.bad_cn = ca.issue_device("bad-cn", "not a valid id!")
        cls.expired = ca.issue_device("expired", "dev-old", start="20200101000000Z", end="20210101000000Z")
        cls.future = ca.issue_device("future", "dev-future", start="20400101000000Z")
        cls.foreign_a = foreign.issue_device("dev-a", "dev-a")  # same name, other CA
        cls.server_only = ca.issue("server-only", "dev-s", ["basicConstraints=critical,CA:FALSE",
                                                             "extendedKeyUsage=serverAuth"])
        cls.server_args = TLS_LISTENER + ("--pki-ca-cert", ca.cert, "--pki-ca-key", ca.key)

    def server_ca(self):
        return self.ca.cert

    # --- devices in their own namespace --------------------------------------------------------

    def test_device_round_trip_paho(self):
        for version in (V311, V5):
            with self.subTest(version=version):
                c = self.tls_paho(*self.dev_a, client_id="dev-a", version=version)
                c.connect()
                self.assertEqual(c.subscribe("devices/dev-a/#", 1), [1])
                topic = "devices/dev-a/telemetry/" + unique()
                c.publish(topic, b"21.5", 1)
                [m] = c.wait_messages(1, topic=topic)
                self.assertEqual((m.payload, m.qos), (b"21.5", 1))
                c.disconnect()

    def test_device_round_trip_mosquitto(self):
        # Through a retained message: pub and sub are the same device, so they cannot be
        # connected at once (the second would take the first's session over).
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                topic, payload = "devices/dev-b/state/" + unique(), "online " + version
                pub = self.mosquitto_tls("mosquitto_pub", *self.dev_b, "-V", version, "-i", "dev-b", "-t", topic,
                                         "-m", payload, "-q", "1", "-r")
                self.assertEqual(pub.returncode, 0, pub.stdout + pub.stderr)
                sub = self.mosquitto_tls("mosquitto_sub", *self.dev_b, "-V", version, "-i", "dev-b", "-t", topic,
                                         "-C", "1", "-W", "10", "-v")
                self.assertEqual((sub.returncode, sub.stdout.strip()), (0, topic + " " + payload), sub.stderr)
                self.mosquitto_tls("mosquitto_pub", *self.dev_b, "-V", version, "-i", "dev-b", "-t", topic, "-n",
                                   "-r")

    def test_san_uri_names_the_device(self):
        c = self.tls_raw(*self.by_urn)
        self.assertEqual(c.connect(client_id="dev-urn").reason, 0)
        self.assertLess(c.publish("devices/dev-urn/telemetry", b'{"x": 1}', qos=1).reason, 0x80)
        # The CN is not the identity when a device URN is present.
        c = self.tls_raw(*self.by_urn)
        self.assertEqual(c.connect(client_id="dev-cn-decoy").reason, CLIENT_ID_NOT_VALID)

    def test_longest_device_id(self):
        c = self.tls_raw(*self.longest)
        self.assertEqual(c.connect(client_id=LONGEST_ID).reason, 0)
        self.assertEqual(c.subscribe(("devices/%s/#" % LONGEST_ID, 1)).reasons, [1])

    # --- identities the server refuses ------------------------------------------------------------

    def test_client_id_other_than_device_id_refused(self):
        # v5 0x85 Client Identifier not valid, 3.1.1 return code 2; then the connection ends.
        before = auth_failures(self.server)
        for version in (V5, V311):
            for client_id in ("dev-b", "DEV-A", "dev-a2", ""):
                with self.subTest(version=version, client_id=client_id):
                    c = self.tls_raw(*self.dev_a, version=version)
                    ack = c.connect(client_id=client_id)
                    expected = CLIENT_ID_NOT_VALID if version == V5 else V311_REFUSED[CLIENT_ID_NOT_VALID]
                    self.assertEqual((ack.reason, ack.session_present), (expected, False))
                    self.assertEqual(c.wait_closed(3), [])
        res = self.mosquitto_tls("mosquitto_pub", *self.dev_a, "-V", "mqttv5", "-i", "dev-b", "-t",
                                 "devices/dev-b/x", "-m", "x", "-d")
        self.assertIn("CONNACK (133)", res.stdout + res.stderr)
        self.assertEqual(auth_failures(self.server) - before, 9)  # 8 raw clients and mosquitto_pub

    def test_certificate_without_valid_device_id_refused(self):
        # Verified, but naming no valid id: a CN with spaces, a URN id of 129 characters.
        for pair, client_id in ((self.bad_cn, "not a valid id!"), (self.too_long, LONGEST_ID + "x")):
            for version in (V5, V311):
                with self.subTest(cert=os.path.basename(pair[0]), version=version):
                    c = self.tls_raw(*pair, version=version)
                    ack = c.connect(client_id=client_id)
                    self.assertEqual(ack.reason, NOT_AUTHORIZED if version == V5 else V311_REFUSED[NOT_AUTHORIZED])

    def test_no_certificate_and_no_anonymous_refused(self):
        for version in (V5, V311):
            with self.subTest(version=version):
                c = self.tls_raw(version=version)
                ack = c.connect(client_id="dev-a")
                self.assertEqual(ack.reason, NOT_AUTHORIZED if version == V5 else V311_REFUSED[NOT_AUTHORIZED])
                self.assertEqual(c.wait_closed(3), [])
        c = self.tls_paho(version=V5)
        self.assertEqual(c.connect(expect_success=False)[1], NOT_AUTHORIZED)
        res = self.mosquitto_tls("mosquitto_pub", None, None, "-V", "mqttv311", "-t", "a", "-m", "x", "-d")
        self.assertIn("CONNACK (5)", res.stdout + res.stderr)

    def test_foreign_ca_fails_handshake(self):
        before = handshake_failures(self.server)
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                self.assert_refused_in_handshake(client_context(self.server_ca(), *self.foreign_a, version=version))
        res = self.mosquitto_tls("mosquitto_pub", *self.foreign_a, "-V", "mqttv5", "-i", "dev-a", "-t",
                                 "devices/dev-a/x", "-m", "x", "-d")
        self.assertNotEqual(res.returncode, 0)
        self.assertNotIn("received CONNACK", res.stdout + res.stderr)
        self.assertIn("unknown ca", res.stdout + res.stderr)
        # Counted once per refused handshake (the two above and mosquitto_pub's).
        expect_handshake_failures(self, before, 3)

    def test_certificate_outside_validity_fails_handshake(self):
        before = handshake_failures(self.server)
        for name, pair in (("expired", self.expired), ("not yet valid", self.future)):
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                with self.subTest(name, version=version):
                    self.assert_refused_in_handshake(client_context(self.server_ca(), *pair, version=version))
        res = self.mosquitto_tls("mosquitto_pub", *self.expired, "-V", "mqttv311", "-i", "dev-old", "-t",
                                 "devices/dev-old/x", "-m", "x", "-d")
        self.assertNotIn("received CONNACK", res.stdout + res.stderr)
        self.assertIn("certificate expired", res.stdout + res.stderr)
        expect_handshake_failures(self, before, 5)

    def test_certificate_for_servers_only_fails_handshake(self):
        # Signed by the client CA, but its extended key usage allows TLS servers only.
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                self.assert_refused_in_handshake(client_context(self.server_ca(), *self.server_only, version=version))

    def test_silent_connections_closed_after_connect_timeout(self):
        # Neither a socket that never starts TLS nor a TLS session that never sends CONNECT
        # may hold the server longer than the connect timeout.
        idle = socket.create_connection((HOST, self.server.ports["mqtts"]))
        self.addCleanup(idle.close)
        tls = self.tls_socket(client_context(self.server_ca(), *self.dev_a))
        self.addCleanup(tls.close)
        start = time.monotonic()
        for name, sock in (("no ClientHello", idle), ("no CONNECT", tls)):
            with self.subTest(name):
                sock.settimeout(CONNECT_TIMEOUT_S + 5)
                try:
                    self.assertEqual(sock.recv(100), b"")
                except (ssl.SSLError, ConnectionResetError):
                    pass  # also closed
                self.assertLess(time.monotonic() - start, CONNECT_TIMEOUT_S + 3)

    # --- a device outside its namespace -------------------------------------------------------

    def _observer(self):
        """dev-b, subscribed to all of its own namespace."""
        b = self.tls_paho(*self.dev_b, client_id="dev-b", version=V5)
        b.connect()
        self.assertEqual(b.subscribe("devices/dev-b/#", 2), [2])
        return b

    def test_publish_outside_own_namespace_refused(self):
        observer = self._observer()
        refused = ["devices/dev-b/telemetry", "devices/dev-b/jobs/x", "devices/dev-a", "devices", "status/dev-a",
                   "$SYS/broker/version", "$provision/dev-a/csr"]
        c = self.tls_raw(*self.dev_a, version=V5)
        self.assertEqual(c.connect(client_id="dev-a").reason, 0)
        for topic in refused:
            with self.subTest(topic=topic):
                self.assertEqual(c.publish(topic, b"q1", qos=1).reason, NOT_AUTHORIZED)
                self.assertEqual(c.publish(topic, b"q2", qos=2).reason, NOT_AUTHORIZED)
                self.assertEqual(c.publish(topic, b"retained", qos=1, retain=True).reason, NOT_AUTHORIZED)
                c.send(publish_packet(V5, topic, b"q0"))
                self.assertEqual(c.ping(), [])  # QoS 0: dropped, the connection stays
        c.close()
        # 3.1.1 acknowledgements carry no reason code: a plain PUBACK, and nothing delivered.
        c = self.tls_raw(*self.dev_a, version=V311)
        self.assertEqual(c.connect(client_id="dev-a").reason, 0)
        ack = c.publish("devices/dev-b/telemetry", b"v311", qos=1)
        self.assertEqual((ack.type, len(ack.body)), (PUBACK, 2))
        observer.sync()
        self.assertEqual([m.topic for m in observer.messages], [])
        # Nothing was retained for later subscribers either.
        observer.disconnect()
        late = self._observer()
        late.sync()
        self.assertEqual([m.topic for m in late.messages], [])

    def test_subscribe_outside_own_namespace_refused(self):
        refused = ["devices/dev-b/#", "devices/+/state", "devices/#", "#", "+/dev-a/#", "devices/dev-a",
                   "$SYS/#", "$provision/dev-a/#", "$share/g/devices/dev-b/#"]
        granted = ["devices/dev-a/#", "devices/dev-a/+/x", "devices/dev-a/telemetry"]
        for version, failure in ((V5, NOT_AUTHORIZED), (V311, SUBACK_FAILURE_V311)):
            with self.subTest(version=version):
                c = self.tls_raw(*self.dev_a, version=version)
                self.assertEqual(c.connect(client_id="dev-a").reason, 0)
                ack = c.subscribe(*[(f, 1) for f in refused + granted])
                self.assertEqual(ack.reasons, [failure] * len(refused) + [1] * len(granted))
                c.close()

    def test_refused_subscription_receives_nothing(self):
        # dev-a asks for "#" and devices/dev-b/# (both refused); dev-b publishes in its own
        # namespace, which dev-a must not see.
        a = self.tls_paho(*self.dev_a, client_id="dev-a", version=V5)
        a.connect()
        self.assertEqual(a.subscribe([("#", 1), ("devices/dev-b/#", 1), ("devices/dev-a/#", 1)]),
                         [NOT_AUTHORIZED, NOT_AUTHORIZED, 1])
        b = self._observer()
        b.publish("devices/dev-b/telemetry", b"b's", 1)
        b.wait_messages(1, topic="devices/dev-b/telemetry")
        a.sync()
        self.assertEqual([m.topic for m in a.messages], [])

    # --- the server's side ------------------------------------------------------------------

    def test_server_certificate_issued_by_the_platform_ca(self):
        chain = os.path.join(self.server.data_dir, "pki", "tls-server.crt")
        key = os.path.join(self.server.data_dir, "keys", "tls-server.key")
        self.assertEqual(os.stat(key).st_mode & 0o077, 0, "the private key is readable by others")
        text = certs.openssl("x509", "-in", chain, "-noout", "-text")
        self.assertIn("prime256v1", text)  # EC P-256
        self.assertIn("TLS Web Server Authentication", text)
        # The key file holds the certificate's key.
        self.assertEqual(certs.openssl("pkey", "-in", key, "-pubout"),
                         certs.openssl("x509", "-in", chain, "-noout", "-pubkey"))
        # The served certificate is that file, signed by the CA, and verifies for both names.
        for name in ("127.0.0.1", "localhost"):
            with self.subTest(name=name):
                with self.tls_socket(client_context(self.ca.cert), server_hostname=name) as s:
                    self.assertEqual(hashlib.sha256(s.getpeercert(True)).hexdigest(),
                                     certs.sha256_fingerprint(chain))
        # The host name check is real: another name fails verification.
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.tls_socket(client_context(self.ca.cert), server_hostname="mothership.example.com").close()

    def test_tls_1_2_and_1_3_accepted_1_1_refused(self):
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version):
                c = RawClient(None, sock=self.tls_socket(client_context(self.server_ca(), *self.dev_a,
                                                                         version=version)))
                self.addCleanup(c.close)
                self.assertEqual(c.sock.version(), version.name.replace("v1_", "v1."))
                self.assertEqual(c.connect(client_id="dev-a").reason, 0)
                c.close()
        ctx = client_context(self.server_ca())
        try:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # Debian's OpenSSL allows TLS 1.1 only at level 0
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        except (ValueError, ssl.SSLError) as e:
            self.skipTest("this Python/OpenSSL cannot build a TLS 1.1 client: %s" % e)
        before = handshake_failures(self.server)
        with self.assertRaises(ssl.SSLError) as refused:
            self.tls_socket(ctx).close()
        if refused.exception.reason in ("NO_PROTOCOLS_AVAILABLE", "UNSUPPORTED_PROTOCOL"):
            self.skipTest("this OpenSSL will not offer TLS 1.1: %s" % refused.exception)
        # An alert from the server, not a local failure.
        self.assertEqual(refused.exception.reason, "TLSV1_ALERT_PROTOCOL_VERSION", str(refused.exception))
        expect_handshake_failures(self, before, 1)


class TlsConfiguredCertificateAndAnonymous(TlsTestCase):
    """--mqtt-tls-cert / --mqtt-tls-key from the test CA, no client CA, anonymous allowed."""

    @classmethod
    def make_certificates(cls):
        cls.ca = certs.CertificateAuthority(cls.pki_dir, "server-ca")
        cls.cert, key = cls.ca.issue_server("server")
        cls.server_args = TLS_LISTENER + ("--mqtt-tls-cert", cls.cert, "--mqtt-tls-key", key)

    def server_ca(self):
        return self.ca.cert

    def test_configured_certificate_served(self):
        with self.tls_socket(client_context(self.ca.cert)) as s:
            self.assertEqual(hashlib.sha256(s.getpeercert(True)).hexdigest(), certs.sha256_fingerprint(self.cert))
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "pki", "tls-server.crt")),
                         "a certificate was self-issued although one is configured")

    def test_anonymous_over_tls_outside_devices_only(self):
        for version in (V311, V5):
            with self.subTest(version=version):
                c = self.tls_paho(version=version)
                c.connect()
                failure = NOT_AUTHORIZED if version == V5 else SUBACK_FAILURE_V311
                self.assertEqual(c.subscribe([("devices/#", 1), ("devices/x/telemetry", 1), ("$provision/#", 1)]),
                                 [failure] * 3)
                topic = "lab/" + unique()
                self.assertEqual(c.subscribe(topic, 1), [1])
                c.publish(topic, b"over tls", 1)
                self.assertEqual(c.wait_messages(1, topic=topic)[0].payload, b"over tls")
                c.disconnect()
        raw = self.tls_raw(version=V5)
        self.assertEqual(raw.connect(client_id=unique("anon")).reason, 0)
        self.assertEqual(raw.publish("devices/x/telemetry", b"x", qos=1).reason, NOT_AUTHORIZED)

    def test_idle_connections_resume_traffic(self):
        """Idle TLS connections wait without a read in flight (like plain TCP); each must then
        take a message that spans several TLS records, and send one, as if it had never been
        idle. TLS 1.2 and 1.3 alternate."""
        prefix = "idle/" + unique() + "/"
        payload = os.urandom(40000)  # a TLS record carries at most 16 KB
        versions = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
        clients = []
        for i in range(40):
            ctx = client_context(self.ca.cert, version=versions[i % 2])
            c = RawClient(None, version=V5, sock=self.tls_socket(ctx))
            self.addCleanup(c.close)
            self.assertEqual(c.connect(client_id=unique("idle")).reason, 0)
            self.assertEqual(c.subscribe((prefix + str(i), 1)).reasons, [1])
            clients.append(c)
        time.sleep(0.5)  # every reader parks on its socket
        sender = self.tls_raw(version=V5)
        self.assertEqual(sender.connect(client_id=unique("sender")).reason, 0)
        for i in range(len(clients)):
            self.assertEqual(sender.publish(prefix + str(i), payload, qos=1).reason, 0)
        for i, c in enumerate(clients):
            with self.subTest(client=i, tls=c.sock.version()):
                p = c.expect(PUBLISH)
                self.assertEqual((p.topic, p.payload), (prefix + str(i), payload))
                c.ack(p)
                self.assertEqual(c.publish(prefix + str(i), payload[::-1], qos=1).reason, 0)
                echo = c.pending_before_ack.pop(0) if c.pending_before_ack else c.recv()  # it may beat the PUBACK
                self.assertEqual((echo.type, echo.payload), (PUBLISH, payload[::-1]))

    def test_anonymous_over_tls_mosquitto(self):
        topic = "lab/" + unique()
        pub = self.mosquitto_tls("mosquitto_pub", None, None, "-V", "mqttv5", "-t", topic, "-m", "kept", "-r",
                                 "-q", "1")
        self.assertEqual(pub.returncode, 0, pub.stderr)
        sub = self.mosquitto_tls("mosquitto_sub", None, None, "-V", "mqttv311", "-t", topic, "-C", "1", "-W", "10")
        self.assertEqual((sub.returncode, sub.stdout.strip()), (0, "kept"), sub.stderr)
        res = self.mosquitto_tls("mosquitto_pub", None, None, "-V", "mqttv5", "-t", "devices/x/telemetry", "-m",
                                 "x", "-q", "1", "-d")
        self.assertIn("RC:135", res.stdout + res.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
