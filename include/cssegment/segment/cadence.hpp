#pragma once
// Dynamic engagement cadence: how many days between touches each account gets. The segment sets a
// base interval; onboarding and the run-up to renewal shorten it, and so does poor health, while
// healthy accounts are touched less often. The result is clipped to [min_days, max_days].
// Segments without CSMs are served through the digital channel at the same cadence.
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "cssegment/core/json.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// What shaped an account's interval, packed in an int: bit 0 onboarding, bit 1 renewal window,
// bit 2 clipped to min_days, bit 3 clipped to max_days, bits 4.. the health band + 1 (0: none).
struct CadenceReason {
  static constexpr std::int32_t onboarding = 1, renewal = 2, at_min = 4, at_max = 8, health_shift = 4;
};

struct CadenceSchedule {
  std::vector<double> interval_days;
  std::vector<std::int8_t> digital;   // 1: the digital channel (segment without CSMs), 0: a CSM
  std::vector<std::int32_t> reasons;  // CadenceReason codes; CadencePolicy::describe turns them into text
};

class CadencePolicy {
public:
  CadencePolicy(std::vector<std::pair<std::string, double>> base_days, double onboarding_days = 90.0,
                double onboarding_factor = 0.5, double renewal_window_days = 120.0, double renewal_factor = 0.5,
                std::vector<std::pair<std::string, double>> health_factors = {{"red", 0.5},
                                                                              {"yellow", 1.0},
                                                                              {"green", 1.5}},
                double min_days = 7.0, double max_days = 180.0)
      : base_days_(std::move(base_days)),
        onboarding_days_(onboarding_days),
        onboarding_factor_(onboarding_factor),
        renewal_window_days_(renewal_window_days),
        renewal_factor_(renewal_factor),
        health_factors_(std::move(health_factors)),
        min_days_(min_days),
        max_days_(max_days) {
    require(!base_days_.empty(), "base_days", "needs a base interval for at least one segment");
    check_table("base_days", base_days_);
    check_table("health_factors", health_factors_);
    check_positive("onboarding_factor", onboarding_factor_);
    check_positive("renewal_factor", renewal_factor_);
    if (!(onboarding_days_ >= 0.0 && std::isfinite(onboarding_days_)))
      fail("onboarding_days", format_number(onboarding_days_) + " must be finite and >= 0");
    if (!(renewal_window_days_ >= 0.0 && std::isfinite(renewal_window_days_)))
      fail("renewal_window_days", format_number(renewal_window_days_) + " must be finite and >= 0");
    check_positive("min_days", min_days_);
    check_positive("max_days", max_days_);
    if (min_days_ > max_days_)
      fail("min_days", format_number(min_days_) + " is greater than max_days = " + format_number(max_days_));
  }

  const std::vector<std::pair<std::string, double>>& base_days() const { return base_days_; }
  double onboarding_days() const { return onboarding_days_; }
  double onboarding_factor() const { return onboarding_factor_; }
  double renewal_window_days() const { return renewal_window_days_; }
  double renewal_factor() const { return renewal_factor_; }
  const std::vector<std::pair<std::string, double>>& health_factors() const { return health_factors_; }
  double min_days() const { return min_days_; }
  double max_days() const { return max_days_; }

