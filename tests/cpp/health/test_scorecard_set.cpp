#define BOOST_TEST_MODULE health.scorecard_set
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cssegment/health/scorecard_set.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// Five accounts: Enterprise, SMB, Trial (no scorecard of its own), no segment, Enterprise.
struct Book {
  std::vector<std::int32_t> segment{0, 1, 2, -1, 0};
  std::vector<double> logins{10.0, 0.0, 20.0, NAN, 4.0};
  std::vector<double> tickets{0.0, 10.0, 5.0, 5.0, 3.0};
  std::vector<double> sponsor{1.0, 0.0, 1.0, 0.0, 0.0};
  ColumnTable table() const {
    ColumnTable t;
    t.add("segment", segment, {"Enterprise", "SMB", "Trial"});
    t.add("logins", logins).add("tickets", tickets).add("sponsor", sponsor);
    return t;
  }
};

Scorecard enterprise() {
  return Scorecard({{"sponsor", Normalizer::boolean(), 1.0}, {"logins", Normalizer::linear(0.0, 20.0), 1.0}});
}
Scorecard smb() { return Scorecard({{"tickets", Normalizer::linear(10.0, 0.0), 1.0}}); }
Scorecard usage() { return Scorecard({{"logins", Normalizer::linear(0.0, 20.0), 1.0}}); }

ScorecardSet book_set(bool with_default = true) {
  return ScorecardSet("segment", {{"Enterprise", enterprise()}, {"SMB", smb()}},
                      with_default ? std::optional<Scorecard>(usage()) : std::nullopt);
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) < 1e-12; }

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_segment_is_scored_by_its_own_scorecard_and_others_by_the_default) {
  const Book book;
  const auto set = book_set();
  BOOST_TEST(set.scorecard_names() == std::vector<std::string>({"Enterprise", "SMB", "default"}));
  BOOST_TEST(set.measure_columns() == std::vector<std::string>({"sponsor", "logins", "tickets"}));
  const auto s = set.score(book.table());
  // Enterprise: (sponsor + logins) / 2 = (100 + 50) / 2 and (0 + 20) / 2; SMB: tickets 10 of 10 = 0;
  // Trial and no segment take the default (logins): 100, and no score without logins.
  BOOST_TEST(same(s.score, {75.0, 0.0, 100.0, NAN, 10.0}));
  BOOST_TEST(s.band == std::vector<std::int8_t>({2, 0, 2, -1, 0}));
  BOOST_TEST(s.scorecard == std::vector<std::int32_t>({0, 1, 2, 2, 0}));
  BOOST_TEST(s.trend.empty());
  const std::size_t n = 5;
  const std::vector<double> sponsor(s.contributions.begin(), s.contributions.begin() + n);
  const std::vector<double> logins(s.contributions.begin() + n, s.contributions.begin() + 2 * n);
  const std::vector<double> tickets(s.contributions.begin() + 2 * n, s.contributions.end());
  BOOST_TEST(same(sponsor, {50.0, 0.0, 0.0, NAN, 0.0}));
  BOOST_TEST(same(logins, {25.0, 0.0, 100.0, NAN, 10.0}));
  BOOST_TEST(same(tickets, {0.0, 0.0, 0.0, NAN, 0.0}));
  for (std::size_t i = 0; i < n; ++i) BOOST_TEST(same(sponsor[i] + logins[i] + tickets[i], s.score[i]));
}

BOOST_AUTO_TEST_CASE(trend_is_the_change_since_previous) {
  const Book book;
  const std::vector<double> previous{70.0, 10.0, NAN, 50.0, 10.0};
  const auto s = book_set().score(book.table(), previous);
  BOOST_TEST(same(s.trend, {5.0, -10.0, NAN, NAN, 0.0}));
  BOOST_TEST(message_of([&] { book_set().score(book.table(), std::vector<double>(4)); }) ==
             "previous: has length 4 but data has length 5");
}

BOOST_AUTO_TEST_CASE(without_a_default_an_unknown_or_missing_segment_is_an_error) {
  Book book;
  BOOST_TEST(message_of([&] { book_set(false).score(book.table()); }) ==
             "data['segment'][2] = 'Trial': no scorecard for this segment and no default (scorecards: 'Enterprise', "
             "'SMB')");
  book.segment[2] = 1;
  BOOST_TEST(message_of([&] { book_set(false).score(book.table()); }) ==
             "data['segment'][3] = missing: no scorecard for this segment and no default (scorecards: 'Enterprise', "
             "'SMB')");
  book.segment[3] = 0;
  BOOST_TEST(book_set(false).score(book.table()).scorecard == std::vector<std::int32_t>({0, 1, 1, 0, 0}));
}

