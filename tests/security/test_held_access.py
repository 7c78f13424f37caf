"""Security review, checks that held: access tokens and roles (issue 16, requirement 11).

Replayed against a real server the way the review tried them:
- forged access tokens: `alg: none` with the real kid and payload, HS256 signed with the server's
  public key (PEM, DER, the JWK's JSON text, the raw point), a viewer's token with its role claim
  edited to admin (signature kept), altered or foreign signatures, another kid: each is a 401
  problem+json on the REST API, and CONNACK 0x86 when used as an MQTT password;
- RBAC: every route of docs/openapi.yaml that names a permission, called by a viewer and a
  technician: 403 problem+json where the role table of docs/architecture.md says no (and audited),
  through to the handler where it says yes; docs/openapi.yaml and src/api/routes.cpp agree on each
  route's permission; a viewer cannot make itself admin.
"""

import hashlib
import hmac
import json
import os
import re
import unittest

import yaml
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from broker_fixture import REPO_ROOT, RawClient
from held_fixture import V5, Api, HeldTestCase, b64url, b64url_decode, strong_password, unique

BAD_USER_OR_PASSWORD = 0x86


def read(path):
    with open(os.path.join(REPO_ROOT, path)) as f:
        return f.read()


def openapi_operations():
    """[(METHOD, path template, x-permission)] for every operation of docs/openapi.yaml."""
    spec = yaml.safe_load(read("docs/openapi.yaml"))
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "x-permission" in op:
                out.append((method.upper(), path, op["x-permission"]))
    return out


def code_routes():
    """{(METHOD, path template): permission} from src/api/routes.cpp, with "public" / "authenticated"."""
    text = read("src/api/routes.cpp")
    rules = {"anyone": "public", "signed_in": "authenticated"}
    for name, perm in re.findall(r"const auto (\w+) = access_rule::require\(permission::(\w+)\);", text):
        rules[name] = perm.replace("_", ".")
    out = {}
    for method, path, rule in re.findall(r'r\.add\(\{"(\w+)",\s*"([^"]+)",\s*([^,]+),', text):
        rule = rule.strip()
        m = re.fullmatch(r"access_rule::require\(permission::(\w+)\)", rule)
        out[(method, path)] = m.group(1).replace("_", ".") if m else rules[rule]
    return out


def role_table():
    """{permission: {"admin": bool, "technician": bool, "viewer": bool}} from docs/architecture.md."""
    out = {}
    for line in read("docs/architecture.md").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and all(c in ("yes", "no") for c in cells[1:]):
            for perm in cells[0].split(","):
                out[perm.strip()] = dict(zip(("admin", "technician", "viewer"), (c == "yes" for c in cells[1:])))
    return out


