"""Security review, checks that held: SQL injection in every filter (issue 16, requirement 11).

Every query parameter of every list route in docs/openapi.yaml (devices, a group's devices,
groups, registry, audit, users;
their cursors both as sent and base64url-encoded, the way a real cursor reaches the SQL), the path
parameters, the login, a claim, a CSV import and a user update get the classic payloads. Each
answer is either 200 with exactly the rows the filter names (computed here from the full
listing: no extra row), or a 4xx problem+json; never a 500, and no body holds an argon2 hash.
After each test the database is intact: the same users, the admin can still log in, the seeded
records and devices are all there.
"""

import base64
import json
import re
import unittest
import urllib.parse

import yaml

from broker_fixture import REPO_ROOT, wait_until
from held_fixture import Api, HeldTestCase, strong_password, unique

PAYLOADS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "x'); DROP TABLE users;--",
    "\" OR 1=1 --",
    "%' UNION SELECT password_hash FROM users --",
    "' UNION SELECT id, username, password_hash, role, 1, 1, 1, 1 FROM users --",
    "1; DELETE FROM manufacturing_records; --",
    "') OR ('a'='a",
    "\\'; SELECT sqlite_version(); --",
    "' AND 1=(SELECT COUNT(*) FROM users) --",
    "$.\") OR 1=1 --",
]


