"""A staged rollout to simulated devices (issue 12, requirements 8 and 10): mothership-sim
onboards a fleet and takes part in jobs (it downloads the image through its link, checks the
SHA-256, "installs" and fails at --ota-fail-rate). With 10% of installs failing, a rollout whose
abort threshold is 5% aborts: the failures are counted, the executions still queued are
canceled, and no device that was never released gets the firmware.
"""

import http.client
import json
import os
import signal
import subprocess
import unittest
import urllib.parse

from fleet_fixture import HOST, FleetTestCase, wait_until
from test_simulator import sim_binary

DEVICES = int(os.environ.get("MOTHERSHIP_SIM_ROLLOUT_DEVICES", "500"))
MODEL = "Sim-OTA"


class SimulatedRollout(FleetTestCase):
    sim_args = None

    def sim(self, *args):
        run = os.path.join(self.workdir, "sim-rollout")
        os.makedirs(run, mode=0o700, exist_ok=True)
        token_file = os.path.join(run, "token")
        with open(os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(self.api.token + "\n")
        return [sim_binary(), "--api", "http://127.0.0.1:%d" % self.server.http_port,
                "--mqtt-tls", "127.0.0.1:%d" % self.tls_port, "--ca", self.ca_file, "--token-file", token_file,
                "--state-dir", os.path.join(run, "state")] + list(args)

    def test_ten_percent_failures_abort_a_rollout_with_a_five_percent_threshold(self):
        proc = subprocess.Popen(self.sim("--devices", str(DEVICES), "--approve", "--hold", "--model", MODEL,
                                         "--serial-prefix", "OTA", "--concurrency", "50", "--ota-install-s", "0",
                                         "--ota-fail-rate", "0.1"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (proc.send_signal(signal.SIGTERM), proc.wait(timeout=30)))

        def online():
            status, page = self.api.call("GET", "/api/v1/devices?model=%s&status=online&limit=500"
                                         % urllib.parse.quote(MODEL))
            return [d["id"] for d in page["items"]]
        wait_until(lambda: len(online()) == DEVICES, 240, "%d simulated devices online" % DEVICES)

        image = os.urandom(64 * 1024)
        conn = http.client.HTTPConnection(HOST, self.server.http_port, timeout=30)
        conn.request("POST", "/api/v1/firmware?" + urllib.parse.urlencode([("version", "2.0.0"), ("model", MODEL)]),
                     body=image, headers={"Authorization": "Bearer " + self.api.token,
                                          "Content-Type": "application/octet-stream"})
        r = conn.getresponse()
        fw = json.loads(r.read())
        self.assertEqual(r.status, 201, fw)

        status, job = self.api.call("POST", "/api/v1/jobs", {
            "firmware_id": fw["id"], "targets": {"selector": "model=" + MODEL},
            "rollout": {"waves": [{"percent": 10, "soak_s": 0}, {"percent": 100}], "max_per_minute": 120,
                        "abort_failure_percent": 5, "abort_min_finished": 20}})
        self.assertEqual(status, 201, job)
        self.assertEqual(job["counts"]["total"], DEVICES)

        def current():
            return self.api.call("GET", "/api/v1/jobs/" + job["id"])[1]
        wait_until(lambda: current()["status"] != "in_progress", 180, "the rollout to end")
        final = current()
        groups = final["counts"]["groups"]
        self.assertEqual(final["status"], "aborted", final)
        self.assertIn("abort threshold of 5%", final["reason"])
        self.assertGreater(groups["failed"], 0)
        self.assertGreater(groups["canceled"], 0)
        self.assertEqual(sum(groups.values()), DEVICES)
        self.assertLess(final["counts"]["released"], DEVICES)  # stopped before the whole fleet got it
        # Every failure carries the device's reason.
        status, page = self.api.call("GET", "/api/v1/jobs/%s/executions?status=FAILED&limit=500" % job["id"])
        self.assertTrue(page["items"])
        self.assertTrue(all("health check" in e["status_details"].get("reason", "") for e in page["items"]),
                        page["items"][:3])
        # The devices that succeeded report the new version; the canceled ones kept theirs.
        status, done = self.api.call("GET", "/api/v1/jobs/%s/executions?status=SUCCEEDED&limit=500" % job["id"])
        if done["items"]:
            device = done["items"][0]["device_id"]
            wait_until(lambda: self.api.call("GET", "/api/v1/devices/" + device)[1]["firmware_version"] == "2.0.0",
                       10, "the new version reported")


if __name__ == "__main__":
    unittest.main()
