"""Security review, checks that held: devices on MQTT (issue 16, requirement 11).

- Cross-device topics: a device with its certificate may not publish to another device's topics
  (PUBACK / PUBREC 0x87 in MQTT 5, and nothing delivered or retained: not to the other device, not
  to a portal user watching devices/+/state, no certificate renewed for the other device), may not
  subscribe to them (SUBACK 0x87; 3.1.1: 0x80) nor receive them, may not use $provision/ topics,
  and may not connect under another device's client id.
- Onboarding: a session with serial + claim code may publish only $provision/<its serial>/hello,
  subscribe only inside $provision/<its serial>/, and must use its serial as client id.
- CSR profile: a hello (or a renewal) whose CSR asks for CA:TRUE, CA key usages, server or code
  signing, or names another device (subject CN, SAN URI, DNS, IP) is refused with a reason, or gets
  a plain end-entity client certificate naming the device's own id only; such a certificate cannot
  act as a CA for a certificate naming another device, neither for openssl nor for the TLS listener.
"""

import json
import os
import ssl
import unittest

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from broker_fixture import PUBLISH, PUBREC, V311, ConnectionClosed, RawClient, publish_packet
from held_fixture import V5, HeldTestCase, PahoClient, openssl, unique, wait_until

NOT_AUTHORIZED = 0x87
CLIENT_ID_NOT_VALID = 0x85
V311_SUBACK_FAILURE = 0x80
URN = "urn:mothership:device:"

GREEDY_CSR = ["basicConstraints=critical,CA:TRUE,pathlen:5",
              "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
              "extendedKeyUsage=serverAuth,clientAuth,codeSigning"]


def make_csr(dev, subject, extensions, key=None):
    """A CSR signed with the device's key (or `key`) asking for what the caller likes."""
    path = os.path.join(dev.dir, unique("csr") + ".csr")
    args = ["req", "-new", "-key", key or dev.key, "-subj", subject, "-out", path]
    for e in extensions:
        args += ["-addext", e]
    openssl(*args)
    with open(path) as f:
        return f.read()


