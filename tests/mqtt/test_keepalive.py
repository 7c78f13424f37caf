"""Keep-alive: a silent client is closed after 1.5 times its keep-alive; PINGREQ and other
packets keep a connection open."""

import time
import unittest

from broker_fixture import V311, V5, BrokerTestCase, DISCONNECT, PINGRESP, pingreq, publish_packet, unique


class KeepAlive(BrokerTestCase):

    def test_silent_client_closed_v5(self):
        # No packet within 1.5 x Keep Alive: the server closes the connection [MQTT-3.1.2-22],
        # MQTT 5 with DISCONNECT 0x8D (Keep Alive timeout).
        c = self.raw(version=V5)
        c.connect(client_id=unique("silent5"), keepalive=1)
        start = time.monotonic()
        packets = c.wait_closed(5)
        elapsed = time.monotonic() - start
        self.assertEqual([(p.type, p.reason) for p in packets], [(DISCONNECT, 0x8D)])
        self.assertGreaterEqual(elapsed, 1.2, "closed before 1.5 x keep-alive")
        self.assertLess(elapsed, 2.5)

    def test_silent_client_closed_v311(self):
        # 3.1.1 [MQTT-3.1.2-24]: closed, with no DISCONNECT (3.1.1 servers send none).
        c = self.raw(version=V311)
        c.connect(client_id=unique("silent311"), keepalive=1)
        start = time.monotonic()
        self.assertEqual(c.wait_closed(5), [])
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, 1.2)
        self.assertLess(elapsed, 2.5)

    def test_activity_keeps_connections_open(self):
        # For 3 s (twice 1.5 x keep-alive): one client sends PINGREQ every 0.5 s and gets
        # PINGRESP each time [MQTT-3.12.4-1]; another sends QoS 0 PUBLISHes (any packet counts);
        # a third has keep-alive 0 (no timeout) and stays silent.
        pinger = self.raw(version=V5)
        pinger.connect(client_id=unique("pinger"), keepalive=1)
        publisher = self.raw(version=V311)
        publisher.connect(client_id=unique("publisher"), keepalive=1)
        idle = self.raw(version=V5)
        idle.connect(client_id=unique("idle"), keepalive=0)
        topic = unique("ka")
        start = time.monotonic()
        rounds = 0
        while time.monotonic() - start < 3.0:
            t0 = time.monotonic()
            pinger.send(pingreq())
            self.assertEqual(pinger.recv(1.0).type, PINGRESP)
            publisher.send(publish_packet(V311, topic, b"alive", qos=0))
            rounds += 1
            time.sleep(max(0.0, 0.5 - (time.monotonic() - t0)))
        self.assertGreaterEqual(rounds, 5)
        self.assertEqual(pinger.ping(), [])
        self.assertEqual(publisher.ping(), [])
        self.assertEqual(idle.ping(), [])

    def test_keep_alive_timeout_of_client_that_does_not_read(self):
        # A client that stopped sending AND reading (a dead peer whose socket buffer is full) is
        # still closed at 1.5 x keep-alive and its will is published: the server must not wait
        # forever to write to it (the last DISCONNECT included).
        will_topic = unique("stuck-will")
        watcher = self.paho(version=V5)
        watcher.connect()
        watcher.subscribe(will_topic, 1)
        stuck = self.raw(version=V5, rcvbuf=4096)
        stuck.connect(client_id=unique("stuck"), keepalive=2, will={"topic": will_topic, "payload": b"gone"})
        flood = unique("flood")
        stuck.subscribe((flood + "/#", 0))
        start = time.monotonic()
        pub = self.raw(version=V5)
        pub.connect(client_id=unique("flooder"))
        pub.send(b"".join(publish_packet(V5, flood + "/x", b"z" * 1000) for _ in range(3000)))  # 3 MB, QoS 0
        pub.ping(10)
        [m] = watcher.wait_messages(1, topic=will_topic, timeout=8)
        self.assertLess(time.monotonic() - start, 5.0)
        self.assertEqual(m.payload, b"gone")

    def test_pingresp_v311(self):
        c = self.raw(version=V311)
        c.connect(client_id=unique("ping311"), keepalive=5)
        for _ in range(3):
            c.send(pingreq())
            p = c.expect(PINGRESP, timeout=2)
            self.assertEqual(p.body, b"")


if __name__ == "__main__":
    unittest.main(verbosity=2)
