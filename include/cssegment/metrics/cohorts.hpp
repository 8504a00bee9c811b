#pragma once
// First-revenue cohorts: accounts grouped by the block of `cohort_length` periods holding their
// first revenue (blocks aligned to the ledger's first period) and by their segment then, with
// per-age totals: revenue, accounts paying, and accounts that paid in every period since their
// first (contractual survival: a return after churn does not revive an account).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "cssegment/core/budget.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/metrics/account_segments.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/movements.hpp"
#include "cssegment/metrics/partials.hpp"

namespace cssegment {

enum CohortField : std::size_t { cohort_revenue, cohort_paying, cohort_survivors, cohort_fields };

struct CohortOptions {
  std::int64_t cohort_length = 1;
  // Accounts paying in the ledger's first period may have started earlier (left-censored):
  // they form no cohort unless this is set.
  bool include_first_period = false;
};

struct CohortSums {
  // Rows = cohort blocks, fields = age * cohort_fields + field, ages 0 .. n_periods - 1.
  PartialSums sums;
  // Per (block, segment): the last first-revenue period of a member (-1: no member), so that
  // ages beyond n_periods - 1 - latest_first are not observed for every member.
  std::vector<std::int64_t> latest_first;
  std::size_t n_periods = 0;

  std::int64_t observed_ages(std::size_t block, std::size_t segment) const {
    const std::int64_t latest = latest_first[block * sums.segments() + segment];
    return latest < 0 ? 0 : static_cast<std::int64_t>(n_periods) - latest;
  }
  double value(std::size_t block, std::size_t segment, std::size_t age, CohortField field) const {
    const std::size_t column = age * cohort_fields + field;
    return sums.value(block, segment, column, field == cohort_revenue ? "revenue" : "accounts");
  }
};

inline CohortSums cohort_sums(const RevenueLedger& ledger, const AccountSegments& segments, CohortOptions options) {
  if (options.cohort_length < 1) fail("cohort_length", std::to_string(options.cohort_length) + " must be >= 1 period");
  const std::size_t periods = ledger.n_periods();
  const auto length = static_cast<std::size_t>(options.cohort_length);
  const std::size_t blocks = (periods + length - 1) / length;
  const std::size_t fields = periods * cohort_fields;
  // Each thread holds its own cohorts x ages table: checked, like the ledger, before allocating.
  const double cells =
      static_cast<double>(blocks) * static_cast<double>(segments.count()) * static_cast<double>(fields);
  const double threads = static_cast<double>(default_thread_count()) + 1.0;
  check_dense_budget({"cohort_length", "the cohort x age tables", cells,
                      threads * static_cast<double>(sizeof(ExactSum) + sizeof(std::uint64_t)),
                      static_cast<double>(ledger.n_accounts()),
                      format_count(static_cast<double>(blocks)) + " cohorts x " +
                          format_count(static_cast<double>(periods)) + " ages for " +
                          format_count(static_cast<double>(ledger.n_accounts())) + " accounts",
                      "use a longer cohort_length, or check the ledger's periods"});
  CohortSums total{PartialSums("cohorts", options.cohort_length, ledger.first_period(), blocks, segments.count(),
                               fields),
                   std::vector<std::int64_t>(blocks * segments.count(), -1), periods};
  struct Local {
    PartialSums sums;
    std::vector<std::uint64_t> counts;  // paying and survivors, added to the sums once
    std::vector<std::int64_t> latest;
  };
  LocalPool<Local> pool([&] {
    return Local{total.sums, std::vector<std::uint64_t>(blocks * segments.count() * fields),
                 std::vector<std::int64_t>(total.latest_first.size(), -1)};
  });
  parallel_for(ledger.n_accounts(), metrics_chunk_accounts, [&](std::size_t begin, std::size_t end) {
    pool.with([&](Local& mine) {
      PartialSums& local = mine.sums;
      std::vector<std::uint64_t>& counts = mine.counts;
      std::vector<std::int64_t>& latest = mine.latest;
      for (std::size_t a = begin; a < end; ++a) {
        const auto revenue = ledger.row(a);
        const auto first = static_cast<std::size_t>(
            std::find_if(revenue.begin(), revenue.end(), [](double r) { return r > 0.0; }) - revenue.begin());
        if (first == periods || (first == 0 && !options.include_first_period)) continue;
        const std::size_t block = first / length;
        const auto segment = static_cast<std::size_t>(segments.at(a, first));
        std::int64_t& last = latest[block * segments.count() + segment];
        last = std::max(last, static_cast<std::int64_t>(first));
        bool surviving = true;
        for (std::size_t age = 0; first + age < periods; ++age) {
          const double amount = revenue[first + age];
          surviving = surviving && amount > 0.0;
          if (amount > 0.0) local.at(block, segment, age * cohort_fields + cohort_revenue) += amount;
          counts[local.cell_index(block, segment, age * cohort_fields + cohort_paying)] += amount > 0.0;
          counts[local.cell_index(block, segment, age * cohort_fields + cohort_survivors)] += surviving;
        }
      }
    });
  });
  for (const auto& local : pool.locals()) {
    local->sums.add_counts(local->counts);
    total.sums.merge(local->sums);
    for (std::size_t i = 0; i < local->latest.size(); ++i)
      total.latest_first[i] = std::max(total.latest_first[i], local->latest[i]);
  }
  return total;
}

}  // namespace cssegment
