"""Firmware updates through the reference agent (issue 12, requirements 7 and 10): real
`mothership-agent` processes take a rollout over mutual TLS, download the image over HTTPS with
their device certificate, verify its SHA-256 and release signature, write the inactive slot of
the simulated A/B pair, "reboot" (the agent starts itself again) and report only after the new
image passed its health check; a failing image rolls back, a crash mid-download resumes."""

import base64
import hashlib
import http.client
import json
import os
import socket
import struct
import subprocess
import threading
import tempfile
import time
import unittest
import urllib.parse

from test_agent import AgentHarness, HOST  # noqa: E402
from fleet_fixture import FleetTestCase, openssl, unique, wait_until  # noqa: E402

KEY_DIR = tempfile.mkdtemp(prefix="mothership-agent-release-")
RELEASE_KEY = os.path.join(KEY_DIR, "release.key")
RELEASE_PUB = os.path.join(KEY_DIR, "release.pub")
openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", RELEASE_KEY)
openssl("ec", "-in", RELEASE_KEY, "-pubout", "-out", RELEASE_PUB)

# The health check a device's new image must pass: here, that the image says it is healthy.
HEALTH_CHECK = 'grep -q HEALTHY "$MOTHERSHIP_IMAGE"'


def sign(image):
    with tempfile.NamedTemporaryFile(dir=KEY_DIR) as f:
        f.write(image)
        f.flush()
        der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", RELEASE_KEY, f.name], capture_output=True,
                             check=True).stdout
    return base64.b64encode(der).decode()


def reap(agent):
    """After the agent died (crashed, or killed by the test): ready to start again."""
    agent.proc.wait()
    agent.proc = None
    agent._log_file.close()


def image(size, healthy=True):
    return (b"HEALTHY\n" if healthy else b"BROKEN!\n") + os.urandom(size - 8)


