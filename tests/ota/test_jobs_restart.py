"""A rollout survives kill -9 of the server (issue 12, requirement 5): the first wave finishes,
the server is killed during the soak before the next wave, and started again on the same data
directory; the soak timer, the wave and every execution continue from the database, the
remaining devices get their job when they reconnect, the one that finished gets nothing again,
and the final counts and audit entries are right (nothing applied twice).
"""

import unittest

from broker_fixture import wait_until
from fleet_fixture import Api, unique
from test_jobs import MODEL, JobDevice, JobsTestCase


class RolloutAcrossKill(JobsTestCase):

    def restart_after_kill(self):
        self.server.kill()
        self.server.port = None
        self.server.ports = {}
        self.server.start()
        # New ports; the same data dir, so the admin's token still verifies.
        cls = type(self)
        cls.port = self.server.port
        cls.tls_port = self.server.ports["mqtts"]
        cls.api = Api(self.server.http_port, self.api.token)

    def connect(self, dev):
        dev.port = self.server.ports["mqtts"]
        return JobDevice(dev, dev.connect_with_certificate())

    def test_kill_minus_nine_during_the_soak_then_the_next_wave_goes_out(self):
        devices = [self.onboarded_device(model=MODEL) for _ in range(4)]
        fw = self.firmware("9.%d.0" % (int(unique("v")[2:], 16) % 100000))
        clients = [self.connect(d) for d in devices]
        status, job = self.api.call("POST", "/api/v1/jobs", {
            "firmware_id": fw["id"], "targets": {"devices": [d.device_id for d in devices]},
            "rollout": {"waves": [{"percent": 25, "soak_s": 4}, {"percent": 100}]}})
        self.assertEqual(status, 201, job)
        self.assertEqual(job["counts"]["released"], 1)
        first = next(c for c in clients if any("execution" in n for n in c.notifications()) or
                     c.request("get")[1]["queuedJobs"])
        ok, started = first.request("start-next")
        self.assertTrue(ok, started)
        ok, _ = first.request(job["id"] + "/update", {"status": "SUCCEEDED"})
        self.assertTrue(ok)
        wait_until(lambda: self.job(job["id"])["wave_opens_at"] is not None, 10, "the soak to start")
        self.assertEqual(self.job(job["id"])["counts"]["released"], 1)  # the next wave waits

        for c in clients:
            c.client.stop()
        self.restart_after_kill()

        again = [self.connect(d) for d in devices]
        rest = [c for c in again if c.id != first.id]
        for c in rest:  # released after the soak, told on connect or by notify-next
            c.wait_notification(lambda n: "execution" in n, timeout=20)
            ok, started = c.request("start-next")
            self.assertTrue(ok and started["execution"]["jobId"] == job["id"], started)
            ok, done = c.request(job["id"] + "/update", {"status": "SUCCEEDED",
                                                        "expectedVersion": started["execution"]["versionNumber"]})
            self.assertTrue(ok, done)
        wait_until(lambda: self.job(job["id"])["status"] == "completed", 10, "the job to complete")
        final = self.job(job["id"])
        self.assertEqual((final["counts"]["groups"]["completed"], final["counts"]["total"], final["wave"]), (4, 4, 1))
        redo = next(c for c in again if c.id == first.id)
        self.assertFalse(any("execution" in n for n in redo.notifications()), redo.notifications())
        status, audit = self.api.call("GET", "/api/v1/audit?action=job.execution&target_id=%s&limit=50" % job["id"])
        self.assertEqual(sorted(e["details"]["device_id"] for e in audit["items"]),
                         sorted(d.device_id for d in devices))  # one final state each, none twice
        for c in again:
            c.client.stop()


if __name__ == "__main__":
    unittest.main()
