"""Security review findings on device identity, re-authentication, token revocation and
passwords (issue 16, requirements 1, 2, 3 and 5), replayed against the real server the way the
review found them:

- HIGH: a viewer connected with a device's id or a serial and a persistent session, then the
  device (certificate or claim) was refused 0x87, even after the viewer was deleted;
- MEDIUM: unlimited wrong `current_password` guesses on POST /api/v1/me/password;
- LOW: access tokens valid after logout, password change, reset, disable and re-enable;
- LOW: `aaaaaaaaaa` and `1234567890` accepted as passwords.
"""

import time
import unittest

from broker_fixture import DISCONNECT, V311, V5, ConnectionClosed
from fleet_fixture import EventStream, FleetTestCase, strong_password, unique

CLIENT_ID_NOT_VALID = {V5: 0x85, V311: 2}
NOT_AUTHORIZED = {V5: 0x87, V311: 5}


password = strong_password

class IdentityTestCase(FleetTestCase):
    allow_anonymous = True  # anonymous clients are refused device ids too

    def user_with_id(self, role="viewer"):
        """(api, username, user id, password) of a new user."""
        name, secret = unique(role[:4]).lower(), password()
        status, body = self.api.call("POST", "/api/v1/users", {"username": name, "role": role, "password": secret})
        self.assertEqual(status, 201, body)
        return type(self.api)(self.server.http_port).login(name, secret), name, body["id"], secret

    def mqtt_user(self, name, token, client_id, version=V5, clean=True, expiry=None):
        c = self.raw(version=version)
        props = {"session_expiry_interval": expiry} if (version == V5 and expiry) else None
        return c, c.connect(client_id=client_id, username=name, password=token.encode(), clean=clean, props=props)

    def onboard(self):
        """A device onboarded end to end: (Device, device id)."""
        [(serial, code)] = self.import_devices(1)
        dev = self.device(serial, code)
        dev.connect_for_onboarding()
        dev.say_hello()
        dev.wait_status("awaiting_approval")
        status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
        self.assertEqual(status, 200, body)
        dev.wait_certificate()
        dev.provisioning.stop()
        return dev, serial


class DeviceIdentitiesAreReserved(IdentityTestCase):

    def test_a_viewer_cannot_hold_a_device_id_or_a_serial(self):
        dev, serial = self.onboard()
        viewer, name, _, _ = self.user_with_id("viewer")
        for client_id in (dev.device_id, serial, "dev_" + "0" * 26):  # the last: a device that does not exist yet
            for version in (V311, V5):
                with self.subTest(client_id=client_id, version=version):
                    c, ack = self.mqtt_user(name, viewer.token, client_id, version, clean=False, expiry=3600)
                    self.assertEqual(ack.reason, CLIENT_ID_NOT_VALID[version])
                    self.assertEqual(c.wait_closed(3), [])
                    anonymous = self.raw(version=version)
                    self.assertEqual(anonymous.connect(client_id=client_id, clean=False).reason,
                                     CLIENT_ID_NOT_VALID[version])
        # The device was never locked out.
        live = dev.connect_with_certificate()
        live.stop()

    def test_users_own_client_id_space(self):
        viewer, name, user_id, _ = self.user_with_id("viewer")
        other, other_name, other_id, _ = self.user_with_id("viewer")
        for client_id in (user_id, user_id + "/dashboard", unique("tool")):
            _, ack = self.mqtt_user(name, viewer.token, client_id)
            self.assertEqual(ack.reason, 0, client_id)
        _, ack = self.mqtt_user(other_name, other.token, user_id + "/dashboard")
        self.assertEqual(ack.reason, CLIENT_ID_NOT_VALID[V5])

    def test_a_serial_held_before_its_import_goes_back_to_the_device(self):
        # A serial is an open id until it is imported: a viewer may hold it, but the device's
        # claim takes it back, and nothing of the viewer's session carries over.
        viewer, name, _, _ = self.user_with_id("viewer")
        serial = unique("SN")
        squatter, ack = self.mqtt_user(name, viewer.token, serial, V311, clean=False)
        self.assertEqual(ack.reason, 0)
        squatter.subscribe(("$SYS/#", 0))
        code = "CODE-" + unique("c")[2:]
        status, body = self.api.call("POST", "/api/v1/registry/import", "%s,Thermo,rev1,%s\n" % (serial, code), "text/csv")
        self.assertEqual(status, 200, body)
        dev = self.device(serial, code)
        _, reason = dev.connect_for_onboarding(version=V311)
        self.assertEqual(reason, 0)
        squatter.wait_closed(5)
        # Now the serial is on record: the viewer is refused it.
        _, ack = self.mqtt_user(name, viewer.token, serial, V311, clean=False)
        self.assertEqual(ack.reason, CLIENT_ID_NOT_VALID[V311])

    def test_disabling_deleting_or_demoting_a_user_ends_connections_and_sessions(self):
        for change in ("disable", "delete", "demote"):
            with self.subTest(change=change):
                tech, name, user_id, secret = self.user_with_id("technician")
                client_id = user_id + "/" + change
                c, ack = self.mqtt_user(name, tech.token, client_id, V5, clean=False, expiry=3600)
                self.assertEqual(ack.reason, 0)
                if change == "delete":
                    status, _ = self.api.call("DELETE", "/api/v1/users/" + user_id)
                elif change == "disable":
                    status, _ = self.api.call("PATCH", "/api/v1/users/" + user_id, {"disabled": True})
                else:
                    status, _ = self.api.call("PATCH", "/api/v1/users/" + user_id, {"role": "viewer"})
                self.assertIn(status, (200, 204))
                got = c.wait_closed(5)
                self.assertEqual([p.reason for p in got if p.type == DISCONNECT], [0x98])
                if change == "delete":
                    continue
                if change == "disable":
                    self.assertEqual(self.api.call("PATCH", "/api/v1/users/" + user_id, {"disabled": False})[0], 200)
                again = type(self.api)(self.server.http_port).login(name, secret)
                _, ack = self.mqtt_user(name, again.token, client_id, V5, clean=False, expiry=3600)
                self.assertEqual((ack.reason, ack.session_present), (0, False))  # the session went too


