#include "mqtt/codec/utf8.hpp"

#include <string>

#include <gtest/gtest.h>

using mothership::mqtt::valid_mqtt_string;

TEST(utf8, accepts_ascii_and_multibyte_characters) {
  EXPECT_TRUE(valid_mqtt_string(""));
  EXPECT_TRUE(valid_mqtt_string("devices/42/telemetry"));
  EXPECT_TRUE(valid_mqtt_string("caf\xC3\xA9"));        // U+00E9
  EXPECT_TRUE(valid_mqtt_string("\xE2\x82\xAC"));       // U+20AC
  EXPECT_TRUE(valid_mqtt_string("\xF0\x9D\x84\x9E"));   // U+1D11E, 4 bytes
  EXPECT_TRUE(valid_mqtt_string("\xF4\x8F\xBF\xBF"));   // U+10FFFF, the last code point
  EXPECT_TRUE(valid_mqtt_string("\xED\x9F\xBF"));       // U+D7FF, just below the surrogates
  EXPECT_TRUE(valid_mqtt_string("\xEE\x80\x80"));       // U+E000, just above them
  EXPECT_TRUE(valid_mqtt_string("A\xF0\xAA\x9B\x94"));  // the spec's example, U+2A6D4
}

// [MQTT-1.5.4-3] a leading U+FEFF is an ordinary character, neither refused nor stripped.
TEST(utf8, byte_order_mark_is_kept_MQTT_1_5_4_3) {
  EXPECT_TRUE(
      valid_mqtt_string("\xEF\xBB\xBF"
                        "abc"));
}

// [MQTT-1.5.4-2] no U+0000.
TEST(utf8, null_character_refused_MQTT_1_5_4_2) {
  EXPECT_FALSE(valid_mqtt_string(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_mqtt_string("\xC0\x80"));  // the "modified UTF-8" spelling of U+0000
}

// [MQTT-1.5.4-1] no surrogates U+D800..U+DFFF.
TEST(utf8, surrogates_refused_MQTT_1_5_4_1) {
  EXPECT_FALSE(valid_mqtt_string("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(valid_mqtt_string("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(valid_mqtt_string("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair
}

// [MQTT-1.5.4-1] well-formed UTF-8 only: overlong forms are not well formed.
TEST(utf8, overlong_encodings_refused_MQTT_1_5_4_1) {
  EXPECT_FALSE(valid_mqtt_string("\xC1\xBF"));          // U+007F in 2 bytes
  EXPECT_FALSE(valid_mqtt_string("\xE0\x9F\xBF"));      // U+07FF in 3 bytes
  EXPECT_FALSE(valid_mqtt_string("\xF0\x8F\xBF\xBF"));  // U+FFFF in 4 bytes
  EXPECT_FALSE(valid_mqtt_string("\xE0\x80\xAF"));      // '/' in 3 bytes
}

TEST(utf8, ill_formed_sequences_refused_MQTT_1_5_4_1) {
  EXPECT_FALSE(valid_mqtt_string("\x80"));              // stray continuation byte
  EXPECT_FALSE(valid_mqtt_string("\xC3"));              // truncated 2-byte sequence
  EXPECT_FALSE(valid_mqtt_string("\xE2\x82"));          // truncated 3-byte sequence
  EXPECT_FALSE(valid_mqtt_string("\xE2\x28\xA1"));      // bad continuation
  EXPECT_FALSE(valid_mqtt_string("\xF4\x90\x80\x80"));  // U+110000, beyond Unicode
  EXPECT_FALSE(valid_mqtt_string("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid_mqtt_string("\xFF"));
}

TEST(utf8, at_most_65535_bytes) {
  EXPECT_TRUE(valid_mqtt_string(std::string(65'535, 'a')));
  EXPECT_FALSE(valid_mqtt_string(std::string(65'536, 'a')));
}