class AgentUpdateTest(AgentHarness):
    server_args = FleetTestCase.server_args + ("--http-tls-listen", HOST + ":0")
    server_env = dict(FleetTestCase.server_env, MOTHERSHIP_OTA_SIGNING_KEYS=RELEASE_PUB)

    def upload(self, data, signed=True):
        version = "2.%d.0" % (int(unique("v")[2:], 16) % 100000)
        query = urllib.parse.urlencode([("version", version), ("model", "Thermo")])
        headers = {"Authorization": "Bearer " + self.api.token, "Content-Type": "application/octet-stream"}
        if signed:
            headers["X-Firmware-Signature"] = sign(data)
        conn = http.client.HTTPConnection(HOST, self.server.http_port, timeout=30)
        conn.request("POST", "/api/v1/firmware?" + query, body=data, headers=headers)
        r = conn.getresponse()
        body = json.loads(r.read())
        conn.close()
        self.assertEqual(r.status, 201, body)
        return body

    def updating_agent(self, **options):
        settings = dict(update_signing_key=RELEASE_PUB, health_check_command=HEALTH_CHECK)
        settings.update(options)
        return self.onboard_first(**settings)

    def rollout(self, firmware, *device_ids):
        status, job = self.api.call("POST", "/api/v1/jobs", {"firmware_id": firmware["id"],
                                                             "targets": {"devices": list(device_ids)},
                                                             "rollout": {"max_retries": 0}})
        self.assertEqual(status, 201, job)
        return job

    def execution(self, job, device_id):
        status, page = self.api.call("GET", "/api/v1/jobs/%s/executions" % job["id"])
        self.assertEqual(status, 200, page)
        return next(e for e in page["items"] if e["device_id"] == device_id)

    def wait_execution(self, job, device_id, state, timeout=60):
        try:
            wait_until(lambda: self.execution(job, device_id)["status"] == state, timeout, state)
        except AssertionError:
            self.fail("execution %r, not %s; agent log:\n%s" % (self.execution(job, device_id), state,
                                                               "\n".join(a.log()[-3000:] for a in self.agents)))
        return self.execution(job, device_id)

    def boot_state(self, agent):
        return json.loads(agent.file("boot.json"))

    def test_an_update_installs_on_the_other_slot_and_reports_success_after_the_health_check(self):
        (a, device_id), (b, other_id) = self.updating_agent(), self.updating_agent()
        data = image(400_000)
        fw = self.upload(data)
        job = self.rollout(fw, device_id, other_id)
        done = self.wait_execution(job, device_id, "SUCCEEDED")
        self.assertEqual(done["step"], "confirm")
        self.assertEqual(done["status_details"]["version"], fw["version"])
        self.wait_execution(job, other_id, "SUCCEEDED")
        wait_until(lambda: self.api.call("GET", "/api/v1/jobs/" + job["id"])[1]["status"] == "completed", 20,
                   "the job completed")
        self.assertEqual(self.api.call("GET", "/api/v1/jobs/" + job["id"])[1]["counts"]["groups"]["completed"], 2)
        # The new image is in slot b, which boots from now on; the device reports its version.
        for agent in (a, b):
            self.assertEqual(hashlib.sha256(agent.file("slots/b.img")).hexdigest(), fw["sha256"])
            self.assertEqual(self.boot_state(agent)["active"], "b")
            self.assertNotIn("trial", self.boot_state(agent))
        wait_until(lambda: self.device(device_id)["firmware_version"] == fw["version"], 20, "the new version")
        log = a.log()
        self.assertIn("signature good", log)
        self.assertIn("rebooting: starting the agent again", log)
        self.assertIn("passed its health check", log)
        # The report waited on disk until the server acknowledged it, then went.
        self.assertIn("the server acknowledged SUCCEEDED", log)
        self.assertEqual(json.loads(a.file("reports.json")), [])
        self.assertEqual(os.listdir(os.path.join(a.state_dir, "downloads")), [])
        # The same version again is refused by the device itself, not downloaded.
        status, again = self.api.call("POST", "/api/v1/jobs", {"firmware_id": fw["id"],
                                                               "targets": {"devices": [device_id]}})
        self.assertEqual(status, 422, again)  # the server already skips a device on that version

    def test_an_image_that_fails_its_health_check_rolls_back_and_reports_why(self):
        a, device_id = self.updating_agent()
        fw = self.upload(image(200_000, healthy=False))
        job = self.rollout(fw, device_id)
        failed = self.wait_execution(job, device_id, "FAILED")
        self.assertEqual(failed["step"], "rollback")
        self.assertIn("the health check failed (exit 1)", failed["status_details"]["reason"])
        state = self.boot_state(a)
        self.assertEqual(state["active"], "a")
        self.assertNotIn("trial", state)
        a.wait_log("rebooting: starting the agent again", count=2)  # into b on trial, then back into a
        wait_until(lambda: self.device(device_id)["firmware_version"] == "2.3.4", 20, "the old version again")

    def test_an_image_that_never_gets_through_its_boot_falls_back_after_the_boot_tries(self):
        # The health check crashes the agent (as an image that hangs or panics at boot would): the
        # supervisor (here the test) starts it again, and after boot_tries the old slot wins.
        a, device_id = self.updating_agent(boot_tries=2, health_check_command=HEALTH_CHECK + ' || kill -9 $PPID')
        fw = self.upload(image(100_000, healthy=False))
        job = self.rollout(fw, device_id)
        for _ in range(2):  # boot 1 and boot 2 of slot b crash; the third boot is slot a's
            wait_until(lambda: a.proc.poll() is not None, 60, "the agent to crash on trial")
            reap(a)
            a.start()
        failed = self.wait_execution(job, device_id, "FAILED")
        self.assertIn("did not pass its health check within 2 boots", failed["status_details"]["reason"])
        self.assertEqual(self.boot_state(a)["active"], "a")
        self.assertEqual(a.log(2).count("booted slot b on trial"), 1)
        self.assertNotIn("booted slot b on trial", a.log(3))

    def test_a_download_interrupted_by_kill_9_resumes_where_it_was(self):
        a, device_id = self.updating_agent(download_max_bytes_per_s=250_000)
        data = image(2_000_000)
        fw = self.upload(data)
        job = self.rollout(fw, device_id)
        wait_until(lambda: (self.execution(job, device_id)["percent"] or 0) >= 20, 30, "20 % downloaded")
        a.proc.kill()
        reap(a)
        part = os.path.join(a.state_dir, "downloads", fw["sha256"] + ".part")
        had = os.path.getsize(part)
        self.assertGreater(had, 0)
        a.start()
        done = self.wait_execution(job, device_id, "SUCCEEDED", timeout=90)
        self.assertEqual(done["status_details"]["version"], fw["version"])
        self.assertRegex(a.log(2), r"resuming the download at \d+ of %d bytes" % len(data))
        resumed_at = int(a.log(2).split("resuming the download at ")[1].split()[0])
        self.assertGreaterEqual(resumed_at, had)
        self.assertEqual(hashlib.sha256(a.file("slots/b.img")).hexdigest(), fw["sha256"])

    def test_an_unsigned_image_is_rejected_by_a_device_that_wants_signatures(self):
        a, device_id = self.updating_agent()
        fw = self.upload(image(50_000), signed=False)
        job = self.rollout(fw, device_id)
        rejected = self.wait_execution(job, device_id, "REJECTED")
        self.assertIn("installs signed images only", rejected["status_details"]["reason"])
        self.assertFalse(os.path.exists(os.path.join(a.state_dir, "slots")))


