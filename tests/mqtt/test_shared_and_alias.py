"""MQTT 5 shared subscriptions ($share/group/filter) and client-to-server topic aliases."""

import unittest

from broker_fixture import (V311, V5, BrokerTestCase, ConnectionClosed, DISCONNECT, PUBLISH, UNSUBACK,
                            disconnect_packet, publish_packet, unique, unsubscribe_packet, wait_until)


class SharedSubscriptions(BrokerTestCase):

    def test_members_split_messages_normal_subscriber_gets_all(self):
        # Each message goes to one member of the group (§4.8.2); a non-shared subscription
        # to the same filter gets every message.
        base = unique("share")
        members = []
        for version in (V5, V311):  # 3.1.1 clients may join a share group too
            m = self.paho(version=version)
            m.connect()
            self.assertEqual(m.subscribe("$share/g/%s/#" % base, 1), [1])
            members.append(m)
        normal = self.paho(version=V5)
        normal.connect()
        normal.subscribe(base + "/#", 1)
        pub = self.paho(version=V5)
        pub.connect()
        n = 60
        for i in range(n):
            pub.publish("%s/%d" % (base, i % 3), b"%d" % i, 1)
        normal.wait_messages(n)
        everything = set(range(n))
        # Until the members together have as many as were sent; then a barrier for any extra.
        wait_until(lambda: sum(len(member.messages) for member in members) >= n, 10, "the group's messages")
        for member in members:
            member.sync()
        got = [[int(m.payload) for m in member.messages] for member in members]
        self.assertEqual(len(got[0]) + len(got[1]), n, "each message exactly once across the group")
        self.assertEqual(set(got[0]) | set(got[1]), everything)
        self.assertEqual(set(got[0]) & set(got[1]), set())
        self.assertTrue(got[0] and got[1], "both members should get some messages: %r" % (got,))
        self.assertEqual(sorted(int(m.payload) for m in normal.messages), list(range(n)))

    def test_two_groups_each_get_every_message(self):
        base = unique("share2")
        a = self.paho(version=V5)
        a.connect()
        a.subscribe("$share/a/" + base, 1)
        b = self.paho(version=V5)
        b.connect()
        b.subscribe("$share/b/" + base, 1)
        pub = self.paho(version=V5)
        pub.connect()
        for i in range(5):
            pub.publish(base, b"%d" % i, 1)
        self.assertEqual(len(a.wait_messages(5)), 5)
        self.assertEqual(len(b.wait_messages(5)), 5)

    def test_unsubscribe_shared(self):
        topic = unique("share-unsub")
        m = self.raw(version=V5)
        m.connect(client_id=unique("share-unsub"))
        m.subscribe(("$share/g/" + topic, 1))
        m.send(unsubscribe_packet(V5, 3, ["$share/g/" + topic]))
        self.assertEqual(m.expect(UNSUBACK).reasons, [0])
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"after", 1)
        self.assertEqual(m.ping(), [])

    def test_shared_subscription_gets_no_retained(self):
        # Retained messages are not sent for a shared subscription (§4.8.2).
        topic = unique("share-ret")
        pub = self.paho(version=V5)
        pub.connect()
        pub.publish(topic, b"retained", 1, retain=True)
        m = self.paho(version=V5)
        m.connect()
        m.subscribe("$share/g/" + topic, 1)
        m.sync()
        self.assertEqual(m.messages_on(topic), [])
        pub.publish(topic, b"", 1, retain=True)

    def test_invalid_share_names_refused(self):
        # "$share/g" without a filter and a wildcard in the share name are malformed filters
        # [MQTT-4.8.2-1, MQTT-4.8.2-2]: the server ends the connection (or refuses the filter).
        for flt in ("$share/g", "$share/+/x", "$share//x"):
            with self.subTest(filter=flt):
                c = self.raw(version=V5)
                c.connect(client_id=unique("badshare"))
                try:
                    ack = c.subscribe((flt, 1), timeout=3)
                except ConnectionClosed:
                    self.assertEqual([p.type for p in c.pending_before_ack], [DISCONNECT])
                    self.assertGreaterEqual(c.pending_before_ack[0].reason, 0x80)
                else:
                    self.assertGreaterEqual(ack.reasons[0], 0x80, "accepted %r: %r" % (flt, ack))


