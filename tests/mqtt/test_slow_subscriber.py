"""A subscriber that never reads its socket must not hold up other subscribers nor make the
server's memory grow without bound (backpressure / bounded per-session buffers)."""

import os
import sys
import threading
import time
import unittest

from broker_fixture import (V5, BrokerTestCase, DISCONNECT, PUBACK, PUBLISH, ConnectionClosed, publish_packet,
                            unique)

MESSAGES = 20000          # half QoS 0, half QoS 1
PAYLOAD = 1000            # bytes: 20 MB in all, several times the per-session output bound (4 MB)
PUBLISH_WINDOW = 500      # QoS 1 PUBLISHes the publisher leaves unacknowledged at most
RSS_GROWTH_LIMIT_MB = 300
PUBLISH_DEADLINE_S = 30   # ~8 s of work on the debug build, plus one slow-subscriber timeout (5 s)


class Counter(threading.Thread):
    """Reads a raw client's socket, acknowledges QoS 1 / 2 PUBLISHes and counts them by QoS."""

    def __init__(self, client, ack=True):
        super().__init__(daemon=True)
        self.client = client
        self.ack = ack
        self.by_qos = [0, 0, 0]
        self.qos1_payloads = set()
        self.pubacks = 0
        self.error = None
        self.cond = threading.Condition()
        self.stopped = False

    def run(self):
        try:
            while not self.stopped:
                try:
                    p = self.client.recv(0.5)
                except TimeoutError:
                    continue
                with self.cond:
                    if p.type == PUBLISH:
                        self.by_qos[p.qos] += 1
                        if p.qos == 1:
                            self.qos1_payloads.add(bytes(p.payload[:8]))
                        if self.ack:
                            self.client.ack(p)
                    elif p.type == PUBACK:
                        self.pubacks += 1
                    self.cond.notify_all()
        except ConnectionClosed as e:
            self.error = e
        except Exception as e:  # reported by the test
            self.error = e
        with self.cond:
            self.cond.notify_all()

    def wait(self, predicate, timeout, what):
        with self.cond:
            if not self.cond.wait_for(lambda: predicate() or self.error is not None, timeout):
                raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
            if self.error is not None and not predicate():
                raise AssertionError("%s: connection failed: %r" % (what, self.error))


