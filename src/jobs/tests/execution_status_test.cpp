#include "jobs/execution_status.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mothership::jobs {
namespace {

using enum execution_status;
const execution_status all[] = {queued, in_progress, succeeded, failed, timed_out, rejected, canceled, removed};

TEST(execution_status, names_round_trip) {
  for (auto s : all) EXPECT_EQ(parse_execution_status(to_string(s)), s);
  EXPECT_FALSE(parse_execution_status("DONE"));
  EXPECT_FALSE(parse_execution_status("queued"));
}

// Every (from, to, who) triple, against the table written out here.
TEST(execution_status, every_legal_and_illegal_transition) {
  const std::set<std::tuple<execution_status, execution_status, mover>> legal = {
      {queued, in_progress, mover::device},      {queued, succeeded, mover::device},
      {queued, failed, mover::device},           {queued, rejected, mover::device},
      {in_progress, in_progress, mover::device}, {in_progress, succeeded, mover::device},
      {in_progress, failed, mover::device},      {in_progress, rejected, mover::device},
      {in_progress, timed_out, mover::server},   {queued, canceled, mover::server},
      {in_progress, canceled, mover::server},    {queued, removed, mover::server},
      {in_progress, removed, mover::server},
  };
  int checked = 0;
  for (auto from : all)
    for (auto to : all)
      for (auto who : {mover::device, mover::server}) {
        EXPECT_EQ(may_move(from, to, who), legal.contains({from, to, who}))
            << to_string(from) << " -> " << to_string(to) << " by " << (who == mover::device ? "device" : "server");
        ++checked;
      }
  EXPECT_EQ(checked, 128);
}

TEST(execution_status, terminal_states_and_portal_groups) {
  for (auto s : all) EXPECT_EQ(is_terminal(s), s != queued && s != in_progress);
  EXPECT_EQ(portal_group(queued), "queued");
  EXPECT_EQ(portal_group(in_progress), "in_progress");
  EXPECT_EQ(portal_group(succeeded), "completed");
  for (auto s : {failed, timed_out, rejected}) {
    EXPECT_EQ(portal_group(s), "failed");
    EXPECT_TRUE(is_failure(s));
  }
  EXPECT_FALSE(is_failure(canceled));
}

}  // namespace
}  // namespace mothership::jobs