class TopicAliases(BrokerTestCase):

    def _publisher(self):
        c = self.raw(version=V5)
        ack = c.connect(client_id=unique("alias"))
        self.assertEqual(ack.props.get("topic_alias_maximum"), 64)
        return c

    def test_alias_set_then_used(self):
        # A PUBLISH with topic and alias sets the mapping; later an empty topic with that alias
        # stands for the topic (§3.3.2.3.4, [MQTT-3.3.2-12]).
        base = unique("alias")
        sub = self.raw(version=V5)
        sub.connect(client_id=unique("aliassub"))  # Topic Alias Maximum 0: no aliases towards us
        sub.subscribe((base + "/#", 1))
        pub = self._publisher()
        self.assertEqual(pub.publish(base + "/a", b"one", 1, props={"topic_alias": 1}).reason, 0)
        self.assertEqual(pub.publish("", b"two", 1, props={"topic_alias": 1}).reason, 0)
        pub.publish(base + "/b", b"three", 1, props={"topic_alias": 1})  # re-mapped
        pub.publish("", b"four", 1, props={"topic_alias": 1})
        pub.publish(base + "/c", b"five", 1, props={"topic_alias": 64})  # the highest allowed
        pub.publish("", b"six", 1, props={"topic_alias": 64})
        got = []
        for _ in range(6):
            p = sub.expect(PUBLISH)
            sub.ack(p)
            got.append((p.topic, p.payload))
            # Never an alias towards a client that did not allow any [MQTT-3.3.2-10].
            self.assertNotIn("topic_alias", p.props)
        self.assertEqual(got, [(base + "/a", b"one"), (base + "/a", b"two"), (base + "/b", b"three"),
                               (base + "/b", b"four"), (base + "/c", b"five"), (base + "/c", b"six")])

    def test_unknown_alias_closes_connection(self):
        # An empty topic with an alias that was never set: Protocol Error (0x82) or Topic Alias
        # invalid (0x94) in DISCONNECT, then the connection is closed.
        pub = self._publisher()
        pub.send(publish_packet(V5, "", b"x", qos=1, packet_id=1, props={"topic_alias": 5}))
        packets = pub.wait_closed(3)
        self.assertEqual(len(packets), 1, packets)
        self.assertEqual(packets[0].type, DISCONNECT)
        self.assertIn(packets[0].reason, (0x82, 0x94))

    def test_alias_above_maximum_closes_with_0x94(self):
        # Alias greater than the server's Topic Alias Maximum (64) [MQTT-3.3.2-9]: 0x94.
        pub = self._publisher()
        pub.send(publish_packet(V5, "t/x", b"x", qos=0, props={"topic_alias": 65}))
        self.assertEqual([(p.type, p.reason) for p in pub.wait_closed(3)], [(DISCONNECT, 0x94)])

    def test_alias_zero_closes_with_0x94(self):
        # Topic Alias 0 is not permitted [MQTT-3.3.2-8]: 0x94.
        pub = self._publisher()
        pub.send(publish_packet(V5, "t/x", b"x", qos=0, props={"topic_alias": 0}))
        self.assertEqual([(p.type, p.reason) for p in pub.wait_closed(3)], [(DISCONNECT, 0x94)])

    def test_empty_topic_without_alias_is_protocol_error(self):
        pub = self._publisher()
        pub.send(publish_packet(V5, "", b"x", qos=0))
        self.assertEqual([(p.type, p.reason) for p in pub.wait_closed(3)], [(DISCONNECT, 0x82)])

    def test_aliases_do_not_survive_the_connection(self):
        # Topic Alias mappings last one network connection [MQTT-3.3.2-7], even with a session.
        cid = unique("aliasconn")
        pub = self.raw(version=V5)
        pub.connect(client_id=cid, clean=False, props={"session_expiry_interval": 30})
        pub.publish(unique("aliasconn-t"), b"x", 1, props={"topic_alias": 3})
        pub.send(disconnect_packet(V5))
        pub.wait_closed(3)
        pub = self.raw(version=V5)
        self.assertTrue(pub.connect(client_id=cid, clean=False, props={"session_expiry_interval": 0}).session_present)
        pub.send(publish_packet(V5, "", b"x", qos=1, packet_id=2, props={"topic_alias": 3}))
        packets = pub.wait_closed(3)
        self.assertEqual([p.type for p in packets], [DISCONNECT])
        self.assertIn(packets[0].reason, (0x82, 0x94))


if __name__ == "__main__":
    unittest.main(verbosity=2)
