"""Shared harness for the black-box MQTT tests of Mothership's embedded broker.

- BrokerServer: one `mothership serve` process with an MQTT listener (and the TLS / WebSocket
  listeners its extra arguments ask for, their ports in `ports`), its log kept in a temporary
  directory, stopped with SIGTERM (exit code 0 expected, and no sanitizer report).
- BrokerTestCase: a unittest.TestCase whose class starts one server (environment from
  `server_env`), checks after every test that the server still serves a normal client, and
  prints the server's log tail when a test of the class failed.
- RawClient: a hand-made MQTT 3.1.1 / 5.0 client on a plain socket, for protocol-level tests:
  packet encoders, a packet reader with timeouts, and decoders for what the server sends.
- PahoClient: a thin wrapper of paho-mqtt 1.6.1 whose results are awaited with bounded waits.

The binary is $MOTHERSHIP_BIN, else build/debug/mothership under the repository root.
Only the Python standard library and paho-mqtt are used.
"""

import ctypes
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = "127.0.0.1"

V311 = 4
V5 = 5


def mothership_binary():
    path = os.environ.get("MOTHERSHIP_BIN") or os.path.join(REPO_ROOT, "build", "debug", "mothership")
    if not os.path.isabs(path):
        path = os.path.join(REPO_ROOT, path)
    return path


def unique(prefix="t"):
    """A topic level / client id nobody else uses."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def wait_until(predicate, timeout, what):
    """Polls `predicate` (every 10 ms) until it is true; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(0.01)


def _die_with_parent():
    # The server must not outlive a test runner killed by ctest's timeout.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------------------------

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "AddressSanitizer:")


# Listener flags and the scheme of the log line that announces each listener's port.
LISTENER_SCHEMES = {"--mqtt-tls-listen": "mqtts", "--mqtt-ws-listen": "ws", "--mqtt-wss-listen": "wss"}


