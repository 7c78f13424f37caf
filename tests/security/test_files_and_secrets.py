"""Files and secrets (security review, requirements 4 and 8).

Finding 4: `mothership.db`, `-wal` and `-shm` were 0644 and the data dir and `pki/` 0755 under
the default umask. Now the data dir and its directories are 0700 and the database files 0600
whatever the umask; a looser data dir is tightened at start with one warning, and another
user's data dir is refused.

Finding 8: `mothership-sim` and `scripts/run-server` passed an admin token with `--token`,
visible to every local user in `ps`. Now no tool takes a secret on its command line: the demo
of `make run` is started and the command lines of all its processes are read back.
"""

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import unittest

from broker_fixture import HOST, BrokerServer, mothership_binary, wait_until

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WARNING = "data dir: other users could reach"


def sim_binary():
    return os.path.abspath(os.environ.get("MOTHERSHIP_SIM_BIN") or
                           os.path.join(os.path.dirname(mothership_binary()), "mothership-sim"))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


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
        server = BrokerServer(env={"MOTHERSHIP_ADMIN_PASSWORD": "files-root-pw-9"})
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

    def test_a_backup_copy_is_owner_only_under_umask_022(self):
        server = self.start()
        copy = os.path.join(server.workdir, "backup.db")
        with loose_umask():
            res = subprocess.run([mothership_binary(), "backup", "--data-dir", server.data_dir, "--out", copy],
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertEqual(mode(copy), 0o600)

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


class SecretsOffCommandLines(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="mothership-secrets-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def test_the_simulator_refuses_a_token_file_others_can_read_and_does_nothing(self):
        token_file = os.path.join(self.work, "token")
        with open(token_file, "w") as f:
            f.write("eyJhbGciOiJFUzI1NiJ9.e30.sig\n")
        os.chmod(token_file, 0o644)
        # Stands in for the server: the simulator must not even connect.
        api = socket.socket()
        api.bind((HOST, 0))
        api.listen(8)
        api.settimeout(0.5)
        self.addCleanup(api.close)
        state_dir = os.path.join(self.work, "state")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTHERSHIP_")}
        res = subprocess.run([sim_binary(), "--api", "http://%s:%d" % (HOST, api.getsockname()[1]),
                              "--mqtt-tls", "%s:1" % HOST, "--ca", token_file, "--token-file", token_file,
                              "--devices", "1", "--state-dir", state_dir],
                             env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("mothership-sim: %s: mode 0644 lets group or others at the secret in it; refusing it"
                      " (chmod 600 the file)" % token_file, res.stderr)
        self.assertNotIn("eyJ", res.stdout + res.stderr)
        self.assertFalse(os.path.exists(state_dir))
        with self.assertRaises(socket.timeout):
            api.accept()

    def test_the_cli_refuses_a_token_file_others_can_read(self):
        token_file = os.path.join(self.work, "token")
        with open(token_file, "w") as f:
            f.write("eyJhbGciOiJFUzI1NiJ9.e30.sig\n")
        os.chmod(token_file, 0o640)
        csv = os.path.join(self.work, "records.csv")
        with open(csv, "w") as f:
            f.write("SN-1,Thermo,r1,CODE-123456\n")
        res = subprocess.run([mothership_binary(), "registry", "import", csv, "--api", "http://%s:1" % HOST,
                              "--token-file", token_file], capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 2, res.stdout + res.stderr)
        self.assertIn("%s: mode 0640 lets group or others at the secret in it" % token_file, res.stderr)
        for tool in ([sim_binary()], [mothership_binary(), "registry", "import"]):
            help_text = subprocess.run(tool + ["--help"], capture_output=True, text=True, timeout=60).stdout
            self.assertNotRegex(help_text, r"--token\b(?!-file)", tool)


def descendants(pid):
    """`pid` and every process below it, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def running(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


class MakeRunDemo(unittest.TestCase):
    """scripts/run-server (what `make run` runs) against the debug build, until its demo fleet
    is connected; then the command line of every process it started is read."""

    def test_no_token_password_or_claim_code_on_the_demos_command_lines(self):
        work = tempfile.mkdtemp(prefix="mothership-run-server-")
        self.addCleanup(shutil.rmtree, work, True)
        data_dir = os.path.join(work, "var")
        # curl's command lines are gone by the time /proc is read: a stand-in on PATH records them.
        spy_dir = os.path.join(work, "bin")
        os.mkdir(spy_dir)
        curl_log = os.path.join(work, "curl-argv.log")
        real_curl = shutil.which("curl")
        with open(os.path.join(spy_dir, "curl"), "w") as f:
            f.write('#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec %s "$@"\n' % (curl_log, real_curl))
        os.chmod(os.path.join(spy_dir, "curl"), 0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTHERSHIP_")}
        http = "%s:%d" % (HOST, free_port())
        mqtts = "%s:%d" % (HOST, free_port())
        env.update(PATH=spy_dir + os.pathsep + env.get("PATH", ""), DATA_DIR=data_dir, HTTP_LISTEN=http,
                   MQTT_LISTEN="%s:%d" % (HOST, free_port()), MQTTS_LISTEN=mqtts,
                   MQTT_WS_LISTEN="%s:%d" % (HOST, free_port()),
                   MOTHERSHIP_BIN_DIR=os.path.dirname(mothership_binary()))
        out_path = os.path.join(work, "run-server.out")
        out = open(out_path, "wb")
        self.addCleanup(out.close)
        script = subprocess.Popen([os.path.join(REPO_ROOT, "scripts", "run-server")], env=env, stdout=out,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

        def text():
            with open(out_path, "rb") as f:
                return f.read().decode("utf-8", "replace")

        def stop():
            if script.poll() is None:
                os.killpg(script.pid, signal.SIGKILL)
                script.wait()
        self.addCleanup(stop)

        try:
            wait_until(lambda: re.search(r"^onboarded \d+/21 in", text(), re.M) or script.poll() is not None, 180,
                       "the demo fleet onboarded")
        except AssertionError:
            raise AssertionError("no demo fleet:\n" + text()[-4000:])
        self.assertIsNone(script.poll(), text()[-4000:])
        self.assertRegex(text(), r"onboarded 21/21 in")

        with open(os.path.join(data_dir, "initial-admin-password")) as f:
            password = f.read().strip()
        codes = re.findall(r"\(code (SIM-[0-9a-f]+)\)", text())
        self.assertEqual(len(codes), 4, text())
        self.assertTrue(password)

        pids = descendants(script.pid)
        lines = {p: cmdline(p) for p in pids}
        names = " ".join(lines.values())
        self.assertIn("mothership serve", names)
        self.assertIn("mothership-sim", names)
        with open(curl_log) as f:
            curl_lines = f.read().splitlines()
        self.assertTrue(any("/api/v1/auth/login" in c for c in curl_lines), curl_lines)
        for where, line in list(lines.items()) + [("curl", c) for c in curl_lines]:
            self.assertNotIn("eyJ", line, where)
            self.assertNotIn(password, line, where)
            for code in codes:
                self.assertNotIn(code, line, where)
        self.assertEqual(mode(data_dir), 0o700)
        self.assertNotIn(WARNING, text())

        # Ctrl-C's signal: the script stops the simulator and the server, waits for them, and exits.
        os.kill(script.pid, signal.SIGTERM)
        script.wait(timeout=30)
        self.assertEqual([p for p in pids if running(p)], [])


if __name__ == "__main__":
    unittest.main()