class ReauthenticationIsThrottled(IdentityTestCase):
    server_env = dict(FleetTestCase.server_env, MOTHERSHIP_AUTH_LOGIN_FREE_FAILURES="3",
                      MOTHERSHIP_AUTH_LOGIN_MAX_DELAY_S="60")

    def test_wrong_current_passwords_get_429_and_count_with_logins(self):
        tech, name, _, secret = self.user_with_id("technician")
        answers = []
        for i in range(6):
            status, body = tech.call("POST", "/api/v1/me/password",
                                     {"current_password": "guess-%d-%s" % (i, password()), "new_password": password()})
            answers.append(status)
        self.assertEqual(answers[:3], [422, 422, 422])
        self.assertEqual(set(answers[3:]), {429})
        # The right password waits too, and so does a login to the same account.
        status, body = tech.call("POST", "/api/v1/me/password", {"current_password": secret, "new_password": password()})
        self.assertEqual(status, 429, body)
        anonymous = type(self.api)(self.server.http_port)
        status, _ = anonymous.call("POST", "/api/v1/auth/login", {"username": name, "password": secret})
        self.assertEqual(status, 429)
        # Nothing changed: the old password is still the password.
        status, audit = self.api.call("GET", "/api/v1/audit?action=auth.password_change&limit=50")
        self.assertTrue(any(e["details"].get("reason") == "throttled" for e in audit["items"]), audit)


