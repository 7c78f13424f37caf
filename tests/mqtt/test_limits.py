"""Limits and bad input on raw sockets: connect timeout, packet order, malformed packets, the
maximum packet size, invalid UTF-8, huge topics and subscriptions, many idle connections.
After every test the server must still serve a normal client (BrokerTestCase.tearDown)."""

import selectors
import socket
import struct
import time
import unittest

from broker_fixture import (HOST, V311, V5, BrokerTestCase, CONNACK, DISCONNECT, PUBACK, PUBLISH, PUBREC, UNSUBACK,
                            connect_packet, mqtt_string, packet, pingreq, publish_packet,
                            subscribe_packet, unique, unsubscribe_packet, varint)

CONNECT_TIMEOUT_S = 1
MAX_PACKET = 10000


class Limits(BrokerTestCase):
    server_env = {"MOTHERSHIP_MQTT_CONNECT_TIMEOUT_S": str(CONNECT_TIMEOUT_S),
                  "MOTHERSHIP_MQTT_MAX_PACKET_SIZE": str(MAX_PACKET)}

    def _connected(self, version=V5):
        c = self.raw(version=version)
        ack = c.connect(client_id=unique("limits"))
        self.assertEqual(ack.reason, 0)
        return c

    def _assert_closed_promptly(self, c, expect, within=1.5):
        """The server closes within `within` s; `expect` is the list of (type, reason) it sent first."""
        start = time.monotonic()
        packets = c.wait_closed(within + 2)
        elapsed = time.monotonic() - start
        self.assertEqual([(p.type, p.reason) for p in packets], expect)
        self.assertLess(elapsed, within, "closed, but only after %.2f s" % elapsed)

    # --- CONNECT ------------------------------------------------------------------------------

    def test_no_connect_within_timeout(self):
        c = self.raw()
        start = time.monotonic()
        self.assertEqual(c.wait_closed(CONNECT_TIMEOUT_S + 3), [])
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, CONNECT_TIMEOUT_S * 0.8)
        self.assertLess(elapsed, CONNECT_TIMEOUT_S + 1.5)

    def test_partial_connect_closed_at_timeout(self):
        # A CONNECT that never completes (slowloris) is cut at the same deadline.
        c = self.raw()
        c.send(connect_packet(V5, client_id="slow")[:6])
        start = time.monotonic()
        self.assertEqual(c.wait_closed(CONNECT_TIMEOUT_S + 3), [])
        self.assertLess(time.monotonic() - start, CONNECT_TIMEOUT_S + 1.5)

    def test_first_packet_not_connect(self):
        # The first packet must be CONNECT [MQTT-3.1.0-1]: anything else closes the connection.
        for first in (pingreq(), publish_packet(V311, "a/b", b"x"), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"):
            with self.subTest(first=first[:8]):
                c = self.raw()
                c.send(first)
                self._assert_closed_promptly(c, [])

    def test_second_connect(self):
        # A second CONNECT is a protocol error [MQTT-3.1.0-2]: MQTT 5 DISCONNECT 0x82, then close.
        c = self._connected(V5)
        c.send(connect_packet(V5, client_id="again"))
        self._assert_closed_promptly(c, [(DISCONNECT, 0x82)])
        c = self._connected(V311)
        c.send(connect_packet(V311, client_id="again"))
        self._assert_closed_promptly(c, [])

    def test_unsupported_protocol_level(self):
        # Unknown protocol level: CONNACK 0x01 (3.1.1 style, unacceptable protocol version) then
        # close [MQTT-3.1.2-2].
        c = self.raw()
        c.send(packet(0x10, mqtt_string("MQTT") + bytes([3, 2]) + struct.pack("!H", 0) + mqtt_string("x")))
        p = c.expect(CONNACK)
        self.assertEqual(p.body, b"\x00\x01")
        self.assertEqual(c.wait_closed(2), [])

    def test_connect_reserved_flag(self):
        # CONNECT reserved flag set: malformed [MQTT-3.1.2-3]. MQTT 5 may answer CONNACK 0x81.
        for version in (V311, V5):
            with self.subTest(version=version):
                raw = bytearray(connect_packet(version, client_id=unique("rsv")))
                raw[2 + 2 + 4 + 1] |= 0x01  # fixed header (2), name (6), level (1): the flags byte
                c = self.raw(version=version)
                c.send(bytes(raw))
                got = [(p.type, p.reason) for p in c.wait_closed(3)]
                self.assertIn(got, ([], [(CONNACK, 0x81)]))

    # --- malformed packets --------------------------------------------------------------------

    def test_publish_qos3(self):
        # QoS 3 is malformed [MQTT-3.3.1-4]: MQTT 5 DISCONNECT 0x81, then close.
        c = self._connected(V5)
        c.send(packet(0x36, mqtt_string("a/b") + b"\x00\x01" + b"\x00" + b"x"))
        self._assert_closed_promptly(c, [(DISCONNECT, 0x81)])
        c = self._connected(V311)
        c.send(packet(0x36, mqtt_string("a/b") + b"\x00\x01" + b"x"))
        self._assert_closed_promptly(c, [])

    def test_reserved_fixed_header_flags(self):
        # Fixed-header flags other than those the spec lists are malformed [MQTT-2.1.3-1]
        # (3.1.1 [MQTT-2.2.2-2]); SUBSCRIBE must have 0010 [MQTT-3.8.1-1].
        cases = {
            "SUBSCRIBE flags 0": packet(0x80, b"\x00\x01\x00" + mqtt_string("a") + b"\x01"),
            "PINGREQ flags 1": b"\xc1\x00",
            "PUBREL flags 0": packet(0x60, b"\x00\x01"),
            "QoS 0 with DUP": packet(0x38, mqtt_string("a") + b"\x00x"),
            "packet type 0": b"\x00\x00",
        }
        for name, raw in cases.items():
            with self.subTest(case=name):
                c = self._connected(V5)
                c.send(raw)
                self._assert_closed_promptly(c, [(DISCONNECT, 0x81)])

    def test_announced_256_mb_packet(self):
        # Remaining length 268,435,455 (the maximum) announced, body never sent: refused from the
        # header alone (MQTT 5 DISCONNECT 0x95 Packet too large), without waiting for the body.
        for header in (b"\x30\xff\xff\xff\x7f", b"\x30\xff\xff"):
            with self.subTest(header=header):
                c = self._connected(V5)
                c.send(header)
                self._assert_closed_promptly(c, [(DISCONNECT, 0x95)], within=1.0)

    def test_announced_256_mb_before_connect(self):
        c = self.raw()
        c.send(b"\x10\xff\xff\xff\x7f")
        self._assert_closed_promptly(c, [], within=1.0)

    def test_remaining_length_five_bytes(self):
        # More than 4 bytes of Remaining Length is malformed (§1.5.5).
        c = self._connected(V5)
        c.send(b"\xc0\x80\x80\x80\x80\x00")
        got = [(p.type, p.reason) for p in c.wait_closed(3)]
        self.assertIn(got, ([(DISCONNECT, 0x81)], [(DISCONNECT, 0x95)]))

    def test_publish_larger_than_max_packet_size(self):
        # The server's Maximum Packet Size is in CONNACK; a bigger PUBLISH gets DISCONNECT 0x95
        # (§3.2.2.3.6, §4.13) and the connection is closed.
        c = self.raw(version=V5)
        ack = c.connect(client_id=unique("big"))
        self.assertEqual(ack.props.get("maximum_packet_size"), MAX_PACKET)
        big = publish_packet(V5, "big/one", b"x" * (MAX_PACKET + 100), qos=1, packet_id=1)
        c.send(big[:1000])  # header and a part: decided on the header
        self._assert_closed_promptly(c, [(DISCONNECT, 0x95)])

    def test_publish_larger_than_max_packet_size_sent_whole(self):
        # The same, with all 10,100 bytes sent at once. The DISCONNECT 0x95 should still reach the
        # client: closing a socket with unread input makes the kernel send RST, which can
        # destroy the DISCONNECT in flight, so the server should drain (or shut down writing and
        # linger) before closing.
        c = self.raw(version=V5)
        c.connect(client_id=unique("big"))
        c.send(publish_packet(V5, "big/two", b"x" * (MAX_PACKET + 100), qos=1, packet_id=1))
        self._assert_closed_promptly(c, [(DISCONNECT, 0x95)])

    def test_packet_of_exactly_max_size_accepted(self):
        topic = unique("exact")
        sub = self._connected(V5)
        sub.subscribe((topic, 0))
        c = self._connected(V5)
        head = publish_packet(V5, topic, b"", qos=0)  # 2-byte fixed header: remaining length < 128
        payload_len = MAX_PACKET - 1 - len(varint(MAX_PACKET)) - (len(head) - 2)
        raw = publish_packet(V5, topic, b"y" * payload_len, qos=0)
        self.assertEqual(len(raw), MAX_PACKET)
        c.send(raw)
        p = sub.expect(PUBLISH)
        self.assertEqual(len(p.payload), payload_len)
        self.assertEqual(c.ping(), [])

    # --- UTF-8 and topic names ----------------------------------------------------------------

    def test_invalid_utf8_in_topic(self):
        # Ill-formed UTF-8 [MQTT-1.5.4-1], U+0000 [MQTT-1.5.4-2]: malformed, connection closed
        # (MQTT 5 DISCONNECT 0x81).
        bad = {"0xFF 0xFE": b"a/\xff\xfe", "truncated": b"a/\xc3", "overlong": b"\xc0\xaf",
               "surrogate": b"a/\xed\xa0\x80", "U+0000": b"a\x00b", "beyond U+10FFFF": b"\xf4\x90\x80\x80"}
        for name, topic in bad.items():
            with self.subTest(topic=name):
                c = self._connected(V5)
                c.send(publish_packet(V5, topic, b"x", qos=1, packet_id=1))
                self._assert_closed_promptly(c, [(DISCONNECT, 0x81)])
        c = self._connected(V311)
        c.send(publish_packet(V311, b"a/\xff", b"x"))
        self._assert_closed_promptly(c, [])

    def test_invalid_utf8_in_subscribe_filter(self):
        c = self._connected(V5)
        c.send(subscribe_packet(V5, 1, [(b"a/\xff/#", 1)]))
        packets = c.wait_closed(3)
        self.assertEqual([p.type for p in packets], [DISCONNECT])
        self.assertIn(packets[0].reason, (0x81, 0x8F))

    def test_wildcard_in_publish_topic(self):
        # Wildcards are not allowed in a Topic Name [MQTT-3.3.2-2]: 0x90 Topic Name invalid.
        for topic in ("a/+", "a/#", "#"):
            with self.subTest(topic=topic):
                c = self._connected(V5)
                c.send(publish_packet(V5, topic, b"x"))
                packets = c.wait_closed(3)
                self.assertEqual([p.type for p in packets], [DISCONNECT])
                self.assertIn(packets[0].reason, (0x90, 0x81, 0x82))

    def test_packet_identifier_zero(self):
        # QoS > 0 needs a non-zero Packet Identifier [MQTT-2.2.1-3].
        c = self._connected(V5)
        c.send(publish_packet(V5, "a/b", b"x", qos=1, packet_id=0))
        packets = c.wait_closed(3)
        self.assertEqual([p.type for p in packets], [DISCONNECT])
        self.assertIn(packets[0].reason, (0x81, 0x82))

    def test_qos2_receive_maximum_exceeded(self):
        # More unacknowledged (no PUBREL) QoS 2 PUBLISHes than the server's Receive Maximum
        # (1024): DISCONNECT 0x93 [MQTT-3.3.4-9].
        c = self._connected(V5)
        data = b"".join(publish_packet(V5, "rm/x", b"", qos=2, packet_id=i) for i in range(1, 1026))
        c.send(data)
        packets = c.wait_closed(5)
        self.assertEqual([p.type for p in packets[:-1]], [PUBREC] * 1024)
        self.assertEqual((packets[-1].type, packets[-1].reason), (DISCONNECT, 0x93))

    def test_acknowledgements_before_a_fatal_packet_are_sent(self):
        # Five QoS 1 PUBLISHes and a malformed packet in one write: the five were routed, so
        # their PUBACKs must reach the client before the DISCONNECT 0x81 (otherwise the client
        # resends them on its next connection and they are delivered twice).
        topic = unique("acks")
        sub = self._connected(V5)
        sub.subscribe((topic, 1))
        c = self._connected(V5)
        c.send(b"".join(publish_packet(V5, topic, b"%d" % i, qos=1, packet_id=i) for i in range(1, 6)) + b"\xc1\x00")
        packets = c.wait_closed(3)
        self.assertEqual([(p.type, p.packet_id) for p in packets],
                         [(PUBACK, i) for i in range(1, 6)] + [(DISCONNECT, None)])
        self.assertEqual(packets[-1].reason, 0x81)
        for i in range(1, 6):
            self.assertEqual(sub.expect(PUBLISH).payload, b"%d" % i)

    # --- many connections ---------------------------------------------------------------------

    def test_1000_silent_connections(self):
        # 1,000 connections that never send a byte: a normal client is served meanwhile, and all
        # of them are closed after the connect timeout.
        sel = selectors.DefaultSelector()
        socks = []
        try:
            start = time.monotonic()
            for _ in range(1000):
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex((HOST, self.port))
                socks.append(s)
                sel.register(s, selectors.EVENT_READ)

            topic = unique("busy")
            sub = self.paho(version=V5)
            sub.connect()
            sub.subscribe(topic, 1)
            pub = self.paho(version=V311)
            pub.connect()
            pub.publish(topic, b"served", 1)
            self.assertEqual(sub.wait_messages(1, topic=topic)[0].payload, b"served")
            self.assertLess(time.monotonic() - start, CONNECT_TIMEOUT_S + 2,
                            "a normal client waited behind the idle connections")

            open_socks = set(socks)
            deadline = start + CONNECT_TIMEOUT_S + 4
            while open_socks and time.monotonic() < deadline:
                for key, _ in sel.select(timeout=0.2):
                    try:
                        data = key.fileobj.recv(16)
                    except (ConnectionResetError, BlockingIOError):
                        data = b""
                    if data == b"" and key.fileobj in open_socks:
                        open_socks.discard(key.fileobj)
                        sel.unregister(key.fileobj)
            self.assertEqual(len(open_socks), 0,
                             "%d of 1000 silent connections still open after %.1f s"
                             % (len(open_socks), time.monotonic() - start))
            self.assertTrue(sub.client.is_connected())
        finally:
            sel.close()
            for s in socks:
                s.close()


class LargeInputs(BrokerTestCase):
    server_env = {"MOTHERSHIP_MQTT_MAX_PACKET_SIZE": "2000000"}

    def _connected(self, version=V5, **kw):
        c = self.raw(version=version, **kw)
        self.assertEqual(c.connect(client_id=unique("large")).reason, 0)
        return c

    def test_topic_of_65535_bytes_one_level(self):
        # The longest UTF-8 string (65,535 bytes, 2-byte characters mixed in) as a topic name:
        # delivered intact to a "#" subscriber and to an exact one, or refused without a crash.
        topic = "x" + "é" * 32767
        self.assertEqual(len(topic.encode()), 65535)
        everything = self._connected()
        everything.subscribe(("#", 1))
        exact = self._connected()
        exact.subscribe((topic, 1))
        c = self._connected()
        ack = c.publish(topic, b"long", qos=1)
        self.assertEqual(ack.reason, 0)
        for sub in (everything, exact):
            p = sub.expect(PUBLISH)
            self.assertEqual((p.topic, p.payload), (topic, b"long"))

    def test_subscribe_10000_filters(self):
        filters = ["many/%05d" % i for i in range(10000)]
        for version in (V5, V311):
            with self.subTest(version=version):
                c = self._connected(version)
                ack = c.subscribe(*[(f, 1) for f in filters], timeout=20)
                self.assertEqual(len(ack.reasons), 10000)
                self.assertEqual(set(ack.reasons), {1})
                pub = self._connected()
                pub.publish("many/04321", b"hit", qos=1)
                p = c.expect(PUBLISH)
                self.assertEqual((p.topic, p.payload), ("many/04321", b"hit"))
                c.ack(p)
                c.send(unsubscribe_packet(version, 77, filters))
                u = c.expect(UNSUBACK, timeout=20)
                if version == V5:
                    self.assertEqual(len(u.reasons), 10000)
                    self.assertEqual(set(u.reasons), {0})

    def test_large_payload(self):
        topic = unique("payload")
        sub = self._connected()
        sub.subscribe((topic, 1))
        c = self._connected()
        payload = bytes(range(256)) * 7000  # 1.79 MB
        c.publish(topic, payload, qos=1)
        p = sub.expect(PUBLISH, timeout=20)
        self.assertEqual(p.payload, payload)


class DeepTopics(BrokerTestCase):
    """Topics and filters of 32,768 levels (65,535 bytes): the deepest the string limit allows."""
    server_env = {"MOTHERSHIP_MQTT_MAX_PACKET_SIZE": "2000000"}
    _connected = LargeInputs._connected

    def test_topic_of_65535_bytes_32768_levels(self):
        # 32,768 levels: deep matching must not exhaust the stack (wildcard subscribers force a
        # walk of every level).
        topic = "a/" * 32767 + "a"
        self.assertEqual(len(topic), 65535)
        everything = self._connected()
        everything.subscribe(("#", 0))
        plus = self._connected()
        plus.subscribe(("a/+/a/#", 0))
        c = self._connected()
        self.assertEqual(c.publish(topic, b"deep", qos=1).reason, 0)
        for sub in (everything, plus):
            p = sub.expect(PUBLISH)
            self.assertEqual((len(p.topic), p.payload), (65535, b"deep"))

    def test_filter_of_32768_levels(self):
        # Filters deeper than 128 levels are refused (SUBACK 0x8F, topic filter invalid): that
        # bounds the subscription index's depth, which a 32,768-level filter once overflowed
        # the stack with. A filter of 128 levels still works end to end.
        c = self._connected()
        self.assertEqual(c.subscribe(("+/" * 32767 + "#", 0)).reasons, [0x8F])
        deep_ok = "+/" * 127 + "#"
        self.assertEqual(c.subscribe((deep_ok, 0)).reasons, [0])
        pub = self._connected()
        pub.publish("b/" * 32767 + "b", b"deep filter", qos=1)
        self.assertEqual(c.expect(PUBLISH).payload, b"deep filter")
        c.send(unsubscribe_packet(V5, 9, [deep_ok]))
        self.assertEqual(c.expect(UNSUBACK).reasons, [0])


class DeepFilterAtShutdown(BrokerTestCase):
    """A persistent session keeps the deepest allowed subscription until the server stops, and a
    refused 32,768-level one leaves nothing behind: the exit-code and sanitizer checks of
    tearDownClass cover tearing the subscription tree down."""

    def test_deep_filter_kept_until_shutdown(self):
        c = self.raw(version=V5)
        c.connect(client_id=unique("deep-keep"), clean=False, props={"session_expiry_interval": 3600})
        self.assertEqual(c.subscribe(("c/" * 32767 + "#", 0)).reasons, [0x8F])
        self.assertEqual(c.subscribe(("c/" * 127 + "#", 0)).reasons, [0])
        self.assertEqual(c.ping(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
