#define BOOST_TEST_MODULE health.scorecard
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cssegment/health/scorecard.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// Three accounts: logins 10 / 0 / missing, tickets 0 / 10 / 5 (fewer is better), sponsor 1 / 0 / 1.
struct Book {
  std::vector<double> logins{10.0, 0.0, NAN};
  std::vector<double> tickets{0.0, 10.0, 5.0};
  std::vector<double> sponsor{1.0, 0.0, 1.0};
  ColumnTable table() const {
    ColumnTable t;
    t.add("logins", logins).add("tickets", tickets).add("sponsor", sponsor);
    return t;
  }
};

std::vector<Measure> measures(double w1 = 2.0, double w2 = 1.0, double w3 = 1.0) {
  return {{"logins", Normalizer::linear(0.0, 20.0), w1},
          {"tickets", Normalizer::linear(10.0, 0.0), w2},
          {"sponsor", Normalizer::boolean(), w3}};
}

bool close(double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) < 1e-12; }

}  // namespace

BOOST_AUTO_TEST_CASE(weighted_renormalize_scores_over_the_measures_present) {
  const Book book;
  const Scorecard card(measures());
  const auto s = card.score(book.table());
  // Row 0: (2*50 + 100 + 100) / 4 = 75; row 1: (0 + 0 + 0) / 4 = 0; row 2: (50 + 100) / 2 = 75.
  BOOST_TEST(close(s.score[0], 75.0));
  BOOST_TEST(close(s.score[1], 0.0));
  BOOST_TEST(close(s.score[2], 75.0));
  BOOST_TEST(s.band == std::vector<std::int8_t>({2, 0, 2}));
  // Contributions: row 0 = 25, 25, 25; row 2 = 0 (missing), 25, 50.
  BOOST_TEST(close(s.contributions[0 * 3 + 0], 25.0));
  BOOST_TEST(close(s.contributions[2 * 3 + 0], 25.0));
  BOOST_TEST(close(s.contributions[0 * 3 + 2], 0.0));
  BOOST_TEST(close(s.contributions[1 * 3 + 2], 25.0));
  BOOST_TEST(close(s.contributions[2 * 3 + 2], 50.0));
}

BOOST_AUTO_TEST_CASE(weighted_penalize_scores_missing_measures_as_zero) {
  const Book book;
  const Scorecard card(measures(), Combine::weighted, {"red", "yellow", "green"}, {0.0, 50.0, 75.0},
                       MissingMeasures::penalize);
  const auto s = card.score(book.table());
  BOOST_TEST(close(s.score[2], 150.0 / 4.0));
  BOOST_TEST(s.band[2] == 0);
  BOOST_TEST(close(s.contributions[2], 0.0));
}

BOOST_AUTO_TEST_CASE(worst_takes_the_lowest_measure_and_explains_it) {
  const Book book;
  const Scorecard card(measures(), Combine::worst);
  const auto s = card.score(book.table());
  BOOST_TEST(close(s.score[0], 50.0));  // logins 50 is the worst
  BOOST_TEST(close(s.score[2], 50.0));  // tickets 50; logins missing is skipped
  BOOST_TEST(close(s.contributions[0], 50.0));
  BOOST_TEST(close(s.contributions[3], 0.0));
  BOOST_TEST(close(s.contributions[3 + 2], 50.0));
  const Scorecard strict(measures(), Combine::worst, {"red", "yellow", "green"}, {0.0, 50.0, 75.0},
                         MissingMeasures::penalize);
  BOOST_TEST(close(strict.score(book.table()).score[2], 0.0));
  // A measure of weight 0 is ignored by "worst".
  const Scorecard ignoring(measures(0.0, 1.0, 1.0), Combine::worst);
  BOOST_TEST(close(ignoring.score(book.table()).score[0], 100.0));
}

BOOST_AUTO_TEST_CASE(min_measures_leaves_thin_accounts_unscored) {
  const Book book;
  const Scorecard card(measures(), Combine::weighted, {"red", "yellow", "green"}, {0.0, 50.0, 75.0},
                       MissingMeasures::renormalize, 3);
  const auto s = card.score(book.table());
  BOOST_TEST(std::isnan(s.score[2]));
  BOOST_TEST(s.band[2] == -1);
  BOOST_TEST(std::isnan(s.contributions[2]));
  BOOST_TEST(!std::isnan(s.score[0]));
}

