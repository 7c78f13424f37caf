"""Reports (issue 13, requirement 5): asked for by POST /api/v1/reports or the seed's GET
/api/v1/generate-report, generated in the background into the blob store, downloaded by a
signed link that expires and only works for its report; roles, audit, bad requests; a
million telemetry rows in CSV and NDJSON with the server's memory bounded, checked row by row.
"""

import csv
import gzip
import io
import json
import os
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from broker_fixture import HOST, PUBLISH, V5, mothership_binary, publish_packet, wait_until, PUBACK
from telemetry_fixture import TelemetryTestCase, now_ms


class ReportsTestCase(TelemetryTestCase):

    def wait_ready(self, api, report_id, timeout=60):
        wait_until(lambda: api.call("GET", "/api/v1/reports/" + report_id)[1]["status"] in ("ready", "failed"),
                   timeout, "report %s" % report_id)
        status, body = api.call("GET", "/api/v1/reports/" + report_id)
        self.assertEqual(body["status"], "ready", body)
        return body

    def fetch(self, url):
        """GET a signed link (no session): (status, bytes)."""
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()


class Reports(ReportsTestCase):
    server_env = dict(TelemetryTestCase.server_env, MOTHERSHIP_REPORTS_LINK_TTL_S="2")

    def test_a_viewer_asks_for_a_csv_report_and_downloads_it(self):
        dev = self.onboarded_device()
        viewer = self.user("viewer")
        status, report = viewer.call("POST", "/api/v1/reports", {"kind": "devices", "format": "csv",
                                                                 "filters": {"q": dev.serial}})
        self.assertEqual(status, 202, report)
        self.assertIn(report["status"], ("queued", "running", "ready"))
        ready = self.wait_ready(viewer, report["id"])
        self.assertEqual(ready["rows_written"], 1)
        status, data = self.fetch(ready["download_url"])
        self.assertEqual(status, 200, data)
        self.assertTrue(data.endswith(b"\r\n"))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        self.assertEqual(rows[0][:3], ["id", "serial", "model"])
        self.assertEqual(rows[1][1], dev.serial)
        self.assertEqual(rows[1][2], "Thermo")
        # The request and the download are in the audit log.
        status, audit = self.api.call("GET", "/api/v1/audit?target_id=" + report["id"])
        actions = [e["action"] for e in audit["items"]]
        self.assertIn("report.requested", actions)
        self.assertIn("report.downloaded", actions)
        self.assertIn("report.generated", actions)

    def test_an_audit_export_checks_offline_and_against_the_chain_and_an_edit_is_found(self):
        dev = self.onboarded_device()
        self.api.call("PATCH", "/api/v1/devices/" + dev.device_id, {"labels": {"site": "roof"}})
        workdir = self.server.workdir

        def export(**extra):
            status, report = self.api.call("POST", "/api/v1/reports", dict(
                kind="audit", format="ndjson", filters={"target_type": "device", "target_id": dev.device_id},
                **extra))
            self.assertEqual(status, 202, report)
            _, data = self.fetch(self.wait_ready(self.api, report["id"])["download_url"])
            path = os.path.join(workdir, report["id"] + (".ndjson.gz" if extra.get("gzip") else ".ndjson"))
            with open(path, "wb") as f:
                f.write(data)
            return path

        def verify(*args):
            res = subprocess.run([mothership_binary(), "audit", "verify"] + list(args), capture_output=True,
                                 text=True, timeout=60)
            return res.returncode, res.stdout + res.stderr

        plain, packed = export(), export(gzip=True)
        for path in (plain, packed):
            code, out = verify("--export", path)
            self.assertEqual(code, 0, out)
            self.assertIn("export intact", out)
            code, out = verify("--export", path, "--data-dir", self.server.data_dir)
            self.assertEqual(code, 0, out)
            self.assertIn("every entry is in the audit log", out)
        # One action edited in the file: found, named, exit 1.
        with open(plain) as f:
            lines = f.read().splitlines()
        entry = json.loads(lines[1])
        entry["action"] = "device.nothing_happened"
        lines[1] = json.dumps(entry)
        with open(plain, "w") as f:
            f.write("\n".join(lines) + "\n")
        code, out = verify("--export", plain)
        self.assertEqual(code, 1, out)
        self.assertIn("entry %d was modified" % entry["id"], out)
        # A CSV export is not what it checks: a clear message.
        status, report = self.api.call("POST", "/api/v1/reports", {"kind": "audit", "format": "csv"})
        _, data = self.fetch(self.wait_ready(self.api, report["id"])["download_url"])
        csv_path = os.path.join(workdir, "audit.csv")
        with open(csv_path, "wb") as f:
            f.write(data)
        code, out = verify("--export", csv_path)
        self.assertEqual(code, 1, out)
        self.assertIn("NDJSON", out)
        self.assertEqual(verify("--export", os.path.join(workdir, "missing.ndjson"))[0], 2)

    def test_formula_injection_is_neutralised(self):
        dev = self.onboarded_device(model="=1+2")
        status, report = self.api.call("POST", "/api/v1/reports", {"kind": "devices", "filters": {"q": dev.serial}})
        ready = self.wait_ready(self.api, report["id"])
        _, data = self.fetch(ready["download_url"])
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        self.assertEqual(rows[1][2], "'=1+2")

    def test_the_seeds_generate_report_with_filters_and_gzip(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        t = now_ms() - 10_000
        self.publish(c, dev, [{"ts": t + i, "values": {"a": i, "b": "x%d" % i}} for i in range(10)], 1)
        status, report = self.api.call(
            "GET", "/api/v1/generate-report?kind=telemetry&format=ndjson&gzip=true&device_id=%s&keys=a&from=%d"
            % (dev.device_id, t - 1))
        self.assertEqual(status, 202, report)
        ready = self.wait_ready(self.api, report["id"])
        _, data = self.fetch(ready["download_url"])
        lines = gzip.decompress(data).decode().splitlines()
        self.assertEqual([json.loads(l)["value"] for l in lines], list(range(10)))
        self.assertEqual({json.loads(l)["key"] for l in lines}, {"a"})

    def test_links_expire_and_only_work_for_their_report(self):
        status, one = self.api.call("POST", "/api/v1/reports", {"kind": "jobs", "format": "json"})
        status, two = self.api.call("POST", "/api/v1/reports", {"kind": "jobs", "format": "json"})
        a, b = self.wait_ready(self.api, one["id"]), self.wait_ready(self.api, two["id"])
        self.assertEqual(json.loads(self.fetch(a["download_url"])[1]), [])
        # A tampered link (its token changed) and a token mixed from two links are refused.
        url = a["download_url"]
        token = url.split("/dl/")[1].split("?")[0]
        other = b["download_url"].split("/dl/")[1].split("?")[0]
        tampered = url.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
        self.assertEqual(self.fetch(tampered)[0], 403)
        mixed = url.replace(token, token.split(".")[0] + "." + other.split(".")[1])
        self.assertEqual(self.fetch(mixed)[0], 403)
        time.sleep(3.2)  # the links last 2 s here
        status, body = self.fetch(url)
        self.assertEqual(status, 403, body)
        self.assertIn(b"expired", body)
        # A fresh GET gives a fresh link.
        _, again = self.api.call("GET", "/api/v1/reports/" + one["id"])
        self.assertEqual(self.fetch(again["download_url"])[0], 200)

    def test_roles_and_ownership(self):
        technician = self.user("technician")
        status, body = technician.call("POST", "/api/v1/reports", {"kind": "devices"})
        self.assertEqual(status, 403, body)
        status, body = technician.call("GET", "/api/v1/generate-report?kind=devices")
        self.assertEqual(status, 403, body)
        viewer = self.user("viewer")
        _, mine = self.api.call("POST", "/api/v1/reports", {"kind": "devices"})
        status, body = viewer.call("GET", "/api/v1/reports/" + mine["id"])
        self.assertEqual(status, 404, body)  # another user's report
        status, listed = viewer.call("GET", "/api/v1/reports")
        self.assertNotIn(mine["id"], [r["id"] for r in listed["items"]])

    def test_bad_requests_say_what_is_wrong(self):
        cases = [
            ({"kind": "everything"}, "kind"),
            ({"kind": "devices", "format": "xlsx"}, "format"),
            ({"kind": "devices", "filters": {"colour": "red"}}, "unknown filter"),
            ({"kind": "devices", "filters": {"status": "'; DROP TABLE devices; --"}}, "online or offline"),
            ({"kind": "telemetry", "filters": {"from": 0, "to": 100 * 365 * 86_400_000}}, "at most"),
            ({"kind": "telemetry", "filters": {"from": "last week"}}, "RFC 3339"),
            ({"kind": "devices", "gzip": "yes"}, "gzip"),
        ]
        for body, says in cases:
            with self.subTest(body=body):
                status, problem = self.api.call("POST", "/api/v1/reports", body)
                self.assertEqual(status, 422, problem)
                self.assertIn(says, json.dumps(problem))
        self.assertEqual(self.api.call("GET", "/api/v1/reports/rep_nothing")[0], 404)

    def test_a_running_report_cannot_be_downloaded_yet(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        t = now_ms() - 3_600_000
        for n in range(1, 21):  # 200,000 rows: long enough to catch it running
            batch = [{"ts": t + n * 1000 + i, "values": {"k%d" % j: i for j in range(10)}} for i in range(1000)]
            self.publish(c, dev, batch, n)
        _, report = self.api.call("POST", "/api/v1/reports", {"kind": "telemetry",
                                                              "filters": {"device_id": dev.device_id, "from": t}})
        status, body = self.api.call("GET", "/api/v1/reports/%s/download" % report["id"])
        if status != 303:  # unless it finished already
            self.assertEqual(status, 409, body)
            self.assertEqual(body["type"].rsplit("/", 1)[1], "report-not-ready")
        ready = self.wait_ready(self.api, report["id"])
        self.assertEqual(ready["rows_written"], 200_000)


def anonymous_rss_kb(pid):
    """Heap and stacks, not the pages of files the server maps (SQLite reads through mmap)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


class MillionRowReport(ReportsTestCase):
    # AddressSanitizer keeps freed memory in a quarantine (256 MB by default) that would count
    # as growth: a small one makes RSS track what the server holds.
    server_env = dict(ReportsTestCase.server_env,
                      ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=16"])))

    def test_a_million_telemetry_rows_in_csv_and_ndjson_with_bounded_memory(self):
        dev = self.onboarded_device()
        c = self.raw_device(dev)
        t = now_ms() - 20 * 3_600_000
        keys = ["k%d" % j for j in range(10)]
        for n in range(1, 101):  # 100 messages x 1000 readings x 10 keys
            batch = [{"ts": t + (n * 1000 + i) * 10, "values": {k: n * 1000 + i for k in keys}} for i in range(1000)]
            c.send(publish_packet(V5, "devices/%s/telemetry" % dev.device_id, json.dumps(batch), qos=1,
                                  packet_id=n))
            if n % 20 == 0:
                for _ in range(20):
                    self.assertEqual(c.expect(PUBACK, timeout=60).reason, 0)
        baseline = anonymous_rss_kb(self.server.pid)
        peak = baseline
        for fmt in ("csv", "ndjson"):
            _, report = self.api.call("POST", "/api/v1/reports", {
                "kind": "telemetry", "format": fmt, "filters": {"device_id": dev.device_id, "from": t}})
            deadline = time.time() + 300
            while time.time() < deadline:
                peak = max(peak, anonymous_rss_kb(self.server.pid))
                _, body = self.api.call("GET", "/api/v1/reports/" + report["id"])
                if body["status"] in ("ready", "failed"):
                    break
                time.sleep(0.2)
            self.assertEqual(body["status"], "ready", body)
            self.assertEqual(body["rows_written"], 1_000_000)
            status, data = self.fetch(body["download_url"])
            self.assertEqual(status, 200)
            lines = data.decode().splitlines()
            if fmt == "csv":
                self.assertEqual(lines[0], "device_id,key,time,ts_ms,received_at,value")
                rows = lines[1:]
                parse = lambda line: line.split(",")
                get = lambda f: (f[1], int(f[3]), int(f[5]))
            else:
                rows = lines
                parse = json.loads
                get = lambda o: (o["key"], o["ts_ms"], o["value"])
            self.assertEqual(len(rows), 1_000_000)
            # Row by row: ordered by key, then time; each value is what the device sent then.
            i = 0
            for k in sorted(keys):
                for n in range(1, 101):
                    for r in range(1000):
                        key, ts, value = get(parse(rows[i]))
                        expected_seq = n * 1000 + r
                        if (key, ts, value) != (k, t + expected_seq * 10, expected_seq):
                            self.fail("row %d: %r, expected %r" % (i, (key, ts, value),
                                                                   (k, t + expected_seq * 10, expected_seq)))
                        i += 1
            del lines, rows, data
        # The reports streamed: the server grew by far less than the 50-110 MB each file holds.
        self.assertLess(peak - baseline, 60 * 1024, "RSS %d -> %d kB" % (baseline, peak))


if __name__ == "__main__":
    unittest.main()
