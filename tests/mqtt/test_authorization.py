"""Authorization of anonymous clients (--mqtt-allow-anonymous): no publishing or subscribing
under devices/ or $provision/, nothing from there delivered to wildcard subscribers, and clients
with a user name refused (no credential store yet)."""

import time
import unittest

from broker_fixture import V311, V5, BrokerTestCase, PUBACK, PUBREC, mosquitto, publish_packet, unique

NOT_AUTHORIZED = 0x87


class Authorization(BrokerTestCase):

    def setUp(self):
        super().setUp()
        # A subscriber to everything it may see: nothing under devices/ may reach it.
        self.everything = self.paho(version=V5)
        self.everything.connect()
        self.assertEqual(self.everything.subscribe("#", 2), [2])
        self.plus = self.paho(version=V311)
        self.plus.connect()
        self.assertEqual(self.plus.subscribe("+/" + "x/telemetry", 1), [1])

    def _assert_nothing_from_device_namespace(self):
        for c in (self.everything, self.plus):
            c.sync()
            leaked = [m.topic for m in c.messages if m.topic.startswith(("devices", "$provision"))]
            self.assertEqual(leaked, [])

    def test_publish_to_devices_refused_v5(self):
        # MQTT 5: PUBACK / PUBREC with 0x87 Not authorized, and the message is not delivered.
        c = self.raw(version=V5)
        c.connect(client_id=unique("anon5"))
        for topic in ("devices/x/telemetry", "devices", "$provision/x", "devices/x/y/z"):
            with self.subTest(topic=topic):
                self.assertEqual(c.publish(topic, b"q1", qos=1).reason, NOT_AUTHORIZED)
                rec = c.publish(topic, b"q2", qos=2)
                self.assertEqual((rec.type, rec.reason), (PUBREC, NOT_AUTHORIZED))
                c.send(publish_packet(V5, topic, b"q0", qos=0))
                self.assertEqual(c.ping(), [])  # QoS 0: silently dropped, connection kept
                c.publish(topic, b"retained", qos=1, retain=True)
        self._assert_nothing_from_device_namespace()
        # Nothing was retained either.
        late = self.paho(version=V5)
        late.connect()
        late.subscribe("devices/#", 1)
        late.subscribe("+/x/telemetry", 1)
        late.sync()
        self.assertEqual(late.messages, [])

    def test_publish_to_devices_dropped_v311(self):
        # 3.1.1 acknowledgements carry no reason: a plain PUBACK, and the message is dropped.
        c = self.raw(version=V311)
        c.connect(client_id=unique("anon311"))
        ack = c.publish("devices/x/telemetry", b"q1", qos=1)
        self.assertEqual((ack.type, ack.body), (PUBACK, ack.body[:2]))
        self.assertEqual(len(ack.body), 2)
        c.publish("devices/x/telemetry", b"q2", qos=2)
        self.assertEqual(c.ping(), [])
        self._assert_nothing_from_device_namespace()

    def test_publish_to_devices_mosquitto_pub_v5(self):
        res = mosquitto("mosquitto_pub", self.port, "-V", "mqttv5", "-t", "devices/x/telemetry", "-m", "x", "-q",
                        "1", "-d")
        self.assertIn("RC:135", res.stdout + res.stderr)
        self._assert_nothing_from_device_namespace()

    def test_subscribe_to_devices_refused(self):
        # SUBACK 0x87 (MQTT 5) / 0x80 (3.1.1 failure) for each refused filter; the others in
        # the same SUBSCRIBE are granted.
        filters = ["devices/#", "devices/x/telemetry", "devices", "$provision/#"]
        for version, refused in ((V5, NOT_AUTHORIZED), (V311, 0x80)):
            with self.subTest(version=version):
                c = self.raw(version=version)
                c.connect(client_id=unique("anonsub"))
                ack = c.subscribe(*[(f, 1) for f in filters], ("ok/" + unique(), 1))
                self.assertEqual(ack.reasons, [refused] * len(filters) + [1])

    def test_shared_subscription_to_devices_refused(self):
        # A shared subscription is still a subscription under devices/: refused like a plain one.
        for version, refused in ((V5, NOT_AUTHORIZED), (V311, 0x80)):
            with self.subTest(version=version):
                c = self.raw(version=version)
                c.connect(client_id=unique("anonshare"))
                ack = c.subscribe(("$share/g/devices/#", 1), ("$share/g/$provision/#", 1))
                self.assertEqual(ack.reasons, [refused, refused])

    def test_subscribe_refused_paho(self):
        c = self.paho(version=V5)
        c.connect()
        self.assertEqual(c.subscribe("devices/#", 1), [NOT_AUTHORIZED])
        c3 = self.paho(version=V311)
        c3.connect()
        self.assertEqual(c3.subscribe("devices/+/telemetry", 1), [0x80])

    def test_will_under_devices_not_published(self):
        c = self.raw(version=V5)
        c.connect(client_id=unique("anonwill"), will={"topic": "devices/x/telemetry", "payload": b"will"})
        c.abort()
        # The will (if the server accepted it at all) must not reach anyone.
        time.sleep(0.3)
        self._assert_nothing_from_device_namespace()

    def test_username_refused(self):
        # No credential store: a client with a user name is refused, CONNACK 0x86 Bad User Name
        # or Password (MQTT 5) / return code 4 (3.1.1), then the connection is closed.
        for version, code in ((V5, 0x86), (V311, 4)):
            with self.subTest(version=version):
                c = self.raw(version=version)
                ack = c.connect(client_id=unique("user"), username="alice", password=b"secret")
                self.assertEqual((ack.reason, ack.session_present), (code, False))
                self.assertEqual(c.wait_closed(3), [])
                c = self.raw(version=version)
                ack = c.connect(client_id=unique("user"), username="bob")
                self.assertEqual(ack.reason, code)

    def test_username_refused_paho_and_mosquitto(self):
        c = self.paho(version=V5, username="alice", password="secret")
        self.assertEqual(c.connect(expect_success=False)[1], 0x86)
        c = self.paho(version=V311, username="alice", password="secret")
        self.assertEqual(c.connect(expect_success=False)[1], 4)
        res = mosquitto("mosquitto_pub", self.port, "-V", "mqttv311", "-u", "alice", "-P", "x", "-t", "a", "-m",
                        "x", "-d")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("CONNACK (4)", res.stdout + res.stderr)

    def test_anonymous_outside_devices_allowed(self):
        topic = "device/" + unique()  # not "devices/"
        c = self.raw(version=V5)
        c.connect(client_id=unique("anonok"))
        self.assertLess(c.publish(topic, b"fine", qos=1).reason, 0x80)
        self.assertEqual(self.everything.wait_messages(1, topic=topic)[0].payload, b"fine")


if __name__ == "__main__":
    unittest.main(verbosity=2)
