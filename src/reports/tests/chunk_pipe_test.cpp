#include "reports/chunk_pipe.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace mothership::reports;

TEST(chunk_pipe, carries_everything_from_writer_to_reader_in_order) {
  chunk_pipe pipe(2);
  std::string expected;
  for (int i = 0; i < 20000; ++i) expected += "row " + std::to_string(i) + "\n";
  std::thread writer([&] {
    for (std::size_t at = 0; at < expected.size(); at += 777) pipe.write(std::string_view(expected).substr(at, 777));
    pipe.finish();
  });
  std::string got;
  char buffer[1000];
  while (std::size_t n = pipe.read(buffer, sizeof buffer)) got.append(buffer, n);
  writer.join();
  EXPECT_EQ(got, expected);
}

TEST(chunk_pipe, a_failed_writer_makes_the_reader_fail) {
  chunk_pipe pipe;
  pipe.write("partial");
  pipe.fail("the query broke");
  char buffer[16];
  EXPECT_THROW(pipe.read(buffer, sizeof buffer), mothership::common::source_failed);
}

TEST(chunk_pipe, a_reader_that_gives_up_unblocks_the_writer) {
  chunk_pipe pipe(1);
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pipe.abandon();
  });
  EXPECT_THROW(
      {
        for (;;) pipe.write("more");
      },
      std::runtime_error);
  reader.join();
}
