"""MQTT over WebSocket (ws) and secure WebSocket (wss): the upgrade must offer the "mqtt"
subprotocol and the 101 names it; MQTT then flows in binary frames, a packet may span frames
and a frame may hold several packets [MQTT-6.0.0-1..4]; a text frame ends the connection.

Raw tests write RFC 6455 frames by hand (client frames are masked)."""

import base64
import hashlib
import os
import socket
import ssl
import struct
import time
import unittest

import certs
from broker_fixture import (CONNACK, HOST, PINGRESP, PUBLISH, SUBACK, V311, V5, BrokerTestCase, ConnectionClosed,
                            PahoClient, RawClient, connect_packet, pingreq, publish_packet, subscribe_packet, unique)

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
NOT_AUTHORIZED = 0x87
CLIENT_ID_NOT_VALID = 0x85
CONNECT_TIMEOUT_S = 2


def frame(opcode, payload, fin=True, masked=True):
    """A client frame: masked, as RFC 6455 §5.3 requires of clients (masked=False breaks it)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if masked else 0
    n = len(payload)
    if n < 126:
        head += bytes([mask_bit | n])
    elif n < 65536:
        head += bytes([mask_bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", n)
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class HttpResponse:
    def __init__(self, head):
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()


class WebSocketClient:
    """The client end of a WebSocket on a connected socket. As a RawClient's `sock`, each
    sendall() is one binary frame and recv() returns the payloads of the server's frames
    (b"" once the server sent a close frame or closed the socket)."""

    def __init__(self, sock):
        self.sock = sock
        self.pending = bytearray()  # bytes read, not yet parsed
        self.closed_by_server = False
        self.close_code = None
        self.pongs = []

    @classmethod
    def open(cls, sock, path="/mqtt", protocols="mqtt"):
        """Sends the upgrade; returns (client or None, HttpResponse)."""
        key = base64.b64encode(os.urandom(16)).decode()
        request = ("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, HOST, key))
        if protocols is not None:
            request += "Sec-WebSocket-Protocol: %s\r\n" % protocols
        ws = cls(sock)
        sock.sendall((request + "\r\n").encode())
        response = HttpResponse(ws._read_head())
        if response.status != 101:
            return None, response
        expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        if response.headers.get("sec-websocket-accept") != expected:
            raise AssertionError("wrong Sec-WebSocket-Accept: %r" % response.headers)
        return ws, response

    def _read_head(self):
        while b"\r\n\r\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionClosed("closed before the end of the HTTP response: %r" % bytes(self.pending))
            self.pending += chunk
        head, _, rest = bytes(self.pending).partition(b"\r\n\r\n")
        self.pending = bytearray(rest)
        return head

    def send_frame(self, opcode, payload, fin=True, masked=True):
        self.sock.sendall(frame(opcode, payload, fin, masked))

    def _parse(self):
        """(opcode, payload) of a whole frame in `pending`, or None."""
        p = self.pending
        if len(p) < 2:
            return None
        if p[1] & 0x80:
            raise AssertionError("the server masked a frame (RFC 6455 §5.1)")
        n, at = p[1] & 0x7F, 2
        if n == 126:
            if len(p) < 4:
                return None
            n, at = struct.unpack_from("!H", p, 2)[0], 4
        elif n == 127:
            if len(p) < 10:
                return None
            n, at = struct.unpack_from("!Q", p, 2)[0], 10
        if len(p) < at + n:
            return None
        opcode, payload = p[0] & 0x0F, bytes(p[at:at + n])
        del p[:at + n]
        return opcode, payload

    # --- what RawClient uses ----------------------------------------------------------------

    def recv(self, _bufsize):
        while True:
            if self.closed_by_server:
                return b""
            parsed = self._parse()
            if parsed is None:
                chunk = self.sock.recv(65536)  # socket.timeout propagates; `pending` is kept
                if not chunk:
                    self.closed_by_server = True
                    return b""
                self.pending += chunk
                continue
            opcode, payload = parsed
            if opcode == CLOSE:
                self.closed_by_server = True
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return b""
            if opcode in (BINARY, CONTINUATION) and payload:
                return payload
            if opcode == PING:
                self.send_frame(PONG, payload)
            elif opcode == PONG:
                self.pongs.append(payload)
            elif opcode == TEXT:
                raise AssertionError("the server sent a text frame (MQTT uses binary frames [MQTT-6.0.0-1])")

    def sendall(self, data):
        self.send_frame(BINARY, data)

    def settimeout(self, t):
        self.sock.settimeout(t)

    def setsockopt(self, *args):
        self.sock.setsockopt(*args)

    def close(self):
        self.sock.close()


class WebSocket(certs.CertificateDirectory, BrokerTestCase):
    """ws and wss listeners (anonymous allowed) and a client CA for device certificates."""

    server_env = {"MOTHERSHIP_MQTT_CONNECT_TIMEOUT_S": str(CONNECT_TIMEOUT_S)}

    pki_prefix = "mothership-ws-"

    @classmethod
    def make_certificates(cls):
        cls.ca = certs.CertificateAuthority(cls.pki_dir, "test-ca")
        cls.device = cls.ca.issue_device("dev-ws", "dev-ws")
        cls.server_args = ("--mqtt-ws-listen", HOST + ":0", "--mqtt-wss-listen", HOST + ":0",
                           "--pki-ca-cert", cls.ca.cert, "--pki-ca-key", cls.ca.key)

    def server_cert(self):
        return self.ca.cert  # the imported issuing CA signed the server's certificate

    def ws_paho(self, scheme, **kw):
        tls = dict(ca_certs=self.server_cert(), **kw.pop("tls", {})) if scheme == "wss" else None
        c = PahoClient(self.server.ports[scheme], transport="websockets", tls=tls, **kw)
        self.addCleanup(c.stop)
        return c

    def tcp(self, scheme):
        sock = socket.create_connection((HOST, self.server.ports[scheme]), timeout=5)
        if scheme == "wss":
            ctx = ssl.create_default_context(cafile=self.server_cert())
            sock = ctx.wrap_socket(sock, server_hostname=HOST)
        self.addCleanup(sock.close)
        return sock

    def ws_raw(self, scheme="ws", version=V5):
        """A RawClient over a WebSocket that completed its upgrade."""
        ws, response = WebSocketClient.open(self.tcp(scheme))
        self.assertEqual(response.status, 101)
        c = RawClient(None, version=version, sock=ws)
        self.addCleanup(c.close)
        return c

    def handshake_failures(self):
        return self.server.mqtt_metrics()["mothership_mqtt_handshake_failures_total"]

    # --- paho over ws and wss ---------------------------------------------------------------

    def test_paho_round_trip(self):
        for scheme in ("ws", "wss"):
            for version in (V311, V5):
                with self.subTest(scheme=scheme, version=version):
                    sub = self.ws_paho(scheme, version=version)
                    sub.connect()
                    pub = self.ws_paho(scheme, version=version)
                    pub.connect()
                    topic = "%s/%s" % (scheme, unique())
                    self.assertEqual(sub.subscribe(topic, 1), [1])
                    pub.publish(topic, b"through a websocket", 1)  # returns once PUBACK arrived
                    [m] = sub.wait_messages(1, topic=topic)
                    self.assertEqual((m.payload, m.qos), (b"through a websocket", 1))
                    sub.disconnect()
                    pub.disconnect()

    def test_large_message_round_trip(self):
        # Larger than one read buffer and one frame the server writes: reassembly both ways.
        payload = os.urandom(300_000)
        sub = self.ws_paho("wss", version=V5)
        sub.connect()
        topic = "big/" + unique()
        sub.subscribe(topic, 1)
        pub = self.ws_paho("ws", version=V311)
        pub.connect()
        pub.publish(topic, payload, 1)
        self.assertEqual(sub.wait_messages(1, topic=topic)[0].payload, payload)

    def test_device_certificate_over_wss(self):
        # A client certificate on wss names the device, as on the mqtts listener.
        cert, key = self.device
        c = self.ws_paho("wss", client_id="dev-ws", tls=dict(certfile=cert, keyfile=key))
        c.connect()
        self.assertEqual(c.subscribe([("devices/dev-ws/#", 1), ("devices/other/#", 1)]), [1, NOT_AUTHORIZED])
        c.publish("devices/dev-ws/telemetry", b"7", 1)
        self.assertEqual(c.wait_messages(1, topic="devices/dev-ws/telemetry")[0].payload, b"7")
        wrong = self.ws_paho("wss", client_id="not-dev-ws", tls=dict(certfile=cert, keyfile=key))
        self.assertEqual(wrong.connect(expect_success=False)[1], CLIENT_ID_NOT_VALID)

    # --- the upgrade ------------------------------------------------------------------------

    def test_upgrade_without_mqtt_subprotocol_refused(self):
        before = self.handshake_failures()
        cases = [("ws", None), ("ws", "chat"), ("ws", "mqttv3.1"), ("ws", "mqtt5"), ("wss", None)]
        for scheme, protocols in cases:
            with self.subTest(scheme=scheme, protocols=protocols):
                sock = self.tcp(scheme)
                ws, response = WebSocketClient.open(sock, protocols=protocols)
                self.assertIsNone(ws)
                self.assertEqual(response.status, 400)
                self.assertNotIn("sec-websocket-accept", response.headers)
                sock.settimeout(3)
                drain(sock)  # the server closes the connection after the 400 (else: socket.timeout)
        self.assertEqual(self.handshake_failures() - before, len(cases))

    def test_plain_http_request_refused(self):
        sock = self.tcp("ws")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        response = HttpResponse(WebSocketClient(sock)._read_head())
        self.assertEqual(response.status, 400)

    def test_101_names_the_mqtt_subprotocol(self):
        for scheme in ("ws", "wss"):
            for path, protocols in (("/mqtt", "mqtt"), ("/", "chat, mqtt"), ("/any/path?x=1", "mqtt , wamp")):
                with self.subTest(scheme=scheme, path=path, protocols=protocols):
                    ws, response = WebSocketClient.open(self.tcp(scheme), path=path, protocols=protocols)
                    self.assertEqual(response.status, 101)
                    self.assertEqual(response.headers.get("sec-websocket-protocol"), "mqtt")
                    self.assertEqual(response.headers.get("upgrade", "").lower(), "websocket")
                    c = RawClient(None, sock=ws)
                    self.assertEqual(c.connect(version=V5, client_id=unique("ws")).reason, 0)
                    c.close()

    # --- framing ----------------------------------------------------------------------------

    def test_packet_split_across_frames(self):
        for scheme in ("ws", "wss"):
            with self.subTest(scheme=scheme):
                c = self.ws_raw(scheme)
                ws = c.sock
                hello = connect_packet(V5, client_id=unique("split"))
                # Two binary messages, the CONNECT cut in its fixed header.
                ws.send_frame(BINARY, hello[:1])
                ws.send_frame(BINARY, hello[1:])
                self.assertEqual(c.expect(CONNACK).reason, 0)
                topic = "split/" + unique()
                self.assertEqual(c.subscribe((topic, 1)).reasons, [1])
                # One message in three fragments (binary, continuation, continuation).
                publish = publish_packet(V5, topic, b"in pieces", qos=0)
                ws.send_frame(BINARY, publish[:3], fin=False)
                ws.send_frame(CONTINUATION, publish[3:9], fin=False)
                ws.send_frame(CONTINUATION, publish[9:], fin=True)
                got = c.expect(PUBLISH)
                self.assertEqual((got.topic, got.payload), (topic, b"in pieces"))

    def test_ping_between_fragments_answered(self):
        # Control frames may come between the fragments of a message (RFC 6455 §5.4): the
        # server answers the ping and still reassembles the packet.
        c = self.ws_raw("ws")
        self.assertEqual(c.connect(client_id=unique("ping")).reason, 0)
        ws = c.sock
        ws.send_frame(BINARY, pingreq()[:1], fin=False)
        ws.send_frame(PING, b"are you there")
        ws.send_frame(CONTINUATION, pingreq()[1:])
        c.expect(PINGRESP)
        self.assertEqual(ws.pongs, [b"are you there"])

    def test_several_packets_in_one_frame(self):
        for scheme in ("ws", "wss"):
            with self.subTest(scheme=scheme):
                c = self.ws_raw(scheme)
                topic = "batch/" + unique()
                # CONNECT, SUBSCRIBE, PUBLISH and PINGREQ in a single binary frame.
                c.sock.send_frame(BINARY, connect_packet(V5, client_id=unique("batch")) +
                                  subscribe_packet(V5, 1, [(topic, 0)]) +
                                  publish_packet(V5, topic, b"one frame") + pingreq())
                got = [c.recv() for _ in range(4)]
                self.assertEqual([p.type for p in got], [CONNACK, SUBACK, PUBLISH, PINGRESP])
                self.assertEqual((got[0].reason, got[1].reasons, got[2].payload), (0, [0], b"one frame"))

    def test_text_frame_closes_connection(self):
        for scheme in ("ws", "wss"):
            with self.subTest(scheme=scheme):
                c = self.ws_raw(scheme)
                self.assertEqual(c.connect(client_id=unique("text")).reason, 0)
                c.sock.send_frame(TEXT, pingreq())
                got = c.wait_closed(3)
                self.assertNotIn(PINGRESP, [p.type for p in got], "a text frame was read as MQTT")

    def test_close_frame_answered(self):
        # The closing handshake (RFC 6455 §5.5.1): the server echoes a close frame, then
        # closes the TCP connection.
        c = self.ws_raw("ws")
        self.assertEqual(c.connect(client_id=unique("close")).reason, 0)
        c.sock.send_frame(CLOSE, struct.pack("!H", 1000))
        self.assertEqual(c.wait_closed(3), [])
        self.assertEqual(c.sock.close_code, 1000, "no close frame came back")
        c.sock.closed_by_server = False  # now read the TCP connection's end
        c.sock.settimeout(3)
        self.assertEqual(drain(c.sock.sock), b"")

    def test_unmasked_client_frame_closes_connection(self):
        # A server must fail the connection on an unmasked client frame (RFC 6455 §5.1).
        c = self.ws_raw("ws")
        self.assertEqual(c.connect(client_id=unique("unmasked")).reason, 0)
        c.sock.send_frame(BINARY, pingreq(), masked=False)
        got = c.wait_closed(3)
        self.assertNotIn(PINGRESP, [p.type for p in got], "an unmasked frame was read as MQTT")

    def test_stalled_upgrade_closed_after_connect_timeout(self):
        # The upgrade and the CONNECT both run under the connect timeout.
        silent = self.tcp("ws")
        partial = self.tcp("ws")
        partial.sendall(b"GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
        upgraded = self.ws_raw("wss")
        start = time.monotonic()
        for name, sock in (("no request", silent), ("half a request", partial), ("no CONNECT", upgraded.sock.sock)):
            with self.subTest(name):
                sock.settimeout(CONNECT_TIMEOUT_S + 5)
                drain(sock)
                self.assertLess(time.monotonic() - start, CONNECT_TIMEOUT_S + 3)

    def test_anonymous_over_ws_stays_outside_devices(self):
        c = self.ws_raw("ws", version=V311)
        self.assertEqual(c.connect(client_id=unique("anon")).reason, 0)
        self.assertEqual(c.subscribe(("devices/#", 1), ("fine/" + unique(), 1)).reasons, [0x80, 1])


def drain(sock):
    """Everything the peer still sends until it closes the connection (a timeout propagates)."""
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk


if __name__ == "__main__":
    unittest.main(verbosity=2)
