#include "telemetry/ingest.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>

#include "telemetry_fixture.hpp"

using namespace mothership::telemetry;
using namespace std::chrono_literals;
using mothership::telemetry::testing::telemetry_fixture;

namespace {

constexpr std::int64_t now = 1'765'000'000'000;

std::shared_ptr<const std::string> text(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

receipt receipt_for(std::uint16_t id) {
  return {{}, nullptr, id, 1};
}

// Collects answers from the writer thread.
struct answers_seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<answer> all;
  std::vector<std::int64_t> rows_when_answered;

  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return all.size() >= n; });
  }
};

class ingest_test : public telemetry_fixture {
 protected:
  ingest::answers_fn collect() {
    return [this](std::vector<answer>&& a) {
      // The rows must be readable the moment the answer goes out.
      auto rows = count("telemetry_samples");
      std::lock_guard lock(seen_.mutex);
      for (auto& x : a) {
        seen_.all.push_back(std::move(x));
        seen_.rows_when_answered.push_back(rows);
      }
      seen_.changed.notify_all();
    };
  }
  answers_seen seen_;
};

}  // namespace

TEST_F(ingest_test, answers_only_after_the_rows_are_committed) {
  ingest in(*store_, {}, collect());
  for (std::uint16_t i = 1; i <= 100; ++i)
    ASSERT_TRUE(
        in.submit("dev_a", source::telemetry, text(R"({"t": )" + std::to_string(i) + "}"), now + i, receipt_for(i)));
  ASSERT_TRUE(seen_.wait_for(100));
  std::lock_guard lock(seen_.mutex);
  for (std::size_t i = 0; i < seen_.all.size(); ++i) {
    EXPECT_FALSE(seen_.all[i].refused);
    EXPECT_GE(seen_.rows_when_answered[i], static_cast<std::int64_t>(i) + 1 - 0);
  }
  EXPECT_EQ(count("telemetry_samples"), 100);
  EXPECT_EQ(in.stats().rows.load(), 100u);
}

TEST_F(ingest_test, two_messages_in_the_same_millisecond_are_both_kept) {
  ingest in(*store_, {}, collect());
  in.submit("dev_a", source::telemetry, text(R"({"t": 1})"), now, receipt_for(1));
  in.submit("dev_a", source::telemetry, text(R"({"t": 2})"), now, receipt_for(2));
  ASSERT_TRUE(seen_.wait_for(2));
  EXPECT_EQ(count("telemetry_samples"), 2);
}

TEST_F(ingest_test, a_bad_message_is_refused_with_its_reason_and_the_others_stored) {
  ingest in(*store_, {}, collect());
  in.submit("dev_a", source::telemetry, text("{not json"), now, receipt_for(1));
  in.submit("dev_a", source::telemetry, text(R"({"t": 5})"), now, receipt_for(2));
  ASSERT_TRUE(seen_.wait_for(2));
  std::lock_guard lock(seen_.mutex);
  ASSERT_TRUE(seen_.all[0].refused);
  EXPECT_EQ(seen_.all[0].to.id, 1);
  EXPECT_EQ(seen_.all[0].refused->what, refusal::kind::malformed);
  EXPECT_FALSE(seen_.all[1].refused);
  EXPECT_EQ(in.stats().refused.load(), 1u);
}

TEST_F(ingest_test, a_full_queue_holds_publishers_back_and_drops_only_what_waits_for_no_answer) {
  ingest_settings s;
  s.queue_messages = 10;
  ingest in(*store_, s, collect());
  // Another writer holds the database: the batch writer cannot commit meanwhile.
  std::promise<void> release;
  std::promise<void> holding;
  std::thread blocker([&] {
    db_->write([&](mothership::storage::connection&) {
      holding.set_value();
      release.get_future().wait();
    });
  });
  holding.get_future().wait();
  for (std::uint16_t i = 1; i <= 12; ++i)
    ASSERT_TRUE(in.submit("dev_a", source::telemetry, text(R"({"t": 1})"), now + i, receipt_for(i)));
  EXPECT_TRUE(in.full());
  EXPECT_FALSE(in.submit("dev_a", source::telemetry, text(R"({"t": 1})"), now + 100, std::nullopt));
  EXPECT_EQ(in.stats().dropped_full.load(), 1u);
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(seen_.mutex);
    EXPECT_TRUE(seen_.all.empty());  // nothing acknowledged before it is durable
  }
  release.set_value();
  blocker.join();
  ASSERT_TRUE(seen_.wait_for(12));
  for (int i = 0; i < 100 && in.full(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(in.full());
  EXPECT_EQ(count("telemetry_samples"), 12);
}

TEST_F(ingest_test, stop_commits_what_is_queued) {
  ingest_settings s;
  s.batch_wait = 10s;  // only stop() commits
  auto in = std::make_unique<ingest>(*store_, s, collect());
  in->submit("dev_a", source::state, text(R"({"firmware_version": "1.0.0", "uptime_s": 5})"), now, std::nullopt);
  in->submit("dev_a", source::telemetry, text(R"({"t": 1})"), now, receipt_for(1));
  in->stop();
  EXPECT_EQ(count("telemetry_samples"), 3);
  EXPECT_FALSE(in->submit("dev_a", source::telemetry, text(R"({"t": 1})"), now, receipt_for(2)));
}