class DeviceTopics(HeldTestCase):

    def pair(self):
        """Two onboarded devices (made once per class)."""
        cls = type(self)
        if not hasattr(cls, "_pair"):
            cls._pair = (self.onboard(), self.onboard())  # tearDown ends their provisioning sessions
        return cls._pair

    def watcher(self, dev):
        c = dev.connect_with_certificate()
        self.addCleanup(c.stop)
        self.assertEqual(c.subscribe("devices/%s/#" % dev.device_id, 1), [1])
        return c

    def portal_watcher(self):
        api, _, name, _ = self.make_user("viewer")
        c = PahoClient(self.port, client_id=unique("portal"), username=name, password=api.token)
        self.addCleanup(c.stop)
        c.connect()
        self.assertEqual(c.subscribe("devices/#", 1), [1])
        return c

    def test_a_device_may_not_publish_to_another_devices_topics(self):
        a, b = self.pair()
        own, portal = self.watcher(a), self.portal_watcher()
        certificates_before = self.api.call("GET", "/api/v1/devices/" + a.device_id)[1]["certificates"]
        marker = unique("from-b").encode()
        renew = json.dumps({"csr": make_csr(b, "/CN=" + a.device_id, [])}).encode()
        rb = self.raw_device(b)
        topics = ["devices/%s/%s" % (a.device_id, t) for t in ("state", "telemetry", "heartbeat", "certificate",
                                                                "certificate/renew", "x/y/z")]
        topics += ["devices/" + a.device_id, "devices", "devices/%s_/state" % b.device_id,
                   "$provision/%s/hello" % a.serial, "$provision/%s/certificate" % a.serial,
                   "$SYS/broker/version", "somewhere/else"]
        for topic in topics:
            payload = renew if topic.endswith("/renew") else marker
            with self.subTest(topic=topic):
                self.assertEqual(rb.publish(topic, payload, qos=1).reason, NOT_AUTHORIZED)
                rec = rb.publish(topic, payload, qos=2)
                self.assertEqual((rec.type, rec.reason), (PUBREC, NOT_AUTHORIZED))
                self.assertEqual(rb.publish(topic, payload, qos=1, retain=True).reason, NOT_AUTHORIZED)
                rb.send(publish_packet(V5, topic, payload, qos=0))
                self.assertEqual(rb.ping(), [])  # dropped, and the connection stays
        # Its own topics work, so the refusals above are about the topic.
        reading = json.dumps({"marker": marker.decode()}).encode()
        self.assertLess(rb.publish("devices/%s/telemetry" % b.device_id, reading, qos=1).reason, 0x80)
        portal.wait_messages(1, topic="devices/%s/telemetry" % b.device_id)
        rb.close()
        # MQTT 3.1.1 has no reason codes: the message is dropped all the same.
        rb3 = self.raw_device(b, version=V311)
        for topic in topics[:3]:
            rb3.publish(topic, marker, qos=1)
            rb3.publish(topic, marker, qos=1, retain=True)
        rb3.ping()
        own.sync()
        portal.sync()
        self.assertEqual([m.topic for m in own.messages], [])
        self.assertEqual([m.topic for m in portal.messages if a.device_id in m.topic], [])
        # Nothing retained, no state recorded, no certificate renewed for a.
        late = self.portal_watcher()
        late.sync()
        self.assertEqual([m.topic for m in late.messages if a.device_id in m.topic], [])
        status, detail = self.api.call("GET", "/api/v1/devices/" + a.device_id)
        self.assertNotIn(marker.decode(), json.dumps(detail))
        self.assertEqual(detail["certificates"], certificates_before)

    def test_a_device_may_not_subscribe_to_another_devices_topics(self):
        a, b = self.pair()
        rb = self.raw_device(b)
        filters = ["devices/%s/#" % a.device_id, "devices/%s/state" % a.device_id, "devices/%s/+" % a.device_id,
                   "devices/%s/certificate" % a.device_id, "devices/+/state", "devices/+/#", "devices/#",
                   "devices/+", "#", "+/%s/state" % a.device_id, "+/+/state", "+/#", "devices/" + a.device_id,
                   "$provision/#", "$provision/%s/#" % a.serial, "$provision/%s/#" % b.serial, "$SYS/#",
                   "$share/g/devices/%s/#" % a.device_id, "$share/g/devices/+/state", "$share/g/#"]
        self.assertEqual(rb.subscribe(*filters).reasons, [NOT_AUTHORIZED] * len(filters))
        self.assertEqual(rb.subscribe("devices/%s/#" % b.device_id).reasons, [1])
        # a's messages reach a's own subscription, not b.
        own = self.watcher(a)
        for t in ("state", "telemetry", "certificate"):
            own.publish("devices/%s/%s" % (a.device_id, t), b"{}", 1)
        own.wait_messages(3)
        self.assertEqual([p for p in rb.ping() if p.type == PUBLISH], [])
        rb.close()
        rb3 = self.raw_device(b, version=V311)
        self.assertEqual(rb3.subscribe(*filters[:6]).reasons, [V311_SUBACK_FAILURE] * 6)

    def test_a_device_may_not_connect_as_another_device(self):
        a, b = self.pair()
        for client_id in (a.device_id, a.serial, b.serial, "", a.device_id.upper(), b.device_id + "/x"):
            with self.subTest(client_id=client_id):
                c = RawClient(None, sock=self.tls_socket(b.cert, b.key))
                self.addCleanup(c.close)
                self.assertIn(c.connect(version=V5, client_id=client_id).reason, (CLIENT_ID_NOT_VALID, NOT_AUTHORIZED))
        # Nor with a claim code as the other device's serial while holding a certificate.
        c = RawClient(None, sock=self.tls_socket(b.cert, b.key))
        self.addCleanup(c.close)
        self.assertNotEqual(c.connect(version=V5, client_id=a.serial, username=a.serial, password=a.code).reason, 0)

    def test_a_device_being_onboarded_may_only_say_its_own_hello(self):
        a, _ = self.pair()
        (s, s_code), (t, t_code) = self.import_devices(2)
        other = self.device(t, t_code)
        other.connect_for_onboarding()
        self.assertEqual(other.provisioning.subscribe("$provision/%s/#" % t, 1), [1])
        for client_id in (t, a.device_id, unique("x"), s + "/x", s.lower()):
            with self.subTest(client_id=client_id):
                _, ack = self.raw_provisioning(s, s_code, client_id=client_id)
                self.assertIn(ack.reason, (CLIENT_ID_NOT_VALID, NOT_AUTHORIZED))
        c, ack = self.raw_provisioning(s, s_code)
        self.assertEqual(ack.reason, 0)
        self.assertEqual(c.subscribe("$provision/%s/#" % s).reasons, [1])
        hello = json.dumps({"model": "Thermo", "firmware_version": "1", "csr": self.device(s, s_code).csr})
        topics = ["$provision/%s/%s" % (s, x) for x in ("certificate", "status", "hello/x", "other")]
        topics += ["$provision/%s/hello" % t, "$provision/%s/certificate" % t, "$provision/%s/status" % t,
                   "$provision/%s" % s, "devices/%s/state" % a.device_id, "devices/%s/state" % s, "x/y", "$SYS/x"]
        for topic in topics:
            with self.subTest(topic=topic):
                self.assertEqual(c.publish(topic, hello, qos=1).reason, NOT_AUTHORIZED)
        filters = ["$provision/%s/#" % t, "$provision/%s/certificate" % t, "$provision/+/certificate", "$provision/#",
                   "$provision/+/#", "devices/#", "devices/%s/#" % a.device_id, "#", "+/%s/hello" % s, "$SYS/#"]
        self.assertEqual(c.subscribe(*filters).reasons, [NOT_AUTHORIZED] * len(filters))
        # Its own hello is taken: the server answers on its status topic.
        self.assertLess(c.publish("$provision/%s/hello" % s, hello, qos=1).reason, 0x80)
        status = None
        while status is None:
            p = c.recv(10)
            if p.type == PUBLISH and p.topic == "$provision/%s/status" % s:
                status = json.loads(p.payload)
        self.assertEqual(status["status"], "awaiting_approval")
        other.provisioning.sync()
        self.assertEqual([m.topic for m in other.provisioning.messages], [])
        pending = [p["serial"] for p in self.api.call("GET", "/api/v1/onboarding")[1]["items"]]
        self.assertIn(s, pending)
        self.assertNotIn(t, pending)

    # --- CSR profile ---------------------------------------------------------------------------

    def hello_and_claim(self, csr_for):
        """Onboards with the CSR csr_for(dev) returns: the device with its certificate, or None when
        the hello was rejected (with a reason)."""
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code)
        dev.csr = csr_for(dev)
        dev.connect_for_onboarding()
        dev.say_hello()
        wait_until(lambda: any(s["status"] in ("awaiting_approval", "rejected") for s in dev.statuses()), 10,
                   "an answer to the hello")
        rejected = [s for s in dev.statuses() if s["status"] == "rejected"]
        if rejected:
            self.assertTrue(rejected[0].get("reason"), rejected)
            return None
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body.get("status")), (200, "completed"), body)
        self.assertEqual(dev.wait_certificate()["device_id"], body["device_id"])
        return dev

    def assert_plain_device_certificate(self, pem_path, device_id, foreign=()):
        with open(pem_path, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
        self.assertFalse(bc.value.ca)
        self.assertIsNone(bc.value.path_length)
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        self.assertFalse(ku.key_cert_sign or ku.crl_sign)
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual(list(eku), [ExtendedKeyUsageOID.CLIENT_AUTH])
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(san.get_values_for_type(x509.UniformResourceIdentifier), [URN + device_id])
        self.assertEqual(san.get_values_for_type(x509.DNSName), [])
        self.assertEqual(san.get_values_for_type(x509.IPAddress), [])
        self.assertEqual([(a.oid, a.value) for a in cert.subject], [(NameOID.COMMON_NAME, device_id)])
        text = openssl("x509", "-in", pem_path, "-noout", "-text")
        self.assertIn("CA:FALSE", text)
        self.assertNotIn("CA:TRUE", text)
        self.assertIn("URI:" + URN + device_id, text)
        for name in foreign:
            self.assertNotIn(name, text)
        openssl("verify", "-CAfile", self.ca_file, "-purpose", "sslclient", pem_path)

    def assert_cannot_act_as_ca(self, dev, victim_id):
        """A certificate the device signs with its own key and certificate, naming victim_id, is
        refused by openssl and by the TLS listener."""
        key = os.path.join(dev.dir, "minted.key")
        leaf = os.path.join(dev.dir, "minted.crt")
        csr = os.path.join(dev.dir, "minted.csr")
        ext = os.path.join(dev.dir, "minted.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n"
                    "subjectAltName=URI:%s%s\n" % (URN, victim_id))
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-subj", "/CN=" + victim_id, "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", dev.cert, "-CAkey", dev.key, "-CAcreateserial",
                "-days", "30", "-extfile", ext, "-out", leaf)
        with self.assertRaises(RuntimeError):
            openssl("verify", "-CAfile", self.ca_file, "-untrusted", dev.cert, leaf)
        chain = os.path.join(dev.dir, "minted-chain.crt")
        with open(chain, "w") as out, open(leaf) as l, open(dev.cert) as d:
            out.write(l.read() + d.read())
        try:
            c = RawClient(None, sock=self.tls_socket(chain, key))
        except (ssl.SSLError, ConnectionError, OSError):
            return
        self.addCleanup(c.close)
        try:
            ack = c.connect(version=V5, client_id=victim_id)
        except (ssl.SSLError, ConnectionError, ConnectionClosed, OSError, TimeoutError):
            return
        self.assertNotEqual(ack.reason, 0, "a certificate minted by a device was accepted for " + victim_id)

    def test_a_hello_csr_asking_for_ca_true_gets_a_plain_certificate(self):
        a, _ = self.pair()
        dev = self.hello_and_claim(lambda d: make_csr(
            d, "/CN=Mothership Issuing CA/O=Mothership", GREEDY_CSR +
            ["subjectAltName=DNS:localhost,IP:127.0.0.1,URI:%s%s" % (URN, a.device_id)]))
        if dev is None:
            return  # refused with a reason: that held too
        self.assert_plain_device_certificate(dev.cert, dev.device_id, foreign=(a.device_id, "localhost", "127.0.0.1"))
        self.assert_cannot_act_as_ca(dev, a.device_id)
        live = dev.connect_with_certificate()
        self.addCleanup(live.stop)
        self.assertEqual(live.subscribe("devices/%s/#" % a.device_id, 1), [NOT_AUTHORIZED])

    def test_a_hello_csr_naming_another_device_gets_a_certificate_for_its_own_id(self):
        a, _ = self.pair()
        dev = self.hello_and_claim(lambda d: make_csr(
            d, "/CN=%s/serialNumber=%s" % (a.device_id, a.serial),
            ["subjectAltName=URI:%s%s,DNS:%s,email:%s@example.com" % (URN, a.device_id, a.device_id, a.device_id)]))
        if dev is None:
            return
        self.assertNotEqual(dev.device_id, a.device_id)
        self.assert_plain_device_certificate(dev.cert, dev.device_id, foreign=(a.device_id, a.serial))
        c = dev.connect_with_certificate(client_id=a.device_id, expect_success=False)
        self.addCleanup(c.stop)
        self.assertEqual(c.connack[1], CLIENT_ID_NOT_VALID)
        self.assertEqual(self.raw_device(dev).subscribe("devices/%s/#" % a.device_id).reasons, [NOT_AUTHORIZED])

    def test_a_renewal_csr_asking_for_ca_true_and_another_name_gets_a_plain_certificate(self):
        a, _ = self.pair()
        dev = self.onboard()
        live = dev.connect_with_certificate()
        self.addCleanup(live.stop)
        base = "devices/%s/certificate" % dev.device_id
        self.assertEqual(live.subscribe([(base, 1), (base + "/rejected", 1)]), [1, 1])
        new_key = os.path.join(dev.dir, "renewed.key")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", new_key)
        csr = make_csr(dev, "/CN=" + a.device_id, GREEDY_CSR + ["subjectAltName=URI:%s%s" % (URN, a.device_id)],
                       key=new_key)
        live.publish(base + "/renew", json.dumps({"csr": csr}), 1)
        wait_until(lambda: live.messages_on(base) or live.messages_on(base + "/rejected"), 10, "a renewal answer")
        if live.messages_on(base + "/rejected"):
            self.assertTrue(json.loads(live.messages_on(base + "/rejected")[0].payload)["reason"])
            return
        renewed = os.path.join(dev.dir, "renewed.crt")
        with open(renewed, "w") as f:
            f.write(json.loads(live.messages_on(base)[0].payload)["certificate"])
        self.assert_plain_device_certificate(renewed, dev.device_id, foreign=(a.device_id,))
        certificates = self.api.call("GET", "/api/v1/devices/" + a.device_id)[1]["certificates"]
        self.assertEqual(len(certificates), 1, certificates)

    def test_zz_server_log_holds_no_secrets(self):
        self.assert_log_holds_no_secrets()


if __name__ == "__main__":
    unittest.main()
