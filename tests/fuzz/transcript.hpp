#pragma once
// What passed over one fuzzed connection, in the order the server saw it: the bytes each read
// handed to the server and the bytes of each write it made.
#include <string>
#include <vector>

namespace mothership::fuzz {

struct transcript {
  struct entry {
    bool from_client = false;
    std::string bytes;
  };
  std::vector<entry> entries;
  bool closed = false;               // the server closed the stream
  bool written_after_close = false;  // ... and wrote to it afterwards
};

}  // namespace mothership::fuzz
