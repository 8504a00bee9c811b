#pragma once
// The memory budget of dense structures: a structure whose size is not proportional to its input
// (a ledger's accounts x periods cells, a transition report's (k + 1)^2 table, a synthetic book
// asked for by size) is checked BEFORE it is allocated, so that a typo (a period of 1e9, 20,000
// distinct labels) fails at once with a message instead of exhausting memory.
//
// The rule: a structure built from `input` rows (or values) may take
//
//   min(dense_cap_bytes, max(dense_floor_bytes, dense_bytes_per_input x input))
//
// i.e. any input may build 1 GiB, larger inputs 8 KiB per row, and nothing builds more than
// 16 GiB. A structure that is all output (a generated book) is bounded by the cap alone. The
// message gives the size, the cause (what made it large) and the way out.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "cssegment/core/validate.hpp"

namespace cssegment {

inline constexpr double dense_floor_bytes = 1024.0 * 1024.0 * 1024.0;        // 1 GiB
inline constexpr double dense_bytes_per_input = 8192.0;                      // 8 KiB per input row
inline constexpr double dense_cap_bytes = 16.0 * 1024.0 * 1024.0 * 1024.0;  // 16 GiB

// "7.5 GiB", "512 MiB", "96 bytes".
inline std::string format_bytes(double bytes) {
  static constexpr const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < std::size(units)) bytes /= 1024.0, ++unit;
  if (unit == 0) return format_number(std::round(bytes)) + " bytes";
  return format_number(std::round(bytes * 10.0) / 10.0) + " " + units[unit];
}

// "1,000,000,001": whole counts (and period ordinals) in messages are read by people.
inline std::string format_count(double count) {
  if (!(std::abs(count) < 1e18) || count != std::floor(count)) return format_number(count);
  std::string digits = std::to_string(static_cast<std::uint64_t>(std::abs(count))), out = count < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Bytes a dense structure built from `input` rows may take (nullopt: an output asked for by size).
inline double dense_budget(std::optional<double> input) {
  if (!input) return dense_cap_bytes;
  return std::min(dense_cap_bytes, std::max(dense_floor_bytes, dense_bytes_per_input * *input));
}

// A dense structure about to be allocated: `cells` of `cell_bytes` each (computed in doubles, so
// that a product of counts cannot wrap around).
struct DenseRequest {
  std::string_view argument;  // the argument whose values made it large
  std::string_view what;      // "the ledger's accounts x periods matrix"
  double cells = 0.0;
  double cell_bytes = 8.0;
  std::optional<double> input;  // rows read; nullopt: the structure is the requested output
  std::string cause;            // what made it large, e.g. "periods span 0 ... 1,000,000,000: ..."
  std::string way_out;          // what to do, e.g. "check the period column"
};

// Refuses a request beyond the budget, naming its size, the cause and the way out.
inline void check_dense_budget(const DenseRequest& request) {
  const double bytes = request.cells * request.cell_bytes, budget = dense_budget(request.input);
  if (bytes <= budget) return;
  const std::string rule = request.input ? "the limit for an input of " + format_count(*request.input) + " rows is " +
                                               format_bytes(budget) + " (1 GiB, or 8 KiB per row, at most 16 GiB)"
                                         : "the limit is " + format_bytes(budget);
  fail(request.argument, std::string(request.what) + " would take " + format_bytes(bytes) + " (" +
                             format_count(request.cells) + " cells); " + rule + ". " + request.cause + "; " +
                             request.way_out);
}

}  // namespace cssegment
