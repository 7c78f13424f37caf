"""Onboarding with a factory certificate (issue 4, requirement 3): a device whose certificate a
factory CA signed (`--mqtt-tls-client-ca`) and whose SHA-256 fingerprint is on record connects
for onboarding without a claim code, says hello with a CSR, is claimed by a technician and
comes back with the certificate the platform issued. A certificate from the same factory CA
that is not on record is refused."""

import json
import os
import tempfile

from fleet_fixture import V5, FleetTestCase, PahoClient, openssl, unique, wait_until

NOT_AUTHORIZED = 0x87


def make_factory_ca(directory):
    key, cert = os.path.join(directory, "factory-ca.key"), os.path.join(directory, "factory-ca.crt")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
            "-subj", "/O=Acme Devices/CN=Acme Factory CA", "-keyout", key, "-out", cert,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return key, cert


def make_factory_certificate(directory, ca_key, ca_cert, serial):
    """The identity a factory burns into a device: its key and a certificate naming its serial."""
    key, csr, cert = (os.path.join(directory, serial + suffix) for suffix in (".factory.key", ".csr", ".factory.crt"))
    extensions = os.path.join(directory, serial + ".ext")
    with open(extensions, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-subj", "/O=Acme Devices/CN=" + serial, "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-days", "30",
            "-extfile", extensions, "-out", cert)
    fingerprint = openssl("x509", "-in", cert, "-noout", "-fingerprint", "-sha256").strip().split("=")[1]
    return key, cert, fingerprint.replace(":", "").lower()


class WithFactoryCA:
    """Mixed into a FleetTestCase: a factory CA that the server trusts (--mqtt-tls-client-ca)."""

    @classmethod
    def setUpClass(cls):
        cls.factory_dir = tempfile.mkdtemp(prefix="mothership-factory-")
        cls.factory_key, cls.factory_cert = make_factory_ca(cls.factory_dir)
        cls.server_args = FleetTestCase.server_args + ("--mqtt-tls-client-ca", cls.factory_cert)
        super().setUpClass()

    def factory_identity(self, prefix="FC"):
        """A fresh serial with its factory key and certificate (not imported); (serial, key, cert, sha256)."""
        serial = unique(prefix)
        return (serial,) + make_factory_certificate(self.factory_dir, self.factory_key, self.factory_cert, serial)

    def import_factory_device(self, claim_code=""):
        """Imports a record with a factory certificate (and the claim code, if any); (serial, key, cert)."""
        serial, key, cert, fingerprint = self.factory_identity()
        status, body = self.api.call("POST", "/api/v1/registry/import",
                                     "%s,Thermo,rev1,%s,%s\n" % (serial, claim_code, fingerprint), "text/csv")
        self.assertEqual(status, 200, body)
        return serial, key, cert


class FactoryCertificateOnboarding(WithFactoryCA, FleetTestCase):

    def connect_with_factory_certificate(self, serial, key, cert, expect_success=True):
        c = PahoClient(self.tls_port, client_id=serial, version=V5,
                       tls=dict(ca_certs=self.ca_file, certfile=cert, keyfile=key))
        c.connect(expect_success=expect_success)
        return c

    def test_a_factory_certificate_on_record_onboards_without_a_claim_code(self):
        serial, factory_key, factory_cert = self.import_factory_device()
        dev = self.device(serial, "")
        dev.provisioning = self.connect_with_factory_certificate(serial, factory_key, factory_cert)
        # The session is the provisioning one: its own $provision/<serial>/ topics only.
        self.assertEqual(dev.provisioning.subscribe("devices/#", 1), [NOT_AUTHORIZED])
        dev.say_hello()
        dev.wait_status("awaiting_approval")

        # No code on record: the technician claims by serial alone.
        tech = self.user("technician")
        status, body = tech.call("POST", "/api/v1/onboarding", {"serial": serial})
        self.assertEqual((status, body["status"]), (200, "completed"), body)
        message = dev.wait_certificate()
        self.assertEqual(message["device_id"], body["device_id"])
        text = openssl("x509", "-in", dev.cert, "-noout", "-text")
        self.assertIn("URI:urn:mothership:device:" + body["device_id"], text)

        live = dev.connect_with_certificate()
        live.publish("devices/%s/state" % dev.device_id, json.dumps({"firmware_version": "1.0.0"}), 1)
        wait_until(lambda: self.api.call("GET", "/api/v1/devices/" + dev.device_id)[1]["status"] == "online", 10,
                   "the device online")
        status, entries = self.api.call("GET", "/api/v1/audit?action=provisioning.connect&target_id=%s" % serial)
        self.assertEqual(status, 200, entries)
        self.assertIn("factory_certificate", [e["details"].get("with") for e in entries["items"]])
        # Registered now: the factory certificate opens nothing any more.
        again = self.connect_with_factory_certificate(serial, factory_key, factory_cert, expect_success=False)
        self.assertEqual(again.connack[1], NOT_AUTHORIZED)

    def test_a_record_with_a_claim_code_still_needs_it(self):
        code = "CODE-" + unique("c")[2:]
        serial, factory_key, factory_cert = self.import_factory_device(claim_code=code)
        dev = self.device(serial, code)
        dev.provisioning = self.connect_with_factory_certificate(serial, factory_key, factory_cert)
        dev.say_hello()
        dev.wait_status("awaiting_approval")
        tech = self.user("technician")
        status, body = tech.call("POST", "/api/v1/onboarding", {"serial": serial})
        self.assertEqual(status, 422, body)
        self.assertEqual(body["type"], "https://mothership.dev/problems/validation", body)
        self.assertEqual([e["field"] for e in body["errors"]], ["claim_code"], body)
        status, body = tech.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": "WRONG"})
        self.assertEqual((status, body["attempts_left"]), (422, 2), body)  # only the guess counted
        status, body = tech.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body["status"]), (200, "completed"), body)
        dev.wait_certificate()

    def test_a_factory_certificate_not_on_record_is_refused(self):
        serial, key, cert, _ = self.factory_identity()
        c = self.connect_with_factory_certificate(serial, key, cert, expect_success=False)
        self.assertEqual(c.connack[1], NOT_AUTHORIZED)
