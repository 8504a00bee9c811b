// The scorecard on random columns: random measures, normalisers, weights, bands and missing-value
// policies, fitted on some rows and scored on all of them. A score that comes out must be the sum
// of its contributions, lie in [0, 100] and fall in its band.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cssegment/health/scorecard.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace cssegment;

std::vector<double> awkward_doubles(FuzzedDataProvider& data, std::size_t count) {
  std::vector<double> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(fuzz::awkward_double(data));
  return values;
}

Normalizer normalizer(FuzzedDataProvider& data) {
  const bool higher = data.ConsumeBool();
  const std::string by = data.ConsumeBool() ? "group" : "";
  const auto unseen = data.ConsumeBool() ? UnseenGroup::raise : UnseenGroup::population;
  switch (data.ConsumeIntegralInRange(0, 4)) {
    case 0: {
      const double bad = fuzz::awkward_double(data);
      return Normalizer::linear(bad, fuzz::awkward_double(data));
    }
    case 1: {
      const auto edges = data.ConsumeIntegralInRange<std::size_t>(0, 4);
      auto edge_values = awkward_doubles(data, edges);
      if (data.ConsumeBool()) std::sort(edge_values.begin(), edge_values.end());
      return Normalizer::bands(std::move(edge_values),
                               awkward_doubles(data, edges + data.ConsumeIntegralInRange(0, 2)));
    }
    case 2: return Normalizer::percentile(by, higher, unseen);
    case 3: return Normalizer::zscore(by, higher, unseen);
    default: return Normalizer::boolean(higher);
  }
}

void score(FuzzedDataProvider& data) {
  const std::size_t rows = data.ConsumeIntegralInRange<std::size_t>(0, 40);
  const std::size_t measure_count = data.ConsumeIntegralInRange<std::size_t>(1, 4);
  std::vector<Measure> measures;
  for (std::size_t m = 0; m < measure_count; ++m) {
    // Now and then a repeated or unknown column.
    const auto column = data.ConsumeIntegralInRange(0, 5);
    measures.push_back({"m" + std::to_string(std::min(column, 4)), normalizer(data), fuzz::awkward_double(data)});
  }
  std::vector<std::string> band_names{"red", "yellow", "green"};
  std::vector<double> band_lowers{0.0, 50.0, 75.0};
  if (data.ConsumeBool()) band_lowers = awkward_doubles(data, 3);
  const auto combine = data.ConsumeBool() ? Combine::worst : Combine::weighted;
  const auto missing = data.ConsumeBool() ? MissingMeasures::penalize : MissingMeasures::renormalize;
  const auto min_measures = data.ConsumeIntegralInRange<std::size_t>(0, measure_count + 1);
  Scorecard card(std::move(measures), combine, band_names, band_lowers, missing, min_measures);

  // Columns m0..m3 (m4 is never there), a 0/1 column half the time, and a peer group with missing codes.
  std::vector<std::vector<double>> columns(4);
  for (auto& column : columns) {
    const bool boolean = data.ConsumeIntegral<std::uint8_t>() < 64;
    for (std::size_t i = 0; i < rows; ++i)
      column.push_back(boolean ? static_cast<double>(data.ConsumeBool()) : fuzz::awkward_double(data));
  }
  std::vector<std::int32_t> groups;
  for (std::size_t i = 0; i < rows; ++i) groups.push_back(data.ConsumeIntegralInRange<std::int32_t>(-1, 2));
  ColumnTable table;
  for (std::size_t c = 0; c < columns.size(); ++c) table.add("m" + std::to_string(c), columns[c]);
  table.add("group", groups, {"a", "b", "c"});

  // Fit on a prefix: the rows after it may hold peer groups the fit never saw.
  const std::size_t fitted_rows = data.ConsumeIntegralInRange<std::size_t>(0, rows);
  ColumnTable prefix;
  for (std::size_t c = 0; c < columns.size(); ++c)
    prefix.add("m" + std::to_string(c), std::span(columns[c]).first(fitted_rows));
  prefix.add("group", std::span(groups).first(fitted_rows), {"a", "b", "c"});
  if (data.ConsumeBool()) card.fit(prefix);

  const std::vector<double> previous = data.ConsumeBool() ? awkward_doubles(data, rows) : std::vector<double>{};
  const Scores scores = card.score(table, previous);
  const std::size_t k = card.measures().size();
  fuzz::check(scores.score.size() == rows && scores.band.size() == rows, "one score and band per row");
  fuzz::check(scores.contributions.size() == k * rows, "one contribution per measure and row");
  fuzz::check(scores.trend.size() == previous.size(), "a trend per row when previous scores are given");
  const auto normalized = card.transform(table);
  for (double value : normalized)
    fuzz::check(std::isnan(value) || (value >= 0.0 && value <= 100.0), "normalised measures lie in [0, 100]");
  for (std::size_t i = 0; i < rows; ++i) {
    const double s = scores.score[i];
    if (std::getenv("FUZZ_VERBOSE") != nullptr) {
      std::fprintf(stderr, "row %zu: score %g band %d values", i, s, scores.band[i]);
      for (std::size_t m = 0; m < k; ++m)
        std::fprintf(stderr, " %g->%g", table.numeric(card.measures()[m].column)[i],
                     scores.contributions[m * rows + i]);
      std::fprintf(stderr, "\n");
    }
    fuzz::check(scores.band[i] == card.band_of(s), "the band is the score's");
    if (std::isnan(s)) {
      fuzz::check(scores.band[i] == -1, "an unscored row has no band");
      continue;
    }
    fuzz::check(s >= -1e-9 && s <= 100.0 + 1e-9, "scores lie in [0, 100]");
    double sum = 0.0;
    for (std::size_t m = 0; m < k; ++m) sum += scores.contributions[m * rows + i];
    fuzz::check(std::abs(sum - s) <= 1e-9 * std::max(1.0, std::abs(s)), "contributions sum to the score");
    if (!previous.empty())
      fuzz::check(std::isnan(scores.trend[i]) || scores.trend[i] == s - previous[i], "trend is score - previous");
  }
  if (std::getenv("FUZZ_VERBOSE") != nullptr) std::fprintf(stderr, "%s\n", card.to_json().c_str());
  const Scorecard reloaded = Scorecard::from_json(card.to_json());
  fuzz::check(reloaded == card, "the scorecard's JSON loads back to an equal scorecard");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider data(bytes, size);
  fuzz::expecting_refusals([&] { score(data); });
  return 0;
}