BOOST_AUTO_TEST_CASE(bands_start_at_their_lower_bound) {
  const Scorecard card(measures());
  BOOST_TEST(card.band_of(0.0) == 0);
  BOOST_TEST(card.band_of(49.999) == 0);
  BOOST_TEST(card.band_of(50.0) == 1);
  BOOST_TEST(card.band_of(74.999) == 1);
  BOOST_TEST(card.band_of(75.0) == 2);
  BOOST_TEST(card.band_of(100.0) == 2);
  BOOST_TEST(card.band_of(NAN) == -1);
}

BOOST_AUTO_TEST_CASE(contributions_sum_to_the_score_and_trend_follows_previous) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::size_t n = 3 * health_chunk_rows + 77;
  std::vector<double> a(n), b(n), c(n), previous(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = unit(rng) < 0.1 ? NAN : 30.0 * unit(rng);
    b[i] = unit(rng) < 0.2 ? NAN : 10.0 * unit(rng);
    c[i] = unit(rng) < 0.5 ? 1.0 : 0.0;
    previous[i] = 100.0 * unit(rng);
  }
  ColumnTable data;
  data.add("logins", a).add("tickets", b).add("sponsor", c);
  for (auto combine : {Combine::weighted, Combine::worst})
    for (auto missing : {MissingMeasures::renormalize, MissingMeasures::penalize}) {
      const Scorecard card(measures(0.7, 1.3, 2.0), combine, {"red", "yellow", "green"}, {0.0, 50.0, 75.0}, missing);
      const auto s = card.score(data, previous);
      for (std::size_t i = 0; i < n; ++i) {
        const double sum = s.contributions[i] + s.contributions[n + i] + s.contributions[2 * n + i];
        BOOST_REQUIRE(std::abs(sum - s.score[i]) <= 1e-12 * 100.0);
        BOOST_REQUIRE(s.score[i] >= 0.0 && s.score[i] <= 100.0);
        BOOST_REQUIRE(s.trend[i] == s.score[i] - previous[i]);
        BOOST_REQUIRE(s.band[i] == card.band_of(s.score[i]));
      }
    }
}

BOOST_AUTO_TEST_CASE(transform_returns_the_normalised_measures) {
  const Book book;
  const Scorecard card(measures());
  const auto x = card.transform(book.table());
  const std::vector<double> expected{50.0, 0.0, NAN, 100.0, 0.0, 50.0, 100.0, 0.0, 100.0};
  for (std::size_t k = 0; k < x.size(); ++k) BOOST_TEST(close(x[k], expected[k]));
}

BOOST_AUTO_TEST_CASE(fit_learns_percentiles_and_unfitted_use_is_refused) {
  const std::vector<double> x{1.0, 2.0, 3.0, 4.0};
  ColumnTable data;
  data.add("x", x);
  Scorecard card({{"x", Normalizer::percentile(), 1.0}});
  BOOST_TEST(!card.fitted());
  BOOST_CHECK_THROW(card.score(data), NotFitted);
  card.fit(data);
  BOOST_TEST(card.fitted());
  const auto s = card.score(data);
  BOOST_TEST(close(s.score[0], 12.5));
  BOOST_TEST(close(s.score[3], 87.5));
}

