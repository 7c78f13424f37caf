"""Onboarding end to end (issue 4): a device with serial + claim code, a technician's claim in
either order, the certificate over $provision/<serial>/certificate, the device back with mutual
TLS; and every refusal on the way."""

import json
import re
import os
import unittest

from fleet_fixture import HOST, V311, V5, EventStream, FleetTestCase, PahoClient, openssl, unique, wait_until

BAD_USER_OR_PASSWORD = 0x86
NOT_AUTHORIZED = 0x87


class Onboarding(FleetTestCase):

    def device_online(self, device_id):
        status, page = self.api.call("GET", "/api/v1/devices?status=online&limit=500")
        self.assertEqual(status, 200, page)
        return any(d["id"] == device_id for d in page["items"])

    def test_device_first_then_technician(self):
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code)
        dev.connect_for_onboarding()
        dev.say_hello()
        dev.wait_status("awaiting_approval")
        status, pending = self.api.call("GET", "/api/v1/onboarding")
        self.assertIn((serial, "awaiting_approval"), [(p["serial"], p["stage"]) for p in pending["items"]])

        tech = self.user("technician")
        status, body = tech.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body["status"]), (200, "completed"), body)
        message = dev.wait_certificate()
        self.assertEqual(message["device_id"], body["device_id"])
        self.assertEqual(message["mqtt_endpoint"], "%s:%d" % (HOST, self.tls_port))
        self.assertEqual(dev.wait_status("approved")["device_id"], body["device_id"])
        # The certificate names the device, whatever the CSR asked for; it is for clients only.
        text = openssl("x509", "-in", dev.cert, "-noout", "-text")
        self.assertIn("URI:urn:mothership:device:" + body["device_id"], text)
        self.assertIn("TLS Web Client Authentication", text)
        self.assertNotIn("please-make-me-admin", text)
        openssl("verify", "-CAfile", self.ca_file, "-purpose", "sslclient", dev.cert)

        live = dev.connect_with_certificate()
        live.publish("devices/%s/state" % dev.device_id, json.dumps({"firmware_version": "1.0.0", "uptime_s": 3}), 1)
        wait_until(lambda: self.device_online(dev.device_id), 10, "the device online in the API")
        status, detail = self.api.call("GET", "/api/v1/devices/" + dev.device_id)
        self.assertEqual(detail["lifecycle"], "active")
        self.assertEqual(detail["serial"], serial)
        wait_until(lambda: self.api.call("GET", "/api/v1/devices/" + dev.device_id)[1]["firmware_version"] == "1.0.0",
                   10, "the reported firmware version")
        self.assertEqual(detail["certificates"][0]["status"], "active")
        # The hello and the state went through their work lanes, which /metrics counts.
        metrics = self.api.call("GET", "/metrics", raw=True)[1].decode()
        for lane in ("onboarding", "devices"):
            handled = re.search(r'^mothership_device_lane_handled_total\{lane="%s"\} (\d+)$' % lane, metrics, re.M)
            self.assertTrue(handled and int(handled.group(1)) >= 1, (lane, metrics))
        self.assertRegex(metrics, r'(?m)^mothership_device_lane_dropped_total\{lane="devices"\} 0$')
        # Onboarding is over: nothing pending, the claim code opens nothing any more.
        wait_until(lambda: serial not in [p["serial"] for p in self.api.call("GET", "/api/v1/onboarding")[1]["items"]],
                   10, "onboarding to end")
        again = self.device(serial, code)
        self.assertEqual(again.connect_for_onboarding(expect_success=False)[1], BAD_USER_OR_PASSWORD)
        status, entries = self.api.call("GET", "/api/v1/audit?target_id=" + dev.device_id + "&limit=100")
        actions = {e["action"] for e in entries["items"]}
        self.assertTrue({"provisioning.claim", "certificate.issue", "device.onboarded", "device.connected"} <= actions,
                        actions)

    def test_live_events_show_each_step_to_those_allowed(self):
        tech_stream = EventStream(self.server.http_port, self.user("technician").token)
        viewer_stream = EventStream(self.server.http_port, self.user("viewer").token)
        self.addCleanup(tech_stream.close)
        self.addCleanup(viewer_stream.close)
        self.assertEqual((tech_stream.status, tech_stream.content_type), (200, "text/event-stream"))
        self.assertEqual(EventStream(self.server.http_port, "not-a-token").status, 401)
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code)
        dev.connect_for_onboarding()
        dev.say_hello()
        wait_until(lambda: tech_stream.seen("onboarding.updated", serial=serial, stage="awaiting_approval"), 10,
                   "awaiting_approval on the stream")
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual(status, 200, body)
        dev.wait_certificate()
        dev.connect_with_certificate()
        for stage in ("verified", "certificate_issued", "connected"):
            wait_until(lambda: tech_stream.seen("onboarding.updated", serial=serial, stage=stage), 10, stage)
        for stream in (tech_stream, viewer_stream):
            wait_until(lambda: stream.seen("device.updated", id=dev.device_id, status="online"), 10,
                       "the device online on the stream")
        self.assertEqual(viewer_stream.seen("onboarding.updated"), [], "a viewer may not see onboarding")

    def test_technician_first_then_device(self):
        [(serial, code)] = self.import_devices(1)
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((status, body["status"]), (202, "awaiting_device"), body)
        dev = self.device(serial, code)
        dev.connect_for_onboarding(version=V311)
        dev.say_hello()
        self.assertEqual(dev.wait_certificate()["device_id"], body["device_id"])
        dev.connect_with_certificate(version=V311)
        wait_until(lambda: self.device_online(body["device_id"]), 10, "the device online")

    def test_a_models_provisioning_template_labels_its_new_devices(self):
        model = unique("Model")
        status, body = self.api.call("PUT", "/api/v1/provisioning/templates/" + model,
                                     {"labels": {"site": "plant-1", "ring": "canary"}})
        self.assertEqual((status, body["labels"]), (200, {"site": "plant-1", "ring": "canary"}), body)
        for bad in ({"labels": {"a b": "x"}}, {"labels": {"k": 1}}, {"labels": "x"}):
            with self.subTest(bad=bad):
                self.assertEqual(self.api.call("PUT", "/api/v1/provisioning/templates/" + model, bad)[0], 422)
        self.assertEqual(self.user("technician").call("PUT", "/api/v1/provisioning/templates/" + model,
                                                      {"labels": {}})[0], 403)
        [(serial, code)] = self.import_devices(1, model=model)
        status, claimed = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual(status, 202, claimed)
        device = self.api.call("GET", "/api/v1/devices/" + claimed["device_id"])[1]
        self.assertEqual(device["labels"], {"site": "plant-1", "ring": "canary"})
        status, page = self.api.call("GET", "/api/v1/devices?label=ring=canary&limit=500")
        self.assertIn(claimed["device_id"], [d["id"] for d in page["items"]])
        listed = self.user("viewer").call("GET", "/api/v1/provisioning/templates")[1]["items"]
        self.assertIn(model, [t["model"] for t in listed])

    def test_technician_refusals_name_the_reason(self):
        [(serial, code)] = self.import_devices(1)
        cases = [({"serial": unique("SN"), "claim_code": code}, 404, "unknown-serial"),
                 ({"serial": serial, "claim_code": "WRONG-CODE"}, 422, "wrong-claim-code"),
                 ({"serial": serial}, 422, "validation")]
        for request, status, slug in cases:
            with self.subTest(request=request):
                got, body = self.api.call("POST", "/api/v1/onboarding", request)
                self.assertEqual(got, status, body)
                self.assertTrue(body["type"].endswith("/" + slug), body)
        self.assertEqual(self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})[0], 202)
        got, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual((got, body["type"].rsplit("/", 1)[1]), (409, "already-registered"))

    def test_lockout_after_wrong_codes_until_an_admin_lifts_it(self):
        # The lock also ends by itself (provisioning.lockout_base_s, 15 min here): see
        # tests/security/test_onboarding_lockout.py.
        [(serial, code)] = self.import_devices(1)
        for attempt in range(2):
            self.assertEqual(self.api.call("POST", "/api/v1/onboarding",
                                           {"serial": serial, "claim_code": "WRONG-%d" % attempt})[0], 422)
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": "WRONG-3"})
        self.assertEqual(status, 423, body)
        self.assertIsInstance(body["locked_until"], str, body)
        # Locked: the right code no longer works, for the technician or the device.
        self.assertEqual(self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})[0], 423)
        dev = self.device(serial, code)
        self.assertEqual(dev.connect_for_onboarding(expect_success=False)[1], BAD_USER_OR_PASSWORD)
        status, record = self.api.call("GET", "/api/v1/registry/" + serial)
        self.assertTrue(record["locked"])
        self.assertEqual(record["locked_until"], body["locked_until"])
        tech = self.user("technician")
        self.assertEqual(tech.call("POST", "/api/v1/registry/%s/unlock" % serial)[0], 403)
        self.assertEqual(self.api.call("POST", "/api/v1/registry/%s/unlock" % serial)[0], 200)
        self.assertEqual(self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})[0], 202)

    def test_device_gets_the_same_answer_for_unknown_serial_and_wrong_code(self):
        [(serial, code)] = self.import_devices(1)
        for version in (V5, V311):
            with self.subTest(version=version):
                unknown = self.device(unique("SN"), code)
                wrong = self.device(serial, "WRONG-CODE")
                expected = BAD_USER_OR_PASSWORD if version == V5 else 4
                self.assertEqual(unknown.connect_for_onboarding(version, expect_success=False)[1], expected)
                self.assertEqual(wrong.connect_for_onboarding(version, expect_success=False)[1], expected)
        # A provisioning session must use its serial as client id.
        c = PahoClient(self.tls_port, client_id="someone-else", username=serial, password=code,
                       tls=dict(ca_certs=self.ca_file))
        self.addCleanup(c.stop)
        self.assertEqual(c.connect(expect_success=False)[1], 0x85)

    def test_provisioning_session_stays_inside_its_serial(self):
        (a_serial, a_code), (b_serial, _) = self.import_devices(2)
        dev = self.device(a_serial, a_code)
        dev.connect_for_onboarding()
        c = dev.provisioning
        self.assertEqual(c.subscribe([("$provision/%s/#" % b_serial, 1), ("devices/#", 1), ("#", 1)]),
                         [NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED])
        # Only the hello may be published; a forged certificate or another serial's hello is refused.
        for topic in ("$provision/%s/certificate" % a_serial, "$provision/%s/hello" % b_serial, "devices/x/state"):
            with self.subTest(topic=topic):
                mid = c.client.publish(topic, b"{}", 1).mid
                wait_until(lambda: mid in c.published, 10, "PUBACK")
        pending = [p["serial"] for p in self.api.call("GET", "/api/v1/onboarding")[1]["items"]]
        self.assertNotIn(b_serial, pending)

    def test_a_weak_key_is_refused_with_a_reason(self):
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code, key_spec=("rsa", "rsa_keygen_bits:1024"))
        dev.connect_for_onboarding()
        dev.say_hello()
        status = dev.wait_status("rejected")
        self.assertIn("1024", status["reason"])
        self.assertNotIn(serial, [p["serial"] for p in self.api.call("GET", "/api/v1/onboarding")[1]["items"]])

    def onboard(self):
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code)
        dev.connect_for_onboarding()
        dev.say_hello()
        dev.wait_status("awaiting_approval")
        self.assertEqual(self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})[0], 200)
        dev.wait_certificate()
        return dev

    def test_revoked_certificate_drops_the_live_connection_and_is_refused_after(self):
        dev = self.onboard()
        live = dev.connect_with_certificate()
        wait_until(lambda: self.device_online(dev.device_id), 10, "online")
        serial_hex = openssl("x509", "-in", dev.cert, "-noout", "-serial").strip().split("=")[1].lower()
        self.assertEqual(self.user("technician").call("POST", "/api/v1/devices/%s/certificate/revoke"
                                                      % dev.device_id)[0], 403)
        status, detail = self.api.call("POST", "/api/v1/devices/%s/certificate/revoke" % dev.device_id)
        self.assertEqual(status, 200, detail)
        self.assertEqual(detail["certificates"][0]["status"], "revoked")
        live.disconnected.wait(10)
        self.assertTrue(live.disconnected.is_set(), "the live connection was not dropped")
        self.assertEqual(live.disconnects[-1], 0x98)
        self.assertEqual(dev.connect_with_certificate(expect_success=False).connack[1], NOT_AUTHORIZED)
        # The CRL lists it.
        status, crl = self.api.call("GET", "/pki/crl", raw=True)
        path = os.path.join(self.workdir, "crl.der")
        with open(path, "wb") as f:
            f.write(crl)
        text = openssl("crl", "-inform", "DER", "-in", path, "-noout", "-text")
        self.assertIn(serial_hex.upper().lstrip("0"), text.replace(":", "").upper())

    def test_a_device_cannot_use_another_device_id_or_topics(self):
        dev = self.onboard()
        c = dev.connect_with_certificate(client_id="dev_someone_else", expect_success=False)
        self.assertEqual(c.connack[1], 0x85)
        live = dev.connect_with_certificate()
        self.assertEqual(live.subscribe("devices/other/#", 1), [NOT_AUTHORIZED])

    def test_decommission_frees_the_serial_only_after_re_enable(self):
        dev = self.onboard()
        live = dev.connect_with_certificate()
        status, detail = self.api.call("POST", "/api/v1/devices/%s/decommission" % dev.device_id)
        self.assertEqual((status, detail["lifecycle"]), (200, "decommissioned"))
        live.disconnected.wait(10)
        self.assertTrue(live.disconnected.is_set())
        self.assertEqual(dev.connect_with_certificate(expect_success=False).connack[1], NOT_AUTHORIZED)
        got, body = self.api.call("POST", "/api/v1/onboarding", {"serial": dev.serial, "claim_code": dev.code})
        self.assertEqual((got, body["type"].rsplit("/", 1)[1]), (409, "decommissioned"))
        self.assertEqual(self.api.call("POST", "/api/v1/registry/%s/re-enable" % dev.serial)[0], 200)
        got, body = self.api.call("POST", "/api/v1/onboarding", {"serial": dev.serial, "claim_code": dev.code})
        self.assertEqual(got, 202, body)
        self.assertNotEqual(body["device_id"], dev.device_id)

    def test_an_import_with_bad_lines_changes_nothing(self):
        [(serial, _)] = self.import_devices(1)
        fresh = unique("SN")
        csv = "%s,Thermo,rev1,GOOD-CODE-1\n%s,Thermo,rev1,OTHER-CODE\nbad line\n" % (fresh, serial)
        status, body = self.api.call("POST", "/api/v1/registry/import", csv, "text/csv")
        self.assertEqual(status, 422, body)
        self.assertEqual([e["line"] for e in body["errors"]], [2, 3])
        self.assertIn("already in the registry", body["errors"][0]["reason"])
        self.assertEqual(self.api.call("GET", "/api/v1/registry/" + fresh)[0], 404)
        tech = self.user("technician")
        self.assertEqual(tech.call("POST", "/api/v1/registry/import", "%s,T,r,CODE-123456\n" % unique("SN"),
                                   "text/csv")[0], 403)
        self.assertEqual(tech.call("GET", "/api/v1/registry?q=" + serial)[1]["items"][0]["serial"], serial)
        viewer = self.user("viewer")
        self.assertEqual(viewer.call("GET", "/api/v1/registry")[0], 403)
        self.assertEqual(viewer.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": "x"})[0], 403)


if __name__ == "__main__":
    unittest.main()
