#pragma once
// Revenue movements from period p-1 to p (docs/guide/metrics.md): moves between segments, new,
// reactivation, expansion, contraction and churn, with
// end = start + moved_in - moved_out + new + reactivation + expansion - contraction - churn.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <vector>

#include "cssegment/core/parallel.hpp"
#include "cssegment/metrics/account_segments.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/partials.hpp"

namespace cssegment {

// Fields of the movement partial sums, in table order.
enum MovementField : std::size_t {
  movement_start,
  movement_moved_in,
  movement_moved_out,
  movement_new,
  movement_reactivation,
  movement_expansion,
  movement_contraction,
  movement_churn,
  movement_end,
  movement_logos_start,
  movement_logos_moved_in,
  movement_logos_moved_out,
  movement_logos_new,
  movement_logos_reactivated,
  movement_logos_churned,
  movement_logos_end,
  movement_fields
};

// The table's names of the fields, in order.
inline constexpr const char* movement_names[] = {
    "start",        "moved_in",          "moved_out",      "new",
    "reactivation", "expansion",         "contraction",    "churn",
    "end",          "logos_start",       "logos_moved_in", "logos_moved_out",
    "logos_new",    "logos_reactivated", "logos_churned",  "logos_end"};
static_assert(std::size(movement_names) == movement_fields, "one name per movement field");

inline void check_reactivation_window(std::optional<std::int64_t> window) {
  if (window && *window < 0) fail("reactivation_window", std::to_string(*window) + " must be >= 0 or None");
}

// Partial sums per (period p = 1 .. periods-1, segment); row i holds the movement into period i+1.
// An account's start counts in its segment at p-1, its movement and end in its segment at p when it
// has revenue at p, else (churn) at p-1. An account paying at both p-1 and p whose segment changed
// is moved out of the old segment and into the new one at its p-1 revenue, so that every segment's
// start is its end of the period before and the moves of a period balance across segments.
// A return after more than `reactivation_window` empty periods counts as new (none: never).
inline PartialSums movement_partials(const RevenueLedger& ledger, const AccountSegments& segments,
                                     std::optional<std::int64_t> reactivation_window = std::nullopt) {
  check_reactivation_window(reactivation_window);
  const std::size_t periods = ledger.n_periods();
  const std::size_t rows = periods > 0 ? periods - 1 : 0;
  PartialSums total("movements", reactivation_window.value_or(-1), ledger.first_period() + 1, rows, segments.count(),
                    movement_fields);
  struct Local {
    PartialSums sums;
    std::vector<std::uint64_t> counts;  // the logos, added to the sums once
  };
  LocalPool<Local> pool(
      [&] { return Local{total, std::vector<std::uint64_t>(rows * segments.count() * movement_fields)}; });
  parallel_for(ledger.n_accounts(), metrics_chunk_accounts, [&](std::size_t begin, std::size_t end) {
    pool.with([&](Local& mine) {
      PartialSums& local = mine.sums;
      std::vector<std::uint64_t>& counts = mine.counts;
      for (std::size_t a = begin; a < end; ++a) {
        const auto revenue = ledger.row(a);
        std::int64_t last_paid = periods > 0 && revenue[0] > 0.0 ? 0 : -1;
        for (std::size_t p = 1; p < periods; ++p) {
          const double before = revenue[p - 1], now = revenue[p];
          if (before == 0.0 && now == 0.0) continue;
          // The segment of a paying cell; a gap throws naming the ledger's first one.
          const auto segment_at = [&](std::size_t q) {
            const std::int32_t code = segments.at(a, q);
            if (code < 0) segments.require_complete(ledger);
            return static_cast<std::size_t>(code);
          };
          const std::size_t was = before > 0.0 ? segment_at(p - 1) : 0;
          const std::size_t segment = now > 0.0 ? segment_at(p) : was;
          auto field = [&](std::size_t f) -> ExactSum& { return local.at(p - 1, segment, f); };
          auto field_was = [&](std::size_t f) -> ExactSum& { return local.at(p - 1, was, f); };
          auto count = [&](std::size_t f) { ++counts[local.cell_index(p - 1, segment, f)]; };
          auto count_was = [&](std::size_t f) { ++counts[local.cell_index(p - 1, was, f)]; };
          if (before > 0.0) {
            field_was(movement_start) += before;
            count_was(movement_logos_start);
            if (segment != was) {
              field_was(movement_moved_out) += before;
              count_was(movement_logos_moved_out);
              field(movement_moved_in) += before;
              count(movement_logos_moved_in);
            }
          }
          if (now > 0.0) {
            field(movement_end) += now;
            count(movement_logos_end);
          }
          if (before == 0.0) {
            const auto gap = static_cast<std::int64_t>(p) - 1 - last_paid;
            const bool returning = last_paid >= 0 && (!reactivation_window || gap <= *reactivation_window);
            field(returning ? movement_reactivation : movement_new) += now;
            count(returning ? movement_logos_reactivated : movement_logos_new);
          } else if (now == 0.0) {
            field(movement_churn) += before;
            count(movement_logos_churned);
          } else if (now != before) {  // the exact difference of the two amounts
            ExactSum& moved = field(now > before ? movement_expansion : movement_contraction);
            const double larger = std::max(now, before), smaller = std::min(now, before);
            if (larger <= 2.0 * smaller) {
              moved += larger - smaller;  // exact (Sterbenz lemma): one term
            } else {
              moved += larger;
              moved += -smaller;
            }
          }
          if (now > 0.0) last_paid = static_cast<std::int64_t>(p);
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

// The movement table, one row per (period, segment) of the partial sums, period-major.
struct MovementTable {
  std::vector<double> start, moved_in, moved_out, new_revenue, reactivation, expansion, contraction, churn, end;
  std::vector<double> logos_start, logos_moved_in, logos_moved_out, logos_new, logos_reactivated, logos_churned,
      logos_end;
  // (new + reactivation + expansion) / (contraction + churn); NaN when nothing was lost.
  std::vector<double> quick_ratio;
};

inline MovementTable movement_table(const PartialSums& sums) {
  if (sums.kind() != "movements" || sums.fields() != movement_fields)
    fail("partials", "are partial sums of " + single_quoted(sums.kind()) + ", not of movements");
  MovementTable table;
  std::vector<double>* columns[] = {
      &table.start,        &table.moved_in,          &table.moved_out,      &table.new_revenue,
      &table.reactivation, &table.expansion,         &table.contraction,    &table.churn,
      &table.end,          &table.logos_start,       &table.logos_moved_in, &table.logos_moved_out,
      &table.logos_new,    &table.logos_reactivated, &table.logos_churned,  &table.logos_end};
  for (std::size_t r = 0; r < sums.rows(); ++r)
    for (std::size_t s = 0; s < sums.segments(); ++s) {
      for (std::size_t f = 0; f < movement_fields; ++f) columns[f]->push_back(sums.value(r, s, f, movement_names[f]));
      ExactSum gained = sums.at(r, s, movement_new), lost = sums.at(r, s, movement_contraction);
      gained += sums.at(r, s, movement_reactivation);
      gained += sums.at(r, s, movement_expansion);
      lost += sums.at(r, s, movement_churn);
      table.quick_ratio.push_back(lost.is_zero() ? NAN : gained.value("amounts") / lost.value("amounts"));
    }
  return table;
}

}  // namespace cssegment