def like(pattern, text):
    """SQLite's LIKE without ESCAPE: % any run, _ any one character, ASCII case-insensitive."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.IGNORECASE | re.DOTALL) is not None


def q(value):
    return urllib.parse.quote(value, safe="")


def cursor_of(value):
    return base64.urlsafe_b64encode(value.encode()).rstrip(b"=").decode()


def csv_field(value):
    return '"' + value.replace('"', '""') + '"'


class SqlInjection(HeldTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        api = cls.api
        status, body = api.call("PUT", "/api/v1/provisioning/templates/Thermo", {"labels": {"site": "plant-1"}})
        assert status == 200, body
        # Records whose model is a payload: filters must find them literally, nothing else.
        rows = [(unique("SN"), "Thermo", "CODE-" + unique("c")[2:]) for _ in range(4)]
        rows += [(unique("SN"), p, "CODE-" + unique("c")[2:]) for p in PAYLOADS[:4]]
        csv = "".join("%s,%s,rev1,%s\n" % (s, csv_field(m), c) for s, m, c in rows)
        status, body = api.call("POST", "/api/v1/registry/import?batch=seed", csv, "text/csv")
        assert status == 200, body
        for serial, _, code in rows:
            cls.secrets[code] = "a claim code"
        for serial, _, code in rows[::2]:
            status, body = api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
            assert status == 202, body
        cls.seeded_rows = rows
        # Groups whose names are payloads, and one that holds half the devices.
        for p in PAYLOADS:
            status, body = api.call("POST", "/api/v1/groups", {"name": p[:64]})
            assert status == 201, body
        status, body = api.call("GET", "/api/v1/devices?limit=500")
        members = [d["id"] for d in body["items"]][::2]
        status, group = api.call("POST", "/api/v1/groups", {"name": "seeded members"})
        assert status == 201, group
        status, body = api.call("POST", "/api/v1/groups/%s/devices" % group["id"], {"device_ids": members})
        assert status == 200, body
        cls.group_id = group["id"]

    def setUp(self):
        super().setUp()
        self.users_before = self.all_items(self.api, "/api/v1/users")
        self.registry_before = self.all_items(self.api, "/api/v1/registry", limit=500)
        self.devices_before = self.all_items(self.api, "/api/v1/devices", limit=500)
        self.assertGreaterEqual(len(self.devices_before), 4)
        self.groups_before = self.all_items(self.api, "/api/v1/groups", limit=500)
        self.members_before = self.all_items(self.api, "/api/v1/groups/%s/devices" % self.group_id, limit=500)
        self.assertGreaterEqual(len(self.members_before), 2)

    def tearDown(self):
        try:
            if self.server.alive():
                self.assert_database_intact()
        finally:
            super().tearDown()

    def assert_database_intact(self, users_added=()):
        users = self.all_items(self.api, "/api/v1/users")
        expected = sorted(self.users_before + list(users_added), key=lambda u: u["id"])
        self.assertEqual([(u["id"], u["username"], u["role"], u["disabled"]) for u in users],
                         [(u["id"], u["username"], u["role"], u["disabled"]) for u in expected])
        Api(self.server.http_port).login("admin", self.admin_password)
        serials = {r["serial"] for r in self.all_items(self.api, "/api/v1/registry", limit=500)}
        self.assertTrue({r["serial"] for r in self.registry_before} <= serials)
        ids = {d["id"] for d in self.all_items(self.api, "/api/v1/devices", limit=500)}
        self.assertTrue({d["id"] for d in self.devices_before} <= ids)
        groups = {(g["id"], g["name"]) for g in self.all_items(self.api, "/api/v1/groups", limit=500)}
        self.assertTrue({(g["id"], g["name"]) for g in self.groups_before} <= groups)
        members = {d["id"] for d in self.all_items(self.api, "/api/v1/groups/%s/devices" % self.group_id, limit=500)}
        self.assertEqual({d["id"] for d in self.members_before}, members)

    def get(self, path, api=None):
        status, body, headers = self.request("GET", path, token=(api or self.api).token)
        self.assertNotEqual(status, 500, (path, body))
        self.assertNotIn(b"$argon2", body, path)
        return status, body, headers

    def assert_filtered(self, path, expected_keys, key):
        """200 with exactly `expected_keys` (in order), or a 400/422 problem+json."""
        status, body, headers = self.get(path)
        if status == 200:
            page = json.loads(body)
            self.assertEqual([item[key] for item in page["items"]], expected_keys, path)
            return "ok"
        self.assert_problem(status, body, headers, status)
        self.assertIn(status, (400, 422), (path, body))
        return "refused"

    # --- list filters -------------------------------------------------------------------------

    def test_device_filters(self):
        self.check_device_filters("/api/v1/devices", self.devices_before)
        # The selector language: every payload as a whole selector is not one (its first
        # character is no key) and as a value is compared literally.
        for p in PAYLOADS:
            with self.subTest(param="selector", payload=p):
                self.assertEqual(self.assert_filtered("/api/v1/devices?limit=500&selector=" + q(p), [], "id"),
                                 "refused")
            with self.subTest(param="group", payload=p):
                self.assertEqual(self.assert_filtered("/api/v1/devices?limit=500&group=" + q(p), [], "id"),
                                 "refused")
        # A real group and a real selector still filter (so the refusals above mean something).
        self.assertEqual(self.assert_filtered("/api/v1/devices?limit=500&group=%s&selector=%s"
                                              % (self.group_id, q("site=plant-1")),
                                              [d["id"] for d in self.members_before
                                               if (d["labels"] or {}).get("site") == "plant-1"], "id"), "ok")

    def test_group_device_filters(self):
        self.check_device_filters("/api/v1/groups/%s/devices" % self.group_id, self.members_before)

    def check_device_filters(self, path, devices):
        for p in PAYLOADS:
            for name, expected in [
                ("q", [d["id"] for d in devices
                       if any(like("%" + p + "%", d[f]) for f in ("id", "serial", "model"))]),
                ("model", [d["id"] for d in devices if d["model"] == p]),
                ("status", None), ("lifecycle", None), ("label", None), ("limit", None),
            ]:
                with self.subTest(path=path, param=name, payload=p):
                    outcome = self.assert_filtered("%s?limit=500&%s=%s" % (path, name, q(p))
                                                   if name != "limit" else path + "?limit=" + q(p),
                                                   expected if expected is not None else [], "id")
                    if expected is None:
                        self.assertEqual(outcome, "refused")
            with self.subTest(path=path, param="label value", payload=p):
                self.assert_filtered(path + "?limit=500&label=site=" + q(p),
                                     [d["id"] for d in devices if (d["labels"] or {}).get("site") == p], "id")
            # A value holding '(' or ')' is refused, and one holding ',' outside a list; any other
            # is taken literally (in a list, ',' separates values).
            in_list = [v.strip() for v in p.split(",")]
            for requirement, expected, refused in [
                ("site=" + p, [d["id"] for d in devices if (d["labels"] or {}).get("site") == p], ",()"),
                ("site!=" + p, [d["id"] for d in devices if (d["labels"] or {}).get("site") != p], ",()"),
                ("model in (%s)" % p, [d["id"] for d in devices if d["model"] in in_list], "()"),
            ]:
                with self.subTest(path=path, param="selector", requirement=requirement):
                    outcome = self.assert_filtered(path + "?limit=500&selector=" + q(requirement), expected, "id")
                    self.assertEqual(outcome, "refused" if any(c in p for c in refused) else "ok")
        # The seeded payload models are found literally, and only they.
        for p in PAYLOADS[:4]:
            with self.subTest(path=path, model=p):
                self.assertEqual(self.assert_filtered(path + "?limit=500&model=" + q(p),
                                                      [d["id"] for d in devices if d["model"] == p], "id"), "ok")
        self.assertTrue(any(d["model"] == PAYLOADS[0] for d in self.devices_before))

    def test_registry_filters(self):
        records = self.registry_before
        for p in PAYLOADS:
            for name, expected in [
                ("q", [r["serial"] for r in records
                       if any(like("%" + p + "%", r[f]) for f in ("serial", "model", "batch"))]),
                ("model", [r["serial"] for r in records if r["model"] == p]),
                ("status", None), ("limit", None),
            ]:
                with self.subTest(param=name, payload=p):
                    path = ("/api/v1/registry?limit=500&%s=%s" % (name, q(p)) if name != "limit"
                            else "/api/v1/registry?limit=" + q(p))
                    outcome = self.assert_filtered(path, expected or [], "serial")
                    if expected is None:
                        self.assertEqual(outcome, "refused")
        self.assertEqual(self.assert_filtered("/api/v1/registry?limit=500&model=" + q(PAYLOADS[2]),
                                              [r["serial"] for r in records if r["model"] == PAYLOADS[2]],
                                              "serial"), "ok")

    def test_audit_filters(self):
        validated = {"result", "since", "until", "limit", "cursor"}
        for p in PAYLOADS:
            for name in ("actor_type", "actor_id", "action", "target_type", "target_id", "result", "since",
                         "until", "limit", "cursor"):
                with self.subTest(param=name, payload=p):
                    status, body, headers = self.get("/api/v1/audit?%s=%s%s" % (name, q(p),
                                                                                "" if name == "limit" else "&limit=500"))
                    if name in validated:
                        self.assert_problem(status, body, headers, 422, "validation")
                    else:
                        self.assertEqual(status, 200, body)
                        items = json.loads(body)["items"]
                        self.assertTrue(all(e[name] == p for e in items), items[:3])
        # A filter that matches something still works (so the empty answers above mean something).
        status, body, _ = self.get("/api/v1/audit?limit=500&action=user.create")
        self.assertEqual(status, 200)
        self.assertGreater(len(json.loads(body)["items"]), 0)

    def test_cursors(self):
        lists = {"/api/v1/users": ("id", self.users_before),
                 "/api/v1/devices": ("id", self.devices_before),
                 "/api/v1/groups/%s/devices" % self.group_id: ("id", self.members_before),
                 "/api/v1/groups": ("name", self.groups_before),
                 "/api/v1/registry": ("serial", self.registry_before)}
        for p in PAYLOADS:
            for path, (key, rows) in lists.items():
                keys = sorted(r[key] for r in rows)
                with self.subTest(list=path, cursor="raw", payload=p):
                    status, body, headers = self.get(path + "?limit=50&cursor=" + q(p))
                    self.assert_problem(status, body, headers, 422, "validation")
                with self.subTest(list=path, cursor="encoded", payload=p):
                    self.assertEqual(self.assert_filtered(path + "?limit=50&cursor=" + cursor_of(p),
                                                          [k for k in keys if k > p][:50], key), "ok")
            with self.subTest(list="/api/v1/audit", cursor="encoded", payload=p):
                status, body, headers = self.get("/api/v1/audit?cursor=" + cursor_of(p))
                self.assert_problem(status, body, headers, 422, "validation")
        # A real cursor still pages.
        status, body, _ = self.get("/api/v1/registry?limit=2")
        page = json.loads(body)
        self.assertIsNotNone(page["next_cursor"])
        status, body, _ = self.get("/api/v1/registry?limit=2&cursor=" + page["next_cursor"])
        self.assertEqual(status, 200)
        self.assertGreater(json.loads(body)["items"][0]["serial"], page["items"][-1]["serial"])

    def test_firmware_filters_and_download_names(self):
        made = []
        for i, model in enumerate(["Thermo"] + PAYLOADS[:3]):
            query = urllib.parse.urlencode([("version", "1.0.%d" % i), ("model", model)])
            status, body, _ = self.request("POST", "/api/v1/firmware?" + query, token=self.api.token,
                                           body=b"image", content_type="application/octet-stream")
            self.assertEqual(status, 201, body)
            made.append(json.loads(body))
        newest_first = [f["id"] for f in reversed(made)]
        for p in PAYLOADS:
            with self.subTest(param="model", payload=p):
                self.assertEqual(self.assert_filtered("/api/v1/firmware?limit=500&model=" + q(p),
                                                      [f["id"] for f in reversed(made) if p in f["models"]], "id"),
                                 "ok")
            with self.subTest(param="cursor", payload=p):
                status, body, headers = self.get("/api/v1/firmware?cursor=" + cursor_of(p))
                self.assert_problem(status, body, headers, 422, "validation")
            with self.subTest(param="limit", payload=p):
                status, body, headers = self.get("/api/v1/firmware?limit=" + q(p))
                self.assert_problem(status, body, headers, 422, "validation")
        status, body, _ = self.get("/api/v1/firmware?limit=500")
        self.assertEqual([f["id"] for f in json.loads(body)["items"]][:len(made)], newest_first)

        # The unsigned `name` of a download link only names the file: it cannot add a header.
        status, body = self.api.call("POST", "/api/v1/firmware/%s/download-link" % made[0]["id"])
        self.assertEqual(status, 200, body)
        path = urllib.parse.urlsplit(body["url"]).path
        for name in PAYLOADS + ["a\r\nSet-Cookie: ms_refresh=stolen", "../../etc/passwd", "x\"; filename=evil.sh"]:
            with self.subTest(param="name", payload=name):
                status, body, headers = self.request("GET", path + "?name=" + q(name), token=None)
                self.assertEqual((status, body), (200, b"image"))
                disposition = headers["content-disposition"]
                self.assertNotIn("\n", disposition)
                self.assertEqual(disposition.count('"'), 2, disposition)
                self.assertNotIn("/", disposition)
                self.assertNotIn("set-cookie", {k.lower() for k in headers})

    def test_job_filters(self):
        # No job exists in this suite: a filter can only be refused or answer nothing.
        for p in PAYLOADS:
            for path in ("/api/v1/jobs", "/api/v1/jobs/" + q(p) + "/executions"):
                for name in ("status", "limit", "cursor"):
                    with self.subTest(path=path, param=name, payload=p):
                        value = cursor_of(p) if name == "cursor" else q(p)
                        status, body, headers = self.get("%s?%s=%s" % (path, name, value))
                        if path == "/api/v1/jobs":
                            self.assert_problem(status, body, headers, 422, "validation")
                        else:
                            self.assert_problem(status, body, headers, 404, "not-found")
        status, body, _ = self.get("/api/v1/jobs?limit=10")
        self.assertEqual((status, json.loads(body)["items"]), (200, []))

    def test_telemetry_filters(self):
        # Times and intervals are parsed, never put into SQL: each payload is a 422. Keys are bound
        # parameters (tests/telemetry/test_queries.py tries them against a device with data).
        for p in PAYLOADS:
            for name in ("from", "to", "interval"):
                with self.subTest(path="/api/v1/telemetry/fleet", param=name, payload=p):
                    status, body, headers = self.get("/api/v1/telemetry/fleet?%s=%s" % (name, q(p)))
                    self.assert_problem(status, body, headers, 422, "validation")
            for name in ("keys", "from", "to", "interval", "agg", "limit"):
                with self.subTest(path="/api/v1/devices/{id}/telemetry", param=name, payload=p):
                    status, body, headers = self.get("/api/v1/devices/%s/telemetry?%s=%s" % (q(p), name, q(p)))
                    self.assert_problem(status, body, headers, 404, "not-found")

    def test_report_kinds_formats_and_filters(self):
        for p in PAYLOADS:
            for name in ("kind", "format", "gzip"):
                with self.subTest(path="/api/v1/generate-report", param=name, payload=p):
                    query = {"kind": "devices", "format": "csv", name: p}
                    status, body, headers = self.get("/api/v1/generate-report?" + urllib.parse.urlencode(query))
                    self.assert_problem(status, body, headers, 422, "validation")
            with self.subTest(path="/api/v1/reports", param="cursor", payload=p):
                status, body, headers = self.get("/api/v1/reports?cursor=" + cursor_of(p))
                self.assert_problem(status, body, headers, 422, "validation")
            with self.subTest(path="/api/v1/reports", param="limit", payload=p):
                status, body, headers = self.get("/api/v1/reports?limit=" + q(p))
                self.assert_problem(status, body, headers, 422, "validation")
            # A filter value is data: the report is made, and it matches nothing.
            with self.subTest(path="/api/v1/generate-report", param="model", payload=p):
                status, body, _ = self.get("/api/v1/generate-report?kind=devices&model=" + q(p))
                self.assertEqual(status, 202, body)
                report = json.loads(body)
                wait_until(lambda: self.api.call("GET", "/api/v1/reports/" + report["id"])[1]["status"] == "ready", 20,
                           "the report")
                # Exactly the devices whose model is that text (earlier tests stored some literally).
                _, same = self.api.call("GET", "/api/v1/devices?limit=500&model=" + q(p))
                self.assertEqual(self.api.call("GET", "/api/v1/reports/" + report["id"])[1]["rows_written"],
                                 len(same["items"]))

    def test_alert_filters(self):
        # States and cursors are parsed (a 422); device and rule ids are bound values (nothing matches).
        for p in PAYLOADS:
            for name in ("state", "cursor", "limit"):
                with self.subTest(path="/api/v1/alerts", param=name, payload=p):
                    value = cursor_of(p) if name == "cursor" else q(p)
                    status, body, headers = self.get("/api/v1/alerts?%s=%s" % (name, value))
                    self.assert_problem(status, body, headers, 422, "validation")
            for name in ("device_id", "rule_id"):
                with self.subTest(path="/api/v1/alerts", param=name, payload=p):
                    status, body, _ = self.get("/api/v1/alerts?%s=%s" % (name, q(p)))
                    self.assertEqual((status, json.loads(body)["items"]), (200, []))

    def test_every_documented_list_parameter_was_tried(self):
        # If docs/openapi.yaml gains a filter, this suite must try it too.
        tried = {"/api/v1/devices": {"q", "model", "status", "lifecycle", "label", "selector", "group", "limit",
                                     "cursor"},
                 "/api/v1/groups/{id}/devices": {"q", "model", "status", "lifecycle", "label", "selector", "limit",
                                                 "cursor"},
                 "/api/v1/groups": {"limit", "cursor"},
                 "/api/v1/registry": {"q", "model", "status", "limit", "cursor"},
                 "/api/v1/audit": {"actor_type", "actor_id", "action", "target_type", "target_id", "result", "since",
                                   "until", "limit", "cursor"},
                 "/api/v1/users": {"limit", "cursor"},
                 "/api/v1/firmware": {"model", "limit", "cursor"},
                 "/api/v1/jobs": {"status", "limit", "cursor"},
                 "/api/v1/jobs/{id}/executions": {"status", "limit", "cursor"},
                 "/dl/{token}": {"name"},
                 "/api/v1/telemetry/fleet": {"from", "to", "interval"},
                 "/api/v1/reports": {"limit", "cursor"},
                 "/api/v1/generate-report": {"kind", "format", "gzip"},
                 "/api/v1/devices/{id}/telemetry": {"keys", "from", "to", "interval", "agg", "limit"},
                 "/api/v1/alerts": {"state", "device_id", "rule_id", "limit", "cursor"}}
        with open(REPO_ROOT + "/docs/openapi.yaml") as f:
            spec = yaml.safe_load(f)
        shared = spec["components"]["parameters"]
        for path, item in spec["paths"].items():
            get = item.get("get")
            if not get:
                continue
            names = set()
            for param in get.get("parameters", []):
                if "$ref" in param:
                    param = shared[param["$ref"].rsplit("/", 1)[1]]
                if param["in"] == "query":
                    names.add(param["name"])
            if names:
                with self.subTest(path=path):
                    self.assertIn(path, tried)
                    self.assertLessEqual(names, tried[path])

    # --- path parameters and request bodies -------------------------------------------------

    def test_path_parameters(self):
        for p in PAYLOADS:
            for path in ("/api/v1/users/", "/api/v1/devices/", "/api/v1/registry/", "/api/v1/groups/",
                         "/api/v1/rules/", "/api/v1/alerts/"):
                with self.subTest(path=path, payload=p):
                    status, body, headers = self.get(path + q(p))
                    self.assert_problem(status, body, headers, 404, "not-found")
            for path in ("/api/v1/devices/%s/certificate/revoke", "/api/v1/devices/%s/decommission",
                         "/api/v1/registry/%s/unlock", "/api/v1/registry/%s/re-enable", "/api/v1/alerts/%s/ack"):
                with self.subTest(path=path, payload=p):
                    status, body, headers = self.request("POST", path % q(p), token=self.api.token)
                    self.assert_problem(status, body, headers, 404, "not-found")
            for path in ("/api/v1/users/", "/api/v1/rules/"):
                with self.subTest(path="DELETE " + path + "{id}", payload=p):
                    status, body, headers = self.request("DELETE", path + q(p), token=self.api.token)
                    self.assert_problem(status, body, headers, 404, "not-found")

    def test_login(self):
        anonymous = Api(self.server.http_port)
        for p in PAYLOADS + ["admin' --", "admin'/*", "admin\" --", "' OR username='admin' --"]:
            for body in ({"username": p, "password": "x" * 12}, {"username": "admin", "password": p},
                         {"username": p, "password": p}):
                with self.subTest(body=body):
                    status, answer, headers = self.request("POST", "/api/v1/auth/login", body=body)
                    self.assertIn(status, (401, 422), answer)  # 422: a username over 64 bytes
                    self.assert_problem(status, answer, headers, status, "unauthorized" if status == 401 else None)
                    self.assertNotIn(b"access_token", answer)
        self.assertEqual(anonymous.call("POST", "/api/v1/auth/login",
                                        {"username": "admin", "password": self.admin_password})[0], 200)

    def test_claims(self):
        rows = self.import_devices(len(PAYLOADS))
        for p, (serial, code) in zip(PAYLOADS, rows):
            with self.subTest(serial=p):
                status, body, headers = self.request("POST", "/api/v1/onboarding", token=self.api.token,
                                                     body={"serial": p, "claim_code": code})
                self.assertIn(status, (404, 422), body)
                self.assert_problem(status, body, headers, status)
            with self.subTest(claim_code=p):
                status, body, headers = self.request("POST", "/api/v1/onboarding", token=self.api.token,
                                                     body={"serial": serial, "claim_code": p})
                self.assert_problem(status, body, headers, 422, "wrong-claim-code")
            record = self.api.call("GET", "/api/v1/registry/" + serial)[1]
            self.assertEqual((record["status"], record["device_id"]), ("manufactured", None), record)

    def test_writes_store_payloads_literally(self):
        victim_name = unique("vict").lower()
        status, victim = self.api.call("POST", "/api/v1/users", {"username": victim_name, "role": "viewer",
                                                                   "password": strong_password()})
        self.assertEqual(status, 201, victim)
        for p in PAYLOADS:
            with self.subTest(display_name=p):
                status, body = self.api.call("PATCH", "/api/v1/users/" + victim["id"], {"display_name": p})
                self.assertEqual((status, body["display_name"], body["role"]), (200, p, "viewer"), body)
                self.assertEqual(self.api.call("GET", "/api/v1/users/" + victim["id"])[1]["display_name"], p)
        for p in PAYLOADS:
            batch = p[:40] + unique(" ")
            serial = unique("SN")
            with self.subTest(batch=p):
                status, body = self.api.call("POST", "/api/v1/registry/import?batch=" + q(batch),
                                             "%s,Thermo,rev1,CODE-%s\n" % (serial, unique("c")[2:]), "text/csv")
                self.assertEqual((status, body.get("batch")), (200, batch), body)
                status, record = self.api.call("GET", "/api/v1/registry/" + serial)
                self.assertEqual((status, record["batch"]), (200, batch), record)
                status, page = self.api.call("GET", "/api/v1/registry?limit=500&q=" + q(batch))
                self.assertEqual([r["serial"] for r in page["items"]], [serial], page)
        self.assert_database_intact(users_added=[victim])
        self.users_before.append(victim)

    def test_zz_server_log_holds_no_secrets(self):
        self.assert_log_holds_no_secrets()


if __name__ == "__main__":
    unittest.main()
