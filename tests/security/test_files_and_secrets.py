"""Files (security review, requirement 4).

Finding 4: `mothership.db`, `-wal` and `-shm` were 0644 and the data dir and `pki/` 0755 under
the default umask. Now the data dir and its directories are 0700 and the database files 0600
whatever the umask; a looser data dir is tightened at start with one warning, and another
user's data dir is refused.
"""

import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from broker_fixture import HOST, BrokerServer, mothership_binary

WARNING = "data dir: other users could reach"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class loose_umask:
    """The umask of most systems (022) for the processes started inside it."""

    def __enter__(self):
        self.old = os.umask(0o022)

    def __exit__(self, *exc):
        os.umask(self.old)


class DataDirModes(unittest.TestCase):

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
            s.cleanup()

    def start(self, prepare=None, data_dir=None):
        server = BrokerServer(env={"MOTHERSHIP_ADMIN_PASSWORD": "files-admin-pw"})
        self.servers.append(server)
        server.data_dir = data_dir or server.data_dir
        if prepare:
            prepare(server.data_dir)
        with loose_umask():
            return server.start()

    def assert_private(self, data_dir):
        self.assertEqual(mode(data_dir), 0o700, data_dir)
        for sub in ("keys", "pki"):
            self.assertEqual(mode(os.path.join(data_dir, sub)), 0o700, sub)
        db = os.path.join(data_dir, "mothership.db")
        for suffix in ("", "-wal", "-shm"):
            self.assertTrue(os.path.exists(db + suffix), suffix)
            self.assertEqual(mode(db + suffix), 0o600, "mothership.db" + suffix)
        for name in os.listdir(os.path.join(data_dir, "keys")):
            self.assertEqual(mode(os.path.join(data_dir, "keys", name)), 0o600, name)

    def test_a_fresh_data_dir_is_owner_only_under_umask_022(self):
        server = self.start()
        self.assert_private(server.data_dir)
        self.assertNotIn(WARNING, server.stdout_text())

    def test_a_looser_data_dir_is_tightened_at_start_with_one_warning(self):
        def loosen(data_dir):  # as an older version or `mkdir` and `cp` under umask 022 left it
            os.makedirs(os.path.join(data_dir, "pki"))
            os.chmod(data_dir, 0o755)
            os.chmod(os.path.join(data_dir, "pki"), 0o755)
            with open(os.path.join(data_dir, "mothership.db"), "wb"):
                pass
            os.chmod(os.path.join(data_dir, "mothership.db"), 0o644)

        server = self.start(loosen)
        self.assert_private(server.data_dir)
        log = server.stdout_text()
        self.assertEqual(log.count(WARNING), 1, log)
        warning = next(line for line in log.splitlines() if WARNING in line)
        for name in ("pki", "mothership.db"):
            self.assertIn(os.path.join(server.data_dir, name), warning)
        server.stop()
        again = self.start(data_dir=server.data_dir)
        self.assertEqual(again.stdout_text().count(WARNING), 0, "a second start has nothing to tighten")

    def test_a_data_dir_owned_by_another_user_is_refused_and_left_alone(self):
        if os.geteuid() != 0:
            self.skipTest("giving a directory to another user needs root")
        work = tempfile.mkdtemp(prefix="mothership-files-")
        self.addCleanup(shutil.rmtree, work, True)
        data_dir = os.path.join(work, "data")
        os.mkdir(data_dir, 0o755)
        os.chown(data_dir, 65534, 65534)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTHERSHIP_")}
        res = subprocess.run([mothership_binary(), "serve", "--data-dir", data_dir, "--http-listen", HOST + ":0",
                              "--mqtt-listen", HOST + ":0"], env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("data dir %s is owned by uid 65534, not by this user (uid 0); refusing to use it" % data_dir,
                      res.stderr)
        self.assertEqual(os.listdir(data_dir), [])
        self.assertEqual(mode(data_dir), 0o755)


if __name__ == "__main__":
    unittest.main()
