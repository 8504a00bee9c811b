#define BOOST_TEST_MODULE health.history
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cssegment/health/history.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// The rows 0..n-1 in a random order.
std::vector<std::size_t> shuffled_rows(std::size_t n, std::mt19937& random) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), random);
  return order;
}

// v[i] becomes v[order[i]].
template <class T>
void reorder(std::vector<T>& v, const std::vector<std::size_t>& order) {
  const auto copy = v;
  for (std::size_t i = 0; i < order.size(); ++i) v[i] = copy[order[i]];
}

// A random history: `accounts` accounts over 6 periods (ordinals 100..105), some rows absent, in a
// shuffled row order; two segments; logins and nps with a few missing values.
struct RandomHistory {
  std::vector<std::int32_t> account, segment;
  std::vector<std::int64_t> period;
  std::vector<double> logins, nps;
  std::size_t accounts;

  explicit RandomHistory(std::size_t n, unsigned seed) : accounts(n) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t a = 0; a < n; ++a)
      for (std::int64_t p = 100; p < 106; ++p) {
        if (unit(random) < 0.15) continue;
        account.push_back(static_cast<std::int32_t>(a)), period.push_back(p);
        segment.push_back(static_cast<std::int32_t>(a % 2));
        logins.push_back(unit(random) < 0.05 ? NAN : std::floor(unit(random) * 30.0));
        nps.push_back(unit(random) < 0.1 ? NAN : std::floor(unit(random) * 11.0));
      }
    const auto order = shuffled_rows(account.size(), random);
    for (auto* v : {&logins, &nps}) reorder(*v, order);
    reorder(account, order), reorder(segment, order), reorder(period, order);
  }

  ColumnTable table() const {
    ColumnTable t;
    t.add("logins", logins).add("nps", nps).add("segment", segment, {"SMB", "Enterprise"});
    return t;
  }
};

// Equal, or both missing.
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

