"""Telemetry tests: a server with the TLS listener and onboarded devices that publish.

`raw_device` speaks hand-made MQTT over mTLS (to read PUBACK reason codes, which paho 1.6
does not expose); `telemetry(...)` and `latest(...)` read back through the REST API.
"""

import json
import socket
import ssl
import time
import urllib.request

from broker_fixture import (CONNACK, HOST, PUBACK, V5, RawClient, connect_packet, publish_packet)
from fleet_fixture import FleetTestCase


class TelemetryTestCase(FleetTestCase):

    def raw_device(self, dev, version=V5):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.ca_file)
        ctx.load_cert_chain(dev.cert, dev.key)
        sock = socket.create_connection((HOST, self.server.ports["mqtts"]), timeout=10)
        c = RawClient(None, version=version, sock=ctx.wrap_socket(sock, server_hostname=HOST), timeout=10)
        self.addCleanup(c.close)
        c.send(connect_packet(version, client_id=dev.device_id, keepalive=60))
        ack = c.expect(CONNACK)
        self.assertEqual(ack.reason, 0)
        return c

    def publish(self, c, dev, payload, packet_id, version=V5, topic=None):
        """QoS 1; returns the PUBACK."""
        if not isinstance(payload, (str, bytes)):
            payload = json.dumps(payload)
        c.send(publish_packet(version, topic or "devices/%s/telemetry" % dev.device_id, payload, qos=1,
                              packet_id=packet_id))
        ack = c.expect(PUBACK, timeout=15)
        self.assertEqual(ack.packet_id, packet_id)
        return ack

    def telemetry(self, device_id, api=None, **query):
        path = "/api/v1/devices/%s/telemetry" % device_id
        if query:
            path += "?" + "&".join("%s=%s" % kv for kv in query.items())
        status, body = (api or self.api).call("GET", path)
        return status, body

    def points(self, device_id, key, **query):
        status, body = self.telemetry(device_id, keys=key, **query)
        self.assertEqual(status, 200, body)
        return body["series"][0]["points"]

    def latest(self, device_id):
        status, body = self.api.call("GET", "/api/v1/devices/%s/telemetry/latest" % device_id)
        self.assertEqual(status, 200, body)
        return body["values"]

    def metric(self, name):
        with urllib.request.urlopen("http://%s:%d/metrics" % (HOST, self.server.http_port), timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.rsplit(" ", 1)[1])
        return None


def now_ms():
    return int(time.time() * 1000)
