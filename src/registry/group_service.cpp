#include "registry/group_service.hpp"

#include "common/ids.hpp"
#include "registry/group_store.hpp"

namespace mothership::registry {

namespace {

namespace json = boost::json;

audit::event group_event(const change_author& author, std::string action, const std::string& group_id,
                         json::object details) {
  return {author.by,     std::move(action), "device_group", group_id, audit::outcome::success,
          author.source, std::move(details)};
}

std::string trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > max_group_name) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F) return false;
  return true;
}

json::array id_array(const std::vector<std::string>& ids) {
  json::array out;
  for (const auto& id : ids) out.emplace_back(id);
  return out;
}

// The check before the write answers the common case; two writers that pass it at once (on
// PostgreSQL, where writes run concurrently) meet the UNIQUE constraint, and the loser's
// transaction, rolled back, becomes the same answer instead of a 500.
template <class F>
result<group> name_unique(F&& write) {
  try {
    return write();
  } catch (const storage::database_error& e) {
    if (e.which() == storage::database_error::kind::constraint) return errc::group_name_taken;
    throw;
  }
}

}  // namespace

result<group> group_service::create(const std::string& name, const std::string& description,
                                    const change_author& author) {
  group g;
  g.name = trimmed(name);
  g.description = description;
  if (!valid_name(g.name) || g.description.size() > max_group_description) return errc::invalid_group;
  g.id = common::new_id("grp");
  g.created_at = g.updated_at = common::now_ms();
  if (author.by.type == "user") g.created_by = author.by.id;
  return name_unique([&] {
    return db_.write_result([&](storage::connection& c) -> result<group> {
      if (group_store::name_taken(c, g.name)) return errc::group_name_taken;
      group_store::insert(c, g);
      audit_.append(c, group_event(author, "group.create", g.id, {{"name", g.name}, {"description", g.description}}));
      return g;
    });
  });
}

result<group> group_service::update(const std::string& id, const group_patch& patch, const change_author& author) {
  std::optional<std::string> name;
  if (patch.name) {
    name = trimmed(*patch.name);
    if (!valid_name(*name)) return errc::invalid_group;
  }
  if (patch.description && patch.description->size() > max_group_description) return errc::invalid_group;
  return name_unique([&] {
    return db_.write_result([&](storage::connection& c) -> result<group> {
      auto before = group_store::find(c, id);
      if (!before) return errc::group_not_found;
      if (name && group_store::name_taken(c, *name, id)) return errc::group_name_taken;
      auto after = *before;
      after.name = name.value_or(before->name);
      after.description = patch.description.value_or(before->description);
      after.updated_at = common::now_ms();
      group_store::update(c, id, after.name, after.description, after.updated_at);
      json::object details;
      if (after.name != before->name) details["name"] = {{"from", before->name}, {"to", after.name}};
      if (after.description != before->description)
        details["description"] = {{"from", before->description}, {"to", after.description}};
      audit_.append(c, group_event(author, "group.update", id, std::move(details)));
      return after;
    });
  });
}

result<void> group_service::remove(const std::string& id, const change_author& author) {
  return db_.write_result([&](storage::connection& c) -> result<void> {
    auto g = group_store::find(c, id);
    if (!g) return errc::group_not_found;
    group_store::remove(c, id);
    audit_.append(c, group_event(author, "group.delete", id, {{"name", g->name}, {"members", g->member_count}}));
    return {};
  });
}

group_page group_service::list(const std::string& after_name, int limit) {
  // One more than asked tells whether there is a next page.
  auto items = db_.read_result([&](storage::connection& c) { return group_store::list(c, after_name, limit + 1); });
  group_page page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    page.next_after_name = items.back().name;
  }
  page.items = std::move(items);
  return page;
}

result<group> group_service::find(const std::string& id) {
  auto g = db_.read_result([&](storage::connection& c) { return group_store::find(c, id); });
  if (!g) return errc::group_not_found;
  return *g;
}

result<add_devices_result> group_service::add_devices(const std::string& id, const std::vector<std::string>& device_ids,
                                                      const change_author& author) {
  if (device_ids.empty() || device_ids.size() > max_devices_per_change) return errc::invalid_group;
  return db_.write_result([&](storage::connection& c) -> result<add_devices_result> {
    if (!group_store::find(c, id)) return errc::group_not_found;
    add_devices_result out;
    out.unknown_devices = group_store::unknown_devices(c, device_ids);
    if (!out.unknown_devices.empty()) return out;
    out.added = group_store::add_members(c, id, device_ids, common::now_ms());
    if (!out.added.empty())
      audit_.append(c, group_event(author, "group.add_devices", id, {{"device_ids", id_array(out.added)}}));
    return out;
  });
}

result<void> group_service::remove_device(const std::string& id, const std::string& device_id,
                                          const change_author& author) {
  return db_.write_result([&](storage::connection& c) -> result<void> {
    if (!group_store::find(c, id)) return errc::group_not_found;
    if (!group_store::remove_member(c, id, device_id)) return errc::not_a_member;
    audit_.append(c, group_event(author, "group.remove_device", id, {{"device_id", device_id}}));
    return {};
  });
}

bool group_service::contains(const std::string& group_id, const std::string& device_id) {
  return db_.read_result([&](storage::connection& c) { return group_store::is_member(c, group_id, device_id); });
}

std::vector<std::string> group_service::member_ids(const std::string& group_id) {
  return db_.read_result([&](storage::connection& c) { return group_store::member_ids(c, group_id); });
}

std::vector<group> group_service::groups_of(const std::string& device_id) {
  return db_.read_result([&](storage::connection& c) { return group_store::groups_of(c, device_id); });
}

}  // namespace mothership::registry