class CuttableProxy:
    """A TCP relay in front of the server's HTTPS port (as a load balancer would be), whose
    connections the test can cut to break a download the way a network does."""

    def __init__(self):
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.target = None
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection((HOST, self.target))
            with self.lock:
                self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        with self.lock:
            for s in self.connections:
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
                    s.shutdown(socket.SHUT_RDWR)  # wakes the relay threads blocked on it
                    s.close()
                except OSError:
                    pass
            self.connections = []


PROXY = CuttableProxy()


class AgentUpdateLinkExpiryTest(AgentUpdateTest):
    """Download links that expire in 2 s, made for the proxy in front of the server: a device
    whose download breaks after that resumes with a fresh link."""

    server_env = dict(AgentUpdateTest.server_env, MOTHERSHIP_OTA_DOWNLOAD_LINK_TTL_S="2",
                      MOTHERSHIP_BLOB_REQUIRE_DEVICE_CERTIFICATE="true",
                      MOTHERSHIP_HTTP_PUBLIC_URL="https://%s:%d" % (HOST, PROXY.port))

    def setUp(self):
        super().setUp()
        PROXY.target = self.server.https_port

    def test_a_download_broken_after_its_link_expired_resumes_with_a_fresh_link(self):
        a, device_id = self.updating_agent(download_max_bytes_per_s=250_000)
        data = image(1_500_000)
        fw = self.upload(data)
        job = self.rollout(fw, device_id)
        wait_until(lambda: (self.execution(job, device_id)["percent"] or 0) >= 15, 30, "15 % downloaded")
        time.sleep(2.5)  # the link the download started with has expired; the transfer goes on
        PROXY.cut()  # the network breaks (MQTT, not behind the proxy, stays up)
        done = self.wait_execution(job, device_id, "SUCCEEDED", timeout=90)
        self.assertEqual(done["status_details"]["version"], fw["version"])
        log = a.log()
        self.assertIn("the download broke off", log)
        self.assertIn("the download link was refused (403); asking for a fresh one", log)
        self.assertIn("got a fresh download link; resuming", log)
        self.assertRegex(log, r"resuming the download at [1-9]\d* of %d bytes" % len(data))


def load_tests(loader, tests, pattern):
    # The expiry class inherits the helpers, not the tests of AgentUpdateTest.
    suite = unittest.TestSuite()
    suite.addTests(loader.loadTestsFromTestCase(AgentUpdateTest))
    suite.addTest(AgentUpdateLinkExpiryTest("test_a_download_broken_after_its_link_expired_resumes_with_a_fresh_link"))
    return suite


if __name__ == "__main__":
    unittest.main()
