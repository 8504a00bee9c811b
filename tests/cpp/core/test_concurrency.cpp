#define BOOST_TEST_MODULE core.concurrency
// Models are safe for concurrent const use: several std::threads run every model's const
// operations on the same shared objects and data, and each gets the single-threaded result. The
// `tsan` preset runs this suite under ThreadSanitizer, which must report no data race.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <latch>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "cssegment/cssegment.hpp"

using namespace cssegment;

namespace {

constexpr std::size_t thread_count = 4;
constexpr std::size_t rounds = 2;

// Bit-for-bit equality of vectors of numbers: NaN where the single-threaded run has NaN.
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  static_assert(std::is_arithmetic_v<T>);
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Runs job() on this thread, then `rounds` times on each of `thread_count` threads that start
// together; every result must satisfy equal(result, single-threaded result).
template <class Job, class Equal>
void check_concurrent(Job job, Equal equal) {
  const auto expected = job();
  std::vector<std::vector<decltype(job())>> results(thread_count);
  std::vector<std::exception_ptr> errors(thread_count);
  std::latch start(static_cast<std::ptrdiff_t>(thread_count));
  {
    std::vector<std::jthread> workers;
    for (std::size_t t = 0; t < thread_count; ++t)
      workers.emplace_back([&, t] {
        start.arrive_and_wait();
        try {
          for (std::size_t r = 0; r < rounds; ++r) results[t].push_back(job());
        } catch (...) {
          errors[t] = std::current_exception();
        }
      });
  }
  for (std::size_t t = 0; t < thread_count; ++t) {
    if (errors[t]) {
      try {
        std::rethrow_exception(errors[t]);
      } catch (const std::exception& error) {
        BOOST_ERROR("thread " << t << " threw: " << error.what());
      }
      continue;
    }
    BOOST_TEST(results[t].size() == rounds);
    for (const auto& result : results[t]) BOOST_TEST(equal(result, expected), "thread " << t);
  }
}

template <class Job>
void check_concurrent(Job job) {
  check_concurrent(job, [](const auto& a, const auto& b) { return a == b; });
}

std::vector<double> as_double(const auto& values) { return {values.begin(), values.end()}; }

// A synthetic book, its columns as a ColumnTable, and fitted models: shared by every thread.
struct Shared {
  SyntheticBook book = synthetic_book({.n_accounts = 3000, .n_months = 24, .seed = 5});
  std::vector<double> tickets = as_double(book.tickets_90d), sponsor = as_double(book.exec_sponsor),
                      churned = as_double(book.churned);
  ColumnTable table = make_table();
  std::vector<std::int32_t> previous_tiers = TierModel::touch().assign(std::vector<double>(book.potential));
  std::vector<double> features = make_features();
  FeatureMatrix matrix{features, book.arr.size(), 3, {"arr", "employees", "logins_per_user"}};
  Scorecard card = make_scorecard().fit(table);
  CalibratedScorecard calibrated = CalibratedScorecard::calibrate(card, table, churned, 1.0);
  std::vector<std::int64_t> months{book.revenue_month.begin(), book.revenue_month.end()};
  RevenueLedger ledger = build_ledger();
  AccountSegments tiers = AccountSegments::per_account(ledger, book.account_id, TierModel::touch().assign(book.arr), 3);
  std::vector<double> alive = survivors();

