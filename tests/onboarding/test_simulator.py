"""mothership-sim against the real server: it imports its factory identities, onboards them
end to end through the technician API, and reports `onboarded K/N in S s`; with --pending and
--hold, devices wait for a technician and come online once claimed."""

import os
import re
import signal
import subprocess
import unittest

from fleet_fixture import FleetTestCase, wait_until


def sim_binary():
    path = os.environ.get("MOTHERSHIP_SIM_BIN") or os.path.join(os.path.dirname(os.environ.get(
        "MOTHERSHIP_BIN", "build/debug/mothership")), "mothership-sim")
    return os.path.abspath(path)


class Simulator(FleetTestCase):

    def sim(self, *args):
        run = os.path.join(self.workdir, "sim-%d" % len(os.listdir(self.workdir)))
        os.makedirs(run, mode=0o700)
        token_file = os.path.join(run, "token")  # never on the command line, where `ps` shows it
        with open(os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(self.api.token + "\n")
        return [sim_binary(), "--api", "http://127.0.0.1:%d" % self.server.http_port,
                "--mqtt-tls", "127.0.0.1:%d" % self.tls_port, "--ca", self.ca_file, "--token-file", token_file,
                "--state-dir", os.path.join(run, "state")] + list(args)

    def test_onboards_n_devices_end_to_end(self):
        res = subprocess.run(self.sim("--devices", "12", "--approve", "--concurrency", "5", "--serial-prefix", "T1"),
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertRegex(res.stdout.strip().splitlines()[-1], r"^onboarded 12/12 in [0-9.]+ s$")
        status, page = self.api.call("GET", "/api/v1/devices?q=T1-&lifecycle=active&limit=100")
        self.assertEqual(len(page["items"]), 12, page)
        wait_until(lambda: all(d["firmware_version"] == "1.0.0" for d in
                               self.api.call("GET", "/api/v1/devices?q=T1-&limit=100")[1]["items"]),
                   10, "every device's reported firmware version")

    def test_pending_devices_wait_for_a_technician_and_hold_their_connection(self):
        proc = subprocess.Popen(self.sim("--devices", "2", "--approve", "--pending", "1", "--hold",
                                         "--serial-prefix", "T2"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("onboarded "):
                break
        self.assertEqual(lines[-1].split(" in ")[0], "onboarded 2/2", lines)
        waiting = re.search(r"(T2-[0-9a-f]+) \(code (SIM-[0-9a-f]+)\)", "".join(lines))
        self.assertTrue(waiting, lines)
        serial, code = waiting.groups()
        wait_until(lambda: len(self.api.call("GET", "/api/v1/devices?q=T2-&status=online")[1]["items"]) == 2,
                   20, "the two onboarded devices online")
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual(status, 200, body)  # the device said hello already
        wait_until(lambda: len(self.api.call("GET", "/api/v1/devices?q=T2-&status=online")[1]["items"]) == 3, 20,
                   "the claimed device online")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=20), 0)
        wait_until(lambda: len(self.api.call("GET", "/api/v1/devices?q=T2-&status=online")[1]["items"]) == 0, 20,
                   "the devices offline after the simulator stopped")


if __name__ == "__main__":
    unittest.main()
