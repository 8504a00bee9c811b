#pragma once
// Net and gross revenue retention and logo retention over a horizon H from every start period
// p0 with p0 + H in the ledger (docs/guide/metrics.md). The cohort is the accounts paying at p0,
// in their segment at p0; accounts new after p0 never count.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "cssegment/core/parallel.hpp"
#include "cssegment/metrics/account_segments.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/movements.hpp"
#include "cssegment/metrics/partials.hpp"

namespace cssegment {

enum RetentionField : std::size_t {
  retention_accounts,
  retention_start,
  retention_end,
  retention_retained,
  retention_logos_retained,
  retention_fields
};

inline void check_horizon(std::int64_t horizon) {
  if (horizon < 1) fail("horizon", std::to_string(horizon) + " must be >= 1 period");
}

// Partial sums per (start period, segment); no rows when the horizon reaches past the ledger.
inline PartialSums retention_partials(const RevenueLedger& ledger, const AccountSegments& segments,
                                      std::int64_t horizon) {
  check_horizon(horizon);
  const std::size_t periods = ledger.n_periods();
  const auto h = static_cast<std::size_t>(horizon);
  const std::size_t rows = periods > h ? periods - h : 0;
  PartialSums total("retention", horizon, ledger.first_period(), rows, segments.count(), retention_fields);
  struct Local {
    PartialSums sums;
    std::vector<std::uint64_t> counts;  // accounts and logos, added to the sums once
  };
  LocalPool<Local> pool(
      [&] { return Local{total, std::vector<std::uint64_t>(rows * segments.count() * retention_fields)}; });
  parallel_for(rows == 0 ? 0 : ledger.n_accounts(), metrics_chunk_accounts, [&](std::size_t begin, std::size_t end) {
    pool.with([&](Local& mine) {
      PartialSums& local = mine.sums;
      std::vector<std::uint64_t>& counts = mine.counts;
      for (std::size_t a = begin; a < end; ++a) {
        const auto revenue = ledger.row(a);
        for (std::size_t p = 0; p < rows; ++p) {
          const double start = revenue[p];
          if (start == 0.0) continue;
          const double later = revenue[p + h];
          const auto segment = static_cast<std::size_t>(segments.at(a, p));
          ++counts[local.cell_index(p, segment, retention_accounts)];
          local.at(p, segment, retention_start) += start;
          if (later > 0.0) {  // zeros add nothing
            local.at(p, segment, retention_end) += later;
            local.at(p, segment, retention_retained) += later < start ? later : start;
          }
          counts[local.cell_index(p, segment, retention_logos_retained)] += later > 0.0;
        }
      }
    });
  });
  for (const auto& local : pool.locals()) {
    local->sums.add_counts(local->counts);
    total.merge(local->sums);
  }
  return total;
}

struct RetentionTable {
  std::vector<double> cohort_accounts, start_revenue, end_revenue, retained_revenue;
  std::vector<double> nrr, grr, logo_retention;  // NaN for an empty cohort
  std::vector<bool> nrr_masks_churn;             // NRR >= 1 while logo retention < the threshold
};

inline RetentionTable retention_table(const PartialSums& sums, double masks_churn_below = 0.9) {
  if (sums.kind() != "retention" || sums.fields() != retention_fields)
    fail("partials", "are partial sums of " + single_quoted(sums.kind()) + ", not of retention");
  if (!(masks_churn_below >= 0.0 && masks_churn_below <= 1.0))
    fail("masks_churn_below", format_number(masks_churn_below) + " must be in [0, 1]");
  RetentionTable table;
  for (std::size_t r = 0; r < sums.rows(); ++r)
    for (std::size_t s = 0; s < sums.segments(); ++s) {
      const double accounts = sums.count(r, s, retention_accounts);
      const double start = sums.value(r, s, retention_start, "start_revenue");
      const double end = sums.value(r, s, retention_end, "end_revenue");
      const double retained = sums.value(r, s, retention_retained, "retained_revenue");
      const double logos = accounts > 0 ? sums.count(r, s, retention_logos_retained) / accounts : NAN;
      const double nrr = accounts > 0 ? end / start : NAN;
      table.cohort_accounts.push_back(accounts);
      table.start_revenue.push_back(start);
      table.end_revenue.push_back(end);
      table.retained_revenue.push_back(retained);
      table.nrr.push_back(nrr);
      table.grr.push_back(accounts > 0 ? retained / start : NAN);
      table.logo_retention.push_back(logos);
      table.nrr_masks_churn.push_back(nrr >= 1.0 && logos < masks_churn_below);
    }
  return table;
}

}  // namespace cssegment
