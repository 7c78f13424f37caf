"""Telemetry queries (issue 13, requirement 3): series bucketed from raw samples or rollups by
the interval, the latest values, the fleet's figures, and the cost limit; bad queries get a
422 that says why."""

import json
import unittest
import urllib.parse

from broker_fixture import wait_until
from telemetry_fixture import TelemetryTestCase, now_ms

MINUTE = 60_000


class TelemetryQueries(TelemetryTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def device_with_history(self):
        """A device with two hours of one reading every 10 s (temperature = minute of the hour)."""
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        start = (now_ms() // (60 * MINUTE) - 2) * 60 * MINUTE  # on the hour, two hours ago
        readings = [{"ts": start + i * 10_000, "values": {"temperature": (i // 6) % 60, "door": i % 2 == 0}}
                    for i in range(720)]
        for n, first in enumerate(range(0, len(readings), 500), start=1):
            self.assertEqual(self.publish(c, dev, readings[first:first + 500], n).reason, 0)
        return dev, start

    def test_buckets_come_from_raw_samples_or_rollups_and_agree(self):
        dev, start = self.device_with_history()
        window = {"from": start, "to": start + 120 * MINUTE}
        _, raw = self.telemetry(dev.device_id, keys="temperature", interval="30s", agg="max", **window)
        _, minutes = self.telemetry(dev.device_id, keys="temperature", interval="5m", agg="max", **window)
        _, hours = self.telemetry(dev.device_id, keys="temperature", interval="1h", agg="avg", **window)
        self.assertEqual((raw["source"], minutes["source"], hours["source"]), ("raw", "1m", "1h"))
        self.assertEqual(len(raw["series"][0]["points"]), 240)
        five = minutes["series"][0]["points"]
        self.assertEqual(len(five), 24)
        self.assertEqual(five[0], [start, 4])  # minutes 0..4: the max is 4
        self.assertEqual(hours["series"][0]["points"][0], [start, 29.5])
        # The bucket maximum from raw samples and from rollups is the same.
        raw_points = raw["series"][0]["points"]
        for ts, value in five:
            inside = [v for t, v in raw_points if ts <= t < ts + 5 * MINUTE]
            self.assertEqual(max(inside), value)
        _, count = self.telemetry(dev.device_id, keys="door", interval="1h", agg="count", **window)
        self.assertEqual([p[1] for p in count["series"][0]["points"]], [360, 360])

    def test_without_an_interval_one_is_chosen_for_the_limit(self):
        dev, start = self.device_with_history()
        _, body = self.telemetry(dev.device_id, keys="temperature", limit=50,
                                 **{"from": start, "to": start + 120 * MINUTE})
        self.assertEqual(body["interval_ms"], 5 * MINUTE)
        self.assertLessEqual(len(body["series"][0]["points"]), 50)
        self.assertFalse(body["truncated"])

    def test_more_buckets_than_the_limit_are_cut_and_said(self):
        dev, start = self.device_with_history()
        _, body = self.telemetry(dev.device_id, keys="temperature", interval="1m", limit=10,
                                 **{"from": start, "to": start + 120 * MINUTE})
        self.assertTrue(body["truncated"])
        self.assertIn("truncated_reason", body)
        self.assertEqual(body["to"], start + 10 * MINUTE)
        self.assertEqual(len(body["series"][0]["points"]), 10)

    def test_bad_queries_are_refused_with_a_reason(self):
        dev, _ = self.device_with_history()
        now = now_ms()
        cases = [
            ({"from": now - 100 * 365 * 86_400_000}, "at most"),           # a range of 100 years
            ({"limit": 10_000_000}, "limit"),                               # 10 million points
            ({"interval": "90s"}, "whole minutes"),
            ({"interval": "soon"}, "interval"),
            ({"agg": "median"}, "agg"),
            ({"from": "yesterday"}, "from"),
            ({"from": now, "to": now - 1}, "after"),
            ({"keys": ",".join("k%d" % i for i in range(30))}, "keys"),
        ]
        for query, says in cases:
            with self.subTest(query=query):
                status, body = self.telemetry(dev.device_id, **{k: urllib.parse.quote(str(v)) for k, v in query.items()})
                self.assertEqual(status, 422, body)
                self.assertIn(says, json.dumps(body))
        status, body = self.telemetry("dev_does_not_exist")
        self.assertEqual(status, 404, body)

    def test_keys_with_sql_metacharacters_are_only_keys(self):
        dev, _ = self.device_with_history()
        for key in ["' OR '1'='1", "temperature'; DROP TABLE telemetry_samples; --", "%", "_"]:
            status, body = self.telemetry(dev.device_id, keys=urllib.parse.quote(key))
            self.assertEqual(status, 200, body)
            self.assertEqual(body["series"][0]["points"], [])
        self.assertEqual(len(self.points(dev.device_id, "temperature", interval="raw", limit=5000,
                                         **{"from": now_ms() - 3 * 3_600_000})), 720)

    def test_a_viewer_reads_telemetry(self):
        dev, start = self.device_with_history()
        viewer = self.user("viewer")
        status, body = self.telemetry(dev.device_id, api=viewer, keys="temperature")
        self.assertEqual(status, 200, body)
        status, body = viewer.call("GET", "/api/v1/telemetry/fleet")
        self.assertEqual(status, 200, body)


class FleetFigures(TelemetryTestCase):
    server_env = dict(TelemetryTestCase.server_env, MOTHERSHIP_TELEMETRY_FLEET_SAMPLE_S="1")

    def test_the_fleet_counts_and_its_series(self):
        devices = [self.onboarded_device(model="Fleetmodel") for _ in range(3)]
        clients = [self.raw_device(d) for d in devices[:2]]
        self.publish(clients[0], devices[0], {"health": "ok"}, 1, topic="devices/%s/state" % devices[0].device_id)
        self.publish(clients[1], devices[1], {"health": "degraded"}, 1,
                     topic="devices/%s/state" % devices[1].device_id)

        def figures():
            status, body = self.api.call("GET", "/api/v1/telemetry/fleet?from=%d&interval=1s" % (now_ms() - 60_000))
            self.assertEqual(status, 200, body)
            return body

        wait_until(lambda: any(p[1] >= 2 for p in figures()["online"]["points"]), 15, "devices online sampled")
        body = figures()
        model = next(m for m in body["by_model"] if m["name"] == "Fleetmodel")
        self.assertEqual((model["count"], model["online"]), (3, 2))
        health = {h["name"]: h["count"] for h in body["by_health"]}
        self.assertGreaterEqual(health.get("ok", 0), 1)
        self.assertGreaterEqual(health.get("degraded", 0), 1)
        self.assertGreaterEqual(body["devices"]["total"], 3)
        self.assertEqual(body["devices"]["total"], body["devices"]["online"] + body["devices"]["offline"])
        wait_until(lambda: figures()["messages_per_minute"]["points"], 15, "messages per minute")


if __name__ == "__main__":
    unittest.main()