BOOST_AUTO_TEST_CASE(history_equals_each_period_scored_on_its_own) {
  const RandomHistory h(300, 7);
  const auto data = h.table();
  const Scorecard card({{"logins", Normalizer::percentile("segment"), 2.0}, {"nps", Normalizer::zscore(), 1.0}});
  const auto index = index_history(h.account, h.period, h.accounts);
  BOOST_TEST(index.period_count() == 6u);
  const auto scores = score_history(card, data, index);
  const std::size_t n = h.account.size();
  for (std::int64_t p = 100; p < 106; ++p) {
    std::vector<std::size_t> rows;
    std::vector<double> logins, nps;
    std::vector<std::int32_t> segment;
    for (std::size_t i = 0; i < n; ++i)
      if (h.period[i] == p)
        rows.push_back(i), logins.push_back(h.logins[i]), nps.push_back(h.nps[i]), segment.push_back(h.segment[i]);
    ColumnTable snapshot;
    snapshot.add("logins", logins).add("nps", nps).add("segment", segment, {"SMB", "Enterprise"});
    Scorecard fitted = card;
    const auto expected = fitted.fit(snapshot).score(snapshot);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      BOOST_TEST(same(scores.score[rows[j]], expected.score[j]));
      BOOST_TEST(scores.band[rows[j]] == expected.band[j]);
      BOOST_TEST(same(scores.contributions[n + rows[j]], expected.contributions[rows.size() + j]));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_set_history_equals_each_period_scored_on_its_own) {
  const RandomHistory h(200, 11);
  const ScorecardSet set("segment", {{"SMB", Scorecard({{"logins", Normalizer::percentile(), 1.0}})}},
                         Scorecard({{"nps", Normalizer::zscore(), 1.0}, {"logins", Normalizer::linear(0, 20), 1.0}}));
  const auto index = index_history(h.account, h.period, h.accounts);
  const auto scores = score_history(set, h.table(), index);
  for (std::int64_t p = 100; p < 106; ++p) {
    std::vector<std::size_t> rows;
    std::vector<double> logins, nps;
    std::vector<std::int32_t> segment;
    for (std::size_t i = 0; i < h.account.size(); ++i)
      if (h.period[i] == p)
        rows.push_back(i), logins.push_back(h.logins[i]), nps.push_back(h.nps[i]), segment.push_back(h.segment[i]);
    ColumnTable snapshot;
    snapshot.add("logins", logins).add("nps", nps).add("segment", segment, {"SMB", "Enterprise"});
    ScorecardSet fitted = set;
    const auto expected = fitted.fit(snapshot).score(snapshot);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      BOOST_TEST(same(scores.score[rows[j]], expected.score[j]));
      BOOST_TEST(scores.scorecard[rows[j]] == expected.scorecard[j]);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_repeated_account_and_period_is_refused) {
  const std::vector<std::int32_t> account{0, 1, 0};
  const std::vector<std::int64_t> period{5, 5, 5};
  BOOST_TEST(message_of([&] { index_history(account, period, 2); }) ==
             "data[2] = row 0's account and period: one row per account and period: this row repeats them");
}

BOOST_AUTO_TEST_CASE(hysteresis_by_hand) {
  // One account over 6 periods, bands red [0, 50), yellow [50, 75), green [75, 100], margin 5.
  const std::vector<std::int32_t> account(7, 0);
  const std::vector<std::int64_t> period{1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> score{60.0, 52.0, 47.0, 44.0, 78.0, 81.0, 20.0};
  const auto index = index_history(account, period, 1);
  const std::vector<std::vector<double>> lowers{{0.0, 50.0, 75.0}};
  // 60 yellow; 52 yellow; 47 stays yellow (not below 45); 44 red; 78 up to yellow only (55 <= 78 < 80);
  // 81 green; 20 red (below 45, and below 70 too: the furthest band reached).
  const std::vector<std::int8_t> expected{1, 1, 1, 0, 1, 2, 0};
  BOOST_TEST(hysteresis_bands(score, account, index, {}, lowers, 5.0) == expected);
  const std::vector<std::int8_t> plain{1, 1, 0, 0, 2, 2, 0};
  BOOST_TEST(hysteresis_bands(score, account, index, {}, lowers, 0.0) == plain);
  BOOST_TEST(message_of([&] { hysteresis_bands(score, account, index, {}, lowers, -1.0); }) ==
             "band_hysteresis: -1 must be finite and >= 0 (points of score)");
}

BOOST_AUTO_TEST_CASE(overrides_apply_from_start_up_to_end) {
  const std::vector<std::int32_t> account{0, 0, 0, 0, 1, 1};
  const std::vector<std::int64_t> period{1, 2, 3, 4, 2, 3};
  const std::vector<std::int32_t> who{0, 1};
  const std::vector<std::int64_t> start{2, 3}, end{4, 9};
  const auto rows = override_rows(account, period, 2, who, start, end);
  BOOST_TEST(rows == (std::vector<std::int32_t>{-1, 0, 0, -1, -1, 1}));
  HistoryScores scores{{80, 80, 80, 80, 80, 80}, {2, 2, 2, 2, 2, 2}, std::vector<double>(6, 40.0), {}};
  const std::vector<std::int8_t> band{0, -1};
  const std::vector<double> score{NAN, 55.0};
  apply_overrides(scores.outputs(), rows, band, score, {{0.0, 50.0, 75.0}});
  BOOST_TEST(scores.band == (std::vector<std::int8_t>{2, 0, 0, 2, 2, 1}));
  BOOST_TEST(scores.score[5] == 55.0);
  BOOST_TEST(scores.score[1] == 80.0);
  BOOST_TEST(std::isnan(scores.contributions[5]));
  BOOST_TEST(scores.contributions[1] == 40.0);
  const std::vector<std::int32_t> twice{0, 0};
  const std::vector<std::int64_t> overlap_end{4, 6};
  BOOST_TEST(message_of([&] { override_rows(account, period, 2, twice, start, overlap_end); }) ==
             "overrides[1] = overlaps row 0: overrides of one account must not overlap");
  const std::vector<std::int64_t> early{4, 2};
  BOOST_TEST(message_of([&] { override_rows(account, period, 2, who, start, early); }) ==
             "overrides[1] = end 2 <= start 3: an override lasts from start up to (not including) end; end must be "
             "after start");
}

namespace {

// A larger random history over 3 periods, rows shuffled: peer groups of more than 512 values (the
// radix sort), a column of more than 4,096 distinct values per period (sampled knots), rows without
// a segment (the population fallback), ties, -0 and +0, and missing values.
struct LargeHistory {
  std::vector<std::int32_t> account, segment;
  std::vector<std::int64_t> period;
  std::vector<double> usage, logins, seats, nps, tickets;
  std::size_t accounts;

  explicit LargeHistory(std::size_t n, unsigned seed) : accounts(n) {
    std::mt19937 random(seed);
    auto draw = [&, unit = std::uniform_real_distribution<double>(0.0, 1.0)]() mutable { return unit(random); };
    for (std::size_t row = 0; row < 3 * n; ++row) {
      account.push_back(static_cast<std::int32_t>(row / 3)), period.push_back(static_cast<std::int64_t>(row % 3));
      segment.push_back(draw() < 0.05 ? -1 : static_cast<std::int32_t>(row / 3 % 3));
      usage.push_back(draw() < 0.03 ? NAN : draw() * 1000.0);
      logins.push_back(draw() < 0.05 ? NAN : std::floor(draw() * 40.0));
      const double s = std::floor(draw() * 5.0);
      seats.push_back(s == 0.0 && draw() < 0.5 ? -0.0 : s);
      nps.push_back(draw() < 0.4 ? NAN : std::floor(draw() * 11.0));
      tickets.push_back(std::floor(draw() * 8.0));
    }
    const auto order = shuffled_rows(account.size(), random);
    for (auto* v : {&usage, &logins, &seats, &nps, &tickets}) reorder(*v, order);
    reorder(account, order), reorder(segment, order), reorder(period, order);
  }

  // The table of `rows` (all rows when empty), its columns copied into `store`.
  ColumnTable table(const std::vector<std::size_t>& rows, std::vector<std::vector<double>>& store,
                    std::vector<std::int32_t>& codes) const {
    auto pick = [&](const auto& v) {
      std::decay_t<decltype(v)> out;
      for (std::size_t i : rows) out.push_back(v[i]);
      return rows.empty() ? v : out;
    };
    store = {pick(usage), pick(logins), pick(seats), pick(nps), pick(tickets)};
    codes = pick(segment);
    ColumnTable t;
    t.add("usage", store[0]).add("logins", store[1]).add("seats", store[2]).add("nps", store[3]);
    t.add("tickets", store[4]).add("segment", codes, {"SMB", "Mid", "Enterprise"});
    return t;
  }
};

// A LargeHistory's table (over `store` and `codes`) and index.
struct LargeData {
  std::vector<std::vector<double>> store;
  std::vector<std::int32_t> codes;
  ColumnTable table;
  HistoryIndex index;
  explicit LargeData(const LargeHistory& h)
      : table(h.table({}, store, codes)), index(index_history(h.account, h.period, h.accounts)) {}
};

const Scorecard large_card({{"logins", Normalizer::percentile("segment"), 2.0},
                            {"usage", Normalizer::percentile(), 1.5},
                            {"seats", Normalizer::percentile("", false), 1.0},
                            {"nps", Normalizer::zscore("segment"), 1.0},
                            {"tickets", Normalizer::linear(8.0, 0.0), 0.5}});

}  // namespace

BOOST_AUTO_TEST_CASE(in_sample_points_equal_each_period_fitted_and_scored_on_every_path) {
  const LargeHistory h(6000, 5);
  const LargeData d(h);
  const auto& data = d.table;
  const auto& index = d.index;
  const auto scores = score_history(large_card, data, index, 1);
  const std::size_t n = h.account.size(), k = large_card.measures().size();
  std::size_t checked = 0, distinct_usage = 0;
  for (std::int64_t p = 0; p < 3; ++p) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < n; ++i)
      if (h.period[i] == p) rows.push_back(i);
    std::vector<std::vector<double>> period_store;
    std::vector<std::int32_t> period_codes;
    const auto snapshot = h.table(rows, period_store, period_codes);
    Scorecard fitted = large_card;
    fitted.fit(snapshot);
    distinct_usage = std::max(distinct_usage, fitted.measures()[1].normalizer.population()->knots.size());
    const auto expected = fitted.score(snapshot);
    for (std::size_t j = 0; j < rows.size(); ++j, ++checked) {
      BOOST_TEST(same(scores.score[rows[j]], expected.score[j]));
      BOOST_TEST(scores.band[rows[j]] == expected.band[j]);
      for (std::size_t m = 0; m < k; ++m)
        BOOST_TEST(same(scores.contributions[m * n + rows[j]], expected.contributions[m * rows.size() + j]));
    }
  }
  BOOST_TEST(checked == n);
  BOOST_TEST(distinct_usage == max_percentile_knots);  // usage took the sampled-knots path
  // score_history took the in-sample path (it falls back to fitting each period only on bad input).
  HistoryScores in_sample{std::vector<double>(n), std::vector<std::int8_t>(n), std::vector<double>(k * n), {}};
  detail::in_sample_history(large_card, data, index, in_sample.outputs(), 1);
  BOOST_TEST(
      std::equal(in_sample.score.begin(), in_sample.score.end(), scores.score.begin(), scores.score.end(), same));
  BOOST_TEST(std::equal(in_sample.contributions.begin(), in_sample.contributions.end(), scores.contributions.begin(),
                        scores.contributions.end(), same));
  // Threads share the periods and the rows; the results do not depend on how many ran.
  const auto threaded = score_history(large_card, data, index, 3);
  BOOST_TEST(std::equal(threaded.score.begin(), threaded.score.end(), scores.score.begin(), scores.score.end(), same));
  BOOST_TEST(threaded.band == scores.band);
  BOOST_TEST(std::equal(threaded.contributions.begin(), threaded.contributions.end(), scores.contributions.begin(),
                        scores.contributions.end(), same));
}

BOOST_AUTO_TEST_CASE(bad_input_in_a_history_is_named_as_in_its_period_snapshot) {
  const LargeHistory h(300, 9);
  LargeData d(h);
  const auto& data = d.table;
  const auto& index = d.index;
  // unseen="raise": the first row without a segment in the first period that has one.
  const Scorecard strict({{"logins", Normalizer::percentile("segment", true, UnseenGroup::raise), 1.0}});
  std::size_t first = h.account.size();
  for (std::int64_t p = 0; p < 3 && first == h.account.size(); ++p)
    for (std::size_t i = 0; i < h.account.size() && first == h.account.size(); ++i)
      if (h.period[i] == p && h.segment[i] < 0) first = i;
  BOOST_TEST(message_of([&] { score_history(strict, data, index); }) ==
             "data['segment'][" + std::to_string(first) +
                 "] = missing: peer group not seen in fit (use unseen='population' to score it against the whole "
                 "population)");
  // An infinite value of a Percentile measure: fit's error, at its row of the data.
  d.store[1][first] = INFINITY;
  BOOST_TEST(message_of([&] { score_history(large_card, data, index); }) ==
             "data['logins'][" + std::to_string(first) + "] = inf: values must be finite (NaN means missing)");
}

BOOST_AUTO_TEST_CASE(a_history_reads_nulls_of_a_validity_bitmap_as_missing) {
  const LargeHistory h(400, 13);
  LargeData d(h);
  const auto& with_nan = d.table;
  auto& store = d.store;
  const std::size_t n = h.account.size();
  // logins (a Percentile) and tickets (a Linear) behind a bitmap: every third row null, with a
  // garbage value under it; the same rows NaN in `with_nan`.
  std::vector<std::uint8_t> validity((n + 7) / 8, 0);
  auto logins = store[1], tickets = store[4];
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 3 == 0) logins[i] = 1e300, tickets[i] = -1e300, store[1][i] = NAN, store[4][i] = NAN;
    else validity[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  }
  ColumnTable with_nulls;
  with_nulls.add("usage", store[0]).add("logins", NumericColumn{logins, validity.data(), 0});
  with_nulls.add("seats", store[2]).add("nps", store[3]).add("tickets", NumericColumn{tickets, validity.data(), 0});
  with_nulls.add("segment", d.codes, {"SMB", "Mid", "Enterprise"});
  const auto expected = score_history(large_card, with_nan, d.index);
  const auto scores = score_history(large_card, with_nulls, d.index);
  BOOST_TEST(std::equal(scores.score.begin(), scores.score.end(), expected.score.begin(), expected.score.end(), same));
  BOOST_TEST(std::equal(scores.contributions.begin(), scores.contributions.end(), expected.contributions.begin(),
                        expected.contributions.end(), same));
}