BOOST_AUTO_TEST_CASE(errors_name_the_row_of_the_whole_data) {
  Book book;
  book.logins[4] = INFINITY;  // the second row of the Enterprise scorecard
  book.logins[2] = -INFINITY;  // the first row of the default: reported, being the first row
  BOOST_TEST(message_of([&] { book_set().score(book.table()); }) ==
             "data['logins'][2] = -inf: values must be finite (NaN means missing)");
  book.logins[2] = 1.0;
  BOOST_TEST(message_of([&] { book_set().score(book.table()); }) ==
             "data['logins'][4] = inf: values must be finite (NaN means missing)");
  ColumnTable numeric_segments;
  numeric_segments.add("segment", book.logins).add("logins", book.logins);
  BOOST_TEST(message_of([&] { book_set().score(numeric_segments); }) ==
             "data['segment']: is a numeric column; segment labels (strings or categories) are required");
  ColumnTable no_tickets;
  no_tickets.add("segment", book.segment, {"Enterprise", "SMB", "Trial"}).add("logins", book.logins);
  no_tickets.add("sponsor", book.sponsor);
  BOOST_TEST(message_of([&] { book_set().score(no_tickets); }) ==
             "data: no column 'tickets' (columns: 'segment', 'logins', 'sponsor')");
}

BOOST_AUTO_TEST_CASE(bad_sets_are_refused) {
  BOOST_TEST(message_of([] { ScorecardSet("segment", {}); }) == "scorecards: give at least one scorecard or a default");
  BOOST_TEST(message_of([] { ScorecardSet("segment", {{"SMB", smb()}, {"SMB", usage()}}); }) ==
             "scorecards[1] = 'SMB': duplicate name");
  BOOST_TEST(message_of([] { ScorecardSet("segment", {{"", smb()}}); }) ==
             "scorecards[0] = '': names must not be empty");
  BOOST_TEST(message_of([] { ScorecardSet("segment", {{"default", smb()}}); }) ==
             "scorecards[0] = 'default': this name is reserved for the default scorecard");
  BOOST_TEST(message_of([] { ScorecardSet("", {{"SMB", smb()}}); }) == "by: must name the column of segment labels");
  const Scorecard other_bands({{"logins", Normalizer::linear(0.0, 20.0), 1.0}}, Combine::weighted, {"low", "high"},
                              {0.0, 60.0});
  BOOST_TEST(message_of([&] { ScorecardSet("segment", {{"SMB", smb()}}, other_bands); }) ==
             "scorecards['default']: bands ['low', 'high'] differ from ['red', 'yellow', 'green']; all scorecards must "
             "share band names");
  // Same names, other bounds: each scorecard bands its own scores (50 is yellow by default).
  const Scorecard strict({{"logins", Normalizer::linear(0.0, 20.0), 1.0}}, Combine::weighted,
                         {"red", "yellow", "green"}, {0.0, 90.0, 99.0});
  const Book book;
  const auto s = ScorecardSet("segment", {{"Enterprise", strict}}, usage()).score(book.table());
  BOOST_TEST(same(s.score, {50.0, 0.0, 100.0, NAN, 20.0}));
  BOOST_TEST(s.band == std::vector<std::int8_t>({0, 0, 2, -1, 0}));
  // A default alone scores every row.
  BOOST_TEST(ScorecardSet("segment", {}, usage()).score(book.table()).scorecard == std::vector<std::int32_t>(5, 0));
}

BOOST_AUTO_TEST_CASE(fit_learns_each_scorecard_on_its_own_segment) {
  // Segment A holds x = 1, 2, 3; segment B holds x = 10, 20.
  const std::vector<std::int32_t> segment{0, 1, 0, 1, 0};
  const std::vector<double> x{1.0, 10.0, 2.0, 20.0, 3.0};
  ColumnTable table;
  table.add("segment", segment, {"A", "B"}).add("x", x);
  const Scorecard percentile({{"x", Normalizer::percentile(), 1.0}});
  ScorecardSet set("segment", {{"A", percentile}, {"B", percentile}});
  BOOST_CHECK_THROW(set.score(table), NotFitted);
  set.fit(table);
  // Mid-rank percentiles within each segment: 1 of 3 -> 100 * 0.5 / 3, 2 -> 50, 3 -> 2.5 / 3; 10 -> 25, 20 -> 75.
  BOOST_TEST(same(set.score(table).score, {50.0 / 3.0, 25.0, 50.0, 75.0, 250.0 / 3.0}));
  // A default without rows of its own learns from every row.
  ScorecardSet fallback("segment", {{"A", percentile}, {"B", percentile}}, percentile);
  fallback.fit(table);
  BOOST_TEST(same(fallback.scorecards()[0].score(table).score, set.scorecards()[0].score(table).score));
  BOOST_TEST(fallback.default_scorecard()->fitted());
  BOOST_TEST(same(fallback.default_scorecard()->score(table).score, {10.0, 70.0, 30.0, 90.0, 50.0}));
  // A failed fit leaves the set as it was.
  const std::vector<double> bad{1.0, 10.0, 2.0, INFINITY, 3.0};
  ColumnTable bad_table;
  bad_table.add("segment", segment, {"A", "B"}).add("x", bad);
  ScorecardSet untouched("segment", {{"A", percentile}, {"B", percentile}});
  BOOST_TEST(message_of([&] { untouched.fit(bad_table); }) ==
             "data['x'][3] = inf: values must be finite (NaN means missing)");
  BOOST_TEST(!untouched.scorecards()[0].fitted());
}

