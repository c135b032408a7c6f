#include "attributes/density_table.h"

#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace midigpt::attributes {
namespace {

using DensityTable = std::map<int, DensityRow>;

// The embedded data is part of the build, so a malformed table is a bug in
// the build, not a user error.
DensityTable parse_table() {
  const auto json = nlohmann::json::parse(density_quantiles_json());
  DensityTable table;
  for (const auto& [key, values] : json.items()) {
    if (!values.is_array() || values.size() != 10)
      throw std::logic_error("density_quantiles.json: row " + key + " needs 10 thresholds");
    DensityRow row{};
    for (size_t i = 0; i < row.size(); ++i) row[i] = values[i].get<int64_t>();
    table[std::stoi(key)] = row;
  }
  if (!table.count(0)) throw std::logic_error("density_quantiles.json: row 0 is missing");
  return table;
}

const DensityTable& table() {
  static const DensityTable parsed = parse_table();
  return parsed;
}

}  // namespace

const DensityRow& density_row(int row_key) {
  const auto it = table().find(row_key);
  return it != table().end() ? it->second : table().at(0);
}

int density_bin(double notes, const DensityRow& row) {
  int bin = 0;
  while (bin < 9 && notes > static_cast<double>(row[static_cast<size_t>(bin)])) ++bin;
  return bin;
}

}  // namespace midigpt::attributes
