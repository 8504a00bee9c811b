#pragma once
// Growth KPIs per CSM book (docs/guide/metrics.md, "CSM books that grow"): over `horizon` periods
// from one start period, each owner's cohort (the accounts paying at the start, with their owner
// at the start) gives NRR, GRR and logo retention (the retention table's own numbers, from the
// same exact partial sums), expansion and churned revenue, mix-adjusted NRR and the standard
// errors of the ratios.
//
// Standard errors are jackknife (delete-one-account) standard errors, not a bootstrap: for a ratio
// of sums R = sum(x) / sum(s) over n accounts, R_i leaves account i out and Var(R) ~ (n - 1) / n *
// sum((R_i - mean R_i)^2). The jackknife is wider than the delta method (linearised ratio) where
// a few large accounts carry the book; deterministic, one pass over the accounts. The intervals
// at `level` (benchmarks/coverage_books.py measures their coverage on simulated books):
//   NRR: R +- t x se, t with Kish's effective number of accounts by start revenue, minus one
//     ((sum s)^2 / sum s^2 - 1, floored, at least 1): R is a start-weighted mean of e / s;
//   mix-adjusted NRR: the same with n - 1 degrees of freedom (the Kish ones over-cover here);
//   GRR: Korn and Graubard's (1998) interval, Clopper-Pearson on the effective number of accounts
//     n* = GRR (1 - GRR) / se^2 x (z / t)^2, t with `grr_df` degrees of freedom (floored, at
//     least 1): [B^-1(a/2; n* GRR, n* (1 - GRR) + 1), B^-1(1 - a/2; n* GRR + 1, n* (1 - GRR))];
//   logo retention: the Wilson score interval.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/distributions.hpp"
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
  std::vector<double> nrr_se, grr_se, mix_adjusted_nrr_se;  // jackknife; NaN below two accounts
  std::vector<double> segment_nrr;             // book-wide NRR of each mix segment
  // Degrees of freedom for GRR's interval: Kish's effective number of accounts carrying the lost
  // revenue, (sum l)^2 / sum l^2 - 1 with l = start - min(start, end) of each account (the lost
  // share is driven by its few large losses, not by all n accounts); NaN without loss.
  std::vector<double> grr_df;
  // Kish's effective number of accounts by start revenue, (sum s)^2 / sum s^2 - 1: NRR's degrees
  // of freedom (NaN without accounts).
  std::vector<double> nrr_df;
  // Intervals at `level` (see the top of this file); NaN where the standard error is.
  std::vector<double> nrr_low, nrr_high, grr_low, grr_high, mix_adjusted_nrr_low, mix_adjusted_nrr_high;
  std::vector<double> logo_retention_low, logo_retention_high;  // Wilson: NaN without accounts
};

namespace book_detail {

// Korn and Graubard's interval of a share p with variance `variance` (see the top of this file),
// z and t the two-sided quantiles at level 1 - alpha; no variance gives the point.
inline std::pair<double, double> korn_graubard(double p, double variance, double z, double t, double alpha) {
  if (std::isnan(variance) || std::isnan(p)) return {NAN, NAN};
  if (variance == 0.0 || std::isnan(t)) return {p, p};
  const double n = p * (1.0 - p) / variance * (z / t) * (z / t), x = n * p;
  return {p > 0.0 ? beta_quantile(alpha / 2.0, x, n - x + 1.0) : 0.0,
          p < 1.0 ? beta_quantile(1.0 - alpha / 2.0, x + 1.0, n - x) : 1.0};
}

}  // namespace book_detail

// The first account paying at period index `p0` that has no segment there, if any (the book's
// completeness: only the owner and segment at the start define a cohort, so other periods may
// have gaps).
inline std::optional<std::size_t> first_unsegmented_at(const RevenueLedger& ledger, const AccountSegments& segments,
                                                       std::size_t p0) {
  for (std::size_t a = 0; a < ledger.n_accounts(); ++a)
    if (ledger.row(a)[p0] != 0.0 && segments.at(a, p0) < 0) return a;
  return std::nullopt;
}