  ColumnTable make_table() const {
    ColumnTable t(book.arr.size());
    t.add("arr", book.arr).add("employees", book.employees).add("potential", book.potential);
    t.add("nps", book.nps).add("logins_per_user", book.logins_per_user).add("seats_used_pct", book.seats_used_pct);
    t.add("tickets_90d", tickets).add("exec_sponsor", sponsor);
    t.add("region", book.region, book.region_names);
    return t;
  }
  std::vector<double> make_features() const {
    std::vector<double> x;
    for (std::size_t i = 0; i < book.arr.size(); ++i)
      x.insert(x.end(), {std::log1p(book.arr[i]), std::log1p(book.employees[i]), book.logins_per_user[i]});
    return x;
  }
  static Scorecard make_scorecard() {
    return Scorecard({{"nps", Normalizer::bands({7, 9}, {0, 50, 100}), 1.0},
                      {"logins_per_user", Normalizer::percentile("region"), 2.0},
                      {"seats_used_pct", Normalizer::zscore(), 2.0},
                      {"tickets_90d", Normalizer::linear(10, 0), 1.0},
                      {"exec_sponsor", Normalizer::boolean(), 1.0}});
  }
  RevenueLedger build_ledger() const {
    return RevenueLedger::from_rows(book.revenue_account_id, {months}, book.revenue_mrr);
  }
  // Cohorts of 200 accounts whose survivors fall by a cohort-specific rate.
  static std::vector<double> survivors() {
    std::vector<double> alive;
    for (int cohort = 0; cohort < 40; ++cohort) {
      double count = 200.0;
      for (int age = 0; age < 8; ++age, count = std::floor(count * (0.5 + 0.004 * cohort + 0.04 * age)))
        alive.push_back(count);
    }
    return alive;
  }
};

const Shared& shared() {
  static const Shared data;
  return data;
}

}  // namespace