class AccessTokensCanBeRevoked(IdentityTestCase):

    def me(self, token):
        return type(self.api)(self.server.http_port, token).call("GET", "/api/v1/me")[0]

    def test_logout_revokes_the_token_on_every_channel(self):
        tech, name, user_id, secret = self.user_with_id("technician")
        other = type(self.api)(self.server.http_port).login(name, secret)
        stream = EventStream(self.server.http_port, tech.token)
        self.addCleanup(stream.close)
        self.assertEqual(stream.status, 200)
        c, ack = self.mqtt_user(name, tech.token, user_id + "/logout")
        self.assertEqual(ack.reason, 0)
        assigned, ack = self.mqtt_user(name, tech.token, "")  # the broker names this one
        self.assertEqual(ack.reason, 0)
        other_mqtt, ack = self.mqtt_user(name, other.token, user_id + "/other")
        self.assertEqual(ack.reason, 0)
        status, _ = tech.call("POST", "/api/v1/auth/logout")
        self.assertEqual(status, 204)
        self.assertEqual(self.me(tech.token), 401)
        for connection in (c, assigned):
            got = connection.wait_closed(5)
            self.assertEqual([p.reason for p in got if p.type == DISCONNECT], [0x87])
        self.assertEqual(other_mqtt.ping(), [])  # opened with another token: still there
        stream.thread.join(5)
        self.assertFalse(stream.thread.is_alive(), "the SSE stream of a revoked token goes on")
        _, ack = self.mqtt_user(name, tech.token, user_id + "/again")
        self.assertNotEqual(ack.reason, 0)
        self.assertEqual(self.me(other.token), 200)  # another login of the same user is untouched

    def test_password_change_reset_and_disable_revoke_every_earlier_token(self):
        tech, name, user_id, secret = self.user_with_id("technician")
        new_secret = password()
        status, body = tech.call("POST", "/api/v1/me/password", {"current_password": secret, "new_password": new_secret})
        self.assertEqual(status, 204, body)
        self.assertEqual(self.me(tech.token), 401)

        second = type(self.api)(self.server.http_port).login(name, new_secret)
        reset_secret = password()
        self.assertEqual(self.api.call("PATCH", "/api/v1/users/" + user_id, {"password": reset_secret})[0], 200)
        self.assertEqual(self.me(second.token), 401)

        third = type(self.api)(self.server.http_port).login(name, reset_secret)
        self.assertEqual(self.api.call("PATCH", "/api/v1/users/" + user_id, {"disabled": True})[0], 200)
        self.assertEqual(self.api.call("PATCH", "/api/v1/users/" + user_id, {"disabled": False})[0], 200)
        self.assertEqual(self.me(third.token), 401)  # re-enabling does not bring it back
        self.assertEqual(self.me(type(self.api)(self.server.http_port).login(name, reset_secret).token), 200)


class UserConnectionsEndWithTheirToken(IdentityTestCase):
    server_env = dict(FleetTestCase.server_env, MOTHERSHIP_AUTH_ACCESS_TTL_S="4")

    def test_an_mqtt_connection_ends_when_its_token_expires(self):
        status, body = type(self.api)(self.server.http_port).call(
            "POST", "/api/v1/auth/login", {"username": "admin", "password": self.admin_password()})
        self.assertEqual(status, 200, body)
        started = time.monotonic()
        v5, ack = self.mqtt_user("admin", body["access_token"], unique("short"), V5)
        self.assertEqual(ack.reason, 0)
        v311, ack = self.mqtt_user("admin", body["access_token"], unique("short"), V311)
        self.assertEqual(ack.reason, 0)
        got = v5.wait_closed(10)
        self.assertEqual([p.reason for p in got if p.type == DISCONNECT], [0xA0])  # maximum connect time
        v311.wait_closed(5)
        self.assertLess(time.monotonic() - started, 8)

    def admin_password(self):
        from fleet_fixture import ADMIN_PASSWORD
        return ADMIN_PASSWORD


class PasswordsAreChecked(IdentityTestCase):

    def test_trivial_dictionary_and_username_passwords_are_refused_with_a_reason(self):
        for weak in ("aaaaaaaaaa", "1234567890", "password123", "carol-secret-77"):
            with self.subTest(password=weak):
                status, body = self.api.call("POST", "/api/v1/users",
                                             {"username": "carol", "role": "viewer", "password": weak})
                self.assertEqual(status, 422, body)
                self.assertEqual([e["field"] for e in body["errors"]], ["password"], body)
                self.assertTrue(body["errors"][0]["message"], body)  # the library's reason
        status, users = self.api.call("GET", "/api/v1/users?limit=200")
        self.assertNotIn("carol", [u["username"] for u in users["items"]])
        tech, name, user_id, secret = self.user_with_id("technician")
        status, body = tech.call("POST", "/api/v1/me/password", {"current_password": secret, "new_password": "1234567890"})
        self.assertEqual(status, 422, body)
        status, body = self.api.call("PATCH", "/api/v1/users/" + user_id, {"password": name + "-2024-x"})
        self.assertEqual(status, 422, body)


if __name__ == "__main__":
    unittest.main()
