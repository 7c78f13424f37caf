// Writes a seed corpus for a codec fuzz target: valid packets of both versions and invalid ones,
// one file each. Usage: ms_mqtt_codec_seed_corpus <directory>
// Each file holds the raw packet bytes, fixed header included, as a fuzzer would receive them.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "mqtt/codec/encode.hpp"
#include "samples.hpp"
#include "test_support.hpp"

namespace {

using mothership::mqtt::protocol_version;
using mothership::mqtt::type_of;
namespace test = mothership::mqtt::test;

void write(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <corpus directory>\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  int count = 0;
  auto emit = [&](const std::vector<mothership::mqtt::packet>& packets, protocol_version v, const char* tag) {
    int i = 0;
    for (const auto& p : packets) {
      std::string bytes;
      mothership::mqtt::encode(p, v, bytes);
      write(dir / ("valid_" + std::string(tag) + "_" + std::to_string(i++) + "_type" +
                   std::to_string(static_cast<int>(type_of(p)))),
            bytes);
      ++count;
    }
  };
  emit(test::v311_samples(), protocol_version::v311, "v311");
  emit(test::v5_samples(), protocol_version::v5, "v5");
  for (const auto& bad : test::invalid_samples()) {
    const auto b = test::hex(bad.hex);
    write(dir / ("invalid_" + std::string(bad.name)), std::string(b.begin(), b.end()));
    ++count;
  }
  std::cout << count << " files written to " << dir << "\n";
  return 0;
}