  // `segments`: per account an index into base_days(); `digital_segments`: per base_days() entry,
  // whether that segment has no CSM. `tenure_days`, `renewal_days` (NaN: unknown, the factor is not
  // applied) and `health` (index into health_factors(), -1: unknown) may be empty.
  CadenceSchedule schedule(std::span<const std::int32_t> segments, std::span<const std::uint8_t> digital_segments,
                           std::span<const double> tenure_days, std::span<const double> renewal_days,
                           std::span<const std::int32_t> health) const {
    const std::size_t n = segments.size();
    check_codes<std::int32_t>("segments", segments, base_days_.size());
    if (!digital_segments.empty())
      check_same_length("digital", digital_segments.size(), "base_days", base_days_.size());
    if (!tenure_days.empty()) check_same_length("tenure_days", tenure_days.size(), "segments", n);
    if (!renewal_days.empty()) check_same_length("renewal_days", renewal_days.size(), "segments", n);
    if (!health.empty()) {
      check_same_length("health", health.size(), "segments", n);
      check_codes<std::int32_t>("health", health, health_factors_.size());
    }
    CadenceSchedule out{std::vector<double>(n), std::vector<std::int8_t>(n), std::vector<std::int32_t>(n)};
    for (std::size_t i = 0; i < n; ++i) {
      if (segments[i] < 0) fail_at("segments", i, "missing", "every account needs a segment");
      const auto s = static_cast<std::size_t>(segments[i]);
      double interval = base_days_[s].second;
      std::int32_t reason = 0;
      if (!tenure_days.empty()) {
        const double tenure = tenure_days[i];
        if (tenure < 0.0 || std::isinf(tenure)) fail_at("tenure_days", i, tenure, "tenure must be finite and >= 0");
        if (tenure < onboarding_days_) interval *= onboarding_factor_, reason |= CadenceReason::onboarding;
      }
      if (!renewal_days.empty()) {
        const double renewal = renewal_days[i];
        if (std::isinf(renewal)) fail_at("renewal_days", i, renewal, "days to renewal must be finite");
        if (renewal <= renewal_window_days_) interval *= renewal_factor_, reason |= CadenceReason::renewal;
      }
      if (!health.empty() && health[i] >= 0) {
        interval *= health_factors_[static_cast<std::size_t>(health[i])].second;
        reason |= (health[i] + 1) << CadenceReason::health_shift;
      }
      if (interval < min_days_) interval = min_days_, reason |= CadenceReason::at_min;
      if (interval > max_days_) interval = max_days_, reason |= CadenceReason::at_max;
      out.interval_days[i] = interval;
      out.digital[i] = digital_segments.empty() ? 0 : static_cast<std::int8_t>(digital_segments[s] != 0);
      out.reasons[i] = reason;
    }
    return out;
  }

  // "onboarding x0.5, renewal x0.5, red x0.5, min 7 days"; "base" when nothing applied. Health
  // bands whose factor is 1 are not named: they change nothing.
  std::string describe(std::int32_t reason) const {
    std::string text;
    auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
    if (reason & CadenceReason::onboarding) add("onboarding x" + format_number(onboarding_factor_));
    if (reason & CadenceReason::renewal) add("renewal x" + format_number(renewal_factor_));
    const std::int32_t band = (reason >> CadenceReason::health_shift) - 1;
    if (band >= 0 && static_cast<std::size_t>(band) < health_factors_.size() &&
        health_factors_[static_cast<std::size_t>(band)].second != 1.0) {
      const auto& [name, factor] = health_factors_[static_cast<std::size_t>(band)];
      add(name + " x" + format_number(factor));
    }
    if (reason & CadenceReason::at_min) add("min " + format_number(min_days_) + " days");
    if (reason & CadenceReason::at_max) add("max " + format_number(max_days_) + " days");
    return text.empty() ? "base" : text;
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("base_days", &CadencePolicy::base_days_),
                      json::key("onboarding_days", &CadencePolicy::onboarding_days_),
                      json::key("onboarding_factor", &CadencePolicy::onboarding_factor_),
                      json::key("renewal_window_days", &CadencePolicy::renewal_window_days_),
                      json::key("renewal_factor", &CadencePolicy::renewal_factor_),
                      json::key("health_factors", &CadencePolicy::health_factors_),
                      json::key("min_days", &CadencePolicy::min_days_),
                      json::key("max_days", &CadencePolicy::max_days_)};
  }

  std::string to_json() const { return json::write_model("CadencePolicy", *this); }

  static CadencePolicy from_json(std::string_view text) {
    return json::read_model<CadencePolicy>(json::parse_document(text, "CadencePolicy"));
  }

  bool operator==(const CadencePolicy&) const = default;

private:
  static void check_positive(std::string_view argument, double value) {
    if (!(value > 0.0 && std::isfinite(value))) fail(argument, format_number(value) + " must be finite and > 0");
  }

  static void check_table(std::string_view argument, const std::vector<std::pair<std::string, double>>& table) {
    std::vector<std::string> names;
    for (const auto& [name, value] : table) names.push_back(name);
    check_names(argument, names);
    for (const auto& [name, value] : table)
      check_positive(std::string(argument) + "[" + single_quoted(name) + "]", value);
  }

  std::vector<std::pair<std::string, double>> base_days_;
  double onboarding_days_;
  double onboarding_factor_;
  double renewal_window_days_;
  double renewal_factor_;
  std::vector<std::pair<std::string, double>> health_factors_;
  double min_days_;
  double max_days_;
};

}  // namespace cssegment
