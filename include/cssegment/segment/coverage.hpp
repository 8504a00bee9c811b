#pragma once
// Coverage planning: how many CSMs a segmentation needs, where the CS resources go, and what
// coverage costs per account.
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/overflow.hpp"
#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// A CSM ratio is accounts per CSM; no value means the segment has no CSM (digital only).
inline void check_csm_ratios(std::string_view argument, std::span<const std::optional<double>> ratios) {
  for (std::size_t i = 0; i < ratios.size(); ++i)
    if (ratios[i] && !(*ratios[i] > 0.0 && std::isfinite(*ratios[i])))
      fail_at(argument, i, *ratios[i], "CSM ratios must be finite and > 0 (accounts per CSM)");
}

// The fully loaded cost of one CSM.
inline void check_csm_cost(double csm_cost) {
  if (!(std::isfinite(csm_cost) && csm_cost >= 0.0))
    fail("csm_cost", format_number(csm_cost) + " must be finite and >= 0");
}

// CSMs a segment of `accounts` needs at `ratio` accounts per CSM: fractional FTE, 0 without CSM.
inline double csms_needed(double accounts, std::optional<double> ratio) { return ratio ? accounts / *ratio : 0.0; }

// One segment's coverage. Quantities that do not apply (a segment without CSMs has no ARR per
// CSM) are NaN.
struct CoverageRow {
  std::size_t accounts = 0;
  double arr = NAN;                        // NaN when no ARR was given
  std::optional<double> csm_ratio;         // accounts per CSM; none = no CSM
  double csms_needed = 0.0;                // accounts / ratio, fractional FTE
  double resource_share = NAN;             // share of all CSMs needed
  double cost_to_serve_per_account = NAN;  // csm_cost / ratio; 0 without CSM; NaN without csm_cost
  double total_cost = NAN;                 // csms_needed * csm_cost
  double arr_per_csm = NAN;
};

inline std::vector<CoverageRow> coverage(std::span<const std::int32_t> segments,
                                         std::span<const std::optional<double>> csm_ratios,
                                         std::span<const double> arr = {}, std::optional<double> csm_cost = {}) {
  check_csm_ratios("csm_ratios", csm_ratios);
  if (!arr.empty()) {
    check_same_length("arr", arr.size(), "segments", segments.size());
    check_nonnegative_finite("arr", arr);
  }
  if (csm_cost) check_csm_cost(*csm_cost);
  const std::size_t n = csm_ratios.size();
  std::vector<CoverageRow> rows(n);
  for (std::size_t s = 0; s < n; ++s) rows[s].csm_ratio = csm_ratios[s];
  // ARR of accounts from $1 to $1e12 side by side: compensated sums keep every dollar.
  std::vector<CompensatedSum> arr_sums(arr.empty() ? 0 : n);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::int32_t s = segments[i];
    if (s < 0 || static_cast<std::size_t>(s) >= n)
      fail_at("segments", i, s < 0 ? std::string("missing") : std::to_string(s),
              "every account needs one of the " + std::to_string(n) + " segments");
    ++rows[static_cast<std::size_t>(s)].accounts;
    if (!arr.empty()) arr_sums[static_cast<std::size_t>(s)] += arr[i];
  }
  for (std::size_t s = 0; s < arr_sums.size(); ++s) rows[s].arr = arr_sums[s].value();
  double total_csms = 0.0;
  for (auto& row : rows) {
    row.csms_needed = csms_needed(static_cast<double>(row.accounts), row.csm_ratio);
    total_csms += row.csms_needed;
  }
  for (auto& row : rows) {
    if (total_csms > 0.0) row.resource_share = row.csms_needed / total_csms;
    if (csm_cost) {
      row.cost_to_serve_per_account = row.csm_ratio ? *csm_cost / *row.csm_ratio : 0.0;
      row.total_cost = row.csms_needed * *csm_cost;
      const auto segment = static_cast<std::size_t>(&row - rows.data());
      if (!std::isfinite(row.cost_to_serve_per_account))
        fail_overflow("csm_cost", segment, "cost per account of segment", "csm_cost = " + format_number(*csm_cost));
      if (!std::isfinite(row.total_cost))
        fail_overflow("csm_cost", segment, "total cost of segment",
                      "csm_cost = " + format_number(*csm_cost) + " x " + format_number(row.csms_needed) + " CSMs");
    }
    if (row.csms_needed > 0.0) row.arr_per_csm = row.arr / row.csms_needed;
    // ARR near the largest double over a fraction of a CSM: refused, not an infinite ARR per CSM.
    if (std::isinf(row.arr_per_csm))
      fail("arr", "ARR per CSM of segment[" + std::to_string(&row - rows.data()) + "] overflows the largest double (" +
                      format_number(row.arr) + " over " + format_number(row.csms_needed) + " CSMs)");
  }
  return rows;
}

}  // namespace cssegment
