#pragma once
// Transition report: how accounts moved between segments from one assignment to the next.
// Every row is counted: accounts without a label on either side land in the "none" slot.
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cssegment/core/budget.hpp"
#include "cssegment/core/overflow.hpp"
#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

struct TransitionMatrix {
  // Segments are ranked lowest first; slot `categories` is "no segment" (new or gone accounts).
  std::size_t categories = 0;
  std::vector<double> cells;  // (categories + 1)^2, row = before, column = after
  double upgrades = 0.0;      // moved to a higher-ranked segment
  double downgrades = 0.0;    // moved to a lower-ranked segment
  double unchanged = 0.0;     // same segment on both sides
  double entered = 0.0;       // no segment before, one after
  double exited = 0.0;        // a segment before, none after
  // The first three split by the segment before (index = its code), i.e. the rows of the report.
  std::vector<double> upgrades_from, downgrades_from, unchanged_from;

  std::size_t slots() const { return categories + 1; }
  double at(std::size_t before, std::size_t after) const { return cells[before * slots() + after]; }
};

// Codes index the ranked segments (-1 = no segment). Weights (e.g. ARR) are optional; without them
// each account counts 1.
inline TransitionMatrix transitions(std::span<const std::int32_t> before, std::span<const std::int32_t> after,
                                    std::size_t categories, std::span<const double> weights = {}) {
  check_same_length("after", after.size(), "before", before.size());
  check_codes<std::int32_t>("before", before, categories);
  check_codes<std::int32_t>("after", after, categories);
  if (!weights.empty()) {
    check_same_length("weights", weights.size(), "before", before.size());
    check_nonnegative_finite("weights", weights);
    // Every cell and move is a part of the total: a finite total keeps them all finite.
    CompensatedSum total;
    for (const double weight : weights) total += weight;
    if (!std::isfinite(total.value()))
      fail_overflow("weights", whole_result, "their sum", std::to_string(weights.size()) + " weights");
  }
  const double slots = static_cast<double>(categories) + 1.0;
  check_dense_budget({"categories", "the transition table", slots * slots, sizeof(CompensatedSum),
                      static_cast<double>(before.size()),
                      format_count(static_cast<double>(categories)) + " segments make a (segments + 1)^2 table",
                      "are the labels identifiers rather than segments? Group them into fewer segments"});
  TransitionMatrix result;
  result.categories = categories;
  // Weights are money (ARR up to 1e12 next to cents): compensated sums keep every cent. The loop
  // over accounts fills the cells only; the moves are sums of cells, added after it.
  std::vector<CompensatedSum> cells(result.slots() * result.slots());
  const auto none = static_cast<std::int32_t>(categories);
  for (std::size_t i = 0; i < before.size(); ++i) {
    const std::int32_t from = before[i] < 0 ? none : before[i], to = after[i] < 0 ? none : after[i];
    cells[static_cast<std::size_t>(from) * result.slots() + static_cast<std::size_t>(to)] +=
        weights.empty() ? 1.0 : weights[i];
  }
  CompensatedSum upgrades, downgrades, unchanged, entered, exited;
  std::vector<CompensatedSum> upgrades_from(categories), downgrades_from(categories), unchanged_from(categories);
  for (std::size_t from = 0; from < result.slots(); ++from) {
    for (std::size_t to = 0; to < result.slots(); ++to) {
      const CompensatedSum& cell = cells[from * result.slots() + to];
      if (from == categories && to == categories) continue;
      if (from == categories) entered += cell;
      else if (to == categories) exited += cell;
      else if (to > from) upgrades += cell, upgrades_from[from] += cell;
      else if (to < from) downgrades += cell, downgrades_from[from] += cell;
      else unchanged += cell, unchanged_from[from] += cell;
    }
  }
  const auto values = [](const std::vector<CompensatedSum>& sums) {
    std::vector<double> out;
    for (const CompensatedSum& sum : sums) out.push_back(sum.value());
    return out;
  };
  result.cells = values(cells);
  result.upgrades_from = values(upgrades_from), result.downgrades_from = values(downgrades_from);
  result.unchanged_from = values(unchanged_from);
  result.upgrades = upgrades.value(), result.downgrades = downgrades.value(), result.unchanged = unchanged.value();
  result.entered = entered.value(), result.exited = exited.value();
  return result;
}

}  // namespace cssegment
