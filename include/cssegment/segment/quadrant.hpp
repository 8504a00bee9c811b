#pragma once
// The outside-in x inside-out model: client size (is it really a big company?) crossed with
// contract value (do they pay us a lot?). Revenue alone mis-segments a big company on a small
// contract, which is an expansion opportunity rather than a small account.
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/hysteresis.hpp"
#include "cssegment/segment/missing_policy.hpp"
#include "cssegment/segment/tier.hpp"

namespace cssegment {

class QuadrantModel {
public:
  // Quadrant code = large_client + 2 * large_contract, so names are listed in that order.
  static std::vector<std::string> default_names() {
    return {"Small Business", "Large Opportunity", "Major", "Enterprise"};
  }

  explicit QuadrantModel(std::string size_column = "employees", double size_threshold = 1000.0,
                         std::string value_column = "arr", double value_threshold = 50'000.0,
                         std::vector<std::string> names = default_names(), double hysteresis = 0.0,
                         std::vector<std::optional<double>> csm_ratios = {},
                         MissingPolicy missing = MissingPolicy::raise)
      : size_column_(std::move(size_column)),
        value_column_(std::move(value_column)),
        size_threshold_(size_threshold),
        value_threshold_(value_threshold),
        names_(std::move(names)),
        hysteresis_(hysteresis),
        csm_ratios_(std::move(csm_ratios)),
        missing_(missing) {
    require(!size_column_.empty(), "size_column", "must name a column");
    require(!value_column_.empty(), "value_column", "must name a column");
    require(size_column_ != value_column_, "value_column",
            "must differ from size_column " + single_quoted(size_column_));
    require(std::isfinite(size_threshold_) && size_threshold_ > 0.0, "size_threshold",
            format_number(size_threshold_) + " must be finite and > 0");
    require(std::isfinite(value_threshold_) && value_threshold_ > 0.0, "value_threshold",
            format_number(value_threshold_) + " must be finite and > 0");
    if (names_.size() != 4)
      fail("names", "has " + std::to_string(names_.size()) +
                        " names; expected 4 (small/small, large client/small contract, small client/large "
                        "contract, large/large)");
    check_names("names", names_);
    check_unassigned_free(names_, missing_);
    if (csm_ratios_.empty()) csm_ratios_.resize(names_.size());
    if (csm_ratios_.size() != names_.size())
      fail("csm_ratios", "has " + std::to_string(csm_ratios_.size()) + " ratios for 4 quadrants");
    check_csm_ratios("csm_ratios", csm_ratios_);
    check_hysteresis(hysteresis_);
  }

  const std::string& size_column() const { return size_column_; }
  const std::string& value_column() const { return value_column_; }
  double size_threshold() const { return size_threshold_; }
  double value_threshold() const { return value_threshold_; }
  const std::vector<std::string>& names() const { return names_; }
  double hysteresis() const { return hysteresis_; }
  const std::vector<std::optional<double>>& csm_ratios() const { return csm_ratios_; }
  MissingPolicy missing() const { return missing_; }
  std::vector<std::string> categories() const { return with_unassigned(names_, missing_); }

  template <class Code>
  void assign_into(std::span<const double> sizes, std::span<const double> values,
                   std::span<const std::int32_t> previous, std::span<Code> out) const {
    check_same_length(value_column_, values.size(), size_column_, sizes.size());
    check_same_length("out", out.size(), size_column_, sizes.size());
    if (!previous.empty()) {
      check_same_length("previous", previous.size(), size_column_, sizes.size());
      check_codes<std::int32_t>("previous", previous, categories().size());
    }
    parallel_for(sizes.size(), segment_chunk_rows, [&](std::size_t begin, std::size_t end) {
      const std::size_t rows = end - begin;
      const bool all_valid = previous.empty() ? assign_plain(sizes.subspan(begin, rows), values.subspan(begin, rows),
                                                             out.subspan(begin, rows))
                                              : assign_sticky(sizes.subspan(begin, rows), values.subspan(begin, rows),
                                                              previous.subspan(begin, rows), out.subspan(begin, rows));
      if (!all_valid) [[unlikely]]
        resolve_invalid(sizes, values, begin, end, out);
    });
  }