class RssSampler(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak_kb = server.rss_kb()
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.wait(0.05):
            try:
                self.peak_kb = max(self.peak_kb, self.server.rss_kb())
            except (OSError, RuntimeError):
                return


class SlowSubscriber(BrokerTestCase):
    # AddressSanitizer keeps freed memory in a quarantine (256 MB by default), which would be
    # counted as growth here: a small one makes RSS track what the server really holds.
    server_env = {"ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=16"]))}

    def test_subscriber_that_never_reads(self):
        base = unique("load")
        # The slow one: subscribes to everything at QoS 1, with a small receive buffer, and
        # never reads again.
        slow = self.raw(version=V5, rcvbuf=4096)
        slow.connect(client_id=unique("slow"))
        self.assertEqual(slow.subscribe(("#", 1)).reasons, [1])

        normal = self.raw(version=V5)
        normal.connect(client_id=unique("normal"))
        self.assertEqual(normal.subscribe((base + "/#", 1)).reasons, [1])
        reader = Counter(normal)
        reader.start()

        publisher = self.raw(version=V5)
        publisher.connect(client_id=unique("publisher"))
        acks = Counter(publisher, ack=False)
        acks.start()

        rss_before_kb = self.server.rss_kb()
        sampler = RssSampler(self.server)
        sampler.start()
        start = time.monotonic()
        payload_tail = b"p" * (PAYLOAD - 8)
        sent, sent_qos1 = 0, 0
        stalled = None
        try:
            batch = []
            for i in range(MESSAGES):
                qos = i % 2
                pid = None
                if qos:
                    sent_qos1 += 1
                    pid = (sent_qos1 - 1) % 65535 + 1
                batch.append(publish_packet(V5, "%s/%d" % (base, i % 10), b"%08d" % i + payload_tail, qos=qos,
                                            packet_id=pid))
                if len(batch) == 100 or i == MESSAGES - 1:
                    publisher.send(b"".join(batch))
                    sent += len(batch)
                    batch = []
                    # The publisher may be held back while a subscriber is congested (for at most
                    # the server's slow-subscriber timeout, 5 s, after which that subscriber is
                    # disconnected), but must get through all messages well within the deadline.
                    window = 0 if i == MESSAGES - 1 else PUBLISH_WINDOW
                    left = PUBLISH_DEADLINE_S - (time.monotonic() - start)
                    try:
                        acks.wait(lambda: sent_qos1 - acks.pubacks <= window, max(left, 0.1), "PUBACKs")
                    except AssertionError:
                        stalled = ("the publisher stalled: %d of %d messages sent, %d of %d QoS 1 acknowledged "
                                   "after %.0f s" % (sent, MESSAGES, acks.pubacks, sent_qos1,
                                                     time.monotonic() - start))
                        break
            publish_s = time.monotonic() - start
            # Every QoS 1 message, and the QoS 0 ones unless dropped: wait until all arrived or
            # nothing came for 3 s.
            last, last_change = -1, time.monotonic()
            while time.monotonic() - last_change < 3 and time.monotonic() - start < PUBLISH_DEADLINE_S + 10:
                with reader.cond:
                    now_count = reader.by_qos[0] + reader.by_qos[1]
                    if reader.by_qos[1] >= sent_qos1 and reader.by_qos[0] >= sent - sent_qos1:
                        break
                    reader.cond.wait(0.2)
                if now_count != last:
                    last, last_change = now_count, time.monotonic()
            total_s = time.monotonic() - start
        finally:
            sampler.stop_event.set()
            sampler.join()
            reader.stopped = acks.stopped = True

        growth_mb = (sampler.peak_kb - rss_before_kb) / 1024
        metrics = self.server.mqtt_metrics()
        counters = {k.replace("mothership_mqtt_", ""): v for k, v in metrics.items()
                    if "dropped" in k or "slow" in k or k == "mothership_mqtt_connections"}
        sys.stderr.write(
            "\n[slow subscriber] published %d of %d (%d QoS 1, %d acknowledged) in %.1f s; normal subscriber got "
            "QoS 0: %d, QoS 1: %d (distinct %d) after %.1f s; server RSS %.0f MB before, peak %.0f MB (+%.0f MB); %r\n"
            % (sent, MESSAGES, sent_qos1, acks.pubacks, publish_s, reader.by_qos[0], reader.by_qos[1],
               len(reader.qos1_payloads), total_s, rss_before_kb / 1024, sampler.peak_kb / 1024, growth_mb, counters))

        self.assertIsNone(stalled, "%s; broker counters %r" % (stalled, counters))
        self.assertEqual(len(reader.qos1_payloads), sent_qos1, "every QoS 1 message reached the normal subscriber")
        self.assertLess(growth_mb, RSS_GROWTH_LIMIT_MB, "server memory grew by %.0f MB" % growth_mb)

        # Once it reads, the slow subscriber finds a valid stream (every packet parses); having
        # held its publishers past the timeout, it was disconnected (MQTT 5: DISCONNECT 0x97
        # Quota exceeded, when that still fits in the socket).
        got = {0: 0, 1: 0}
        disconnects = []
        closed = False
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline:
                p = slow.recv(1.0)
                if p.type == PUBLISH:
                    got[p.qos] += 1
                elif p.type == DISCONNECT:
                    disconnects.append(p.reason)
        except TimeoutError:
            pass
        except ConnectionClosed:
            closed = True
        sys.stderr.write("[slow subscriber] once it read, the slow subscriber got QoS 0: %d, QoS 1: %d, "
                         "DISCONNECT %r, closed: %s\n" % (got[0], got[1], disconnects, closed))
        self.assertTrue(set(disconnects) <= {0x97}, disconnects)
        self.assertTrue(closed, "the subscriber that never read is still connected")

if __name__ == "__main__":
    unittest.main(verbosity=2)
