"""Publish / subscribe at QoS 0, 1 and 2 in MQTT 3.1.1 and 5.0 (paho, hand-made packets and the
mosquitto command-line clients)."""

import subprocess
import unittest

from broker_fixture import (V311, V5, BrokerTestCase, LineReader, PUBACK, PUBCOMP, PUBLISH, PUBREC, PUBREL,
                            UNSUBACK, HOST, ack_packet, mosquitto, publish_packet, unique, unsubscribe_packet)
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions


class PubSub(BrokerTestCase):

    def _roundtrip(self, pub_version, sub_version):
        sub = self.paho(version=sub_version)
        sub.connect()
        pub = self.paho(version=pub_version)
        pub.connect()
        base = unique("pubsub")
        self.assertEqual(sub.subscribe(base + "/#", 2), [2])
        for q in (0, 1, 2):
            with self.subTest(qos=q):
                topic = "%s/q%d" % (base, q)
                payload = ("payload at QoS %d" % q).encode()
                # publish() returns once PUBACK (QoS 1) or PUBCOMP (QoS 2) came back: the whole
                # flow completed for the publisher.
                pub.publish(topic, payload, q)
                [m] = sub.wait_messages(1, topic=topic)
                self.assertEqual(m.payload, payload)
                self.assertEqual(m.qos, q)
                self.assertFalse(m.retain)
        sub.sync()
        self.assertEqual(len(sub.messages), 3, "each message exactly once")

    def test_qos_0_1_2_v311(self):
        self._roundtrip(V311, V311)

    def test_qos_0_1_2_v5(self):
        self._roundtrip(V5, V5)

    def test_qos_0_1_2_across_versions(self):
        self._roundtrip(V311, V5)
        self._roundtrip(V5, V311)

    def test_delivery_qos_is_minimum_of_publish_and_subscription(self):
        # The QoS delivered is the minimum of the published QoS and the granted maximum
        # [MQTT-3.8.4-8] (3.1.1: [MQTT-3.8.4-6]).
        topic = unique("downgrade")
        sub = self.paho(version=V5)
        sub.connect()
        self.assertEqual(sub.subscribe(topic, 1), [1])
        pub = self.paho(version=V311)
        pub.connect()
        pub.publish(topic, b"two", 2)
        pub.publish(topic, b"zero", 0)
        msgs = sub.wait_messages(2, topic=topic)
        self.assertEqual([(m.payload, m.qos) for m in msgs], [(b"two", 1), (b"zero", 0)])

    def test_binary_and_empty_payloads(self):
        topic = unique("binary")
        sub = self.paho(version=V5)
        sub.connect()
        sub.subscribe(topic, 1)
        pub = self.paho(version=V5)
        pub.connect()
        everything = bytes(range(256)) * 40
        pub.publish(topic, everything, 1)
        pub.publish(topic, b"", 1)
        msgs = sub.wait_messages(2, topic=topic)
        self.assertEqual(msgs[0].payload, everything)
        self.assertEqual(msgs[1].payload, b"")

    def test_order_kept_per_topic_qos1(self):
        # Ordered topic: messages from one publisher arrive in the order sent [MQTT-4.6.0-5 / 4.6.0-6].
        topic = unique("order")
        sub = self.paho(version=V311)
        sub.connect()
        sub.subscribe(topic, 1)
        pub = self.raw(version=V5)
        pub.connect(client_id=unique("orderpub"))
        for i in range(300):
            pub.send(publish_packet(V5, topic, str(i), qos=1, packet_id=i + 1))
        acks = [pub.expect(PUBACK) for _ in range(300)]
        self.assertEqual([a.packet_id for a in acks], list(range(1, 301)))
        msgs = sub.wait_messages(300, topic=topic)
        self.assertEqual([int(m.payload) for m in msgs], list(range(300)))

    def test_qos2_flow_raw_and_duplicate_not_routed_twice(self):
        # Exactly once: a PUBLISH resent with DUP before PUBREL is acknowledged again but not
        # delivered again (§4.3.3, method B); PUBREL gets PUBCOMP.
        topic = unique("qos2dup")
        sub = self.paho(version=V5)
        sub.connect()
        sub.subscribe(topic, 2)
        pub = self.raw(version=V5)
        pub.connect(client_id=unique("q2pub"))
        pub.send(publish_packet(V5, topic, b"once", qos=2, packet_id=7))
        self.assertEqual(pub.expect(PUBREC).packet_id, 7)
        pub.send(publish_packet(V5, topic, b"once", qos=2, packet_id=7, dup=True))
        self.assertEqual(pub.expect(PUBREC).packet_id, 7)
        pub.send(ack_packet(PUBREL, 7, V5))
        comp = pub.expect(PUBCOMP)
        self.assertEqual((comp.packet_id, comp.reason), (7, 0))
        sub.wait_messages(1, topic=topic)
        sub.sync()
        self.assertEqual(len(sub.messages_on(topic)), 1)
        # A PUBREL for an id that is not pending: PUBCOMP 0x92 (Packet Identifier not found).
        pub.send(ack_packet(PUBREL, 99, V5))
        comp = pub.expect(PUBCOMP)
        self.assertEqual((comp.packet_id, comp.reason), (99, 0x92))

    def test_raw_subscriber_acknowledges_qos1_and_qos2(self):
        # The server sends QoS 1 / QoS 2 deliveries with non-zero packet ids and completes the
        # QoS 2 flow with PUBREL after our PUBREC (§4.3.2, §4.3.3); ids are non-zero [MQTT-2.2.1-3].
        topic = unique("rawsub")
        sub = self.raw(version=V5)
        sub.connect(client_id=unique("rawsub"))
        self.assertEqual(sub.subscribe((topic, 2)).reasons, [2])
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"q1", 1)
        p = sub.expect(PUBLISH)
        self.assertEqual((p.qos, p.payload), (1, b"q1"))
        self.assertNotEqual(p.packet_id, 0)
        sub.ack(p)
        pub.publish(topic, b"q2", 2)
        p = sub.expect(PUBLISH)
        self.assertEqual((p.qos, p.payload), (2, b"q2"))
        sub.send(ack_packet(PUBREC, p.packet_id, V5))
        rel = sub.recv()
        self.assertEqual((rel.type, rel.packet_id), (PUBREL, p.packet_id))
        sub.send(ack_packet(PUBCOMP, p.packet_id, V5))
        self.assertEqual(sub.ping(), [])

    def test_client_receive_maximum_respected(self):
        # No more unacknowledged QoS 1 PUBLISHes towards a client than its Receive Maximum
        # [MQTT-3.3.4-7]; each PUBACK lets the next one go.
        topic = unique("rmax")
        sub = self.raw(version=V5)
        sub.connect(client_id=unique("rmax"), props={"receive_maximum": 2})
        sub.subscribe((topic, 1))
        pub = self.paho(version=V5)
        pub.connect()
        for i in range(5):
            pub.publish(topic, b"%d" % i, 1)
        first = [sub.expect(PUBLISH), sub.expect(PUBLISH)]
        self.assertEqual(sub.ping(), [], "a third PUBLISH before any PUBACK")
        got = [p.payload for p in first]
        window = first
        while len(got) < 5:
            sub.ack(window.pop(0))
            p = sub.expect(PUBLISH)
            got.append(p.payload)
            window.append(p)
            self.assertEqual(sub.ping(), [])
        self.assertEqual(got, [b"%d" % i for i in range(5)])
        for p in window:
            sub.ack(p)

    def test_wildcards_do_not_match_dollar_topics(self):
        # [MQTT-4.7.2-1]: "#" and "+/..." do not match topics that start with '$'.
        base = unique("dollar")
        all_sub = self.paho(version=V5)
        all_sub.connect()
        all_sub.subscribe("#", 0)
        plus_sub = self.paho(version=V5)
        plus_sub.connect()
        plus_sub.subscribe("+/" + base, 0)
        dollar_sub = self.paho(version=V5)
        dollar_sub.connect()
        dollar_sub.subscribe("$test/#", 0)
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish("$test/" + base, b"dollar", 1)
        dollar_sub.wait_messages(1, topic="$test/" + base)
        all_sub.sync()
        plus_sub.sync()
        self.assertEqual([m.topic for m in all_sub.messages if m.topic.startswith("$")], [])
        self.assertEqual(plus_sub.messages, [])

    def test_no_local(self):
        # No Local: not sent back to its own publisher [MQTT-3.8.3-3].
        topic = unique("nolocal")
        c = self.paho(version=V5)
        c.connect()
        c.subscribe(topic, options=SubscribeOptions(qos=1, noLocal=True))
        other = self.paho(version=V5)
        other.connect()
        other.subscribe(topic, 1)
        c.publish(topic, b"mine", 1)
        other.wait_messages(1, topic=topic)
        c.sync()
        self.assertEqual(c.messages_on(topic), [])

    def test_overlapping_subscriptions_deliver_once_with_both_identifiers(self):
        # Overlapping subscriptions of one client: one delivery with the maximum QoS and every
        # matching Subscription Identifier (§3.3.4, [MQTT-3.3.4-3/4/5]).
        base = unique("overlap")
        c = self.paho(version=V5)
        c.connect()
        p1 = Properties(PacketTypes.SUBSCRIBE)
        p1.SubscriptionIdentifier = 11
        c.subscribe(base + "/#", 0, properties=p1)
        p2 = Properties(PacketTypes.SUBSCRIBE)
        p2.SubscriptionIdentifier = 22
        c.subscribe(base + "/+", 1, properties=p2)
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(base + "/x", b"both", 1)
        [m] = c.wait_messages(1, topic=base + "/x")
        c.sync()
        self.assertEqual(len(c.messages_on(base + "/x")), 1)
        self.assertEqual(m.qos, 1)
        ids = m.properties.SubscriptionIdentifier
        self.assertEqual(sorted(ids if isinstance(ids, list) else [ids]), [11, 22])

    def test_unsubscribe_stops_delivery(self):
        topic = unique("unsub")
        sub = self.raw(version=V5)
        sub.connect(client_id=unique("unsub"))
        sub.subscribe((topic, 1))
        sub.send(unsubscribe_packet(V5, 5, [topic, "nosub"]))
        unsuback = sub.expect(UNSUBACK)
        self.assertEqual(unsuback.reasons, [0x00, 0x11])  # success, no subscription existed
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"after", 1)
        self.assertEqual(sub.ping(), [])

    def test_client_maximum_packet_size_respected(self):
        # The server does not send a packet larger than the client's Maximum Packet Size
        # [MQTT-3.1.2-24]; it drops that message and carries on [MQTT-3.1.2-25].
        topic = unique("cmax")
        sub = self.raw(version=V5)
        sub.connect(client_id=unique("cmax"), props={"maximum_packet_size": 200})
        sub.subscribe((topic, 1))
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"x" * 500, 1)
        pub.publish(topic, b"small", 1)
        p = sub.expect(PUBLISH)
        self.assertEqual(p.payload, b"small")
        sub.ack(p)
        self.assertEqual(sub.ping(), [])

    def _mosquitto_roundtrip(self, version):
        topic = unique("mosq")
        sub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_sub", "-h", HOST, "-p", str(self.port), "-V", version, "-t", topic,
                                "-q", "1", "-C", "2", "-W", "20", "-d"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = LineReader(sub)
        try:
            lines.wait_for(lambda l: "received SUBACK" in l, 10)
            for qos in ("0", "2"):
                res = mosquitto("mosquitto_pub", self.port, "-V", version, "-t", topic, "-m", "hello " + qos,
                                "-q", qos, "-d")
                self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
                self.assertIn("received CONNACK (0)", res.stdout)
                if qos == "2":
                    self.assertIn("received PUBCOMP", res.stdout)
            self.assertEqual(sub.wait(timeout=15), 0)
            lines.wait_for(lambda l: l == "hello 0", 1)
            lines.wait_for(lambda l: l == "hello 2", 1)
        finally:
            if sub.poll() is None:
                sub.kill()
                sub.wait()
            lines.thread.join(5)
            sub.stdout.close()

    def test_mosquitto_clients_v311(self):
        self._mosquitto_roundtrip("mqttv311")

    def test_mosquitto_clients_v5(self):
        self._mosquitto_roundtrip("mqttv5")


if __name__ == "__main__":
    unittest.main(verbosity=2)