  std::vector<std::int32_t> assign(std::span<const double> sizes, std::span<const double> values,
                                   std::span<const std::int32_t> previous = {}) const {
    std::vector<std::int32_t> out(sizes.size());
    assign_into(sizes, values, previous, std::span<std::int32_t>(out));
    return out;
  }

  std::vector<std::int32_t> assign(const ColumnTable& data, std::span<const std::int32_t> previous = {}) const {
    return assign(data.numeric(size_column_), data.numeric(value_column_), previous);
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("size_column", &QuadrantModel::size_column_, "size_field"),
                      json::key("size_threshold", &QuadrantModel::size_threshold_),
                      json::key("value_column", &QuadrantModel::value_column_, "value_field"),
                      json::key("value_threshold", &QuadrantModel::value_threshold_),
                      json::key("names", &QuadrantModel::names_),
                      json::key("hysteresis", &QuadrantModel::hysteresis_),
                      json::key("csm_ratios", &QuadrantModel::csm_ratios_),
                      json::key("missing", &QuadrantModel::missing_)};
  }

  std::string to_json() const { return json::write_model("QuadrantModel", *this); }

  static QuadrantModel from_json(std::string_view text) {
    return json::read_model<QuadrantModel>(json::parse_document(text, "QuadrantModel"));
  }

  bool operator==(const QuadrantModel&) const = default;

private:
  static bool valid(double value) { return value >= 0.0 && value < INFINITY; }

  // Branch-free so that it vectorises; validity is folded into a flag checked once per chunk.
  template <class Code>
  bool assign_plain(std::span<const double> sizes, std::span<const double> values, std::span<Code> out) const {
    bool all_valid = true;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      all_valid &= valid(sizes[i]) & valid(values[i]);
      out[i] = static_cast<Code>(static_cast<Code>(sizes[i] >= size_threshold_) +
                                 2 * static_cast<Code>(values[i] >= value_threshold_));
    }
    return all_valid;
  }

  // Each axis is a two-tier split with its own hysteresis, so a quadrant changes only when one of
  // its two measures really crosses its boundary.
  template <class Code>
  bool assign_sticky(std::span<const double> sizes, std::span<const double> values,
                     std::span<const std::int32_t> previous, std::span<Code> out) const {
    const std::array<double, 1> size_split{size_threshold_}, value_split{value_threshold_};
    bool all_valid = true;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      all_valid &= valid(sizes[i]) & valid(values[i]);
      const bool had_quadrant = previous[i] >= 0 && previous[i] < 4;
      const std::int32_t large_client =
          tier_with_hysteresis(sizes[i], size_split, had_quadrant ? previous[i] % 2 : missing_code, hysteresis_);
      const std::int32_t large_contract =
          tier_with_hysteresis(values[i], value_split, had_quadrant ? previous[i] / 2 : missing_code, hysteresis_);
      out[i] = static_cast<Code>(large_client + 2 * large_contract);
    }
    return all_valid;
  }

  // Rare path: rows with a missing value become "Unassigned" when allowed; the first other bad row
  // raises, naming the field that is out of range (NaN is missing, anything else is an error).
  template <class Code>
  void resolve_invalid(std::span<const double> sizes, std::span<const double> values, std::size_t begin,
                       std::size_t end, std::span<Code> out) const {
    for (std::size_t i = begin; i < end; ++i) {
      const double size = sizes[i], value = values[i];
      if (valid(size) && valid(value)) continue;
      const bool size_invalid = !valid(size) && !std::isnan(size), value_invalid = !valid(value) && !std::isnan(value);
      if (!size_invalid && !value_invalid && missing_ == MissingPolicy::unassigned) {
        out[i] = static_cast<Code>(names_.size());
        continue;
      }
      const bool report_size = size_invalid || (!value_invalid && !valid(size));
      const double bad = report_size ? size : value;
      fail_at(report_size ? size_column_ : value_column_, i, bad,
              std::isnan(bad) ? "missing value (use missing='unassigned' to allow it)"
                              : "values must be finite and >= 0");
    }
  }

  std::string size_column_, value_column_;
  double size_threshold_, value_threshold_;
  std::vector<std::string> names_;
  double hysteresis_;
  std::vector<std::optional<double>> csm_ratios_;
  MissingPolicy missing_;
};

}  // namespace cssegment
