#pragma once
// Net Promoter Score with its uncertainty (docs/guide/metrics.md): promoters score 9-10,
// detractors 0-6; NPS = 100 (promoters - detractors) / n, standard error
// 100 sqrt((pP + pD - (pP - pD)^2) / n); two scores differ by a z-test on the summed variances.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "cssegment/core/validate.hpp"

namespace cssegment {

struct NpsCounts {
  std::size_t promoters = 0, passives = 0, detractors = 0;
  std::size_t n() const { return promoters + passives + detractors; }
};

struct NpsEstimate {
  std::size_t n = 0, promoters = 0, passives = 0, detractors = 0;
  double nps = NAN, standard_error = NAN, low = NAN, high = NAN;  // 95% normal interval
};

inline constexpr double z_95 = 1.959963984540054;

inline NpsEstimate nps_estimate(const NpsCounts& counts) {
  NpsEstimate e{counts.n(), counts.promoters, counts.passives, counts.detractors};
  if (e.n == 0) return e;
  const double n = static_cast<double>(e.n);
  const double p = static_cast<double>(e.promoters) / n, d = static_cast<double>(e.detractors) / n;
  e.nps = 100.0 * (p - d);
  e.standard_error = 100.0 * std::sqrt(std::max(0.0, p + d - (p - d) * (p - d)) / n);
  e.low = e.nps - z_95 * e.standard_error;
  e.high = e.nps + z_95 * e.standard_error;
  return e;
}

// Counts per group of integer scores 0-10 (NaN = no answer, skipped); group codes in
// [0, groups), or empty for one group.
inline std::vector<NpsCounts> nps_counts(std::span<const double> scores, std::span<const std::int32_t> groups,
                                         std::size_t group_count, std::string_view argument = "scores") {
  if (!groups.empty()) check_same_length("by", groups.size(), argument, scores.size());
  check_codes<std::int32_t>("by", groups, group_count);
  std::vector<NpsCounts> counts(groups.empty() ? 1 : group_count);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double score = scores[i];
    if (std::isnan(score)) continue;
    if (!(score >= 0.0 && score <= 10.0 && score == std::floor(score)))
      fail_at(argument, i, score, "NPS scores must be whole numbers from 0 to 10");
    if (!groups.empty() && groups[i] < 0) fail_at("by", i, "missing", "every score needs a segment");
    NpsCounts& c = counts[groups.empty() ? 0 : static_cast<std::size_t>(groups[i])];
    if (score >= 9.0) ++c.promoters;
    else if (score >= 7.0) ++c.passives;
    else ++c.detractors;
  }
  return counts;
}

struct NpsDifference {
  double difference = NAN, standard_error = NAN, z = NAN, p_value = NAN, low = NAN, high = NAN;
};

// a - b with the standard error sqrt(se_a^2 + se_b^2), two-sided p-value of z = diff / se.
inline NpsDifference nps_difference(const NpsEstimate& a, const NpsEstimate& b) {
  if (a.n == 0) fail("a", "has no scores");
  if (b.n == 0) fail("b", "has no scores");
  NpsDifference r;
  r.difference = a.nps - b.nps;
  r.standard_error = std::hypot(a.standard_error, b.standard_error);
  r.low = r.difference - z_95 * r.standard_error;
  r.high = r.difference + z_95 * r.standard_error;
  if (r.standard_error > 0.0) {
    r.z = r.difference / r.standard_error;
    r.p_value = std::erfc(std::abs(r.z) / std::sqrt(2.0));
  } else {
    r.z = r.difference == 0.0 ? 0.0 : std::copysign(INFINITY, r.difference);
    r.p_value = r.difference == 0.0 ? 1.0 : 0.0;
  }
  return r;
}

}  // namespace cssegment
