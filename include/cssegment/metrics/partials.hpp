#pragma once
// Mergeable partial sums: a grid of (row, segment, field) totals kept in exact fixed point, so
// that partial results computed on any split of the accounts (threads, Dask partitions) add up
// to exactly the same totals in any order, and each total is rounded to double only once.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cssegment/core/json.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// Totals are unsigned 128-bit multiples of 2^-40: amounts below 2^80 convert exactly up to
// 2^-40 (far below a cent), and sums up to 2^87 cannot overflow.
__extension__ using ExactTotal = unsigned __int128;
inline constexpr double exact_unit = 0x1p40;
inline constexpr double max_exact_amount = 0x1p80;

// An amount in [0, max_exact_amount) as fixed point (truncated below 2^-40).
inline ExactTotal to_exact(double amount) {
  const double scaled = amount * exact_unit;
  if (scaled < 0x1p64) return static_cast<std::uint64_t>(scaled);
  const auto high = static_cast<std::uint64_t>(scaled * 0x1p-64);
  const auto low = static_cast<std::uint64_t>(scaled - static_cast<double>(high) * 0x1p64);  // exact
  return (static_cast<ExactTotal>(high) << 64) + low;
}

// The total rounded once to the nearest double.
inline double from_exact(ExactTotal total) {
  const auto high = static_cast<std::uint64_t>(total >> 64);
  const auto low = static_cast<std::uint64_t>(total);
  if (high == 0) return static_cast<double>(low) / exact_unit;
  return static_cast<double>(total) / exact_unit;  // correctly rounded by the compiler runtime
}

class PartialSums {
public:
  PartialSums() = default;
  // `kind` and `parameter` say what the sums are (e.g. "retention" over a horizon of 12);
  // `first_period` is the ordinal of row 0, so that only sums over the same periods merge.
  PartialSums(std::string kind, std::int64_t parameter, std::int64_t first_period, std::size_t rows,
              std::size_t segments, std::size_t fields)
      : kind_(std::move(kind)),
        parameter_(parameter),
        first_period_(first_period),
        rows_(rows),
        segments_(segments),
        fields_(fields),
        cells_(rows * segments * fields, 0) {}

  const std::string& kind() const { return kind_; }
  std::int64_t parameter() const { return parameter_; }
  std::int64_t first_period() const { return first_period_; }
  std::size_t rows() const { return rows_; }
  std::size_t segments() const { return segments_; }
  std::size_t fields() const { return fields_; }

  ExactTotal& at(std::size_t row, std::size_t segment, std::size_t field) {
    return cells_[(row * segments_ + segment) * fields_ + field];
  }
  ExactTotal at(std::size_t row, std::size_t segment, std::size_t field) const {
    return cells_[(row * segments_ + segment) * fields_ + field];
  }
  // A field of amounts (added with to_exact), rounded once.
  double value(std::size_t row, std::size_t segment, std::size_t field) const {
    return from_exact(at(row, segment, field));
  }
  // A field of counts (added as whole numbers).
  double count(std::size_t row, std::size_t segment, std::size_t field) const {
    return static_cast<double>(at(row, segment, field));
  }

  // Adds another partial result over other accounts; both must describe the same grid.
  PartialSums& merge(const PartialSums& other) {
    if (other.kind_ != kind_ || other.parameter_ != parameter_ || other.first_period_ != first_period_ ||
        other.rows_ != rows_ || other.segments_ != segments_ || other.fields_ != fields_)
      fail("other", "partial sums of " + other.describe() + " cannot merge into partial sums of " + describe());
    for (std::size_t i = 0; i < cells_.size(); ++i) cells_[i] += other.cells_[i];
    return *this;
  }

  bool operator==(const PartialSums&) const = default;

  // The document's keys besides the cells, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("sum_kind", &PartialSums::kind_),
                      json::key("parameter", &PartialSums::parameter_),
                      json::key("first_period", &PartialSums::first_period_),
                      json::key("rows", &PartialSums::rows_),
                      json::key("segments", &PartialSums::segments_),
                      json::key("fields", &PartialSums::fields_)};
  }

  std::string to_json() const {
    json::Document document = json::make_document("PartialSums");
    json::write_fields(document, *this, json_fields());
    json::Document cells = json::Document::array();
    for (ExactTotal cell : cells_) {
      cells.push_back(static_cast<std::uint64_t>(cell >> 64));
      cells.push_back(static_cast<std::uint64_t>(cell));
    }
    document["cells"] = std::move(cells);
    return document.dump();
  }

  static PartialSums from_json(std::string_view text) {
    const json::Document document = json::parse_document(text, "PartialSums");
    const auto grid = json::read_fields(document, json_fields());
    const std::size_t rows = std::get<3>(grid), segments = std::get<4>(grid), fields = std::get<5>(grid);
    const auto words = json::get<std::vector<std::uint64_t>>(document, "cells");
    // The grid is checked against the cells given before anything is allocated, by division: an
    // untrusted rows x segments x fields may be huge or wrap around.
    const auto holds = [&](std::size_t cells) {
      return cells % rows == 0 && cells / rows % segments == 0 && cells / rows / segments == fields;
    };
    if (words.size() % 2 != 0 ||
        (rows == 0 || segments == 0 || fields == 0 ? !words.empty() : !holds(words.size() / 2)))
      fail("json", "field 'cells' holds " + std::to_string(words.size()) + " numbers, expected two per cell of " +
                       std::to_string(rows) + " rows x " + std::to_string(segments) + " segments x " +
                       std::to_string(fields) + " fields");
    auto sums = std::make_from_tuple<PartialSums>(grid);
    for (std::size_t i = 0; i < sums.cells_.size(); ++i)
      sums.cells_[i] = (static_cast<ExactTotal>(words[2 * i]) << 64) + words[2 * i + 1];
    return sums;
  }

private:
  std::string describe() const {
    return single_quoted(kind_) + " (parameter " + std::to_string(parameter_) + ", first period " +
           std::to_string(first_period_) + ", " + std::to_string(rows_) + " x " + std::to_string(segments_) + " x " +
           std::to_string(fields_) + ")";
  }

  std::string kind_;
  std::int64_t parameter_ = 0;
  std::int64_t first_period_ = 0;
  std::size_t rows_ = 0, segments_ = 0, fields_ = 0;
  std::vector<ExactTotal> cells_;
};

}  // namespace cssegment