BOOST_AUTO_TEST_CASE(bad_input_names_argument_row_and_value) {
  BOOST_TEST(message_of([] { Scorecard(measures(1.0, -1.0, 1.0)); }) ==
             "weights[1] = -1: weights must be finite and >= 0 (measure 'tickets')");
  BOOST_TEST(message_of([] { Scorecard(measures(1.0, INFINITY, 1.0)); }) ==
             "weights[1] = inf: weights must be finite and >= 0 (measure 'tickets')");
  BOOST_TEST(message_of([] { Scorecard(measures(0.0, 0.0, 0.0)); }) ==
             "weights: all weights are 0; at least one measure must count");
  // Found by fuzzing: a weight of 1e307 times a score overflowed to a score of inf.
  BOOST_TEST(message_of([] { Scorecard(measures(1.0, 1e307, 1.0)); }) ==
             "weights[1] = 1e+307: weights must be 0 or between 1e-300 and 1e300 (measure 'tickets')");
  BOOST_TEST(message_of([] { Scorecard(measures(1.0, 1.0, 1e-310)); }).starts_with("weights[2] = "));
  BOOST_CHECK_NO_THROW(Scorecard(measures(Scorecard::max_weight, Scorecard::min_weight, Scorecard::max_weight)));
  BOOST_TEST(message_of([] { Scorecard(measures(), Combine::weighted, {"red", "green"}, {10.0, 50.0}); }) ==
             "bands[0] = 10: the first band must start at 0 (scores run from 0 to 100)");
  BOOST_TEST(message_of([] { Scorecard(measures(), Combine::weighted, {"red", "green"}, {0.0, 0.0}); }) ==
             "bands[1] = 0: thresholds must be strictly ascending (previous is 0)");
  BOOST_TEST(message_of([] { Scorecard(measures(), Combine::weighted, {"red", "green"}, {0.0, 150.0}); }) ==
             "bands[1] = 150: band lower bounds must be <= 100");
  BOOST_TEST(message_of([] { parse_combine("mean"); }) ==
             "combine: 'mean' is not a combine mode; use 'weighted' or 'worst'");
  BOOST_TEST(message_of([] { parse_missing_measures("zero"); }) ==
             "missing: 'zero' is not a missing-measure policy; use 'renormalize' or 'penalize'");
  BOOST_TEST(message_of([] {
               Scorecard(measures(), Combine::weighted, {"r"}, {0.0}, MissingMeasures::renormalize, 4);
             }) == "min_measures: 4 must be between 1 and the number of measures (3)");
  BOOST_CHECK_THROW(Scorecard({{"x", Normalizer::boolean(), 1.0}, {"x", Normalizer::boolean(), 1.0}}), InvalidInput);
  const Book book;
  const Scorecard card(measures());
  ColumnTable partial;
  partial.add("logins", book.logins);
  BOOST_TEST(message_of([&] { card.score(partial); }) == "data: no column 'tickets' (columns: 'logins')");
  BOOST_TEST(message_of([&] { card.score(book.table(), std::vector<double>{1.0}); }) ==
             "previous: has length 1 but data has length 3");
  BOOST_TEST(message_of([&] { card.score(book.table(), std::vector<double>{50.0, NAN, INFINITY}); }) ==
             "previous[2] = inf: earlier scores must be in [0, 100] (NaN: no earlier score)");
  BOOST_TEST(message_of([&] { card.score(book.table(), std::vector<double>{-1.0, 0.0, 100.0}); }) ==
             "previous[0] = -1: earlier scores must be in [0, 100] (NaN: no earlier score)");
  Book infinite;
  infinite.tickets[1] = -INFINITY;
  BOOST_TEST(message_of([&] { card.score(infinite.table()); }) ==
             "data['tickets'][1] = -inf: values must be finite (NaN means missing)");
}

BOOST_AUTO_TEST_CASE(json_round_trips) {
  const std::vector<double> x{1.0, 2.0, 3.0, 4.0};
  ColumnTable data;
  data.add("x", x).add("logins", x);
  Scorecard card({{"x", Normalizer::zscore(), 2.0}, {"logins", Normalizer::bands({2.0}, {0.0, 100.0}), 0.5}},
                 Combine::worst, {"bad", "good"}, {0.0, 60.0}, MissingMeasures::penalize, 2);
  card.fit(data);
  const auto back = Scorecard::from_json(card.to_json());
  BOOST_TEST((back == card));
  BOOST_TEST(back.score(data).score == card.score(data).score);
  BOOST_CHECK_THROW(Scorecard::from_json(R"({"kind":"TierModel","cssegment_version":"0.1.0"})"), InvalidInput);
}