class BrokerServer:
    """One `mothership serve` with an MQTT listener on a free loopback port.

    extra_args may add listeners (e.g. "--mqtt-tls-listen", "127.0.0.1:0"); `ports` then maps
    each scheme ("mqtt", "mqtts", "ws", "wss") to its bound port. allow_anonymous=False leaves
    out --mqtt-allow-anonymous."""

    def __init__(self, env=None, extra_args=(), start_timeout=30.0, allow_anonymous=True):
        self.env_overrides = dict(env or {})
        self.extra_args = list(extra_args)
        self.allow_anonymous = allow_anonymous
        self.start_timeout = start_timeout
        self.workdir = tempfile.mkdtemp(prefix="mothership-mqtt-")
        self.data_dir = os.path.join(self.workdir, "data")
        self.stdout_path = os.path.join(self.workdir, "stdout.log")
        self.stderr_path = os.path.join(self.workdir, "stderr.log")
        self.proc = None
        self.port = None
        self.http_port = None
        self.https_port = None  # when the arguments or environment ask for HTTPS
        self.ports = {}
        self.exit_code = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTHERSHIP_")}
        env.update(self.env_overrides)
        # Port 0 and the port read back from the log: no race with other processes picking
        # the same "free" port between a probe and the server's bind.
        args = [mothership_binary(), "serve", "--data-dir", self.data_dir,
                "--http-listen", HOST + ":0", "--mqtt-listen", HOST + ":0",
                "--log-level", "debug"] + (["--mqtt-allow-anonymous"] if self.allow_anonymous else []) + self.extra_args
        schemes = ["mqtt"] + [LISTENER_SCHEMES[a] for a in self.extra_args if a in LISTENER_SCHEMES]
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(args, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err, preexec_fn=_die_with_parent)
        pattern = re.compile(r"MQTT listening on ([a-z]+)://[^\s:]+:(\d+)")
        http_pattern = re.compile(r"HTTP listening on http://[^\s:]+:(\d+)")
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mothership exited with code %s during start\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if self.port is None:
                out = self.stdout_text()
                ports = {m.group(1): int(m.group(2)) for m in pattern.finditer(out)}
                http = http_pattern.search(out)
                if http and all(s in ports for s in schemes):
                    self.ports = ports
                    self.port = ports["mqtt"]
                    self.http_port = int(http.group(1))
                    https = re.search(r"HTTP listening on https://[^\s:]+:(\d+)", out)
                    self.https_port = int(https.group(1)) if https else None
            if self.port is not None:
                try:
                    socket.create_connection((HOST, self.port), timeout=1).close()
                    return self
                except OSError:
                    pass
            time.sleep(0.02)
        self.kill()
        raise RuntimeError("mothership did not listen for MQTT within %.0f s\n%s"
                           % (self.start_timeout, self.log_tail()))

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def mqtt_metrics(self):
        """The broker's Prometheus metrics (GET /metrics), as {"name{labels}": value}."""
        with urllib.request.urlopen("http://%s:%d/metrics" % (HOST, self.http_port), timeout=10) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if line.startswith("mothership_mqtt_"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def stop(self, grace=20.0):
        """SIGTERM, then the exit code (SIGKILL and -9 after `grace` seconds)."""
        if self.proc is None:
            return self.exit_code
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.exit_code = self.proc.returncode
        self.proc = None
        self._out.close()
        self._err.close()
        return self.exit_code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self, keep=False):
        if keep or os.environ.get("MOTHERSHIP_IT_KEEP") == "1":
            sys.stderr.write("[mqtt tests] kept %s\n" % self.workdir)
            return
        shutil.rmtree(self.workdir, ignore_errors=True)

    def stdout_text(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def sanitizer_report(self, frames=12):
        """The first sanitizer report in stderr, its stack cut to `frames` frames."""
        err = self.stderr_text()
        for marker in SANITIZER_MARKERS:
            i = err.find(marker)
            if i >= 0:
                lines = err[i:].splitlines()
                out, shown = [], 0
                for line in lines:
                    if line.lstrip().startswith("#"):
                        shown += 1
                        if shown > frames:
                            continue
                    out.append(line)
                    if line.startswith("SUMMARY:") or len(out) > 80:
                        break
                return "\n".join(out)
        return None

    def log_tail(self, lines=60):
        def tail(text):
            # Without sanitizer stack frames (often thousands of lines): sanitizer_report() has them.
            kept = [l for l in text.splitlines() if not l.lstrip().startswith("#")]
            return "\n".join(kept[-lines:])
        return ("--- server stdout (tail) ---\n%s\n--- server stderr (tail) ---\n%s\n"
                % (tail(self.stdout_text()), tail(self.stderr_text())))


class BrokerTestCase(unittest.TestCase):
    """One server per test class (each test module has one class, or one per server setting)."""

    server_env = {}
    server_args = ()  # extra `serve` arguments, e.g. more listeners
    allow_anonymous = True
    server = None
    check_health_after_each_test = True
    _had_failure = False

    @classmethod
    def setUpClass(cls):
        cls._had_failure = False
        cls._dead_servers = []
        cls._start_server()

    @classmethod
    def _start_server(cls):
        cls.server = BrokerServer(env=cls.server_env, extra_args=cls.server_args,
                                  allow_anonymous=cls.allow_anonymous).start()
        cls.port = cls.server.port

    def setUp(self):
        # A test that crashed the server fails in its own tearDown (health check); the next
        # test gets a fresh server instead of failing too. The crash is reported again at the
        # end of the class, with the sanitizer's report.
        cls = type(self)
        if not cls.server.alive():
            cls._dead_servers.append(cls.server)
            cls._start_server()

    @classmethod
    def tearDownClass(cls):
        problems = []
        for dead in cls._dead_servers:
            code = dead.stop()
            report = dead.sanitizer_report()
            problems.append("mothership died during the tests (exit code %s)%s"
                            % (code, ":\n" + report if report else ""))
            sys.stderr.write("\n[mqtt tests] %s: log of a server that died:\n%s\n"
                             % (cls.__name__, dead.log_tail()))
            dead.cleanup(keep=True)
        server = cls.server
        if server is not None:
            code = server.stop()
            report = server.sanitizer_report()
            if code != 0:
                problems.append("mothership exited with code %s after SIGTERM (expected 0)" % code)
            if report:
                problems.append("sanitizer report in the server's stderr:\n" + report)
            if (problems and not cls._dead_servers) or cls._had_failure:
                sys.stderr.write("\n[mqtt tests] %s server log:\n%s\n" % (cls.__name__, server.log_tail()))
            server.cleanup(keep=bool(problems or cls._had_failure))
            cls.server = None
        if problems:
            raise AssertionError("\n".join(problems))

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            type(self)._had_failure = True
        return outcome

    def tearDown(self):
        if self.check_health_after_each_test:
            self.assert_server_healthy()

    # --- helpers ---------------------------------------------------------------------------

    def assert_server_healthy(self):
        """The process runs and a fresh MQTT 5 client gets CONNACK 0 and a PINGRESP (without
        anonymous access: CONNACK 0x87 Not authorized)."""
        self.assertTrue(self.server.alive(), "the server process died\n" + self.server.log_tail())
        if not self.server.allow_anonymous:
            with RawClient(self.port) as c:
                self.assertEqual(c.connect(version=V5, client_id=unique("health")).reason, 0x87)
            return
        with RawClient(self.port) as c:
            ack = c.connect(version=V5, client_id=unique("health"))
            self.assertEqual(ack.reason, 0)
            c.send(pingreq())
            c.expect(PINGRESP, timeout=5)
            c.send(disconnect_packet(V5))

    def raw(self, **kw):
        c = RawClient(self.port, **kw)
        self.addCleanup(c.close)
        return c

    def paho(self, **kw):
        c = PahoClient(self.port, **kw)
        self.addCleanup(c.stop)
        return c


# ---------------------------------------------------------------------------------------------
# Wire format (MQTT 3.1.1 and 5.0), for hand-made packets
# ---------------------------------------------------------------------------------------------

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = 8, 9, 10, 11, 12, 13, 14, 15
PACKET_NAMES = {1: "CONNECT", 2: "CONNACK", 3: "PUBLISH", 4: "PUBACK", 5: "PUBREC", 6: "PUBREL", 7: "PUBCOMP",
                8: "SUBSCRIBE", 9: "SUBACK", 10: "UNSUBSCRIBE", 11: "UNSUBACK", 12: "PINGREQ", 13: "PINGRESP",
                14: "DISCONNECT", 15: "AUTH"}

# MQTT 5 properties: id -> (name, type)
PROPERTIES = {
    0x01: ("payload_format_indicator", "byte"),
    0x02: ("message_expiry_interval", "u32"),
    0x03: ("content_type", "str"),
    0x08: ("response_topic", "str"),
    0x09: ("correlation_data", "bin"),
    0x0B: ("subscription_identifier", "varint"),
    0x11: ("session_expiry_interval", "u32"),
    0x12: ("assigned_client_identifier", "str"),
    0x13: ("server_keep_alive", "u16"),
    0x15: ("authentication_method", "str"),
    0x16: ("authentication_data", "bin"),
    0x17: ("request_problem_information", "byte"),
    0x18: ("will_delay_interval", "u32"),
    0x19: ("request_response_information", "byte"),
    0x1A: ("response_information", "str"),
    0x1C: ("server_reference", "str"),
    0x1F: ("reason_string", "str"),
    0x21: ("receive_maximum", "u16"),
    0x22: ("topic_alias_maximum", "u16"),
    0x23: ("topic_alias", "u16"),
    0x24: ("maximum_qos", "byte"),
    0x25: ("retain_available", "byte"),
    0x26: ("user_property", "pair"),
    0x27: ("maximum_packet_size", "u32"),
    0x28: ("wildcard_subscription_available", "byte"),
    0x29: ("subscription_identifier_available", "byte"),
    0x2A: ("shared_subscription_available", "byte"),
}
PROPERTY_IDS = {name: pid for pid, (name, _) in PROPERTIES.items()}
REPEATABLE = {"subscription_identifier", "user_property"}


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def mqtt_string(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return struct.pack("!H", len(s)) + s


def encode_properties(props):
    """props: dict name -> value (list of values for repeatable ones); None -> no properties."""
    out = bytearray()
    for name, value in (props or {}).items():
        pid = PROPERTY_IDS[name]
        kind = PROPERTIES[pid][1]
        values = value if name in REPEATABLE else [value]
        for v in values:
            out.append(pid)
            if kind == "byte":
                out += struct.pack("!B", v)
            elif kind == "u16":
                out += struct.pack("!H", v)
            elif kind == "u32":
                out += struct.pack("!I", v)
            elif kind == "varint":
                out += varint(v)
            elif kind in ("str", "bin"):
                out += mqtt_string(v)
            elif kind == "pair":
                out += mqtt_string(v[0]) + mqtt_string(v[1])
    return varint(len(out)) + bytes(out)


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def connect_packet(version=V5, client_id="", clean=True, keepalive=0, props=None, will=None,
                   username=None, password=None):
    """will: dict(topic, payload, qos=0, retain=False, props=None)."""
    flags = 0x02 if clean else 0
    if will:
        flags |= 0x04 | (will.get("qos", 0) << 3) | (0x20 if will.get("retain") else 0)
    if username is not None:
        flags |= 0x80
    if password is not None:
        flags |= 0x40
    body = mqtt_string("MQTT") + bytes([version, flags]) + struct.pack("!H", keepalive)
    if version == V5:
        body += encode_properties(props)
    body += mqtt_string(client_id)
    if will:
        if version == V5:
            body += encode_properties(will.get("props"))
        payload = will["payload"]
        body += mqtt_string(will["topic"]) + mqtt_string(payload.encode() if isinstance(payload, str) else payload)
    if username is not None:
        body += mqtt_string(username)
    if password is not None:
        body += mqtt_string(password)
    return packet(0x10, body)


def publish_packet(version, topic, payload=b"", qos=0, retain=False, dup=False, packet_id=None, props=None):
    if isinstance(payload, str):
        payload = payload.encode()
    first = 0x30 | (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    body = mqtt_string(topic)
    if qos:
        body += struct.pack("!H", packet_id if packet_id is not None else 1)
    if version == V5:
        body += encode_properties(props)
    return packet(first, body + payload)


def ack_packet(ptype, packet_id, version=V5, reason=None):
    first = (ptype << 4) | (0x02 if ptype == PUBREL else 0)
    body = struct.pack("!H", packet_id)
    if version == V5 and reason is not None:
        body += bytes([reason])
    return packet(first, body)


def subscribe_packet(version, packet_id, filters, props=None):
    """filters: list of (filter, options byte) or filter strings (options = QoS 1)."""
    body = struct.pack("!H", packet_id)
    if version == V5:
        body += encode_properties(props)
    for f in filters:
        flt, opts = (f, 1) if isinstance(f, (str, bytes)) else f
        body += mqtt_string(flt) + bytes([opts])
    return packet(0x82, body)


def unsubscribe_packet(version, packet_id, filters):
    body = struct.pack("!H", packet_id)
    if version == V5:
        body += encode_properties(None)
    for f in filters:
        body += mqtt_string(f)
    return packet(0xA2, body)


def pingreq():
    return b"\xc0\x00"


def disconnect_packet(version=V5, reason=None, props=None):
    if version != V5 or (reason is None and props is None):
        return b"\xe0\x00"
    body = bytes([reason or 0])
    if props is not None:
        body += encode_properties(props)
    return packet(0xE0, body)


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def left(self):
        return len(self.data) - self.pos

    def u8(self):
        v = self.data[self.pos]
        self.pos += 1
        return v

    def u16(self):
        v = struct.unpack_from("!H", self.data, self.pos)[0]
        self.pos += 2
        return v

    def u32(self):
        v = struct.unpack_from("!I", self.data, self.pos)[0]
        self.pos += 4
        return v

    def varint(self):
        value, mult = 0, 1
        while True:
            b = self.u8()
            value += (b & 0x7F) * mult
            if not b & 0x80:
                return value
            mult *= 128

    def binary(self):
        n = self.u16()
        v = self.data[self.pos:self.pos + n]
        self.pos += n
        return v

    def string(self):
        return self.binary().decode("utf-8")

    def rest(self):
        v = self.data[self.pos:]
        self.pos = len(self.data)
        return v

    def properties(self):
        n = self.varint()
        end = self.pos + n
        props = {}
        while self.pos < end:
            pid = self.varint()
            name, kind = PROPERTIES[pid]
            if kind == "byte":
                v = self.u8()
            elif kind == "u16":
                v = self.u16()
            elif kind == "u32":
                v = self.u32()
            elif kind == "varint":
                v = self.varint()
            elif kind == "str":
                v = self.string()
            elif kind == "bin":
                v = self.binary()
            else:
                v = (self.string(), self.string())
            if name in REPEATABLE:
                props.setdefault(name, []).append(v)
            else:
                props[name] = v
        return props


class Packet:
    """A packet received from the server, decoded by type."""

    def __init__(self, first_byte, body, version):
        self.first_byte = first_byte
        self.type = first_byte >> 4
        self.flags = first_byte & 0x0F
        self.body = body
        self.version = version
        self.props = {}
        self.reason = None
        self.packet_id = None
        r = Reader(body)
        v5 = version == V5
        if self.type == CONNACK:
            self.session_present = bool(r.u8() & 1)
            self.reason = r.u8()
            if v5 and r.left():
                self.props = r.properties()
        elif self.type == PUBLISH:
            self.qos = (self.flags >> 1) & 3
            self.dup = bool(self.flags & 8)
            self.retain = bool(self.flags & 1)
            self.topic_bytes = r.binary()
            self.topic = self.topic_bytes.decode("utf-8", "replace")
            if self.qos:
                self.packet_id = r.u16()
            if v5:
                self.props = r.properties()
            self.payload = r.rest()
        elif self.type in (PUBACK, PUBREC, PUBREL, PUBCOMP):
            self.packet_id = r.u16()
            self.reason = 0
            if v5 and r.left():
                self.reason = r.u8()
                if r.left():
                    self.props = r.properties()
        elif self.type in (SUBACK, UNSUBACK):
            self.packet_id = r.u16()
            if v5:
                self.props = r.properties()
            self.reasons = list(r.rest())
        elif self.type == DISCONNECT:
            self.reason = r.u8() if r.left() else 0
            if r.left():
                self.props = r.properties()

    @property
    def name(self):
        return PACKET_NAMES.get(self.type, "type %d" % self.type)

    def __repr__(self):
        extra = ""
        if self.reason is not None:
            extra += " reason=0x%02X" % self.reason
        if self.type == PUBLISH:
            extra += " topic=%r qos=%d retain=%d dup=%d payload=%r" % (
                self.topic[:60], self.qos, self.retain, self.dup, self.payload[:40])
        if self.props:
            extra += " props=%r" % (self.props,)
        return "<%s%s>" % (self.name, extra)


class ConnectionClosed(Exception):
    pass


class RawClient:
    """A socket speaking hand-made MQTT. Every read has a timeout."""

    def __init__(self, port, version=V5, timeout=5.0, rcvbuf=None, sock=None):
        """sock: an open connection to use instead of a new TCP socket to `port` (a TLS socket,
        or any object with sendall / recv / settimeout / setsockopt / close)."""
        self.version = version
        self.default_timeout = timeout
        if sock is not None:
            self.sock = sock
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if rcvbuf:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            self.sock.settimeout(timeout)
            self.sock.connect((HOST, port))
        self.sock.settimeout(timeout)
        self.buf = bytearray()
        self.eof = False
        self.next_id = 0
        self.pending_before_ack = []  # packets read while awaiting an acknowledgement

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def abort(self):
        """Close with RST (SO_LINGER 0): as abrupt as a lost network."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def packet_id(self):
        self.next_id = self.next_id % 65535 + 1
        return self.next_id

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data from the server in time")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no data from the server in time")
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.eof = True
        self.buf += chunk

    def _parse(self):
        """A whole packet from the buffer, or None."""
        if len(self.buf) < 2:
            return None
        length, mult, i = 0, 1, 1
        while True:
            if i >= len(self.buf):
                return None
            b = self.buf[i]
            length += (b & 0x7F) * mult
            mult *= 128
            i += 1
            if not b & 0x80:
                break
        if len(self.buf) < i + length:
            return None
        first = self.buf[0]
        body = bytes(self.buf[i:i + length])
        del self.buf[:i + length]
        return Packet(first, body, self.version)

    def recv(self, timeout=None):
        """The next packet. Raises ConnectionClosed at EOF, TimeoutError after `timeout`."""
        deadline = time.monotonic() + (self.default_timeout if timeout is None else timeout)
        while True:
            p = self._parse()
            if p is not None:
                return p
            if self.eof:
                raise ConnectionClosed("connection closed by the server (%d unparsed bytes)" % len(self.buf))
            self._fill(deadline)

    def expect(self, ptype, timeout=None):
        p = self.recv(timeout)
        if p.type != ptype:
            raise AssertionError("expected %s, got %r" % (PACKET_NAMES[ptype], p))
        return p

    def wait_closed(self, timeout=None):
        """Reads until the server closes; returns the packets received meanwhile."""
        got = []
        deadline = time.monotonic() + (self.default_timeout if timeout is None else timeout)
        while True:
            try:
                got.append(self.recv(max(0.0, deadline - time.monotonic())))
            except ConnectionClosed:
                return got
            except TimeoutError:
                raise TimeoutError("the server did not close the connection within %.1f s (got %r)"
                                   % (timeout if timeout is not None else self.default_timeout, got))

    def is_open(self, wait=0.0):
        """True when no EOF arrives within `wait` seconds (any packets read are dropped)."""
        try:
            self.recv(wait)
            return True
        except TimeoutError:
            return True
        except ConnectionClosed:
            return False

    # --- conveniences ----------------------------------------------------------------------

    def connect(self, version=None, **kw):
        if version is not None:
            self.version = version
        self.send(connect_packet(self.version, **kw))
        return self.expect(CONNACK)

    def subscribe(self, *filters, props=None, timeout=None):
        pid = self.packet_id()
        self.send(subscribe_packet(self.version, pid, filters, props))
        while True:
            p = self.recv(timeout)
            if p.type == SUBACK and p.packet_id == pid:
                return p
            self.pending_before_ack.append(p)

    def publish(self, topic, payload=b"", qos=0, retain=False, props=None, packet_id=None):
        """Sends PUBLISH; for QoS 1 returns the PUBACK, for QoS 2 the PUBCOMP (after PUBREC/PUBREL)."""
        pid = packet_id if packet_id is not None else (self.packet_id() if qos else None)
        self.send(publish_packet(self.version, topic, payload, qos, retain, packet_id=pid, props=props))
        if qos == 1:
            return self._await_ack(PUBACK, pid)
        if qos == 2:
            rec = self._await_ack(PUBREC, pid)
            if rec.reason is not None and rec.reason >= 0x80:
                return rec
            self.send(ack_packet(PUBREL, pid, self.version))
            return self._await_ack(PUBCOMP, pid)
        return None

    def _await_ack(self, ptype, pid):
        while True:
            p = self.recv()
            if p.type == ptype and p.packet_id == pid:
                return p
            self.pending_before_ack.append(p)

    def ping(self, timeout=None):
        """PINGREQ, then every packet received before the PINGRESP (a barrier)."""
        self.send(pingreq())
        got = []
        while True:
            p = self.recv(timeout)
            if p.type == PINGRESP:
                return got
            got.append(p)

    def ack(self, p):
        """Acknowledges a received PUBLISH as its QoS requires (QoS 2: PUBREC only)."""
        if p.qos == 1:
            self.send(ack_packet(PUBACK, p.packet_id, self.version))
        elif p.qos == 2:
            self.send(ack_packet(PUBREC, p.packet_id, self.version))


# ---------------------------------------------------------------------------------------------
# paho-mqtt wrapper
# ---------------------------------------------------------------------------------------------

class PahoClient:
    """paho-mqtt 1.6.1 with its network loop in a thread and events for every outcome."""

    def __init__(self, port, client_id="", version=V5, clean=True, keepalive=30, session_expiry=None,
                 will=None, username=None, password=None, transport="tcp", tls=None, ws_path="/mqtt", host=HOST,
                 origin=None):
        """tls: keyword arguments of paho's tls_set (ca_certs, certfile, keyfile, ...), or None
        for plain TCP; transport "websockets" speaks MQTT over WebSocket at `ws_path`, with
        `origin` as its Origin header (None: no Origin, as a client that is not a browser;
        paho would send one naming the broker itself)."""
        self.port = port
        self.host = host
        self.version = version
        self.clean = clean
        self.keepalive = keepalive
        self.session_expiry = session_expiry
        proto = mqtt.MQTTv5 if version == V5 else mqtt.MQTTv311
        kwargs = dict(client_id=client_id, protocol=proto, reconnect_on_failure=False, transport=transport)
        if version != V5:
            kwargs["clean_session"] = clean
        self.client = mqtt.Client(**kwargs)
        if transport == "websockets":
            def headers(defaults):
                defaults.pop("Origin", None)
                if origin is not None:
                    defaults["Origin"] = origin
                return defaults
            self.client.ws_set_options(path=ws_path, headers=headers)
        if tls is not None:
            self.client.tls_set(**tls)
        if username is not None:
            self.client.username_pw_set(username, password)
        if will:
            wprops = None
            if will.get("props"):
                wprops = Properties(PacketTypes.WILLMESSAGE)
                for k, v in will["props"].items():
                    setattr(wprops, k, v)
            self.client.will_set(will["topic"], will.get("payload"), will.get("qos", 0), will.get("retain", False),
                                 properties=wprops)
        self.cond = threading.Condition()
        self.messages = []
        self.subacks = {}
        self.unsubacks = set()
        self.published = set()
        self.connack = None  # (session_present, reason code int, properties)
        self.disconnects = []  # reason codes (int, or None when paho could not parse one)
        self.connected = threading.Event()
        self.disconnected = threading.Event()
        c = self.client
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_message
        c.on_subscribe = self._on_subscribe
        c.on_unsubscribe = self._on_unsubscribe
        c.on_publish = self._on_publish
        self._started = False

    # callbacks (paho's network thread)
    def _on_connect(self, client, userdata, flags, rc, properties=None):
        with self.cond:
            code = rc.value if hasattr(rc, "value") else int(rc)
            self.connack = (bool(flags.get("session present")), code, properties)
            self.cond.notify_all()
        self.connected.set()

    def _on_disconnect(self, client, userdata, rc, properties=None):
        with self.cond:
            self.disconnects.append(rc.value if hasattr(rc, "value") else rc)
            self.cond.notify_all()
        self.disconnected.set()

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.messages.append(msg)
            self.cond.notify_all()

    def _on_subscribe(self, client, userdata, mid, codes, properties=None):
        with self.cond:
            self.subacks[mid] = [c.value if hasattr(c, "value") else int(c) for c in codes]
            self.cond.notify_all()

    def _on_unsubscribe(self, client, userdata, mid, *rest):
        with self.cond:
            self.unsubacks.add(mid)
            self.cond.notify_all()

    def _on_publish(self, client, userdata, mid):
        with self.cond:
            self.published.add(mid)
            self.cond.notify_all()

    def _wait(self, predicate, timeout, what):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))

    # operations
    def connect(self, timeout=10, properties=None, expect_success=True):
        """Connects; returns (session_present, reason code)."""
        kwargs = {}
        if self.version == V5:
            props = properties
            if self.session_expiry is not None:
                props = props or Properties(PacketTypes.CONNECT)
                props.SessionExpiryInterval = self.session_expiry
            kwargs = dict(clean_start=self.clean, properties=props)
        self.client.connect(self.host, self.port, keepalive=self.keepalive, **kwargs)
        self.client.loop_start()
        self._started = True
        self._wait(lambda: self.connack is not None or self.disconnects, timeout, "CONNACK")
        if self.connack is None:
            raise AssertionError("connection lost before CONNACK: %r" % self.disconnects)
        if expect_success and self.connack[1] != 0:
            raise AssertionError("CONNACK refused: %r" % (self.connack,))
        return self.connack[0], self.connack[1]

    def subscribe(self, topic, qos=1, options=None, properties=None, timeout=10):
        """Returns the SUBACK reason codes (ints)."""
        if options is not None:
            rc, mid = self.client.subscribe(topic, options=options, properties=properties)
        elif isinstance(topic, list):
            rc, mid = self.client.subscribe(topic, properties=properties)
        else:
            rc, mid = self.client.subscribe(topic, qos, properties=properties)
        if rc != mqtt.MQTT_ERR_SUCCESS:
            raise AssertionError("subscribe failed locally: %d" % rc)
        self._wait(lambda: mid in self.subacks, timeout, "SUBACK")
        return self.subacks[mid]

    def unsubscribe(self, topic, timeout=10):
        rc, mid = self.client.unsubscribe(topic)
        self._wait(lambda: mid in self.unsubacks, timeout, "UNSUBACK")

    def publish(self, topic, payload=b"", qos=0, retain=False, properties=None, wait=True, timeout=10):
        """Publishes; with wait (QoS 1/2) returns once PUBACK / PUBCOMP arrived."""
        info = self.client.publish(topic, payload, qos, retain, properties=properties)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise AssertionError("publish failed locally: %d" % info.rc)
        if wait and qos > 0:
            self._wait(lambda: info.mid in self.published, timeout, "the end of the QoS %d flow" % qos)
        return info.mid

    def sync(self, timeout=10):
        """A barrier: once the SUBACK of a fresh subscription is in, every packet the server
        queued for us before it has been handled (one network thread, in order)."""
        self.subscribe("sync/" + uuid.uuid4().hex, 0, timeout=timeout)

    def wait_messages(self, count, timeout=10, topic=None):
        """At least `count` messages (on `topic` when given); returns them."""
        def matching():
            return [m for m in self.messages if topic is None or m.topic == topic]
        self._wait(lambda: len(matching()) >= count, timeout,
                   "%d message(s)%s (have %d)" % (count, " on " + topic if topic else "", len(matching())))
        return matching()

    def messages_on(self, topic):
        with self.cond:
            return [m for m in self.messages if m.topic == topic]

    def wait_disconnected(self, timeout=10):
        if not self.disconnected.wait(timeout):
            raise AssertionError("not disconnected within %.1f s" % timeout)
        return self.disconnects[0]

    def disconnect(self, reasoncode=None, properties=None, timeout=5):
        self.client.disconnect(reasoncode=reasoncode, properties=properties) if self.version == V5 \
            else self.client.disconnect()
        self.disconnected.wait(timeout)
        self.stop()

    def stop(self):
        if self._started:
            self._started = False
            try:
                if not self.disconnected.is_set():
                    self.client.disconnect()
            except Exception:
                pass
            self.client.loop_stop()


# ---------------------------------------------------------------------------------------------
# mosquitto command-line clients
# ---------------------------------------------------------------------------------------------

def mosquitto(tool, port, *args, timeout=15, input=None):
    """Runs mosquitto_pub / mosquitto_sub to completion; returns CompletedProcess (text)."""
    return subprocess.run([tool, "-h", HOST, "-p", str(port)] + list(args), capture_output=True, text=True,
                          timeout=timeout, input=input)


class LineReader:
    """Reads a child's stdout line by line in a thread, for awaiting a given line."""

    def __init__(self, proc):
        self.proc = proc
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def wait_for(self, predicate, timeout):
        with self.cond:
            ok = self.cond.wait_for(lambda: any(l is not None and predicate(l) for l in self.lines), timeout)
            if not ok:
                raise AssertionError("no matching line within %.1f s; got %r" % (timeout, self.lines))
            return next(l for l in self.lines if l is not None and predicate(l))
