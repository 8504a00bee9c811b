#pragma once
// Growth KPIs per CSM book (docs/guide/metrics.md, "CSM books that grow"): over `horizon` periods
// from one start period, each owner's cohort (the accounts paying at the start, with their owner
// at the start) gives NRR, GRR and logo retention (the retention table's own numbers, from the
// same exact partial sums), expansion and churned revenue, mix-adjusted NRR and the standard
// errors of the ratios.
//
// Standard errors are exact-variance (delta-method) formulas, not a bootstrap: a ratio of sums
// R = sum(e) / sum(s) over n accounts drawn at random has Var(R) ~ n / (n - 1) * sum((e - R s)^2)
// / sum(s)^2 (the linearised ratio estimator). They are deterministic and cost one pass over
// the accounts; their coverage on simulated books is measured in the Python tests.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/metrics/account_segments.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/partials.hpp"
#include "cssegment/metrics/retention.hpp"

namespace cssegment {

struct BookMetrics {
  // One entry per owner (the codes of `owners`); ratios NaN for an owner without cohort accounts.
  RetentionTable retention;  // the retention table's row of the start period
  std::vector<double> expansion, churned;      // sum of max(end - start, 0); start of accounts at 0
  std::vector<double> expected_nrr;            // sum over mix segments of start share x book-wide NRR
  std::vector<double> mix_adjusted_nrr;        // nrr - expected_nrr
  std::vector<double> nrr_se, grr_se, mix_adjusted_nrr_se;  // NaN below two accounts
  std::vector<double> segment_nrr;             // book-wide NRR of each mix segment
};

// `start` counts periods from the ledger's first; start + horizon must be a period of the ledger.
// `mix` gives the segment of each account at the start for the expected NRR (one segment: the
// whole book's NRR).
inline BookMetrics book_metrics(const RevenueLedger& ledger, const AccountSegments& owners, const AccountSegments& mix,
                                std::int64_t horizon, std::int64_t start) {
  check_horizon(horizon);
  const auto periods = static_cast<std::int64_t>(ledger.n_periods());
  if (start < 0 || start + horizon >= periods)
    fail("start", std::to_string(start) + " must be in [0, " + std::to_string(periods - horizon - 1) +
                      "]: the horizon of " + std::to_string(horizon) + " periods must end inside the ledger's " +
                      std::to_string(periods) + " periods");
  owners.require_complete(ledger);
  mix.require_complete(ledger);
  const auto p0 = static_cast<std::size_t>(start), p1 = static_cast<std::size_t>(start + horizon);
  const std::size_t n_owners = owners.count(), n_mix = mix.count();

  // Calls f(start, end, owner, mix segment) for each account paying at the start.
  const auto for_each_account = [&](auto&& f) {
    for (std::size_t a = 0; a < ledger.n_accounts(); ++a) {
      const auto revenue = ledger.row(a);
      if (revenue[p0] == 0.0) continue;
      f(revenue[p0], revenue[p1], static_cast<std::size_t>(owners.at(a, p0)), static_cast<std::size_t>(mix.at(a, p0)));
    }
  };

  // The retention partial sums of the start period alone (retention_partials sums every start
  // period), read by the retention table's own code: the same exact sums, the same numbers.
  BookMetrics out;
  PartialSums sums("retention", horizon, ledger.first_period() + start, 1, n_owners, retention_fields);
  std::vector<std::uint64_t> counts(n_owners * retention_fields);
  for_each_account([&](double s, double e, std::size_t o, std::size_t) {
    ++counts[sums.cell_index(0, o, retention_accounts)];
    sums.at(0, o, retention_start) += s;
    if (e > 0.0) {
      sums.at(0, o, retention_end) += e;
      sums.at(0, o, retention_retained) += e < s ? e : s;
    }
    counts[sums.cell_index(0, o, retention_logos_retained)] += e > 0.0;
  });
  sums.add_counts(counts);
  out.retention = retention_table(sums);

  // First pass: book-wide NRR per mix segment, each owner's start revenue per mix segment,
  // expansion and churn.
  std::vector<double> segment_start(n_mix), segment_end(n_mix), owner_mix_start(n_owners * n_mix);
  out.expansion.assign(n_owners, 0.0);
  out.churned.assign(n_owners, 0.0);
  for_each_account([&](double s, double e, std::size_t o, std::size_t m) {
    segment_start[m] += s;
    segment_end[m] += e;
    owner_mix_start[o * n_mix + m] += s;
    if (e > s) out.expansion[o] += e - s;
    if (e == 0.0) out.churned[o] += s;
  });
  for (std::size_t m = 0; m < n_mix; ++m)
    out.segment_nrr.push_back(segment_start[m] > 0.0 ? segment_end[m] / segment_start[m] : NAN);
  for (std::size_t o = 0; o < n_owners; ++o) {
    double expected = 0.0;
    for (std::size_t m = 0; m < n_mix; ++m)
      if (owner_mix_start[o * n_mix + m] > 0.0) expected += owner_mix_start[o * n_mix + m] * out.segment_nrr[m];
    const double start_revenue = out.retention.start_revenue[o];
    out.expected_nrr.push_back(start_revenue > 0.0 ? expected / start_revenue : NAN);
    out.mix_adjusted_nrr.push_back(out.retention.nrr[o] - out.expected_nrr[o]);
  }

  // Second pass: squared residuals of the linearised ratios.
  std::vector<double> nrr_squares(n_owners), grr_squares(n_owners), mix_squares(n_owners);
  for_each_account([&](double s, double e, std::size_t o, std::size_t m) {
    const double retained = e < s ? e : s;
    const double nrr_residual = e - out.retention.nrr[o] * s;
    const double grr_residual = retained - out.retention.grr[o] * s;
    const double mix_residual = e - out.segment_nrr[m] * s - out.mix_adjusted_nrr[o] * s;
    nrr_squares[o] += nrr_residual * nrr_residual;
    grr_squares[o] += grr_residual * grr_residual;
    mix_squares[o] += mix_residual * mix_residual;
  });
  for (std::size_t o = 0; o < n_owners; ++o) {
    const double n = out.retention.cohort_accounts[o], total = out.retention.start_revenue[o];
    const auto se = [&](double squares) { return n >= 2 ? std::sqrt(n / (n - 1) * squares) / total : NAN; };
    out.nrr_se.push_back(se(nrr_squares[o]));
    out.grr_se.push_back(se(grr_squares[o]));
    out.mix_adjusted_nrr_se.push_back(se(mix_squares[o]));
  }
  return out;
}

}  // namespace cssegment