BOOST_AUTO_TEST_CASE(label_measures_read_label_columns) {
  // Contract (a Category) and a Yes/No flag (Boolean with true labels) next to a numeric measure.
  const std::vector<std::int32_t> contract{0, 1, -1}, support{1, 0, 0};
  const std::vector<double> logins{10.0, 20.0, 0.0};
  ColumnTable data;
  data.add("contract", contract, {"Two year", "Month-to-month"})
      .add("support", support, {"No", "Yes"})
      .add("logins", logins);
  const Scorecard card({{"contract", Normalizer::category({"Month-to-month", "Two year"}, {0.0, 100.0}), 1.0},
                        {"support", Normalizer::boolean(true, {"Yes"}), 1.0},
                        {"logins", Normalizer::linear(0.0, 20.0), 2.0}});
  const auto s = card.score(data);
  // Row 0: Two year, Yes: (100 + 100 + 2*50) / 4 = 75; row 1: Month-to-month, No: (0 + 0 + 2*100) / 4
  // = 50; row 2: contract missing, No, no logins: (0 + 0) / 3 = 0.
  BOOST_TEST(close(s.score[0], 75.0));
  BOOST_TEST(close(s.score[1], 50.0));
  BOOST_TEST(close(s.score[2], 0.0));
  ColumnTable numbers;
  const std::vector<double> x{1.0, 2.0, 3.0};
  numbers.add("contract", x).add("support", support, {"No", "Yes"}).add("logins", logins);
  BOOST_CHECK_THROW(card.score(numbers), InvalidInput);
}

// Found by fuzz_model_fields (issue 21): (w 100) (1 / w) rounds above 100 for w = 91, so a full
// score came out as 100.00000000000001.
BOOST_AUTO_TEST_CASE(full_marks_under_any_weight_score_exactly_100) {
  const std::vector<double> x{10.0, 20.0};
  for (double weight : {91.0, 93.0, 6.386396631090761e293}) {
    const Scorecard card({Measure{"x", Normalizer::linear(0.0, 10.0), weight}});
    ColumnTable table;
    table.add("x", x);
    for (double score : card.score(table).score) BOOST_TEST(score == 100.0);
  }
}

// A column with an Arrow validity bitmap scores exactly as the same column with NaN for its nulls,
// whatever the values under the nulls (here ones a normaliser refuses), over several blocks of rows.
BOOST_AUTO_TEST_CASE(validity_bitmaps_score_as_nan) {
  const std::size_t rows = 2 * health_block_rows + 13, offset = 5;
  std::mt19937 random(7);
  std::vector<double> logins(rows), sponsor(rows), logins_nan(rows), sponsor_nan(rows);
  std::vector<std::uint8_t> logins_bits((rows + offset + 7) / 8), sponsor_bits(logins_bits.size());
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t bit = offset + i;
    const bool logins_valid = random() % 3 != 0, sponsor_valid = random() % 4 != 0;
    logins_bits[bit / 8] |= static_cast<std::uint8_t>(logins_valid << (bit % 8));
    sponsor_bits[bit / 8] |= static_cast<std::uint8_t>(sponsor_valid << (bit % 8));
    logins[i] = logins_valid ? static_cast<double>(random() % 30) : INFINITY;
    sponsor[i] = sponsor_valid ? static_cast<double>(random() % 2) : 2.0;
    logins_nan[i] = logins_valid ? logins[i] : NAN;
    sponsor_nan[i] = sponsor_valid ? sponsor[i] : NAN;
  }
  const std::vector<double> tickets(rows, 3.0);
  ColumnTable masked, filled;
  masked.add("logins", NumericColumn{logins, logins_bits.data(), offset}).add("tickets", tickets);
  masked.add("sponsor", NumericColumn{sponsor, sponsor_bits.data(), offset});
  filled.add("logins", logins_nan).add("tickets", tickets).add("sponsor", sponsor_nan);
  for (const auto combine : {Combine::weighted, Combine::worst}) {
    const Scorecard card(measures(), combine);
    const auto a = card.score(masked), b = card.score(filled);
    BOOST_TEST(a.score.size() == rows);
    for (std::size_t i = 0; i < rows; ++i) BOOST_TEST(close(a.score[i], b.score[i]));
    for (std::size_t i = 0; i < a.contributions.size(); ++i) BOOST_TEST(close(a.contributions[i], b.contributions[i]));
    BOOST_TEST(a.band == b.band);
  }
  sponsor[rows - 1] = 2.0;  // a valid value the Boolean normaliser refuses: named with its row
  sponsor_bits[(offset + rows - 1) / 8] |= static_cast<std::uint8_t>(1U << ((offset + rows - 1) % 8));
  BOOST_TEST(message_of([&] { (void)Scorecard(measures()).score(masked); }) ==
             "data['sponsor'][" + std::to_string(rows - 1) + "] = 2: Boolean measures must be 0 or 1 (false or true)");
}