BOOST_AUTO_TEST_CASE(segmentation_models_assign_and_dump_concurrently) {
  const Shared& s = shared();
  const TierModel tiers({10'000.0, 50'000.0}, {"Tech", "Low", "High"}, "arr", {1000.0, 100.0, 15.0}, 0.1);
  const QuadrantModel quadrants("employees", 1000.0, "arr", 50'000.0, QuadrantModel::default_names(), 0.1);
  const RuleModel rules = RuleModel::four_tier();
  check_concurrent([&] { return tiers.assign(s.book.arr, s.previous_tiers); });
  check_concurrent([&] { return tiers.assign(s.table); });
  check_concurrent([&] { return quadrants.assign(s.table, s.previous_tiers); });
  check_concurrent([&] { return rules.assign(s.table, s.previous_tiers); });
  check_concurrent([&] { return tiers.to_json() + quadrants.to_json() + rules.to_json(); });
  check_concurrent([&] { return RuleModel::from_json(rules.to_json()); });
  const auto codes = tiers.assign(s.book.arr);
  check_concurrent([&] { return transitions(s.previous_tiers, codes, 3, s.book.arr).cells; },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent(
      [&] {
        std::vector<double> flat;
        for (const CoverageRow& row : coverage(codes, tiers.csm_ratios(), s.book.arr, 150'000.0))
          flat.insert(flat.end(), {double(row.accounts), row.arr, row.csms_needed, row.total_cost, row.arr_per_csm});
        return flat;
      },
      [](const auto& a, const auto& b) { return same_bits(a, b); });
  // The coverage planner: one planner read by every thread, and planners built on each.
  std::vector<double> churn(s.book.arr.size());
  for (std::size_t i = 0; i < churn.size(); ++i) churn[i] = 0.05 + 0.3 * double(i % 7) / 7.0;
  const std::vector<double> factors{1.0, 0.85, 0.7};
  const std::vector<std::vector<double>> grid{{5'000.0, 10'000.0, 20'000.0}, {30'000.0, 50'000.0, 80'000.0}};
  const CoveragePlanner planner(tiers, s.book.arr, churn, s.previous_tiers);
  check_concurrent([&] { return planner.evaluate(grid, factors, 150'000.0, 1.0).net_value; },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent(
      [&] {
        return CoveragePlanner(tiers, s.book.arr, churn, s.previous_tiers)
            .evaluate(grid, factors, 150'000.0, 1.0)
            .expected_retained_arr;
      },
      [](const auto& a, const auto& b) { return same_bits(a, b); });
}

BOOST_AUTO_TEST_CASE(kmeans_predicts_concurrently_and_fits_alike_on_every_thread) {
  const Shared& s = shared();
  KMeans fitted(5, 2, 100, 1e-4, {FeatureScale::standard}, 3);
  fitted.fit(s.matrix);
  const KMeans& model = fitted;
  check_concurrent([&] { return model.predict(s.matrix); });
  check_concurrent([&] { return model.to_json(); });
  // Fitting is not const: each thread fits its own model on the shared data, with the same seed.
  check_concurrent([&] {
    KMeans own(4, 2, 50, 1e-4, {FeatureScale::standard}, 7);
    own.fit(s.matrix);
    return own;
  });
}

BOOST_AUTO_TEST_CASE(scorecards_score_calibrate_and_backtest_concurrently) {
  const Shared& s = shared();
  const Scorecard& card = s.card;
  const auto score_equal = [](const Scores& a, const Scores& b) {
    return same_bits(a.score, b.score) && same_bits(a.band, b.band) && same_bits(a.contributions, b.contributions);
  };
  check_concurrent([&] { return card.score(s.table); }, score_equal);
  check_concurrent([&] { return card.transform(s.table); },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent([&] { return card.to_json(); });
  check_concurrent([&] { return Scorecard::from_json(card.to_json()); });
  check_concurrent([&] { return Shared::make_scorecard().fit(s.table); });

  const ScorecardSet set("region", {{s.book.region_names[0], Shared::make_scorecard()}}, Shared::make_scorecard());
  ScorecardSet fitted_set = set;
  fitted_set.fit(s.table);
  const ScorecardSet& shared_set = fitted_set;
  check_concurrent([&] { return shared_set.score(s.table); },
                   [&](const SetScores& a, const SetScores& b) {
                     return score_equal(a, b) && a.scorecard == b.scorecard;
                   });
  check_concurrent([&] { return shared_set.to_json(); });

  const CalibratedScorecard& calibrated = s.calibrated;
  check_concurrent([&] { return calibrated.predict_proba(s.table); },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent([&] { return calibrated.to_json(); });
  check_concurrent([&] { return CalibratedScorecard::calibrate(card, s.table, s.churned, 1.0); });

  const Scores scores = card.score(s.table);
  check_concurrent([&] { return health_auc(scores.score, s.churned); },
                   [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; });
  check_concurrent(
      [&] {
        const BacktestResult r = backtest(scores.score, scores.band, 3, s.churned);
        std::vector<double> flat{r.auc, double(r.accounts), double(r.churned), double(r.unscored)};
        for (const auto& group : r.deciles) flat.insert(flat.end(), {double(group.accounts), double(group.churned)});
        return flat;
      },
      [](const auto& a, const auto& b) { return same_bits(a, b); });
}

BOOST_AUTO_TEST_CASE(ledgers_build_and_report_concurrently) {
  const Shared& s = shared();
  const RevenueLedger& ledger = s.ledger;
  check_concurrent([&] { return s.build_ledger().matrix(); },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  // Mid-month dates bucketed into fiscal quarters: one calendar, read by every thread.
  const Calendar months_calendar, quarters = Calendar::of("Q", 4);
  std::vector<std::int64_t> days;
  for (const std::int64_t month : s.months) days.push_back(months_calendar.first_day(month) + 14);
  check_concurrent(
      [&] {
        return RevenueLedger::from_rows(s.book.revenue_account_id, {days, 1, quarters}, s.book.revenue_mrr).matrix();
      },
      [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent([&] { return movement_partials(ledger, s.tiers); });
  check_concurrent([&] { return movement_partials(ledger, s.tiers, 2); });
  check_concurrent([&] { return retention_partials(ledger, s.tiers, 6); });
  check_concurrent([&] { return cohort_sums(ledger, s.tiers, {3, false}).sums; });
  // Subscriptions of one month each (from the book's rows) and a hierarchy over the accounts.
  std::vector<std::int64_t> starts, ends, intervals(s.months.size(), 1), last_days, parents;
  for (std::int64_t month : s.months) starts.push_back(month * 31), ends.push_back(month * 31 + 31);
  for (std::int64_t month = 0; month <= 40; ++month) last_days.push_back(month * 31 + 30);
  const Subscriptions subscriptions{s.book.revenue_account_id, starts, ends, s.book.revenue_mrr, intervals};
  check_concurrent([&] { return ledger_from_subscriptions(subscriptions, last_days, 0).matrix(); },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  for (std::size_t i = 0; i < s.book.account_id.size(); ++i)
    parents.push_back(i % 7 == 3 ? static_cast<std::int64_t>(i - 3) : no_parent);
  check_concurrent([&] { return top_ancestors(parents); });

  const PartialSums movements = movement_partials(ledger, s.tiers), retention = retention_partials(ledger, s.tiers, 6);
  check_concurrent([&] { return movement_table(movements).end; },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent([&] { return movement_table(movements).quick_ratio; },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent([&] { return retention_table(retention).nrr; },
                   [](const auto& a, const auto& b) { return same_bits(a, b); });
  check_concurrent([&] { return movements.to_json(); });
  check_concurrent([&] { return PartialSums::from_json(retention.to_json()); });
}

BOOST_AUTO_TEST_CASE(sbg_models_project_and_fit_concurrently) {
  const Shared& s = shared();
  const std::span<const double> first_cohort(s.alive.data(), 8);
  const ShiftedBetaGeometric model = ShiftedBetaGeometric::fit(first_cohort);
  const auto bits = [](const auto& a, const auto& b) { return same_bits(a, b); };
  check_concurrent([&] { return model.survival_curve(60); }, bits);
  check_concurrent(
      [&] {
        return std::vector<double>{model.lifetime_value(100.0, 0.01),
                                   model.discounted_expected_lifetime(0.01),
                                   model.discounted_expected_residual_lifetime(0.01, 3),
                                   model.survival(12),
                                   model.retention_rate(4),
                                   model.churn_probability(7)};
      },
      bits);
  check_concurrent([&] { return model.to_json(); });
  check_concurrent([&] { return ShiftedBetaGeometric::fit(first_cohort); });
  check_concurrent(
      [&] {
        std::vector<double> flat;
        for (const SbgFit& fit : fit_sbg_many(s.alive, 40, 8))
          flat.insert(flat.end(), {fit.alpha, fit.beta, fit.log_likelihood});
        return flat;
      },
      bits);
}

BOOST_AUTO_TEST_CASE(rd_estimates_concurrently) {
  // 40,000 rows: large enough for the two sides to run on two threads inside each call.
  std::vector<double> x, y, t;
  for (std::size_t i = 0; i < 40000; ++i) {
    const double k = static_cast<double>(i + 1), a = k * 0.6180339887498949 - std::floor(k * 0.6180339887498949);
    const double e = k * 0.7548776662466927 - std::floor(k * 0.7548776662466927);
    x.push_back(2.0 * a - 1.0);
    y.push_back(x.back() + (x.back() >= 0.0 ? 0.4 : 0.0) + e);
    t.push_back(e < (x.back() >= 0.0 ? 0.8 : 0.2) ? 1.0 : 0.0);
  }
  const auto bits = [](const auto& a, const auto& b) { return same_bits(a, b); };
  for (bool fuzzy : {false, true})
    check_concurrent(
        [&] {
          const causal::RdResult r =
              causal::rd_estimate(y, x, fuzzy ? std::span<const double>(t) : std::span<const double>{}, {},
                                  causal::RdOptions{});
          return std::vector<double>{r.estimate, r.estimate_bc, r.se, r.se_robust, r.h[0], r.b[0]};
        },
        bits);
}

BOOST_AUTO_TEST_CASE(density_tests_run_concurrently) {
  const Shared& s = shared();
  check_concurrent(
      [&] {
        const DensityTest test = density_test(s.book.potential, {.cutoff = 50'000.0});
        return std::vector<double>{test.statistic,    test.p_value,       test.h_left,       test.h_right,
                                   test.density_left, test.density_right, test.se_difference};
      },
      [](const auto& a, const auto& b) { return same_bits(a, b); });
}
