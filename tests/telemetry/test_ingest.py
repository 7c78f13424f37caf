"""Telemetry from devices to the store (issue 13, requirements 1 and 2): the payload shapes,
the limits and what a device gets for breaking them, the device clock, heartbeats and state
kept as telemetry, durability across kill -9 and backpressure when the writer cannot keep up.
"""

import json
import os
import sqlite3
import threading
import time
import unittest

from broker_fixture import PUBACK, V5, V311, publish_packet, wait_until
from telemetry_fixture import TelemetryTestCase, now_ms

PAYLOAD_FORMAT_INVALID, QUOTA_EXCEEDED, NOT_AUTHORIZED = 0x99, 0x97, 0x87


class TelemetryIngest(TelemetryTestCase):

    def test_an_object_and_a_batch_are_stored_and_the_latest_values_kept(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        self.assertEqual(self.publish(c, dev, {"temperature": 21.5, "door_open": True, "mode": "eco"}, 1).reason, 0)
        t = now_ms() - 60_000
        batch = [{"ts": t + i * 1000, "values": {"temperature": 20 + i, "rssi": -60 - i}} for i in range(5)]
        self.assertEqual(self.publish(c, dev, batch, 2).reason, 0)
        # Acknowledged means stored: readable at once, no waiting.
        latest = self.latest(dev.device_id)
        self.assertEqual(latest["temperature"]["value"], 21.5)
        self.assertEqual(latest["door_open"]["value"], True)
        self.assertEqual(latest["mode"]["value"], "eco")
        self.assertEqual(latest["rssi"]["value"], -64)
        self.assertEqual(latest["rssi"]["ts"], t + 4000)
        self.assertGreaterEqual(latest["rssi"]["received_at"], latest["rssi"]["ts"])
        raw = self.points(dev.device_id, "temperature", interval="raw", **{"from": t - 1})
        self.assertEqual([p[1] for p in raw], [20, 21, 22, 23, 24, 21.5])
        self.assertEqual([p[0] for p in raw[:5]], [t + i * 1000 for i in range(5)])
        # The device list carries the latest values too.
        status, page = self.api.call("GET", "/api/v1/devices?q=" + dev.serial)
        self.assertEqual(status, 200, page)
        self.assertEqual(page["items"][0]["telemetry"]["temperature"], 21.5)

    def test_a_resent_message_with_its_own_time_is_not_stored_twice(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        reading = {"ts": now_ms() - 5000, "values": {"count": 7}}
        self.publish(c, dev, reading, 1)
        self.publish(c, dev, reading, 2)  # the same message after a lost PUBACK
        self.assertEqual(len(self.points(dev.device_id, "count", interval="raw")), 1)
        status, body = self.telemetry(dev.device_id, keys="count", interval="1m", agg="count")
        self.assertEqual(sum(p[1] for p in body["series"][0]["points"]), 1)

    def test_bad_payloads_get_a_reason_code_and_a_reason_string_and_store_nothing(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        many_keys = "{" + ",".join('"k%d": 1' % i for i in range(10000)) + "}"
        cases = [
            ("not json", PAYLOAD_FORMAT_INVALID, "not JSON"),
            ("[" * 1000 + "]" * 1000, PAYLOAD_FORMAT_INVALID, "nested"),
            (many_keys, QUOTA_EXCEEDED, "10000 values"),
            (json.dumps({"note": "x" * 1_000_000}), QUOTA_EXCEEDED, "1000000 bytes"),
            ('{"t": NaN}', PAYLOAD_FORMAT_INVALID, "not JSON"),
            ('{"t": Infinity}', PAYLOAD_FORMAT_INVALID, "not JSON"),
            ('{"t": 1e999}', PAYLOAD_FORMAT_INVALID, ""),
            (json.dumps({"ts": 32503680000000, "values": {"t": 1}}), PAYLOAD_FORMAT_INVALID, "ahead"),  # year 3000
            (json.dumps({"t": {"nested": 1}}), PAYLOAD_FORMAT_INVALID, "not a number"),
            (json.dumps([{"ts": now_ms(), "values": {"t": 1}}, {"ts": now_ms(), "values": {"t": [1]}}]),
             PAYLOAD_FORMAT_INVALID, "not a number"),
        ]
        for i, (payload, reason, says) in enumerate(cases, start=1):
            ack = self.publish(c, dev, payload, i)
            self.assertEqual(ack.reason, reason, payload[:60])
            self.assertIn(says, ack.props.get("reason_string", ""), payload[:60])
        self.assertEqual(self.latest(dev.device_id), {})
        # The connection is fine afterwards: a good message is stored.
        self.assertEqual(self.publish(c, dev, {"t": 1}, 99).reason, 0)
        self.assertEqual(list(self.latest(dev.device_id)), ["t"])
        self.assert_server_healthy()

    def test_a_v311_device_gets_a_plain_puback_for_a_refused_message(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev, version=V311)
        ack = self.publish(c, dev, "not json", 1, version=V311)
        self.assertEqual(ack.reason, 0)  # 3.1.1 has no reason codes: the message is dropped
        self.assertEqual(self.latest(dev.device_id), {})
        self.assertEqual(self.publish(c, dev, {"t": 2}, 2, version=V311).reason, 0)
        self.assertEqual(self.latest(dev.device_id)["t"]["value"], 2)

    def test_a_device_cannot_publish_another_devices_telemetry(self):
        a, b = self.onboarded_device(), self.onboarded_device()
        c = self.raw_device(a)
        ack = self.publish(c, a, {"t": 1}, 1, topic="devices/%s/telemetry" % b.device_id)
        self.assertEqual(ack.reason, NOT_AUTHORIZED)
        self.assertEqual(self.latest(b.device_id), {})

    def test_heartbeats_and_state_are_kept_as_telemetry(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        self.publish(c, dev, {"firmware_version": "1.4.2", "model": "Thermo", "uptime_s": 3600, "health": "ok"}, 1,
                     topic="devices/%s/state" % dev.device_id)
        self.publish(c, dev, {"uptime_s": 3660}, 2, topic="devices/%s/heartbeat" % dev.device_id)
        wait_until(lambda: self.latest(dev.device_id).get("uptime_s", {}).get("value") == 3660, 10,
                   "the heartbeat's uptime")
        latest = self.latest(dev.device_id)
        self.assertEqual(latest["firmware_version"]["value"], "1.4.2")
        self.assertEqual(latest["health"]["value"], "ok")

    def test_a_clock_a_little_ahead_is_kept_beside_the_receive_time(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        ahead = now_ms() + 60_000
        self.assertEqual(self.publish(c, dev, {"ts": ahead, "values": {"t": 3}}, 1).reason, 0)
        v = self.latest(dev.device_id)["t"]
        self.assertEqual(v["ts"], ahead)
        self.assertLess(v["received_at"], ahead)


class TelemetryDurability(TelemetryTestCase):

    def test_every_acknowledged_row_is_there_after_kill_minus_nine(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        start = now_ms() - 600_000
        sent = 0
        # A stream of QoS 1 batches; the server is killed right after the last PUBACK.
        for i in range(1, 201):
            batch = [{"ts": start + (sent + j), "values": {"seq": sent + j}} for j in range(10)]
            c.send(publish_packet(V5, "devices/%s/telemetry" % dev.device_id, json.dumps(batch), qos=1,
                                  packet_id=i))
            sent += 10
        acked = set()
        while len(acked) < 200:
            p = c.expect(PUBACK, timeout=15)
            self.assertEqual(p.reason, 0)
            acked.add(p.packet_id)
        self.server.kill()
        self.server.port = None
        self.server.ports = {}
        self.server.start()
        type(self).port = self.server.port
        type(self)._prepare()
        points = self.points(dev.device_id, "seq", interval="raw", limit=5000, **{"from": start - 1})
        self.assertEqual([p[1] for p in points], list(range(sent)))


class TelemetryBackpressure(TelemetryTestCase):
    # A small queue, so that a writer that cannot commit fills it quickly.
    server_env = dict(TelemetryTestCase.server_env, MOTHERSHIP_TELEMETRY_QUEUE_MESSAGES="20")

    def test_a_full_queue_holds_qos1_publishers_back_and_loses_nothing(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        self.publish(c, dev, {"seq": -1}, 1)  # the database file exists, the series too
        # Another process holds the telemetry database's write lock: the writer cannot commit.
        db = sqlite3.connect(os.path.join(self.server.data_dir, "telemetry.db"), timeout=1, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        start = now_ms() - 60_000
        for i in range(100):
            c.send(publish_packet(V5, "devices/%s/telemetry" % dev.device_id,
                                  json.dumps({"ts": start + i, "values": {"seq": i}}), qos=1, packet_id=100 + i))
        wait_until(lambda: self.metric("mothership_telemetry_queue_full") == 1, 10, "the queue to fill")
        # QoS 0 while full: dropped and counted, and the publisher is not held back.
        other = self.onboarded_device()
        q0 = self.raw_device(other)
        for i in range(50):
            q0.send(publish_packet(V5, "devices/%s/telemetry" % other.device_id, json.dumps({"q0": i}), qos=0))
        wait_until(lambda: self.metric("mothership_telemetry_dropped_queue_full_total") == 50, 10, "50 drops")
        time.sleep(1)
        got = []
        try:
            while True:
                got.append(c.recv(timeout=0.5))
        except Exception:
            pass
        self.assertEqual([p for p in got if p is not None and p.type == PUBACK], [],
                         "nothing may be acknowledged before it is durable")
        db.execute("ROLLBACK")
        db.close()
        acked = set()
        while len(acked) < 100:
            p = c.expect(PUBACK, timeout=30)
            self.assertEqual(p.reason, 0)
            acked.add(p.packet_id)
        points = self.points(dev.device_id, "seq", interval="raw", limit=1000, **{"from": start - 1})
        self.assertEqual([p[1] for p in points if p[1] >= 0], list(range(100)))
        wait_until(lambda: self.metric("mothership_telemetry_queue_full") == 0, 10, "the queue to drain")


if __name__ == "__main__":
    unittest.main()
