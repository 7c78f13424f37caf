"""`mothership registry import FILE.csv` against the running server: local checks first, then
the upload, then the server's verdict; a refused file leaves the registry unchanged."""

import os
import subprocess
import unittest

from fleet_fixture import ADMIN_PASSWORD, FleetTestCase, unique
from broker_fixture import mothership_binary


class RegistryImportCli(FleetTestCase):

    def run_import(self, csv, *extra):
        path = os.path.join(self.workdir, unique("records") + ".csv")
        with open(path, "w") as f:
            f.write(csv)
        env = dict(os.environ, MOTHERSHIP_PASSWORD=ADMIN_PASSWORD)
        res = subprocess.run([mothership_binary(), "registry", "import", path, "--api",
                              "http://127.0.0.1:%d" % self.server.http_port, "--user", "admin"] + list(extra),
                             capture_output=True, text=True, env=env, timeout=60)
        return path, res

    def test_imports_a_good_file(self):
        serials = [unique("CLI") for _ in range(50)]
        _, res = self.run_import("serial,model,hw_revision,claim_code\n" +
                                 "".join("%s,Thermo,r1,CODE-%s\n" % (s, s[-8:]) for s in serials), "--batch", "cli-1")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertEqual(res.stdout.strip(), "imported 50 record(s) as batch cli-1")
        self.assertIn("uploading", res.stderr)
        status, record = self.api.call("GET", "/api/v1/registry/" + serials[7])
        self.assertEqual((status, record["batch"], record["status"]), (200, "cli-1", "manufactured"))

    def test_bad_lines_are_named_and_nothing_is_sent(self):
        fresh = unique("CLI")
        path, res = self.run_import("%s,Thermo,r1,CODE-123456\nbroken\n" % fresh)
        self.assertEqual(res.returncode, 1)
        self.assertIn("%s:2: expected 4 or 5 fields" % path, res.stderr)
        self.assertEqual(self.api.call("GET", "/api/v1/registry/" + fresh)[0], 404)

    def test_the_servers_refusal_is_shown_per_line(self):
        [(known, _)] = self.import_devices(1)
        fresh = unique("CLI")
        path, res = self.run_import("%s,Thermo,r1,CODE-123456\n%s,Thermo,r1,CODE-654321\n" % (fresh, known))
        self.assertEqual(res.returncode, 1, res.stdout + res.stderr)
        self.assertIn("%s:2: duplicate serial %s: already in the registry" % (path, known), res.stderr)
        self.assertEqual(self.api.call("GET", "/api/v1/registry/" + fresh)[0], 404)


if __name__ == "__main__":
    unittest.main()
