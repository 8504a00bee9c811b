#pragma once
// Revenue tiers: tier i holds values in [thresholds[i-1], thresholds[i]), with optional
// hysteresis so that an account whose value wobbles around a boundary keeps its tier.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/hysteresis.hpp"
#include "cssegment/segment/missing_policy.hpp"

namespace cssegment {

// Plain tier of a value: how many thresholds it reaches.
inline std::int32_t plain_tier(double value, std::span<const double> thresholds) {
  std::int32_t tier = 0;
  for (double threshold : thresholds) tier += value >= threshold;
  return tier;
}

// Tier with hysteresis h: the previous tier is kept while the value lies in
// [lo - h|lo|, hi + h|hi|) of that tier's own range [lo, hi); otherwise the plain tier.
inline std::int32_t tier_with_hysteresis(double value, std::span<const double> thresholds, std::int32_t previous,
                                         double hysteresis) {
  const auto tiers = static_cast<std::int32_t>(thresholds.size()) + 1;
  if (hysteresis > 0.0 && previous >= 0 && previous < tiers) {
    const double lo = previous == 0 ? -INFINITY : thresholds[previous - 1];
    const double hi = previous == tiers - 1 ? INFINITY : thresholds[previous];
    if (value >= lo - hysteresis * std::abs(lo) && value < hi + hysteresis * std::abs(hi)) return previous;
  }
  return plain_tier(value, thresholds);
}

// Rows per parallel chunk: large enough that thread start-up is noise.
inline constexpr std::size_t segment_chunk_rows = 1u << 18;

class TierModel {
public:
  TierModel(std::vector<double> thresholds, std::vector<std::string> names, std::string column = "arr",
            std::vector<std::optional<double>> csm_ratios = {}, double hysteresis = 0.0,
            MissingPolicy missing = MissingPolicy::raise)
      : thresholds_(std::move(thresholds)),
        names_(std::move(names)),
        column_(std::move(column)),
        csm_ratios_(std::move(csm_ratios)),
        hysteresis_(hysteresis),
        missing_(missing) {
    check_strictly_ascending("thresholds", thresholds_);
    // Values are >= 0: a first threshold at or below 0 would leave the lowest tier empty.
    if (!thresholds_.empty() && !(thresholds_.front() > 0.0))
      fail_at("thresholds", 0, thresholds_.front(), "thresholds must be > 0 (tiered values are >= 0)");
    if (names_.size() != thresholds_.size() + 1)
      fail("names", "has " + std::to_string(names_.size()) + " names for " + std::to_string(thresholds_.size()) +
                        " thresholds; expected " + std::to_string(thresholds_.size() + 1) + " (one per tier)");
    check_names("names", names_);
    check_unassigned_free(names_, missing_);
    require(!column_.empty(), "column", "must name a column");
    if (csm_ratios_.empty()) csm_ratios_.resize(names_.size());
    if (csm_ratios_.size() != names_.size())
      fail("csm_ratios",
           "has " + std::to_string(csm_ratios_.size()) + " ratios for " + std::to_string(names_.size()) + " tiers");
    check_csm_ratios("csm_ratios", csm_ratios_);
    check_hysteresis(hysteresis_);
  }

  // The TSIA-style coverage model: Tech touch < $10k <= Low touch < $50k <= High touch,
  // at 1000:1, 100:1 and 15:1 accounts per CSM.
  static TierModel touch() {
    return TierModel({10'000.0, 50'000.0}, {"Tech touch", "Low touch", "High touch"}, "arr", {1000.0, 100.0, 15.0});
  }

  const std::vector<double>& thresholds() const { return thresholds_; }
  const std::vector<std::string>& names() const { return names_; }
  const std::string& column() const { return column_; }
  const std::vector<std::optional<double>>& csm_ratios() const { return csm_ratios_; }
  double hysteresis() const { return hysteresis_; }
  MissingPolicy missing() const { return missing_; }
  std::vector<std::string> categories() const { return with_unassigned(names_, missing_); }