BOOST_AUTO_TEST_CASE(json_round_trip) {
  const auto set = book_set();
  const auto restored = ScorecardSet::from_json(set.to_json());
  BOOST_TEST((restored == set));
  BOOST_TEST(restored.scorecard_names() == set.scorecard_names());
  const auto document = set.to_document();
  BOOST_TEST(document["kind"].get<std::string>() == "ScorecardSet");
  BOOST_TEST(document["cssegment_version"].get<std::string>() == CSSEGMENT_VERSION);
  BOOST_TEST(document["scorecards"][0]["segment"].get<std::string>() == "Enterprise");
  BOOST_TEST(document["scorecards"][0]["scorecard"]["kind"].get<std::string>() == "Scorecard");
  const auto without_default = book_set(false);
  BOOST_TEST((ScorecardSet::from_json(without_default.to_json()) == without_default));
  auto object = document;
  object["scorecards"] = json::Document::object();
  BOOST_TEST(message_of([&] { ScorecardSet::from_json(object.dump()); }) ==
             "json: field 'scorecards' must be an array");
  auto foreign = document;
  foreign["default"]["kind"] = "CalibratedScorecard";
  BOOST_TEST(message_of([&] { ScorecardSet::from_json(foreign.dump()); }) ==
             "json: is a 'CalibratedScorecard' document, not a 'Scorecard'");
  BOOST_TEST(message_of([&] { ScorecardSet::from_json(smb().to_json()); }) ==
             "json: is a 'Scorecard' document, not a 'ScorecardSet'");
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_the_thread_count_and_match_each_scorecard_alone) {
  const std::size_t n = 200'000;  // several chunks per scorecard
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::int32_t> pick(-1, 2);
  std::uniform_real_distribution<double> uniform(0.0, 25.0);
  std::vector<std::int32_t> segment(n);
  std::vector<double> logins(n), tickets(n), sponsor(n);
  for (std::size_t i = 0; i < n; ++i) {
    segment[i] = pick(random);
    logins[i] = i % 17 == 0 ? NAN : uniform(random);
    tickets[i] = uniform(random) / 2.0;
    sponsor[i] = static_cast<double>(i % 3 == 0);
  }
  ColumnTable table;
  table.add("segment", segment, {"Enterprise", "SMB", "Trial"});
  table.add("logins", logins).add("tickets", tickets).add("sponsor", sponsor);
  const auto set = book_set();
  const auto one = set.score(table, logins, 1);
  for (std::size_t threads : {2u, 3u, 0u}) {
    const auto many = set.score(table, logins, threads);
    BOOST_TEST(same(many.score, one.score));
    BOOST_TEST(same(many.trend, one.trend));
    BOOST_TEST(same(many.contributions, one.contributions));
    BOOST_TEST(many.band == one.band);
    BOOST_TEST(many.scorecard == one.scorecard);
  }
  // Oracle: the Enterprise scorecard alone on the Enterprise rows.
  std::vector<double> own_sponsor, own_logins;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i)
    if (segment[i] == 0) rows.push_back(i), own_sponsor.push_back(sponsor[i]), own_logins.push_back(logins[i]);
  ColumnTable own;
  own.add("sponsor", own_sponsor).add("logins", own_logins);
  const auto alone = enterprise().score(own);
  bool all_same = true;
  for (std::size_t j = 0; j < rows.size(); ++j)
    all_same &= same(one.score[rows[j]], alone.score[j]) && one.band[rows[j]] == alone.band[j] &&
                same(one.contributions[rows[j]], alone.contributions[j]) &&
                same(one.contributions[n + rows[j]], alone.contributions[rows.size() + j]) &&
                same(one.contributions[2 * n + rows[j]], std::isnan(alone.score[j]) ? NAN : 0.0);
  BOOST_TEST(all_same);
  BOOST_TEST(rows.size() > health_chunk_rows);
}
