#pragma once
// Mergeable partial sums: a grid of (row, segment, field) totals kept exactly (ExactSum), so
// that partial results computed on any split of the accounts (threads, Dask partitions) add up
// to exactly the same totals in any order, and each total is rounded to double only once: the
// correctly rounded sum of its terms (math.fsum's result), counts included.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cssegment/core/json.hpp"
#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// Per-thread state of a parallel loop over accounts (partial sums and tallies): each chunk
// borrows a free one, made only when none is free, so there are about as many as threads ran
// rather than one per chunk; the caller then merges them all, in any order (the sums are exact).
template <class Local>
class LocalPool {
public:
  template <class Make>
  explicit LocalPool(Make make) : make_(std::move(make)) {}

  // Runs body(local) on a borrowed local.
  template <class Body>
  void with(Body&& body) {
    std::unique_ptr<Local> local;
    {
      const std::lock_guard lock(mutex_);
      if (!free_.empty()) local = std::move(free_.back()), free_.pop_back();
    }
    if (!local) local = std::make_unique<Local>(make_());
    body(*local);
    const std::lock_guard lock(mutex_);
    free_.push_back(std::move(local));
  }

  // Every local made, once the loop is over.
  std::vector<std::unique_ptr<Local>>& locals() { return free_; }

private:
  std::function<Local()> make_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Local>> free_;
};

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
        cells_(rows * segments * fields) {}

  const std::string& kind() const { return kind_; }
  std::int64_t parameter() const { return parameter_; }
  std::int64_t first_period() const { return first_period_; }
  std::size_t rows() const { return rows_; }
  std::size_t segments() const { return segments_; }
  std::size_t fields() const { return fields_; }

  ExactSum& at(std::size_t row, std::size_t segment, std::size_t field) {
    return cells_[(row * segments_ + segment) * fields_ + field];
  }
  const ExactSum& at(std::size_t row, std::size_t segment, std::size_t field) const {
    return cells_[(row * segments_ + segment) * fields_ + field];
  }
  // A cell's exact total rounded once to the nearest double (amounts or counts); InvalidInput
  // naming the field (`name`, else its number) when it is beyond the largest double.
  double value(std::size_t row, std::size_t segment, std::size_t field, std::string_view name = {}) const {
    if (const auto total = at(row, segment, field).rounded()) return *total;
    fail("amounts", "the " + single_quoted(kind_) + " total " +
                        (name.empty() ? "of field " + std::to_string(field) : single_quoted(name)) + " in row " +
                        std::to_string(row) + " (first period " + std::to_string(first_period_) + "), segment " +
                        std::to_string(segment) + " is beyond the largest double (about 1.8e308)");
  }
  // A field of counts (added one by one), exact below 2^53.
  double count(std::size_t row, std::size_t segment, std::size_t field) const { return value(row, segment, field); }

  // Adds whole-number counts kept per cell (same layout as the cells, e.g. tallied in a loop
  // before being added once): each below 2^53, so exact as a double.
  void add_counts(const std::vector<std::uint64_t>& counts) {
    for (std::size_t i = 0; i < counts.size(); ++i)
      if (counts[i] != 0) cells_[i] += static_cast<double>(counts[i]);
  }
  std::size_t cell_index(std::size_t row, std::size_t segment, std::size_t field) const {
    return (row * segments_ + segment) * fields_ + field;
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

  // Cells are written as their exact digits (ExactSum::digits): [first limb, limb, ...], [] for
  // zero, under "exact_cells". Documents of cssegment 0.2.0 and earlier held fixed-point cells
  // truncated to 2^-40 (under "cells"): they are refused, as their sums cannot be made exact.
  std::string to_json() const {
    json::Document document = json::make_document("PartialSums");
    json::write_fields(document, *this, json_fields());
    json::Document cells = json::Document::array();
    for (const ExactSum& cell : cells_) {
      const auto [first, limbs] = cell.digits();
      json::Document digits = json::Document::array();
      if (!limbs.empty()) digits.push_back(first);
      for (std::int64_t limb : limbs) digits.push_back(limb);
      cells.push_back(std::move(digits));
    }
    document["exact_cells"] = std::move(cells);
    return document.dump();
  }

  static PartialSums from_json(std::string_view text) {
    const json::Document document = json::parse_document(text, "PartialSums");
    if (!document.contains("exact_cells") && document.contains("cells"))
      fail("json", "partial sums written by cssegment 0.2.0 or earlier hold fixed-point cells (truncated to 2^-40), "
                   "not exact sums; compute them again with this version");
    const auto grid = json::read_fields(document, json_fields());
    const std::size_t rows = std::get<3>(grid), segments = std::get<4>(grid), fields = std::get<5>(grid);
    const auto cells = json::get<std::vector<std::vector<std::int64_t>>>(document, "exact_cells");
    // The grid is checked against the cells given before anything is allocated, by division: an
    // untrusted rows x segments x fields may be huge or wrap around.
    const auto holds = [&](std::size_t count) {
      return count % rows == 0 && count / rows % segments == 0 && count / rows / segments == fields;
    };
    if (rows == 0 || segments == 0 || fields == 0 ? !cells.empty() : !holds(cells.size()))
      fail("json", "field 'exact_cells' holds " + std::to_string(cells.size()) + " cells, expected " +
                       std::to_string(rows) + " rows x " + std::to_string(segments) + " segments x " +
                       std::to_string(fields) + " fields");
    auto sums = std::make_from_tuple<PartialSums>(grid);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const auto& digits = cells[i];
      const std::string where = "exact_cells[" + std::to_string(i) + "]";
      if (digits.size() == 1) fail("json", where + " holds a first limb but no digits");
      if (digits.empty()) continue;
      if (digits[0] < 0 || digits[0] >= ExactSum::limb_count)
        fail("json", where + " starts at limb " + std::to_string(digits[0]) + ", outside 0 to " +
                         std::to_string(ExactSum::limb_count - 1));
      sums.cells_[i] = ExactSum::from_digits(static_cast<int>(digits[0]),
                                             std::span<const std::int64_t>(digits).subspan(1), "json: " + where);
      if (sums.cells_[i].digits() !=
          std::pair{static_cast<int>(digits[0]), std::vector(digits.begin() + 1, digits.end())})
        fail("json", where + " is not in canonical form (leading or trailing zero limbs)");
    }
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
  std::vector<ExactSum> cells_;
};

}  // namespace cssegment
