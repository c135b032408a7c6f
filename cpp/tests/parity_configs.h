// Encoder configs of the parity data (../shared/parity/configs), for tests.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

inline std::string read_config(const std::string& name) {
  std::ifstream in(std::string(MIDIGPT_PARITY_DIR) + "/configs/" + name + ".json");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
