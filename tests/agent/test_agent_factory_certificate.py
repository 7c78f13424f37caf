"""The reference agent onboarding with a factory certificate instead of a claim code (issue 4,
requirements 3 and 6): a real `mothership-agent` whose agent.toml names the certificate a
factory CA signed and its key, against a server that trusts that CA (`--mqtt-tls-client-ca`)
and has the certificate's fingerprint on record."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "onboarding"))

from fleet_fixture import wait_until  # noqa: E402
from test_agent import AgentHarness  # noqa: E402
from test_factory_certificate import WithFactoryCA  # noqa: E402


class AgentWithFactoryCertificate(WithFactoryCA, AgentHarness):

    def test_an_agent_onboards_with_its_factory_certificate(self):
        serial, key, cert = self.import_factory_device()
        a = self.agent(serial, None, factory_certificate=cert, factory_key=key).start()
        a.wait_log("onboard serial %s with its factory certificate" % serial)
        a.wait_log("waiting for a technician to approve serial %s in the portal" % serial)
        wait_until(lambda: self.pending().get(serial) == "awaiting_approval", 10, "the hello at the server")
        # No claim code on record: the technician approves by serial.
        status, body = self.user("technician").call("POST", "/api/v1/onboarding", {"serial": serial})
        self.assertEqual((status, body["status"]), (200, "completed"), body)
        device_id = body["device_id"]
        a.wait_log(r"connected to %s as device %s with mutual TLS" % (re.escape(self.endpoint), device_id))
        wait_until(lambda: self.online(device_id), 10, "the device online")
        self.assertEqual(a.device_id(), device_id)
        # Its own key, not the factory one: the operational certificate is for a new key.
        with open(key, "rb") as factory_key:
            self.assertNotEqual(a.file("device.key"), factory_key.read())

    def test_an_agent_whose_factory_certificate_is_not_on_record_says_so_and_retries(self):
        serial, key, cert, _ = self.factory_identity("FA")
        a = self.agent(serial, None, factory_certificate=cert, factory_key=key).start()
        a.wait_log("the server refused the factory certificate of serial %s" % serial, count=2)
        self.assertNotIn(serial, self.pending())
