#include "server/work_lane.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace mothership::server {

work_lane::work_lane(std::string name, boost::asio::thread_pool::executor_type workers, std::size_t limit)
    : name_(std::move(name)), strand_(boost::asio::make_strand(workers)), limit_(limit) {}

bool work_lane::post(std::function<void()> work) {
  if (queued_.fetch_add(1) >= limit_) {
    queued_.fetch_sub(1);
    // The first drop and then one in a thousand: a flood must not flood the log too.
    if (dropped_.fetch_add(1) % 1000 == 0)
      spdlog::warn("lane {} is full ({} queued): dropped work ({} so far)", name_, limit_, dropped_.load());
    return false;
  }
  enqueue(std::move(work));
  return true;
}

void work_lane::post_always(std::function<void()> work) {
  queued_.fetch_add(1);
  enqueue(std::move(work));
}

void work_lane::enqueue(std::function<void()> work) {
  boost::asio::post(strand_, [this, work = std::move(work)] {
    // One failing message must not stop the lane: log it and go on with the next.
    try {
      work();
    } catch (const std::exception& e) {
      failed_.fetch_add(1);
      spdlog::error("lane {}: {}", name_, e.what());
    }
    done_.fetch_add(1);
    queued_.fetch_sub(1);
  });
}

}  // namespace mothership::server
