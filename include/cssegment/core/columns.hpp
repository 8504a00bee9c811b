#pragma once
// Read-only, zero-copy views of named columns: numeric (NaN = missing) or categorical
// (integer codes into a list of labels, -1 = missing). Callers keep the data alive.
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

struct NumericColumn {
  std::span<const double> values;
  std::size_t size() const { return values.size(); }
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
    insert(std::move(name), NumericColumn{values}, values.size());
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

  std::span<const double> numeric(std::string_view name) const {
    const Column& column = at(name);
    if (const auto* numeric = std::get_if<NumericColumn>(&column)) return numeric->values;
    fail("data[" + single_quoted(name) + "]", "is a categorical (string) column; a numeric column is required");
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
