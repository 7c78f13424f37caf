"""Security review (issue 16), requirement 9: a claim-code lockout that cannot block a device.

Finding replayed: "Five wrong claim codes lock a serial until an admin unlocks it, even for
the right code: anyone who knows a serial can block its onboarding". Wrong codes still lock
the serial (the right code is refused meanwhile), but only for a while: here
provisioning.lockout_base_s = 2 and lockout_max_s = 4, so the second lock lasts 4 s and the
third is capped at 4 s. Every lock and unlock is in the audit log.
"""

import time
import unittest

from fleet_fixture import FleetTestCase, wait_until

BAD_USER_OR_PASSWORD = 0x86


def parse_time(text):
    """RFC 3339 UTC ("...Z", with or without milliseconds) as seconds since the epoch."""
    import datetime
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class TimedLockout(FleetTestCase):
    server_env = dict(FleetTestCase.server_env, MOTHERSHIP_PROVISIONING_LOCKOUT_BASE_S="2",
                      MOTHERSHIP_PROVISIONING_LOCKOUT_MAX_S="4")

    def claim(self, serial, code):
        return self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})

    def lock_by_mqtt(self, serial):
        """Three wrong codes from a 'device' (the MQTT claim path); returns the record."""
        for attempt in range(3):
            dev = self.device(serial, "WRONG-%d" % attempt)
            self.assertEqual(dev.connect_for_onboarding(expect_success=False)[1], BAD_USER_OR_PASSWORD)
            dev.stop()
        status, record = self.api.call("GET", "/api/v1/registry/" + serial)
        self.assertEqual(status, 200, record)
        self.assertTrue(record["locked"], record)
        return record

    def audit(self, action, serial):
        status, page = self.api.call("GET", "/api/v1/audit?limit=200&action=" + action)
        self.assertEqual(status, 200, page)
        return [e for e in page["items"] if e["target_id"] == serial]

    def test_wrong_codes_lock_a_serial_only_for_a_while(self):
        [(serial, code)] = self.import_devices(1)
        record = self.lock_by_mqtt(serial)
        until = parse_time(record["locked_until"])
        self.assertAlmostEqual(until - time.time(), 2, delta=1.5)
        # Meanwhile the right code is refused, with when the lock ends.
        status, body = self.claim(serial, code)
        if time.time() < until - 0.2:
            self.assertEqual(status, 423, body)
            self.assertEqual(body["locked_until"], record["locked_until"])
        wait_until(lambda: time.time() > until + 0.1, 10, "the lock to end")
        status, body = self.claim(serial, code)
        self.assertEqual(status, 202, body)
        [lock] = self.audit("registry.lock", serial)
        self.assertEqual(lock["details"]["lock_count"], 1)
        self.assertEqual(lock["details"]["duration_s"], 2)
        [unlock] = self.audit("registry.unlock", serial)
        self.assertEqual(unlock["details"]["by"], "expiry")

    def test_each_further_lock_doubles_up_to_the_cap_and_an_admin_unlock_resets_it(self):
        [(serial, code)] = self.import_devices(1)
        durations = []
        for _ in range(3):
            record = self.lock_by_mqtt(serial)
            until = parse_time(record["locked_until"])
            wait_until(lambda: time.time() > until + 0.1, 10, "the lock to end")
        durations = [e["details"]["duration_s"] for e in reversed(self.audit("registry.lock", serial))]
        self.assertEqual(durations, [2, 4, 4])
        self.lock_by_mqtt(serial)
        self.assertEqual(self.api.call("POST", "/api/v1/registry/%s/unlock" % serial)[0], 200)
        status, record = self.api.call("GET", "/api/v1/registry/" + serial)
        self.assertFalse(record["locked"], record)
        self.assertIsNone(record["locked_until"], record)
        admin_unlocks = [e for e in self.audit("registry.unlock", serial) if e["details"]["by"] == "admin"]
        self.assertEqual(len(admin_unlocks), 1)
        self.assertTrue(admin_unlocks[0]["details"]["was_locked"])
        # After the unlock the next lock is the shortest again.
        self.lock_by_mqtt(serial)
        self.assertEqual(self.audit("registry.lock", serial)[0]["details"]["duration_s"], 2)
        self.assert_server_healthy()


if __name__ == "__main__":
    unittest.main()
