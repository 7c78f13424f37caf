"""Will messages: published when the network connection ends without a normal DISCONNECT, not
after one; MQTT 5 DISCONNECT 0x04 and Will Delay Interval."""

import time
import unittest

from broker_fixture import V311, V5, BrokerTestCase, DISCONNECT, disconnect_packet, unique


class Will(BrokerTestCase):

    def setUp(self):
        super().setUp()
        self.topic = unique("will")
        self.watcher = self.paho(version=V5)
        self.watcher.connect()
        self.watcher.subscribe(self.topic, 1)

    def _will_client(self, version=V5, keepalive=0, will_props=None, props=None, client_id=None, clean=True,
                     retain=False):
        c = self.raw(version=version)
        ack = c.connect(client_id=client_id or unique("willc"), keepalive=keepalive, clean=clean, props=props,
                        will={"topic": self.topic, "payload": b"gone", "qos": 1, "retain": retain,
                              "props": will_props})
        self.assertEqual(ack.reason, 0)
        return c

    def _assert_no_will(self, grace=0.3):
        """No will arrived: the server closes the connection before it acts on the will; a short
        grace covers the moment between the two, then a barrier makes sure nothing is on its way."""
        time.sleep(grace)
        self.watcher.sync()
        self.assertEqual(self.watcher.messages_on(self.topic), [])

    def test_will_on_abrupt_close_v311_and_v5(self):
        # The connection closed without DISCONNECT: the will is published (3.1.1 [MQTT-3.1.2-8];
        # MQTT 5 [MQTT-3.1.2-8], §3.1.3.2).
        for i, version in enumerate((V311, V5)):
            with self.subTest(version=version):
                c = self._will_client(version)
                c.abort()  # RST, as a lost network would
                msgs = self.watcher.wait_messages(i + 1, topic=self.topic, timeout=5)
                self.assertEqual(msgs[-1].payload, b"gone")
                self.assertEqual(msgs[-1].qos, 1)

    def test_will_on_socket_close_with_fin(self):
        c = self._will_client(V311)
        c.close()
        self.watcher.wait_messages(1, topic=self.topic, timeout=5)

    def test_will_on_keep_alive_timeout(self):
        # Keep-alive 1 s and silence: the server closes after 1.5 s [MQTT-3.1.2-22] (3.1.1:
        # [MQTT-3.1.2-24]) and publishes the will.
        c = self._will_client(V5, keepalive=1)
        start = time.monotonic()
        [m] = self.watcher.wait_messages(1, topic=self.topic, timeout=5)
        elapsed = time.monotonic() - start
        self.assertEqual(m.payload, b"gone")
        self.assertGreater(elapsed, 1.0)
        self.assertLess(elapsed, 3.0)
        packets = c.wait_closed(2)
        self.assertEqual([(p.type, p.reason) for p in packets], [(DISCONNECT, 0x8D)])  # Keep Alive timeout

    def test_no_will_after_normal_disconnect(self):
        # DISCONNECT (MQTT 5 reason 0x00) removes the will [MQTT-3.1.2-10] / [MQTT-3.14.4-3].
        for version in (V311, V5):
            with self.subTest(version=version):
                c = self._will_client(version)
                c.send(disconnect_packet(version))
                self.assertEqual(c.wait_closed(3), [])
                self._assert_no_will()

    def test_no_will_after_normal_disconnect_paho(self):
        c = self.paho(version=V311, will={"topic": self.topic, "payload": b"gone", "qos": 1})
        c.connect()
        c.disconnect()
        self._assert_no_will()

    def test_disconnect_with_will_message_v5(self):
        # DISCONNECT with reason 0x04 (Disconnect with Will Message): the will is published.
        c = self._will_client(V5)
        c.send(disconnect_packet(V5, reason=0x04))
        self.assertEqual(c.wait_closed(3), [])
        [m] = self.watcher.wait_messages(1, topic=self.topic, timeout=5)
        self.assertEqual(m.payload, b"gone")

    def test_will_delay_reconnect_in_time_cancels_will(self):
        # Reconnected before the Will Delay Interval ran out: no will [MQTT-3.1.3-9].
        cid = unique("willdelay")
        c = self._will_client(V5, client_id=cid, will_props={"will_delay_interval": 2},
                              props={"session_expiry_interval": 60}, clean=False)
        c.abort()
        time.sleep(0.3)
        again = self.raw(version=V5)
        ack = again.connect(client_id=cid, clean=False, props={"session_expiry_interval": 60})
        self.assertEqual((ack.reason, ack.session_present), (0, True))
        # The server checks delayed wills once a second: 2.5 s covers the delay plus that tick.
        self._assert_no_will(grace=2.7)
        again.send(disconnect_packet(V5, props={"session_expiry_interval": 0}))
        again.wait_closed(3)

    def test_will_delay_published_after_delay(self):
        c = self._will_client(V5, will_props={"will_delay_interval": 1}, props={"session_expiry_interval": 60})
        c.abort()
        start = time.monotonic()
        [m] = self.watcher.wait_messages(1, topic=self.topic, timeout=5)
        elapsed = time.monotonic() - start
        self.assertEqual(m.payload, b"gone")
        self.assertGreaterEqual(elapsed, 0.9, "the will came before its delay")
        self.assertLess(elapsed, 3.0)
        self.assertIsNone(getattr(m.properties, "WillDelayInterval", None))

    def test_will_delay_longer_than_session_expiry(self):
        # The will goes when the session ends, if that is first (§3.1.3.2.2): session expiry 0 ends
        # the session at once, so a will with a 30 s delay is published immediately.
        c = self._will_client(V5, will_props={"will_delay_interval": 30})
        c.abort()
        self.watcher.wait_messages(1, topic=self.topic, timeout=2)

    def test_retained_will(self):
        c = self._will_client(V311, retain=True)
        c.abort()
        self.watcher.wait_messages(1, topic=self.topic)
        late = self.paho(version=V5)
        late.connect()
        late.subscribe(self.topic, 1)
        [m] = late.wait_messages(1, topic=self.topic)
        self.assertEqual((m.payload, m.retain), (b"gone", True))
        clear = self.paho(version=V5)
        clear.connect()
        clear.publish(self.topic, b"", 1, retain=True)

    def test_will_properties_forwarded(self):
        c = self._will_client(V5, will_props={"content_type": "text/plain", "user_property": [("k", "v")],
                                              "message_expiry_interval": 100})
        c.abort()
        [m] = self.watcher.wait_messages(1, topic=self.topic)
        self.assertEqual(m.properties.ContentType, "text/plain")
        self.assertEqual(m.properties.UserProperty, [("k", "v")])
        self.assertLessEqual(m.properties.MessageExpiryInterval, 100)


if __name__ == "__main__":
    unittest.main(verbosity=2)
