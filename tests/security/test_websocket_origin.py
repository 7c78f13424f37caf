"""Security review (issue 16), requirement 7: the MQTT WebSocket listeners check `Origin`.

Finding replayed: "The MQTT WebSocket listener accepts any `Origin`". A browser lets any page
open a WebSocket to any host; the upgrade from a page whose origin is not allowed
(`mqtt.ws_allowed_origins`, default: the portal's own origin) must get 403 before the upgrade,
and change nothing. Upgrades without Origin (devices, scripts) are accepted.
"""

import base64
import os
import socket
import unittest

from broker_fixture import HOST, BrokerTestCase, PahoClient, unique


def upgrade(port, origin):
    """Sends an MQTT WebSocket upgrade with `origin` (None: no header); returns the HTTP status
    and everything the server sent."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = ("GET /mqtt HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n"
               % (HOST, port, key))
    if origin is not None:
        request += "Origin: %s\r\n" % origin
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall((request + "\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
        status = int(received.split(b" ", 2)[1])
        if status != 101:  # a refusal closes the connection after its body
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        return status, received


class DefaultOrigins(BrokerTestCase):
    server_args = ("--mqtt-ws-listen", HOST + ":0")

    def ws_port(self):
        return self.server.ports["ws"]

    def test_the_portals_own_origin_and_no_origin_are_accepted(self):
        http_port = self.server.http_port
        for origin in (None, "http://%s:%d" % (HOST, http_port), "http://localhost:%d" % http_port,
                       "HTTP://LOCALHOST:%d" % http_port):
            with self.subTest(origin=origin):
                self.assertEqual(upgrade(self.ws_port(), origin)[0], 101)

    def test_a_foreign_origin_gets_403_at_the_upgrade(self):
        http_port = self.server.http_port
        for origin in ("https://evil.example", "null", "http://%s:%d" % (HOST, self.ws_port()),
                       "http://%s:%d.evil.example" % (HOST, http_port), "https://%s:%d" % (HOST, http_port)):
            with self.subTest(origin=origin):
                status, body = upgrade(self.ws_port(), origin)
                self.assertEqual(status, 403)
                self.assertIn(b"Origin", body)
        self.assert_server_healthy()

    def test_a_paho_client_from_a_foreign_page_cannot_connect(self):
        ok = PahoClient(self.ws_port(), transport="websockets", client_id=unique("origin"))
        self.addCleanup(ok.stop)
        ok.connect()
        foreign = PahoClient(self.ws_port(), transport="websockets", origin="https://evil.example")
        self.addCleanup(foreign.stop)
        with self.assertRaises(Exception):
            foreign.connect()
        self.assert_server_healthy()


class ConfiguredOrigins(BrokerTestCase):
    server_env = {"MOTHERSHIP_MQTT_WS_ALLOWED_ORIGINS": "https://portal.example, http://localhost:5173/"}
    server_args = ("--mqtt-ws-listen", HOST + ":0")

    def test_a_configured_list_replaces_the_default(self):
        port = self.server.ports["ws"]
        self.assertEqual(upgrade(port, "https://portal.example")[0], 101)
        self.assertEqual(upgrade(port, "http://localhost:5173")[0], 101)
        self.assertEqual(upgrade(port, None)[0], 101)
        self.assertEqual(upgrade(port, "http://%s:%d" % (HOST, self.server.http_port))[0], 403)
        self.assertEqual(upgrade(port, "https://evil.example")[0], 403)


if __name__ == "__main__":
    unittest.main()