class Tokens(HeldTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        status, jwks = cls.api.call("GET", "/.well-known/jwks.json", raw=True)
        assert status == 200, status
        cls.jwks_text = jwks.decode()
        cls.jwk = json.loads(cls.jwks_text)["keys"][0]
        x = int.from_bytes(b64url_decode(cls.jwk["x"]), "big")
        y = int.from_bytes(b64url_decode(cls.jwk["y"]), "big")
        cls.public_key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()

    def token_parts(self, token):
        header, payload, signature = token.split(".")
        return header, payload, signature

    def assert_refused(self, token, path="/api/v1/users", what=""):
        status, body, headers = self.request("GET", path, token=token)
        doc = self.assert_problem(status, body, headers, 401, "unauthorized")
        self.assertIn("request_id", doc)
        self.assertIn("invalid_token", headers.get("www-authenticate", ""), what)
        self.assertNotIn(b"$argon2", body)

    def assert_mqtt_refused(self, username, token):
        with RawClient(self.port) as c:
            ack = c.connect(version=V5, client_id=unique("portal"), username=username, password=token)
            self.assertEqual(ack.reason, BAD_USER_OR_PASSWORD, ack)

    def test_the_real_tokens_work_so_refusals_mean_something(self):
        status, body, _ = self.request("GET", "/api/v1/users", token=self.api.token)
        self.assertEqual(status, 200, body)
        viewer = self.user("viewer")
        status, body, headers = self.request("GET", "/api/v1/users", token=viewer.token)
        self.assert_problem(status, body, headers, 403, "forbidden")
        with RawClient(self.port) as c:
            self.assertEqual(c.connect(version=V5, client_id=unique("portal"), username="admin",
                                       password=self.api.token).reason, 0)

    def test_alg_none_is_refused(self):
        header, payload, signature = self.token_parts(self.api.token)
        self.assertEqual(json.loads(b64url_decode(header))["kid"], self.jwk["kid"])
        forged = []
        for alg in ("none", "None", "NONE", "nOnE"):
            h = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": self.jwk["kid"]}, separators=(",", ":")))
            forged += [h + "." + payload + ".", h + "." + payload + "." + signature]
        h = b64url(json.dumps({"typ": "JWT", "kid": self.jwk["kid"]}))  # no alg at all
        forged.append(h + "." + payload + ".")
        for token in forged:
            with self.subTest(token=token[:60]):
                self.assert_refused(token)
                self.assert_mqtt_refused("admin", token)

    def test_hs256_signed_with_the_public_key_is_refused(self):
        _, payload, _ = self.token_parts(self.api.token)
        pem = self.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        der = self.public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        point = self.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        secrets = {
            "PEM": pem, "PEM without the final newline": pem.rstrip(b"\n"), "DER": der, "the raw point": point,
            "the JWK as JSON": json.dumps(self.jwk).encode(),
            "the JWK as compact JSON": json.dumps(self.jwk, separators=(",", ":")).encode(),
            "the JWKS document as served": self.jwks_text.encode(),
        }
        for alg, digest in (("HS256", hashlib.sha256), ("HS384", hashlib.sha384), ("HS512", hashlib.sha512)):
            header = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": self.jwk["kid"]}, separators=(",", ":")))
            for what, secret in secrets.items():
                signing_input = header + "." + payload
                token = signing_input + "." + b64url(hmac.new(secret, signing_input.encode(), digest).digest())
                with self.subTest(alg=alg, secret=what):
                    self.assert_refused(token)
                    self.assert_mqtt_refused("admin", token)

    def test_a_viewer_cannot_edit_its_role_claim(self):
        viewer, viewer_id, name, _ = self.make_user("viewer")
        header, payload, signature = self.token_parts(viewer.token)
        claims = json.loads(b64url_decode(payload))
        self.assertEqual((claims["role"], claims["sub"]), ("viewer", viewer_id))
        admin_id = json.loads(b64url_decode(self.token_parts(self.api.token)[1]))["sub"]
        edits = {"role admin": dict(claims, role="admin"),
                 "role admin, sub of the admin": dict(claims, role="admin", sub=admin_id),
                 "expiry a year later": dict(claims, role="admin", exp=claims["exp"] + 365 * 86400)}
        for what, edited in edits.items():
            for text in (json.dumps(edited), json.dumps(edited, separators=(",", ":"))):
                token = header + "." + b64url(text) + "." + signature
                with self.subTest(edit=what):
                    self.assert_refused(token)
                    self.assert_mqtt_refused(name, token)
        # The role as the server sees it is still viewer.
        status, me = viewer.call("GET", "/api/v1/me")
        self.assertEqual((status, me["role"]), (200, "viewer"), me)

    def test_altered_or_foreign_signatures_are_refused(self):
        header, payload, signature = self.token_parts(self.api.token)
        raw = bytearray(b64url_decode(signature))
        self.assertEqual(len(raw), 64)  # ES256: r || s
        flipped = bytearray(raw)
        flipped[10] ^= 0x01
        last = bytearray(raw)
        last[-1] ^= 0x80
        # A signature of the same input by another P-256 key, under the server's kid.
        other = ec.generate_private_key(ec.SECP256R1())
        r, s = decode_dss_signature(other.sign((header + "." + payload).encode(), ec.ECDSA(hashes.SHA256())))
        foreign = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        # The same forgery announced under another key id.
        other_kid = b64url(json.dumps({"alg": "ES256", "typ": "JWT", "kid": "someone-else"}))
        other_kid_input = other_kid + "." + payload
        r, s = decode_dss_signature(other.sign(other_kid_input.encode(), ec.ECDSA(hashes.SHA256())))
        variants = {
            "a flipped bit": header + "." + payload + "." + b64url(bytes(flipped)),
            "a flipped last bit": header + "." + payload + "." + b64url(bytes(last)),
            "cut short": header + "." + payload + "." + b64url(bytes(raw[:63])),
            "one byte more": header + "." + payload + "." + b64url(bytes(raw) + b"\0"),
            "r and s swapped": header + "." + payload + "." + b64url(bytes(raw[32:] + raw[:32])),
            "no signature": header + "." + payload + ".",
            "as DER": header + "." + payload + "." + b64url(other.sign(b"x", ec.ECDSA(hashes.SHA256()))),
            "another key, our kid": header + "." + payload + "." + b64url(foreign),
            "another key, its kid": other_kid_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big")),
            "two dots only": header + "." + payload,
            "four parts": self.api.token + ".x",
        }
        for what, token in variants.items():
            with self.subTest(variant=what):
                self.assertNotEqual(token, self.api.token)
                self.assert_refused(token, what=what)
                self.assert_mqtt_refused("admin", token)
        # The signature is checked again for a token the server has seen before.
        self.assert_refused(variants["a flipped bit"], path="/api/v1/audit")

    def test_zz_server_log_holds_no_secrets(self):
        self.assert_log_holds_no_secrets()


class Roles(HeldTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operations = openapi_operations()
        cls.table = role_table()

    def setUp(self):
        super().setUp()
        if not hasattr(type(self), "viewer"):
            type(self).viewer, type(self).viewer_id, _, _ = self.make_user("viewer")
            type(self).technician, type(self).technician_id, _, _ = self.make_user("technician")

    def call_route(self, api, method, template):
        path = re.sub(r"\{[^}]+\}", "held-" + unique("x"), template)
        body = None if method in ("GET", "DELETE") else "{}"
        return self.request(method, path, token=api.token, body=body)

    def test_openapi_and_the_code_agree_on_every_routes_permission(self):
        documented = {(m, p): perm for m, p, perm in self.operations}
        coded = code_routes()
        self.assertGreater(len(coded), 30)
        self.assertEqual(documented, coded)
        for perm in set(coded.values()) - {"public", "authenticated"}:
            self.assertIn(perm, self.table, "docs/architecture.md has no row for " + perm)

    def test_each_role_gets_exactly_what_the_role_table_gives_it(self):
        denied_seen = {"viewer": 0, "technician": 0}
        for method, template, perm in self.operations:
            if perm in ("public", "authenticated"):
                continue
            for role, api in (("viewer", self.viewer), ("technician", self.technician), ("admin", self.api)):
                with self.subTest(route=method + " " + template, role=role):
                    status, body, headers = self.call_route(api, method, template)
                    if self.table[perm][role]:
                        self.assertNotIn(status, (401, 403, 500), body)
                    else:
                        doc = self.assert_problem(status, body, headers, 403, "forbidden")
                        self.assertIn(perm, doc.get("detail", ""))
                        denied_seen[role] += 1
        # The table really denies something to each of them (else this test proves nothing).
        self.assertGreater(denied_seen["viewer"], 5)
        self.assertGreater(denied_seen["technician"], 5)

    def test_admin_only_routes_refuse_viewer_and_technician_and_change_nothing(self):
        [(serial, code)] = self.import_devices(1)
        status, claimed = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual(status, 202, claimed)
        device_id = claimed["device_id"]
        victim = self.make_user("viewer")[1]
        users_before = self.all_items(self.api, "/api/v1/users")
        fresh = unique("SN")
        attempts = [
            ("POST", "/api/v1/users", {"username": unique("evil").lower(), "role": "admin",
                                       "password": strong_password()}, "application/json"),
            ("PATCH", "/api/v1/users/" + victim, {"role": "admin"}, "application/json"),
            ("PATCH", "/api/v1/users/" + victim, {"disabled": True}, "application/json"),
            ("DELETE", "/api/v1/users/" + victim, None, None),
            ("POST", "/api/v1/registry/import", "%s,Thermo,rev1,CODE-123456\n" % fresh, "text/csv"),
            ("POST", "/api/v1/devices/%s/certificate/revoke" % device_id, None, None),
            ("POST", "/api/v1/devices/%s/decommission" % device_id, None, None),
            ("POST", "/api/v1/registry/%s/re-enable" % serial, None, None),
            ("POST", "/api/v1/registry/%s/unlock" % serial, None, None),
            ("PUT", "/api/v1/provisioning/templates/Thermo", {"labels": {"owned": "yes"}}, "application/json"),
        ]
        for role, api in (("viewer", self.viewer), ("technician", self.technician)):
            for method, path, body, ctype in attempts:
                with self.subTest(role=role, call=method + " " + path):
                    status, answer, headers = self.request(method, path, token=api.token, body=body,
                                                           content_type=ctype or "application/json")
                    self.assert_problem(status, answer, headers, 403, "forbidden")
        self.assertEqual(self.all_items(self.api, "/api/v1/users"), users_before)
        self.assertEqual(self.api.call("GET", "/api/v1/registry/" + fresh)[0], 404)
        status, device = self.api.call("GET", "/api/v1/devices/" + device_id)
        self.assertEqual((status, device["lifecycle"]), (200, "awaiting_certificate"), device)
        self.assertEqual(self.api.call("GET", "/api/v1/registry/" + serial)[1]["status"], "registered")
        # Each refusal is in the audit log, with who tried it.
        status, page = self.api.call("GET", "/api/v1/audit?action=access.denied&actor_id=%s&limit=500"
                                     % self.viewer_id)
        self.assertEqual(status, 200, page)
        targets = {e["target_id"] for e in page["items"]}
        self.assertTrue({"POST /api/v1/users", "PATCH /api/v1/users/{id}",
                         "POST /api/v1/devices/{id}/certificate/revoke"} <= targets, targets)

    def test_a_viewer_cannot_make_itself_admin(self):
        viewer, viewer_id, name, password = self.make_user("viewer")
        status, body, headers = self.request("PATCH", "/api/v1/users/" + viewer_id, token=viewer.token,
                                             body={"role": "admin"})
        self.assert_problem(status, body, headers, 403, "forbidden")
        # Its own account's routes take no role.
        new_password = strong_password()
        self.secrets[new_password] = "the new password of " + name
        status, answer = viewer.call("POST", "/api/v1/me/password",
                                     {"current_password": password, "new_password": new_password, "role": "admin"})
        self.assertEqual(status, 204, answer)
        again = Api(self.server.http_port).login(name, new_password)
        self.secrets[again.token] = "the new access token of " + name
        status, me = again.call("GET", "/api/v1/me")
        self.assertEqual((status, me.get("role")), (200, "viewer"), me)
        self.assertEqual(self.api.call("GET", "/api/v1/users/" + viewer_id)[1]["role"], "viewer")

    def test_without_a_token_every_non_public_route_is_401(self):
        for method, template, perm in self.operations:
            if perm == "public":
                continue
            with self.subTest(route=method + " " + template):
                path = re.sub(r"\{[^}]+\}", "x", template)
                status, body, headers = self.request(method, path, body=None if method == "GET" else "{}")
                self.assert_problem(status, body, headers, 401, "unauthorized")

    def test_zz_server_log_holds_no_secrets(self):
        self.assert_log_holds_no_secrets()


if __name__ == "__main__":
    unittest.main()
