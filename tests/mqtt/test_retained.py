"""Retained messages: store, replace, clear, retain flags and MQTT 5 Retain Handling."""

import unittest

from broker_fixture import V311, V5, BrokerTestCase, PUBLISH, unique
from paho.mqtt.subscribeoptions import SubscribeOptions


class Retained(BrokerTestCase):

    def _fresh_subscriber(self, topic, version=V5, qos=1, options=None):
        """A new client subscribing to `topic`; returns it after a barrier, with whatever
        retained messages the subscription brought."""
        sub = self.paho(version=version)
        sub.connect()
        if options is not None:
            sub.subscribe(topic, options=options)
        else:
            sub.subscribe(topic, qos)
        sub.sync()
        return sub

    def test_set_replace_clear(self):
        topic = unique("ret") + "/state"
        pub = self.paho(version=V5)
        pub.connect()

        # Set: stored and sent to a new subscription with RETAIN 1 [MQTT-3.3.1-5, MQTT-3.3.1-9];
        # 3.1.1 too [MQTT-3.3.1-6, MQTT-3.3.1-8].
        pub.publish(topic, b"first", 1, retain=True)
        for version in (V5, V311):
            with self.subTest(step="set", version=version):
                sub = self._fresh_subscriber(topic, version)
                self.assertEqual([(m.payload, m.retain) for m in sub.messages_on(topic)], [(b"first", True)])
                sub.stop()

        # Replace: only the newest is kept.
        pub.publish(topic, b"second", 1, retain=True)
        sub = self._fresh_subscriber(topic)
        self.assertEqual([(m.payload, m.retain) for m in sub.messages_on(topic)], [(b"second", True)])
        sub.stop()

        # Clear: a retained PUBLISH with an empty payload removes it [MQTT-3.3.1-6] (3.1.1:
        # [MQTT-3.3.1-10]) and is itself not stored [MQTT-3.3.1-7] (3.1.1: [MQTT-3.3.1-11]).
        pub.publish(topic, b"", 1, retain=True)
        for version in (V5, V311):
            with self.subTest(step="cleared", version=version):
                sub = self._fresh_subscriber(topic, version)
                self.assertEqual(sub.messages_on(topic), [])
                sub.stop()

    def test_wildcard_subscription_gets_every_matching_retained(self):
        base = unique("retwild")
        pub = self.paho(version=V311)
        pub.connect()
        for name in ("a", "b", "c/d"):
            pub.publish("%s/%s" % (base, name), name.encode(), 1, retain=True)
        pub.publish(base + "/not-retained", b"x", 1)
        sub = self._fresh_subscriber(base + "/#")
        got = sorted((m.topic, m.payload, m.retain) for m in sub.messages)
        self.assertEqual(got, [(base + "/a", b"a", True), (base + "/b", b"b", True), (base + "/c/d", b"c/d", True)])
        sub = self._fresh_subscriber(base + "/+")
        self.assertEqual(sorted(m.topic for m in sub.messages), [base + "/a", base + "/b"])

    def test_retained_qos_is_minimum_of_stored_and_granted(self):
        topic = unique("retqos")
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"q2", 2, retain=True)
        sub = self._fresh_subscriber(topic, qos=1)
        [m] = sub.messages_on(topic)
        self.assertEqual((m.qos, m.retain), (1, True))

    def test_live_delivery_clears_retain_flag_unless_retain_as_published(self):
        # To an established subscription: RETAIN 0 (3.1.1 [MQTT-3.3.1-9]; MQTT 5 with Retain As
        # Published 0 [MQTT-3.3.1-12]); with Retain As Published 1, as published [MQTT-3.3.1-13].
        topic = unique("retlive")
        plain5 = self._fresh_subscriber(topic)
        plain311 = self._fresh_subscriber(topic, V311)
        rap = self._fresh_subscriber(topic, options=SubscribeOptions(qos=1, retainAsPublished=True))
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"live", 1, retain=True)
        self.assertFalse(plain5.wait_messages(1, topic=topic)[0].retain)
        self.assertFalse(plain311.wait_messages(1, topic=topic)[0].retain)
        self.assertTrue(rap.wait_messages(1, topic=topic)[0].retain)
        pub.publish(topic, b"", 1, retain=True)  # leave nothing behind

    def test_retain_handling(self):
        topic = unique("rethandling")
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"kept", 1, retain=True)

        # 2: do not send retained messages [MQTT-3.3.1-11].
        sub = self._fresh_subscriber(topic, options=SubscribeOptions(qos=1, retainHandling=2))
        self.assertEqual(sub.messages_on(topic), [])

        # 1: only when the subscription is new [MQTT-3.3.1-10].
        sub = self.paho(version=V5)
        sub.connect()
        sub.subscribe(topic, options=SubscribeOptions(qos=1, retainHandling=1))
        sub.wait_messages(1, topic=topic)
        sub.subscribe(topic, options=SubscribeOptions(qos=1, retainHandling=1))
        sub.sync()
        self.assertEqual(len(sub.messages_on(topic)), 1)

        # 0: on every SUBSCRIBE, also a repeated one [MQTT-3.3.1-9].
        sub.subscribe(topic, options=SubscribeOptions(qos=1, retainHandling=0))
        sub.wait_messages(2, topic=topic)
        sub.sync()
        self.assertEqual(len(sub.messages_on(topic)), 2)

    def test_retained_after_subscribe_ack(self):
        # Retained messages come after the SUBACK on the wire (hand-made client).
        topic = unique("retorder")
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"r", 1, retain=True)
        c = self.raw(version=V5)
        c.connect(client_id=unique("retorder"))
        ack = c.subscribe((topic, 1))
        self.assertEqual(c.pending_before_ack, [])
        self.assertEqual(ack.reasons, [1])
        p = c.expect(PUBLISH)
        self.assertEqual((p.topic, p.payload, p.retain), (topic, b"r", True))


if __name__ == "__main__":
    unittest.main(verbosity=2)