  // Writes one code per value into `out` (an index into categories()). `previous` is empty or holds
  // one code per value (-1 = no previous tier).
  template <class Code>
  void assign_into(std::span<const double> values, std::span<const std::int32_t> previous, std::span<Code> out) const {
    check_same_length("out", out.size(), column_, values.size());
    if (!previous.empty()) {
      check_same_length("previous", previous.size(), column_, values.size());
      check_codes<std::int32_t>("previous", previous, categories().size());
    }
    parallel_for(values.size(), segment_chunk_rows, [&](std::size_t begin, std::size_t end) {
      const auto chunk_values = values.subspan(begin, end - begin);
      const auto chunk_out = out.subspan(begin, end - begin);
      const bool all_valid = previous.empty()
                                 ? assign_plain(chunk_values, chunk_out)
                                 : assign_sticky(chunk_values, previous.subspan(begin, end - begin), chunk_out);
      if (!all_valid) [[unlikely]]
        resolve_invalid(values, begin, end, out);
    });
  }

  std::vector<std::int32_t> assign(std::span<const double> values, std::span<const std::int32_t> previous = {}) const {
    std::vector<std::int32_t> out(values.size());
    assign_into(values, previous, std::span<std::int32_t>(out));
    return out;
  }

  std::vector<std::int32_t> assign(const ColumnTable& data, std::span<const std::int32_t> previous = {}) const {
    return assign(data.numeric(column_), previous);
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("thresholds", &TierModel::thresholds_),
                      json::key("names", &TierModel::names_),
                      json::key("column", &TierModel::column_, "field"),
                      json::key("csm_ratios", &TierModel::csm_ratios_),
                      json::key("hysteresis", &TierModel::hysteresis_),
                      json::key("missing", &TierModel::missing_)};
  }

  std::string to_json() const { return json::write_model("TierModel", *this); }

  static TierModel from_json(std::string_view text) {
    return json::read_model<TierModel>(json::parse_document(text, "TierModel"));
  }

  bool operator==(const TierModel&) const = default;

private:
  // The hot loop: branch-free so that it vectorises, with validity folded into one flag that is
  // looked at once per chunk. Common threshold counts get a fixed-size copy the compiler unrolls.
  template <class Code>
  bool assign_plain(std::span<const double> values, std::span<Code> out) const {
    auto run = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
      std::array<double, K> bounds;
      std::copy_n(thresholds_.begin(), K, bounds.begin());
      bool all_valid = true;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double value = values[i];
        all_valid &= value >= 0.0 && value < INFINITY;
        Code tier = 0;
        for (std::size_t k = 0; k < K; ++k) tier += static_cast<Code>(value >= bounds[k]);
        out[i] = tier;
      }
      return all_valid;
    };
    switch (thresholds_.size()) {
      case 1: return run(std::integral_constant<std::size_t, 1>{});
      case 2: return run(std::integral_constant<std::size_t, 2>{});
      case 3: return run(std::integral_constant<std::size_t, 3>{});
      case 4: return run(std::integral_constant<std::size_t, 4>{});
      default: break;
    }
    bool all_valid = true;
    for (std::size_t i = 0; i < values.size(); ++i) {
      all_valid &= values[i] >= 0.0 && values[i] < INFINITY;
      out[i] = static_cast<Code>(plain_tier(values[i], thresholds_));
    }
    return all_valid;
  }

  template <class Code>
  bool assign_sticky(std::span<const double> values, std::span<const std::int32_t> previous,
                     std::span<Code> out) const {
    bool all_valid = true;
    for (std::size_t i = 0; i < values.size(); ++i) {
      all_valid &= values[i] >= 0.0 && values[i] < INFINITY;
      out[i] = static_cast<Code>(tier_with_hysteresis(values[i], thresholds_, previous[i], hysteresis_));
    }
    return all_valid;
  }

  // Rare path: missing values become "Unassigned" when allowed; the first other bad row raises.
  template <class Code>
  void resolve_invalid(std::span<const double> values, std::size_t begin, std::size_t end, std::span<Code> out) const {
    for (std::size_t i = begin; i < end; ++i) {
      const double value = values[i];
      if (value >= 0.0 && value < INFINITY) continue;
      if (std::isnan(value) && missing_ == MissingPolicy::unassigned) {
        out[i] = static_cast<Code>(names_.size());
        continue;
      }
      fail_at(column_, i, value,
              std::isnan(value) ? "missing value (use missing='unassigned' to allow it)"
                                : "values must be finite and >= 0");
    }
  }

  std::vector<double> thresholds_;
  std::vector<std::string> names_;
  std::string column_;
  std::vector<std::optional<double>> csm_ratios_;
  double hysteresis_;
  MissingPolicy missing_;
};

}  // namespace cssegment
