#pragma once
// Read-only, zero-copy views of named columns: numeric (NaN = missing) or categorical
// (integer codes into a list of labels, -1 = missing). Callers keep the data alive.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cssegment/core/validate.hpp"

namespace cssegment {

inline constexpr std::int32_t missing_code = -1;

// float64 values, NaN = missing. With an Arrow validity bitmap (bit i of the bitmap, least
// significant bit first, counted from bit_offset, for row i), a row whose bit is 0 is missing too,
// whatever its value: the bitmap is read as if its nulls were NaN, without a filled copy.
struct NumericColumn {
  std::span<const double> values;
  const std::uint8_t* validity = nullptr;
  std::size_t bit_offset = 0;
  std::size_t size() const { return values.size(); }
  bool valid(std::size_t i) const {
    const std::size_t bit = bit_offset + i;
    return validity == nullptr || ((validity[bit / 8] >> (bit % 8)) & 1U) != 0;
  }
  double value(std::size_t i) const { return valid(i) ? values[i] : NAN; }
  // values[begin, end): a view, or with a bitmap a copy into buffer (size >= end - begin), nulls as NaN.
  std::span<const double> block(std::size_t begin, std::size_t end, std::span<double> buffer) const {
    if (values.empty()) return values;
    if (validity == nullptr) return values.subspan(begin, end - begin);
    const double* x = values.data();
    double* out = buffer.data();
    for (std::size_t i = begin; i < end; ++i) {  // branch-free: a select per row
      const std::size_t bit = bit_offset + i;
      out[i - begin] = ((validity[bit / 8] >> (bit % 8)) & 1U) != 0 ? x[i] : NAN;
    }
    return buffer.first(end - begin);
  }
};

struct CategoricalColumn {
  std::span<const std::int32_t> codes;
  std::vector<std::string> categories;
  std::size_t size() const { return codes.size(); }
  // Code of a label, or missing_code when the column never holds it.
  std::int32_t code_of(std::string_view label) const {
    for (std::size_t i = 0; i < categories.size(); ++i)
      if (categories[i] == label) return static_cast<std::int32_t>(i);
    return missing_code;
  }
};

using Column = std::variant<NumericColumn, CategoricalColumn>;

class ColumnTable {
public:
  ColumnTable() = default;
  // A table whose row count is fixed up front, so that it is known even with no columns.
  explicit ColumnTable(std::size_t rows) : rows_(rows), rows_fixed_(true) {}

  ColumnTable& add(std::string name, std::span<const double> values) {
    return add(std::move(name), NumericColumn{values, nullptr, 0});
  }

  ColumnTable& add(std::string name, NumericColumn column) {
    const std::size_t n = column.size();
    insert(std::move(name), column, n);
    return *this;
  }

  ColumnTable& add(std::string name, std::span<const std::int32_t> codes, std::vector<std::string> categories) {
    check_codes<std::int32_t>("data[" + single_quoted(name) + "]", codes, categories.size());
    const std::size_t n = codes.size();
    insert(std::move(name), CategoricalColumn{codes, std::move(categories)}, n);
    return *this;
  }

  std::size_t rows() const { return rows_; }
  std::size_t columns() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

  const Column* find(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return &columns_[i];
    return nullptr;
  }

  const Column& at(std::string_view name) const {
    if (const Column* column = find(name)) return *column;
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + single_quoted(n);
    fail("data", "no column " + single_quoted(name) + " (columns: " + (known.empty() ? "none" : known) + ")");
  }

  // A numeric column, with its validity bitmap if it has one.
  const NumericColumn& numeric_column(std::string_view name) const {
    const Column& column = at(name);
    if (const auto* numeric = std::get_if<NumericColumn>(&column)) return *numeric;
    fail("data[" + single_quoted(name) + "]", "is a categorical (string) column; a numeric column is required");
  }

  // The values of a numeric column without a validity bitmap (readers that take NaN for missing).
  std::span<const double> numeric(std::string_view name) const {
    const NumericColumn& column = numeric_column(name);
    if (column.validity != nullptr)
      fail("data[" + single_quoted(name) + "]", "has a validity bitmap, which only scoring reads; pass NaN for nulls");
    return column.values;
  }

private:
  void insert(std::string name, Column column, std::size_t n) {
    if (find(name)) fail("data", "column " + single_quoted(name) + " given twice");
    if ((rows_fixed_ || !names_.empty()) && n != rows_)
      fail("data[" + single_quoted(name) + "]",
           "has " + std::to_string(n) + " rows but the other columns have " + std::to_string(rows_));
    rows_ = n;
    names_.push_back(std::move(name));
    columns_.push_back(std::move(column));
  }

  std::size_t rows_ = 0;
  bool rows_fixed_ = false;
  std::vector<std::string> names_;
  std::vector<Column> columns_;
};

}  // namespace cssegment
