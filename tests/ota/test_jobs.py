"""Jobs end to end (issue 12, requirements 5 and 6): an admin creates a rollout over the API; real
devices (paho-mqtt over mutual TLS, following docs/device-protocol.md "Jobs") learn of it from
notify-next, start it, download the image over HTTPS with the signed link made for them, report
progress and the outcome; the job's counts follow. The refusals a device can meet (a stale
expectedVersion, an illegal transition, another device's job, a repeated clientToken) and the
job actions (dry run, pause, resume, cancel) are checked the way a device or an admin meets them.
"""

import hashlib
import http.client
import json
import os
import ssl
import unittest
import urllib.parse

from broker_fixture import wait_until
from fleet_fixture import HOST, FleetTestCase, unique

MODEL = "Jobbed"


class JobDevice:
    """A device's job client: its own subtree subscribed, requests published, answers matched."""

    def __init__(self, device, client):
        self.id = device.device_id
        self.device = device
        self.client = client
        self.base = "devices/%s/jobs" % self.id
        client.subscribe(self.base + "/#", 1)

    def notifications(self):
        return [json.loads(m.payload) for m in self.client.messages_on(self.base + "/notify-next")]

    def wait_notification(self, predicate, timeout=10):
        wait_until(lambda: any(predicate(n) for n in self.notifications()), timeout, "a notify-next")
        return [n for n in self.notifications() if predicate(n)][-1]

    def request(self, suffix, body=None, timeout=10):
        """Publishes to <base>/<suffix>; returns (accepted?, answer) for its clientToken."""
        body = dict(body or {})
        body.setdefault("clientToken", unique("t"))
        topic = "%s/%s" % (self.base, suffix)
        self.client.publish(topic, json.dumps(body), 1)

        def answer():
            for outcome in ("accepted", "rejected"):
                for m in self.client.messages_on(topic + "/" + outcome):
                    payload = json.loads(m.payload)
                    if payload.get("clientToken") == body["clientToken"]:
                        return outcome == "accepted", payload
            return None
        wait_until(lambda: answer() is not None, timeout, "an answer on " + topic)
        return answer()

    def download(self, url, https_port, ca_file, headers=None):
        parts = urllib.parse.urlsplit(url)
        tls = ssl.create_default_context(cafile=ca_file)
        tls.load_cert_chain(self.device.cert, self.device.key)
        conn = http.client.HTTPSConnection(HOST, https_port, timeout=30, context=tls)
        try:
            conn.request("GET", parts.path + "?" + parts.query, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()


class JobsTestCase(FleetTestCase):
    """A server with HTTPS and a known model; helpers for firmware, devices and jobs (no tests)."""

    server_args = FleetTestCase.server_args + ("--http-tls-listen", HOST + ":0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.image = os.urandom(700000)
        status, body = cls.api.call("POST", "/api/v1/registry/import", "SN-SEED-%s,%s,rev1,CODE-1234567\n"
                                    % (unique("s")[2:], MODEL), "text/csv")
        assert status == 200, body

    def firmware(self, version):
        query = urllib.parse.urlencode([("version", version), ("model", MODEL)])
        conn = http.client.HTTPConnection(HOST, self.server.http_port, timeout=30)
        conn.request("POST", "/api/v1/firmware?" + query, body=self.image,
                     headers={"Authorization": "Bearer " + self.api.token, "Content-Type": "application/octet-stream"})
        r = conn.getresponse()
        body = json.loads(r.read())
        conn.close()
        self.assertEqual(r.status, 201, body)
        return body

    def job_device(self):
        dev = self.onboarded_device(model=MODEL)
        return JobDevice(dev, dev.connect_with_certificate())

    def version(self):
        return "3.%d.0" % (int(unique("v")[2:], 16) % 100000)

    def job(self, job_id):
        status, body = self.api.call("GET", "/api/v1/jobs/" + job_id)
        self.assertEqual(status, 200, body)
        return body



class JobsEndToEnd(JobsTestCase):

    def test_a_rollout_reaches_devices_that_download_report_and_complete(self):
        fw = self.firmware(self.version())
        a, b = self.job_device(), self.job_device()
        request = {"firmware_id": fw["id"], "targets": {"devices": [a.id, b.id, "dev_nobody"]},
                   "rollout": {"max_retries": 0}}
        jobs_before = len(self.api.call("GET", "/api/v1/jobs?limit=200")[1]["items"])
        status, plan = self.api.call("POST", "/api/v1/jobs?dry_run=true", request)
        self.assertEqual(status, 200, plan)
        self.assertEqual(sorted(t["device_id"] for t in plan["targets"]), sorted([a.id, b.id]))
        self.assertEqual(plan["skipped"], [{"device_id": "dev_nobody", "reason": "unknown_device"}])
        self.assertEqual(len(self.api.call("GET", "/api/v1/jobs?limit=200")[1]["items"]), jobs_before)  # nothing created

        status, job = self.api.call("POST", "/api/v1/jobs", request)
        self.assertEqual(status, 201, job)
        self.assertEqual(job["counts"]["groups"]["queued"], 2)

        # notify-next arrives without asking, with the document and a link made for the device.
        note = a.wait_notification(lambda n: "execution" in n)
        execution = note["execution"]
        self.assertEqual((execution["jobId"], execution["status"]), (job["id"], "QUEUED"))
        document = execution["jobDocument"]["firmware"]
        self.assertEqual((document["version"], document["size"], document["sha256"]),
                         (fw["version"], len(self.image), hashlib.sha256(self.image).hexdigest()))
        self.assertTrue(document["url"].startswith("https://"), document["url"])

        ok, started = a.request("start-next", {"statusDetails": {"step": "download"}, "stepTimeoutInMinutes": 10})
        self.assertTrue(ok, started)
        self.assertEqual(started["execution"]["status"], "IN_PROGRESS")
        version = started["execution"]["versionNumber"]

        status, body = a.download(document["url"], self.server.https_port, self.ca_file)
        self.assertEqual((status, hashlib.sha256(body).hexdigest()), (200, document["sha256"]))
        status, body = a.download(document["url"], self.server.https_port, self.ca_file, {"Range": "bytes=1000-"})
        self.assertEqual((status, body), (206, self.image[1000:]))
        # Device b presenting its certificate on a's link: refused.
        status, body = b.download(document["url"], self.server.https_port, self.ca_file)
        self.assertEqual(status, 403, body)

        ok, progress = a.request(job["id"] + "/update", {"status": "IN_PROGRESS", "expectedVersion": version,
                                                        "statusDetails": {"step": "install", "percent": "60"}})
        self.assertTrue(ok, progress)
        self.assertEqual(progress["executionState"]["versionNumber"], version + 1)
        status, page = self.api.call("GET", "/api/v1/jobs/%s/executions?status=IN_PROGRESS" % job["id"])
        self.assertEqual([(e["device_id"], e["step"], e["percent"]) for e in page["items"]], [(a.id, "install", 60)])

        ok, done = a.request(job["id"] + "/update", {"status": "SUCCEEDED", "statusDetails": {"step": "confirmed"}})
        self.assertTrue(ok, done)
        self.assertEqual(done["executionState"]["status"], "SUCCEEDED")
        a.wait_notification(lambda n: "execution" not in n)  # nothing left for a

        ok, _ = b.request("start-next")
        self.assertTrue(ok)
        ok, failed = b.request(job["id"] + "/update", {"status": "FAILED", "statusDetails": {"reason": "health check"}})
        self.assertTrue(ok, failed)
        wait_until(lambda: self.job(job["id"])["status"] == "completed", 10, "the job to complete")
        counts = self.job(job["id"])["counts"]["groups"]
        self.assertEqual((counts["completed"], counts["failed"], counts["queued"]), (1, 1, 0))
        status, history = self.api.call("GET", "/api/v1/devices/%s/jobs" % a.id)
        self.assertEqual([(e["job_id"], e["status"], e["firmware_version"], e["job_status"])
                          for e in history["items"]], [(job["id"], "SUCCEEDED", fw["version"], "completed")])
        # The chart's history: the first sample as created, the last as ended (coalesced between).
        status, progress = self.api.call("GET", "/api/v1/jobs/%s/progress" % job["id"])
        self.assertEqual(status, 200, progress)
        first, last = progress["items"][0], progress["items"][-1]
        self.assertEqual((first["queued"], first["completed"]), (2, 0))
        self.assertEqual((last["queued"], last["completed"], last["failed"]), (0, 1, 1))
        self.assertEqual(self.api.call("GET", "/api/v1/jobs/job_nobody/progress")[0], 404)
        status, audit = self.api.call("GET", "/api/v1/audit?action=job.execution&target_id=" + job["id"])
        self.assertEqual(sorted(e["details"]["status"] for e in audit["items"]), ["FAILED", "SUCCEEDED"])

    def test_what_a_device_is_refused_and_why(self):
        fw = self.firmware(self.version())
        a, b = self.job_device(), self.job_device()
        status, job = self.api.call("POST", "/api/v1/jobs", {"firmware_id": fw["id"], "targets": {"devices": [a.id]}})
        self.assertEqual(status, 201, job)
        a.wait_notification(lambda n: "execution" in n)
        ok, started = a.request("start-next")
        version = started["execution"]["versionNumber"]

        ok, body = a.request(job["id"] + "/update", {"status": "IN_PROGRESS", "expectedVersion": version - 1})
        self.assertEqual((ok, body["code"]), (False, "VersionMismatch"))
        self.assertEqual(body["executionState"]["versionNumber"], version)
        ok, body = a.request(job["id"] + "/update", {"status": "TIMED_OUT"})
        self.assertEqual((ok, body["code"]), (False, "InvalidStateTransition"))
        ok, body = a.request(job["id"] + "/update", {"status": "DONE"})
        self.assertEqual((ok, body["code"]), (False, "InvalidRequest"))
        ok, body = a.request(job["id"] + "/update", {"status": "IN_PROGRESS", "statusDetails": {"x": "y" * 5000}})
        self.assertEqual((ok, body["code"]), (False, "InvalidRequest"))
        ok, body = b.request(job["id"] + "/update", {"status": "SUCCEEDED"})  # not b's job
        self.assertEqual((ok, body["code"]), (False, "ResourceNotFound"))
        ok, body = b.request(job["id"] + "/get")
        self.assertEqual((ok, body["code"]), (False, "ResourceNotFound"))

        # b cannot even publish into a's subtree: the broker refuses it (not delivered to a's jobs).
        b.client.publish("devices/%s/jobs/%s/update" % (a.id, job["id"]), json.dumps({"status": "FAILED"}), 1)

        repeat = {"status": "SUCCEEDED", "clientToken": "once-" + unique("t")}
        ok, first = a.request(job["id"] + "/update", repeat)
        ok2, second = a.request(job["id"] + "/update", repeat)
        self.assertTrue(ok and ok2, (first, second))
        self.assertEqual(first["executionState"]["versionNumber"], second["executionState"]["versionNumber"])
        ok, body = a.request(job["id"] + "/update", {"status": "IN_PROGRESS"})
        self.assertEqual((ok, body["code"]), (False, "TerminalStateReached"))
        ok, body = a.request(job["id"] + "/get")
        self.assertEqual((ok, body["execution"]["status"]), (True, "SUCCEEDED"))
        status, audit = self.api.call("GET", "/api/v1/audit?action=job.execution&target_id=" + job["id"])
        self.assertEqual([e["details"]["status"] for e in audit["items"]], ["SUCCEEDED"])  # b's FAILED never landed

        ok, body = a.request("nonsense/verb")
        self.assertEqual((ok, body["code"]), (False, "InvalidTopic"))

    def test_a_10_mb_status_report_is_refused_by_the_broker_and_changes_nothing(self):
        fw = self.firmware(self.version())
        a = self.job_device()
        status, job = self.api.call("POST", "/api/v1/jobs", {"firmware_id": fw["id"], "targets": {"devices": [a.id]}})
        self.assertEqual(status, 201, job)
        a.wait_notification(lambda n: "execution" in n)
        ok, started = a.request("start-next", {"statusDetails": {"step": "download", "percent": "5"}})
        self.assertTrue(ok, started)
        before = self.api.call("GET", "/api/v1/jobs/%s/executions" % job["id"])[1]["items"]
        huge = json.dumps({"status": "IN_PROGRESS", "statusDetails": {"step": "x" * (10 << 20)}})
        a.client.client.publish("%s/%s/update" % (a.base, job["id"]), huge, 1)
        # MQTT 5: the broker's maximum packet size (1 MiB) ends the connection with 0x95.
        wait_until(lambda: a.client.disconnects, 20, "the broker to disconnect the device")
        self.assertEqual(a.client.disconnects[0], 0x95)
        after = self.api.call("GET", "/api/v1/jobs/%s/executions" % job["id"])[1]["items"]
        self.assertEqual([(e["status"], e["version_number"], e["step"], e["percent"]) for e in after],
                         [(e["status"], e["version_number"], e["step"], e["percent"]) for e in before])
        self.assertEqual((after[0]["status"], after[0]["percent"]), ("IN_PROGRESS", 5))

    def test_a_reconnecting_device_learns_its_job_and_pause_resume_cancel_reach_it(self):
        fw = self.firmware(self.version())
        dev = self.onboarded_device(model=MODEL)
        first = JobDevice(dev, dev.connect_with_certificate())
        status, job = self.api.call("POST", "/api/v1/jobs", {"firmware_id": fw["id"], "targets": {"devices": [dev.device_id]}})
        self.assertEqual(status, 201, job)
        first.wait_notification(lambda n: "execution" in n)
        first.client.stop()

        again = JobDevice(dev, dev.connect_with_certificate())
        note = again.wait_notification(lambda n: "execution" in n)
        self.assertEqual(note["execution"]["jobId"], job["id"])
        ok, pending = again.request("get")
        self.assertEqual([j["jobId"] for j in pending["queuedJobs"]], [job["id"]])

        viewer = self.user("viewer")
        self.assertEqual(viewer.call("GET", "/api/v1/jobs/" + job["id"])[0], 200)
        self.assertEqual(viewer.call("POST", "/api/v1/jobs/%s/pause" % job["id"])[0], 403)
        self.assertEqual(self.api.call("POST", "/api/v1/jobs/%s/pause" % job["id"])[1]["status"], "paused")
        again.wait_notification(lambda n: "execution" not in n)  # a paused job's queue waits
        self.assertEqual(self.api.call("POST", "/api/v1/jobs/%s/resume" % job["id"])[1]["status"], "in_progress")
        status, canceled = self.api.call("POST", "/api/v1/jobs/%s/cancel" % job["id"], {"force": False})
        self.assertEqual((status, canceled["status"], canceled["counts"]["groups"]["canceled"]), (200, "canceled", 1))
        self.assertEqual(self.api.call("POST", "/api/v1/jobs/%s/cancel" % job["id"])[0], 409)
        ok, body = again.request(job["id"] + "/update", {"status": "IN_PROGRESS"})
        self.assertEqual((ok, body["code"]), (False, "TerminalStateReached"))

    def test_targets_by_group_and_by_selector(self):
        fw = self.firmware(self.version())
        a, b, c = (self.onboarded_device(model=MODEL) for _ in range(3))
        status, group = self.api.call("POST", "/api/v1/groups", {"name": unique("canary")})
        self.assertEqual(status, 201, group)
        status, body = self.api.call("POST", "/api/v1/groups/%s/devices" % group["id"], {"device_ids": [a.device_id]})
        self.assertIn(status, (200, 204), body)
        site = unique("site")
        for dev in (b, c):
            status, body = self.api.call("PATCH", "/api/v1/devices/" + dev.device_id, {"labels": {"site": site}})
            self.assertEqual(status, 200, body)
        request = {"firmware_id": fw["id"], "targets": {"groups": [group["id"]], "selector": "site=%s" % site,
                                                       "devices": [c.device_id]}}
        status, plan = self.api.call("POST", "/api/v1/jobs?dry_run=true", request)
        self.assertEqual(status, 200, plan)
        self.assertEqual(sorted(t["device_id"] for t in plan["targets"]),
                         sorted([a.device_id, b.device_id, c.device_id]))  # c named twice, counted once
        status, problem = self.api.call("POST", "/api/v1/jobs?dry_run=true",
                                        dict(request, targets={"selector": "site in (a,"}))
        self.assertEqual(status, 422, problem)
        self.assertEqual(problem["errors"][0]["field"], "targets.selector")
        self.assertIn("position", problem)

    def test_bad_job_requests_are_422_and_create_nothing(self):
        fw = self.firmware(self.version())
        jobs_before = len(self.api.call("GET", "/api/v1/jobs?limit=200")[1]["items"])
        for body, field in (({"targets": {"devices": ["dev_x"]}}, "firmware_id"),
                            ({"firmware_id": fw["id"]}, "targets"),
                            ({"firmware_id": fw["id"], "targets": {}}, "targets"),
                            ({"firmware_id": fw["id"], "targets": {"devices": ["dev_nobody"]}}, "targets"),
                            ({"firmware_id": "fw_nope", "targets": {"devices": ["dev_x"]}}, "firmware_id"),
                            ({"firmware_id": fw["id"], "targets": {"devices": ["dev_x"]},
                              "rollout": {"waves": [{"percent": 50}]}}, "rollout.waves")):
            status, problem = self.api.call("POST", "/api/v1/jobs", body)
            self.assertEqual(status, 422, (body, problem))
            self.assertEqual(problem["errors"][0]["field"], field, problem)
        self.assertEqual(len(self.api.call("GET", "/api/v1/jobs?limit=200")[1]["items"]), jobs_before)


if __name__ == "__main__":
    unittest.main()
