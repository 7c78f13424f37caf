"""The reference device agent end to end (issue requirement 6): real `mothership-agent` processes
against a real `mothership serve` over TLS. Each test writes an agent.toml, starts agents and
watches them through their logs, their state directory and the REST API.

The agent is $MOTHERSHIP_AGENT_BIN, else build/debug/agent/mothership-agent."""

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "onboarding"))

from fleet_fixture import HOST, FleetTestCase, openssl, unique, wait_until  # noqa: E402
from broker_fixture import REPO_ROOT, SANITIZER_MARKERS, _die_with_parent  # noqa: E402


PAHO_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan-paho.supp")


def agent_binary():
    path = os.environ.get("MOTHERSHIP_AGENT_BIN") or os.path.join(REPO_ROOT, "build", "debug", "agent",
                                                                   "mothership-agent")
    return path if os.path.isabs(path) else os.path.join(REPO_ROOT, path)


class Agent:
    """One mothership-agent: its agent.toml, its state directory and one log file per start."""

    def __init__(self, workdir, endpoint, ca_file, serial, code, **options):
        self.dir = tempfile.mkdtemp(prefix="agent-%s-" % serial, dir=workdir)
        self.state_dir = os.path.join(self.dir, "state")
        self.serial = serial
        self.config_path = os.path.join(self.dir, "agent.toml")
        settings = {"serial": serial, "claim_code": code, "model": "Thermo", "firmware_version": "2.3.4",
                    "ca_file": ca_file, "endpoint": endpoint, "state_dir": self.state_dir,
                    # Fast enough for a test; the defaults are 60 s and 1 s doubling to 5 min.
                    "heartbeat_s": 1, "reconnect_min_s": 0.3, "reconnect_max_s": 2, "log_level": "debug"}
        settings.update(options)
        with open(self.config_path, "w") as f:
            for key, value in settings.items():
                if value is not None:  # None leaves the key out (a device without a claim code)
                    f.write("%s = %s\n" % (key, json.dumps(value)))
        os.chmod(self.config_path, 0o600)  # it holds the claim code: the agent refuses it otherwise
        self.proc = None
        self.logs = []

    def start(self):
        assert self.proc is None
        log = os.path.join(self.dir, "agent-%d.log" % (len(self.logs) + 1))
        self.logs.append(log)
        self._log_file = open(log, "wb")
        env = dict(os.environ)
        paho = "suppressions=%s:print_suppressions=0" % PAHO_SUPPRESSIONS
        env["LSAN_OPTIONS"] = ":".join(filter(None, [env.get("LSAN_OPTIONS"), paho]))
        self.proc = subprocess.Popen([agent_binary(), "--config", self.config_path], stdin=subprocess.DEVNULL,
                                     stdout=self._log_file, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
                                     env=env)
        return self

    def log(self, start=-1):
        """The log of the current (or of the `start`-th, from 1) run."""
        if not self.logs:
            return ""
        with open(self.logs[start - 1 if start > 0 else -1], "rb") as f:
            return f.read().decode(errors="replace")

    def wait_log(self, pattern, timeout=15, count=1):
        try:
            wait_until(lambda: len(re.findall(pattern, self.log())) >= count, timeout, "%d x %r" % (count, pattern))
        except AssertionError as e:
            raise AssertionError("%s in the agent's log:\n%s" % (e, self.log()[-4000:])) from None

    def stop(self, grace=15):
        """SIGTERM, then the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        self._log_file.close()
        return code

    def sanitizer_report(self):
        return "\n".join(self.log(i + 1) for i in range(len(self.logs))
                         if any(m in self.log(i + 1) for m in SANITIZER_MARKERS))

    def device_id(self):
        with open(os.path.join(self.state_dir, "device.json")) as f:
            return json.load(f)["device_id"]

    def file(self, name):
        with open(os.path.join(self.state_dir, name), "rb") as f:
            return f.read()


class AgentHarness(FleetTestCase):
    """Starts real agents; stops them after each test and checks their exit and sanitizer output."""

    @classmethod
    def tearDownClass(cls):
        if cls._had_failure:  # FleetTestCase keeps the work dir then
            sys.stderr.write("[agent tests] kept the agents' logs in %s\n" % cls.workdir)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.agents = []
        self.endpoint = "%s:%d" % (HOST, self.tls_port)

    def tearDown(self):
        problems = []
        for a in self.agents:
            running = a.proc is not None
            code = a.stop()
            if running and code != 0:
                problems.append("agent %s exited with %s on SIGTERM:\n%s" % (a.serial, code, a.log()[-3000:]))
            report = a.sanitizer_report()
            if report:
                problems.append("sanitizer report from agent %s:\n%s" % (a.serial, report[-6000:]))
        super().tearDown()
        if problems:
            self.fail("\n".join(problems))

    def agent(self, serial, code, **options):
        endpoint = options.pop("endpoint", self.endpoint)
        a = Agent(self.workdir, endpoint, self.ca_file, serial, code, **options)
        self.agents.append(a)
        return a

    def device(self, device_id):
        status, body = self.api.call("GET", "/api/v1/devices/" + device_id)
        self.assertEqual(status, 200, body)
        return body

    def online(self, device_id):
        status, page = self.api.call("GET", "/api/v1/devices?status=online&limit=500")
        self.assertEqual(status, 200, page)
        return any(d["id"] == device_id for d in page["items"])

    def pending(self):
        return {p["serial"]: p["stage"] for p in self.api.call("GET", "/api/v1/onboarding")[1]["items"]}

    def onboard_first(self, **options):
        """A technician claims a fresh serial, then its agent starts; returns (agent, device id) once online.

        The key the agent made at first boot is read as soon as it is written (a.first_key): by the
        time the device shows online an agent due for renewal may have replaced it already."""
        [(serial, code)] = self.import_devices(1)
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body["status"]), (202, "awaiting_device"), body)
        a = self.agent(serial, code, **options).start()
        key = os.path.join(a.state_dir, "device.key")
        wait_until(lambda: os.path.exists(key) and os.path.getsize(key) > 0, 20, "the agent's first key")
        a.first_key = a.file("device.key")
        wait_until(lambda: self.online(body["device_id"]), 20, "the device online")
        return a, body["device_id"]


class AgentTest(AgentHarness):

    def test_device_first_then_technician(self):
        [(serial, code)] = self.import_devices(1)
        a = self.agent(serial, code).start()
        a.wait_log("waiting for a technician to approve serial %s in the portal" % serial)
        self.assertEqual(self.pending().get(serial), "awaiting_approval")
        key = os.path.join(a.state_dir, "device.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)

        tech = self.user("technician")
        status, body = tech.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body["status"]), (200, "completed"), body)
        device_id = body["device_id"]
        a.wait_log(r"connected to %s as device %s with mutual TLS \(MQTT 5\)" % (re.escape(self.endpoint), device_id))
        wait_until(lambda: self.online(device_id), 10, "the device online")
        wait_until(lambda: self.device(device_id)["firmware_version"] == "2.3.4", 10, "the reported firmware")
        self.assertEqual(a.device_id(), device_id)
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(a.state_dir).st_mode), 0o700)
        # The stored certificate is the one the server lists, and it is for the stored key.
        cert = os.path.join(a.state_dir, "device.crt")
        serial_hex = openssl("x509", "-in", cert, "-noout", "-serial").strip().split("=")[1]
        self.assertEqual([c["serial"].upper().lstrip("0") for c in self.device(device_id)["certificates"]],
                         [serial_hex.upper().lstrip("0")])
        self.assertEqual(openssl("x509", "-in", cert, "-noout", "-pubkey"), openssl("pkey", "-in", key, "-pubout"))
        wait_until(lambda: serial not in self.pending(), 10, "onboarding to end")
        # SIGTERM: a clean disconnect and exit code 0; the server sees the device go offline.
        self.assertEqual(a.stop(), 0, a.log())
        self.assertIn("stopped", a.log())
        wait_until(lambda: not self.online(device_id), 10, "the device offline")

    def test_technician_first_then_device_with_mqtt_3_1_1(self):
        a, device_id = self.onboard_first(mqtt_version="3.1.1")
        a.wait_log(r"as device %s with mutual TLS \(MQTT 3\.1\.1\)" % device_id)
        self.assertNotIn("waiting for a technician", a.log())
        wait_until(lambda: self.device(device_id)["firmware_version"] == "2.3.4", 10, "the reported firmware")
        state = self.device(device_id)
        self.assertEqual(state["serial"], a.serial)

    def test_unknown_serial_and_wrong_claim_code_retry_with_backoff(self):
        [(serial, code)] = self.import_devices(1)
        unknown = self.agent(unique("SN"), code).start()
        wrong = self.agent(serial, "WRONG-CODE").start()
        for a in (unknown, wrong):
            a.wait_log(r"the server refused onboarding for serial %s: bad user name or password \(0x86\)"
                       r".*; retrying in \d+\.\d s" % a.serial, timeout=20, count=3)
            self.assertIsNotNone(a.proc)
            self.assertIsNone(a.proc.poll(), "the agent gave up")
            # The first three waits (a loaded machine may have logged more, and longer, by now).
            waits = [float(w) for w in re.findall(r"retrying in (\d+\.\d) s", a.log())][:3]
            self.assertTrue(all(0.15 <= w <= 2.0 for w in waits), waits)
            self.assertFalse(os.path.exists(os.path.join(a.state_dir, "device.json")))
        self.assertNotIn(unknown.serial, self.pending())
        self.assertNotIn(serial, self.pending())
        status, page = self.api.call("GET", "/api/v1/devices?limit=500")
        self.assertNotIn(serial, [d["serial"] for d in page["items"]])

    def test_revoked_certificate_drops_the_agent_and_refuses_it_after(self):
        a, device_id = self.onboard_first()
        status, detail = self.api.call("POST", "/api/v1/devices/%s/certificate/revoke" % device_id)
        self.assertEqual(status, 200, detail)
        a.wait_log(r"the server dropped the connection of device %s: administrative action \(0x98\)" % device_id)
        a.wait_log(r"the server refused device %s: not authorized \(0x87\).*revoked.*; retrying in" % device_id,
                   count=2)
        self.assertIsNone(a.proc.poll(), "the agent gave up (exit %s):\n%s" % (a.proc.poll(), a.log()[-4000:]))
        self.assertFalse(self.online(device_id))

    def test_restart_reuses_key_and_certificate(self):
        a, device_id = self.onboard_first()
        a.wait_log("connected to .* as device")
        key, cert = a.file("device.key"), a.file("device.crt")
        self.assertEqual(a.stop(), 0, a.log())
        wait_until(lambda: not self.online(device_id), 10, "the device offline")
        a.start()
        a.wait_log("connected to .* as device %s" % device_id)
        wait_until(lambda: self.online(device_id), 10, "the device online again")
        self.assertIn("using the key and certificate in", a.log())
        self.assertNotIn("not onboarded yet", a.log())
        self.assertNotIn("hello", a.log())
        self.assertEqual((a.file("device.key"), a.file("device.crt"), a.device_id()), (key, cert, device_id))
        self.assertEqual(len(self.device(device_id)["certificates"]), 1)

    def test_renewal_when_the_threshold_is_reached(self):
        # A threshold of 1 makes any certificate due: the agent renews once at start, then not
        # again for renew_min_interval_s (an hour by default).
        a, device_id = self.onboard_first(renew_before_fraction=1.0)
        old_key = a.first_key
        a.wait_log("renewed the certificate")
        a.wait_log("connected to .* as device %s" % device_id, count=2)

        def statuses():
            return sorted(c["status"] for c in self.device(device_id)["certificates"])
        wait_until(lambda: statuses() == ["active", "superseded"], 10, "an active and a superseded certificate")
        wait_until(lambda: self.online(device_id), 10, "the device online with its new certificate")
        self.assertNotEqual(a.file("device.key"), old_key)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(a.state_dir, "device.key")).st_mode), 0o600)
        active = [c for c in self.device(device_id)["certificates"] if c["status"] == "active"][0]
        stored = openssl("x509", "-in", os.path.join(a.state_dir, "device.crt"), "-noout", "-serial")
        self.assertEqual(stored.strip().split("=")[1].upper().lstrip("0"), active["serial"].upper().lstrip("0"))
        # It keeps working (a heartbeat every second) and does not renew again.
        heartbeats = a.log().count("sent a heartbeat")
        a.wait_log("sent a heartbeat", count=heartbeats + 2)
        self.assertEqual(a.log().count("renewed the certificate"), 1)
        self.assertEqual(len(self.device(device_id)["certificates"]), 2)
        self.assertTrue(self.online(device_id))
        self.assertEqual(os.listdir(a.state_dir).count("renewed.key"), 0)

    def test_bad_config_names_the_key(self):
        a = self.agent(unique("SN"), "CODE", heartbeat_s=0)
        a.start()
        self.assertEqual(a.proc.wait(timeout=10), 2)
        a.stop()
        self.assertIn("heartbeat_s: must be between 1 and 86400 (got 0)", a.log())

    def test_a_config_with_a_claim_code_that_others_can_read_is_refused(self):
        [(serial, code)] = self.import_devices(1)
        a = self.agent(serial, code)
        os.chmod(a.config_path, 0o644)
        a.start()
        self.assertEqual(a.proc.wait(timeout=10), 2)
        a.stop()
        self.assertIn("holds a claim code, and mode 0644 lets group or others read it", a.log())
        self.assertNotIn(serial, self.pending())
        self.assertFalse(os.path.exists(a.state_dir))


class AgentServerIdentity(AgentHarness):
    """A server whose certificate names only `localhost`: an agent told to reach it as
    127.0.0.1 must refuse it (the host name check is real), whatever this machine is called."""

    server_env = dict(AgentHarness.server_env, MOTHERSHIP_PKI_SERVER_NAMES="localhost")

    def test_the_server_certificate_must_name_the_endpoint_host(self):
        [(serial, code)] = self.import_devices(1)
        endpoint = "%s:%d" % (HOST, self.tls_port)
        a = self.agent(serial, code, endpoint=endpoint).start()
        a.wait_log(r"cannot connect to %s for onboarding: .*; retrying in" % re.escape(endpoint), count=2)
        self.assertNotIn("sent the hello", a.log())
        self.assertNotIn(serial, self.pending())


if __name__ == "__main__":
    unittest.main()