// `start` counts periods from the ledger's first; start + horizon must be a period of the ledger.
// `mix` gives the segment of each account at the start for the expected NRR (one segment: the
// whole book's NRR); `level` in (0, 1) is the intervals' confidence level.
inline BookMetrics book_metrics(const RevenueLedger& ledger, const AccountSegments& owners, const AccountSegments& mix,
                                std::int64_t horizon, std::int64_t start, double level = 0.95) {
  check_horizon(horizon);
  if (!(level > 0.0 && level < 1.0)) fail("level", std::to_string(level) + " must be in (0, 1)");
  const auto periods = static_cast<std::int64_t>(ledger.n_periods());
  if (start < 0 || start + horizon >= periods)
    fail("start", std::to_string(start) + " must be in [0, " + std::to_string(periods - horizon - 1) +
                      "]: the horizon of " + std::to_string(horizon) + " periods must end inside the ledger's " +
                      std::to_string(periods) + " periods");
  const auto p0 = static_cast<std::size_t>(start), p1 = static_cast<std::size_t>(start + horizon);
  const std::size_t n_owners = owners.count(), n_mix = mix.count();

  // One strided pass over the ledger gathers the accounts paying at the start (start and end
  // revenue, owner, mix segment) into contiguous arrays, checking each has an owner and a segment;
  // every later pass reads those arrays.
  struct Paying {
    double start, end;
    std::uint32_t owner, mix;
  };
  std::vector<Paying> paying;
  for (std::size_t a = 0; a < ledger.n_accounts(); ++a) {
    const auto revenue = ledger.row(a);
    if (revenue[p0] == 0.0) continue;
    const std::int32_t owner = owners.at(a, p0), segment = mix.at(a, p0);
    if (owner < 0 || segment < 0)
      fail(owner < 0 ? "owners" : "by", "account key " + std::to_string(ledger.account_keys()[a]) +
                                            " has revenue in period " + std::to_string(ledger.first_period() + start) +
                                            " but no segment");
    paying.push_back(
        {revenue[p0], revenue[p1], static_cast<std::uint32_t>(owner), static_cast<std::uint32_t>(segment)});
  }

  // Calls f(start, end, owner, mix segment) for each account paying at the start.
  const auto for_each_account = [&](auto&& f) {
    for (const Paying& account : paying)
      f(account.start, account.end, std::size_t{account.owner}, std::size_t{account.mix});
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
  std::vector<double> lost(n_owners), lost_squares(n_owners), start_squares(n_owners);
  out.expansion.assign(n_owners, 0.0);
  out.churned.assign(n_owners, 0.0);
  for_each_account([&](double s, double e, std::size_t o, std::size_t m) {
    segment_start[m] += s;
    segment_end[m] += e;
    owner_mix_start[o * n_mix + m] += s;
    if (e > s) out.expansion[o] += e - s;
    if (e == 0.0) out.churned[o] += s;
    const double l = e < s ? s - e : 0.0;
    lost[o] += l;
    lost_squares[o] += l * l;
    start_squares[o] += s * s;
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
    out.grr_df.push_back(lost_squares[o] > 0.0 ? lost[o] * lost[o] / lost_squares[o] - 1.0 : NAN);
    out.nrr_df.push_back(start_squares[o] > 0.0 ? start_revenue * start_revenue / start_squares[o] - 1.0 : NAN);
  }

  // Second pass: jackknife variances of the three ratios R = X / S: leaving account i out gives
  // R_i = (X - x_i) / (S - s_i) (S - s_i > 0 from two accounts on); the variance is
  // (n - 1) / n x sum((R_i - mean)^2), summed as deviations from R for accuracy.
  struct Jack {
    double sum = 0.0, squares = 0.0;
    void add(double deviation) {
      sum += deviation;
      squares += deviation * deviation;
    }
    double se(double n) const { return n >= 2 ? std::sqrt((n - 1) / n * std::max(squares - sum * sum / n, 0.0)) : NAN; }
  };
  std::vector<Jack> nrr_jack(n_owners), grr_jack(n_owners), mix_jack(n_owners);
  for_each_account([&](double s, double e, std::size_t o, std::size_t m) {
    const double total = out.retention.start_revenue[o], rest = total - s;
    if (rest <= 0.0) return;  // the owner's only account
    const double retained = e < s ? e : s, mix_x = e - out.segment_nrr[m] * s;
    nrr_jack[o].add((out.retention.end_revenue[o] - e) / rest - out.retention.nrr[o]);
    grr_jack[o].add((out.retention.retained_revenue[o] - retained) / rest - out.retention.grr[o]);
    mix_jack[o].add((out.mix_adjusted_nrr[o] * total - mix_x) / rest - out.mix_adjusted_nrr[o]);
  });
  // The two-sided t quantiles at `level` by degrees of freedom (floored, at least 1), each
  // computed once: owners share them.
  const double z = normal_quantile(0.5 + level / 2.0);
  std::vector<double> t_by_df;
  const auto t_of = [&](double df) {
    if (std::isnan(df)) return df;
    const auto d = static_cast<std::size_t>(std::max(std::floor(df), 1.0));
    if (d >= t_by_df.size()) t_by_df.resize(d + 1, NAN);
    if (std::isnan(t_by_df[d])) t_by_df[d] = student_t_quantile(0.5 + level / 2.0, static_cast<double>(d));
    return t_by_df[d];
  };
  for (std::size_t o = 0; o < n_owners; ++o) {
    const double n = out.retention.cohort_accounts[o];
    out.nrr_se.push_back(nrr_jack[o].se(n));
    out.grr_se.push_back(grr_jack[o].se(n));
    out.mix_adjusted_nrr_se.push_back(mix_jack[o].se(n));
    const double t_nrr = t_of(out.nrr_df[o]), t_mix = t_of(n - 1.0);
    out.nrr_low.push_back(out.retention.nrr[o] - t_nrr * out.nrr_se[o]);
    out.nrr_high.push_back(out.retention.nrr[o] + t_nrr * out.nrr_se[o]);
    out.mix_adjusted_nrr_low.push_back(out.mix_adjusted_nrr[o] - t_mix * out.mix_adjusted_nrr_se[o]);
    out.mix_adjusted_nrr_high.push_back(out.mix_adjusted_nrr[o] + t_mix * out.mix_adjusted_nrr_se[o]);
    const auto [grr_low, grr_high] = book_detail::korn_graubard(out.retention.grr[o], out.grr_se[o] * out.grr_se[o], z,
                                                                t_of(out.grr_df[o]), 1.0 - level);
    out.grr_low.push_back(grr_low);
    out.grr_high.push_back(grr_high);
    // Wilson: (p + z^2 / 2n +- z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n).
    if (n == 0.0) {
      out.logo_retention_low.push_back(NAN);
      out.logo_retention_high.push_back(NAN);
      continue;
    }
    const double p = out.retention.logo_retention[o];
    const double centre = p + z * z / (2.0 * n), half = z * std::sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n));
    out.logo_retention_low.push_back((centre - half) / (1.0 + z * z / n));
    out.logo_retention_high.push_back((centre + half) / (1.0 + z * z / n));
  }
  return out;
}

}  // namespace cssegment
