"""Labels, selectors and static groups (issue 12) through the REST API as people use it, against
the real server: an admin labels devices and keeps groups, anyone who may read devices filters
the list by selector and by group, and the roles that may not change them are refused."""

import unittest
import urllib.parse

from fleet_fixture import FleetTestCase, unique


def q(text):
    return urllib.parse.quote(text, safe="")


class GroupsAndSelectors(FleetTestCase):

    def claimed_devices(self, count, model):
        """`count` registered devices of `model` (claimed by the admin; none has connected)."""
        ids = []
        for serial, code in self.import_devices(count, model=model):
            status, body = self.api.call("POST", "/api/v1/onboarding", {"serial": serial, "claim_code": code})
            self.assertEqual(status, 202, body)
            ids.append(body["device_id"])
        return ids

    def listed(self, query, api=None):
        status, page = (api or self.api).call("GET", "/api/v1/devices?limit=500&" + query)
        self.assertEqual(status, 200, page)
        return {d["id"] for d in page["items"]}

    def label(self, device_id, labels):
        status, body = self.api.call("PATCH", "/api/v1/devices/" + device_id, {"labels": labels})
        self.assertEqual(status, 200, body)
        return body["labels"]

    def test_labels_are_merged_checked_and_audited(self):
        [dev] = self.claimed_devices(1, unique("Thermo"))
        self.assertEqual(self.label(dev, {"site": "roof", "ring": "canary"}), {"site": "roof", "ring": "canary"})
        # null removes a key; keys the patch leaves out stay.
        self.assertEqual(self.label(dev, {"ring": None, "rack": "r 1"}), {"site": "roof", "rack": "r 1"})
        status, detail = self.api.call("GET", "/api/v1/devices/" + dev)
        self.assertEqual(detail["labels"], {"site": "roof", "rack": "r 1"})

        status, problem = self.api.call("PATCH", "/api/v1/devices/" + dev,
                                        {"labels": {"bad key": "x", "model": "y", "long": "v" * 129}})
        self.assertEqual((status, problem["type"].rsplit("/", 1)[1]), (422, "validation"), problem)
        self.assertEqual({e["field"] for e in problem["errors"]}, {"labels.bad key", "labels.model", "labels.long"})
        status, problem = self.api.call("PATCH", "/api/v1/devices/" + dev,
                                        {"labels": {"k%d" % i: "v" for i in range(33)}})
        self.assertEqual((status, [e["field"] for e in problem["errors"]]), (422, ["labels"]), problem)
        status, problem = self.api.call("PATCH", "/api/v1/devices/" + dev, {"labels": {"site": 3}})
        self.assertEqual((status, problem["errors"][0]["field"]), (422, "labels.site"), problem)
        self.assertEqual(self.api.call("GET", "/api/v1/devices/" + dev)[1]["labels"], {"site": "roof", "rack": "r 1"})
        self.assertEqual(self.api.call("PATCH", "/api/v1/devices/dev_missing", {"labels": {"a": "b"}})[0], 404)

        status, entries = self.api.call("GET", "/api/v1/audit?action=device.labels&target_id=" + dev)
        self.assertEqual(len(entries["items"]), 2, entries)
        self.assertEqual(entries["items"][0]["details"]["to"], {"site": "roof", "rack": "r 1"})
        self.assertEqual(entries["items"][0]["actor_type"], "user")

    def test_selectors_pick_devices_by_labels_and_model(self):
        model = unique("Thermo 3")  # a model with a space, as in the example
        a, b, c, d = self.claimed_devices(4, model)
        self.label(a, {"site": "a"})
        self.label(b, {"site": "b", "beta": "yes"})
        self.label(c, {"site": "c"})
        mine = "model=%s" % model
        viewer = self.user("viewer")
        self.assertEqual(self.listed("selector=" + q(mine + ",site in (a,b),!beta"), viewer), {a})
        self.assertEqual(self.listed("selector=" + q(mine + ",site notin (a)")), {b, c, d})
        self.assertEqual(self.listed("selector=" + q(mine + ",site!=c")), {a, b, d})
        self.assertEqual(self.listed("selector=" + q(mine + ",!site")), {d})
        self.assertEqual(self.listed("selector=" + q(mine + ",beta")), {b})
        self.assertEqual(self.listed("selector=" + q(mine + " , site = a")), {a})
        # Combined with the other filters and with paging.
        self.assertEqual(self.listed("lifecycle=awaiting_certificate&selector=" + q(mine + ",site")), {a, b, c})
        self.assertEqual(self.listed("lifecycle=active&selector=" + q(mine)), set())
        status, first = self.api.call("GET", "/api/v1/devices?limit=2&selector=" + q(mine))
        self.assertEqual((status, len(first["items"])), (200, 2), first)
        status, rest = self.api.call("GET", "/api/v1/devices?limit=2&selector=%s&cursor=%s"
                                     % (q(mine), first["next_cursor"]))
        self.assertEqual({x["id"] for x in first["items"] + rest["items"]}, {a, b, c, d})
        self.assertIsNone(rest["next_cursor"])

    def test_a_bad_selector_is_a_422_that_says_where(self):
        for text, position in (("site in (a,b", 13), ("site=", 6), ("=x", 1), ("a,,b", 3)):
            with self.subTest(selector=text):
                status, problem = self.api.call("GET", "/api/v1/devices?selector=" + q(text))
                self.assertEqual(status, 422, problem)
                self.assertEqual(problem["type"], "https://mothership.dev/problems/validation")
                self.assertEqual(problem["position"], position, problem)
                self.assertIn("at position %d" % position, problem["detail"])
                self.assertEqual(problem["errors"][0]["field"], "selector")

    def test_groups_hold_devices_and_filter_the_list(self):
        model = unique("Valve")
        a, b, c = self.claimed_devices(3, model)
        name = unique("roof sensors")
        status, group = self.api.call("POST", "/api/v1/groups", {"name": name, "description": "on the roof"})
        self.assertEqual(status, 201, group)
        gid = group["id"]
        self.assertEqual((group["name"], group["member_count"]), (name, 0))
        self.assertEqual(self.api.call("POST", "/api/v1/groups", {"name": name})[0], 409)

        status, added = self.api.call("POST", "/api/v1/groups/%s/devices" % gid, {"device_ids": [a, b]})
        self.assertEqual((status, sorted(added["added"]), added["group"]["member_count"]), (200, sorted([a, b]), 2))
        status, again = self.api.call("POST", "/api/v1/groups/%s/devices" % gid, {"device_ids": [b]})
        self.assertEqual((status, again["added"]), (200, []))
        status, problem = self.api.call("POST", "/api/v1/groups/%s/devices" % gid, {"device_ids": [c, "dev_nope"]})
        self.assertEqual(status, 422, problem)
        self.assertIn("dev_nope", problem["errors"][0]["message"])

        viewer = self.user("viewer")
        self.assertEqual(self.listed("group=" + gid, viewer), {a, b})
        self.label(a, {"site": "roof"})
        self.assertEqual(self.listed("group=%s&selector=%s" % (gid, q("site=roof"))), {a})
        self.assertEqual(self.listed("group=%s&model=%s" % (gid, q(model))), {a, b})
        status, members = viewer.call("GET", "/api/v1/groups/%s/devices" % gid)
        self.assertEqual((status, {m["id"] for m in members["items"]}), (200, {a, b}), members)
        status, detail = viewer.call("GET", "/api/v1/devices/" + a)
        self.assertEqual(detail["groups"], [{"id": gid, "name": name}])
        status, problem = self.api.call("GET", "/api/v1/devices?group=grp_nope")
        self.assertEqual((status, problem["errors"][0]["field"]), (422, "group"), problem)

        status, renamed = self.api.call("PATCH", "/api/v1/groups/" + gid, {"name": name + " 2"})
        self.assertEqual((status, renamed["name"], renamed["description"]), (200, name + " 2", "on the roof"))
        status, listed = viewer.call("GET", "/api/v1/groups?limit=500")
        self.assertIn((gid, 2), [(g["id"], g["member_count"]) for g in listed["items"]])

        self.assertEqual(self.api.call("DELETE", "/api/v1/groups/%s/devices/%s" % (gid, b))[0], 204)
        self.assertEqual(self.api.call("DELETE", "/api/v1/groups/%s/devices/%s" % (gid, b))[0], 404)
        self.assertEqual(self.listed("group=" + gid), {a})
        self.assertEqual(self.api.call("DELETE", "/api/v1/groups/" + gid)[0], 204)
        self.assertEqual(self.api.call("GET", "/api/v1/groups/" + gid)[0], 404)
        self.assertEqual(self.api.call("GET", "/api/v1/devices/" + a)[1]["groups"], [])

        status, entries = self.api.call("GET", "/api/v1/audit?target_id=%s&limit=50" % gid)
        actions = [e["action"] for e in entries["items"]]
        self.assertEqual(sorted(set(actions)), ["group.add_devices", "group.create", "group.delete",
                                                "group.remove_device", "group.update"], actions)

    def test_only_admins_change_groups_and_labels(self):
        [dev] = self.claimed_devices(1, unique("Thermo"))
        status, group = self.api.call("POST", "/api/v1/groups", {"name": unique("lab")})
        self.assertEqual(status, 201, group)
        gid = group["id"]
        for role in ("viewer", "technician"):
            who = self.user(role)
            with self.subTest(role=role):
                changes = [("POST", "/api/v1/groups", {"name": unique("mine")}),
                           ("PATCH", "/api/v1/groups/" + gid, {"name": unique("x")}),
                           ("DELETE", "/api/v1/groups/" + gid, None),
                           ("POST", "/api/v1/groups/%s/devices" % gid, {"device_ids": [dev]}),
                           ("DELETE", "/api/v1/groups/%s/devices/%s" % (gid, dev), None),
                           ("PATCH", "/api/v1/devices/" + dev, {"labels": {"site": "x"}})]
                for method, path, body in changes:
                    status, problem = who.call(method, path, body)
                    self.assertEqual((status, problem["type"].rsplit("/", 1)[1]), (403, "forbidden"),
                                     (method, path))
                # Reading is theirs.
                self.assertEqual(who.call("GET", "/api/v1/groups")[0], 200)
                self.assertEqual(who.call("GET", "/api/v1/groups/" + gid)[0], 200)
                self.assertEqual(who.call("GET", "/api/v1/devices?group=" + gid)[0], 200)
        # Nothing changed.
        status, after = self.api.call("GET", "/api/v1/groups/" + gid)
        self.assertEqual((status, after["name"], after["member_count"]), (200, group["name"], 0))
        self.assertEqual(self.api.call("GET", "/api/v1/devices/" + dev)[1]["labels"], {})


if __name__ == "__main__":
    unittest.main()
