#define BOOST_TEST_MODULE synthetic_book
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "cssegment/datasets/synthetic_book.hpp"

using cssegment::SyntheticBook;
using cssegment::SyntheticBookOptions;

namespace {

const SyntheticBook& default_book() {
  static const SyntheticBook book = cssegment::synthetic_book({.n_accounts = 20'000, .n_months = 36, .seed = 7});
  return book;
}

// Last-month MRR per account (0 when the account has no row in the last month).
std::vector<double> last_month_mrr(const SyntheticBook& book, std::int32_t last_month) {
  std::vector<double> mrr(book.account_id.size(), 0.0);
  for (std::size_t row = 0; row < book.revenue_mrr.size(); ++row)
    if (book.revenue_month[row] == last_month) mrr[book.revenue_account_id[row] - 1] = book.revenue_mrr[row];
  return mrr;
}

// Mean of `values` over the accounts whose churned flag equals `churned`.
template <class T>
double mean_where_churned(const SyntheticBook& book, const std::vector<T>& values, bool churned) {
  double sum = 0.0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (static_cast<bool>(book.churned[i]) == churned) {
      sum += static_cast<double>(values[i]);
      ++count;
    }
  return sum / static_cast<double>(count);
}

bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  return std::ranges::equal(a, b, [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); });
}

bool same_book(const SyntheticBook& a, const SyntheticBook& b) {
  return a.account_id == b.account_id && a.arr == b.arr && a.employees == b.employees &&
         a.company_revenue == b.company_revenue && a.potential == b.potential && a.industry == b.industry &&
         a.region == b.region && a.start_month == b.start_month && a.tenure_days == b.tenure_days &&
         a.renewal_days == b.renewal_days && same_values(a.nps, b.nps) && a.logins_per_user == b.logins_per_user &&
         a.seats_used_pct == b.seats_used_pct && a.tickets_90d == b.tickets_90d && a.exec_sponsor == b.exec_sponsor &&
         a.churned == b.churned && a.revenue_account_id == b.revenue_account_id && a.revenue_month == b.revenue_month &&
         a.revenue_mrr == b.revenue_mrr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_seed_same_book_different_seed_different_book) {
  // Large enough to run on several threads with several chunks.
  const SyntheticBookOptions options{.n_accounts = 100'000, .n_months = 24, .seed = 42};
  const SyntheticBook first = cssegment::synthetic_book(options);
  BOOST_TEST(same_book(first, cssegment::synthetic_book(options)));
  SyntheticBookOptions other_seed = options;
  other_seed.seed = 43;
  const SyntheticBook other = cssegment::synthetic_book(other_seed);
  BOOST_TEST(other.arr != first.arr);
  BOOST_TEST(other.revenue_mrr != first.revenue_mrr);
}

BOOST_AUTO_TEST_CASE(an_account_does_not_depend_on_the_size_of_the_book) {
  // Per-account streams: the first accounts of a bigger book are the accounts of a smaller one.
  const SyntheticBook small = cssegment::synthetic_book({.n_accounts = 100, .n_months = 12, .seed = 3});
  const SyntheticBook large = cssegment::synthetic_book({.n_accounts = 50'000, .n_months = 12, .seed = 3});
  BOOST_TEST(std::equal(small.arr.begin(), small.arr.end(), large.arr.begin()));
  BOOST_TEST(std::equal(small.revenue_mrr.begin(), small.revenue_mrr.end(), large.revenue_mrr.begin()));
}

BOOST_AUTO_TEST_CASE(every_column_has_one_value_per_account) {
  const SyntheticBook book = cssegment::synthetic_book({.n_accounts = 123, .n_months = 5, .seed = 1});
  const std::size_t n = 123;
  for (std::size_t size :
       {book.account_id.size(), book.arr.size(), book.employees.size(), book.company_revenue.size(),
        book.potential.size(), book.industry.size(), book.region.size(), book.start_month.size(),
        book.tenure_days.size(), book.renewal_days.size(), book.nps.size(), book.logins_per_user.size(),
        book.seats_used_pct.size(), book.tickets_90d.size(), book.exec_sponsor.size(), book.churned.size()})
    BOOST_TEST(size == n);
  BOOST_TEST(book.revenue_month.size() == book.revenue_account_id.size());
  BOOST_TEST(book.revenue_mrr.size() == book.revenue_account_id.size());
  std::vector<std::int64_t> expected_ids(n);
  std::iota(expected_ids.begin(), expected_ids.end(), 1);
  BOOST_TEST(book.account_id == expected_ids, boost::test_tools::per_element());
  BOOST_TEST(book.region_names == (std::vector<std::string>{"NA", "EMEA", "APAC", "LATAM"}),
             boost::test_tools::per_element());
  BOOST_TEST(book.industry_names.size() == 7u);
}

BOOST_AUTO_TEST_CASE(revenue_rows_are_sorted_positive_in_range_cents) {
  const SyntheticBook& book = default_book();
  for (std::size_t row = 0; row < book.revenue_mrr.size(); ++row) {
    BOOST_TEST_REQUIRE(book.revenue_mrr[row] > 0.0);
    BOOST_TEST_REQUIRE(book.revenue_mrr[row] == std::round(book.revenue_mrr[row] * 100.0) / 100.0);
    BOOST_TEST_REQUIRE(book.revenue_month[row] >= 0);
    BOOST_TEST_REQUIRE(book.revenue_month[row] < 36);
    BOOST_TEST_REQUIRE(book.revenue_account_id[row] >= 1);
    BOOST_TEST_REQUIRE(book.revenue_account_id[row] <= 20'000);
    if (row > 0) {
      const bool ascending = book.revenue_account_id[row - 1] < book.revenue_account_id[row] ||
                             (book.revenue_account_id[row - 1] == book.revenue_account_id[row] &&
                              book.revenue_month[row - 1] < book.revenue_month[row]);
      BOOST_TEST_REQUIRE(ascending);
    }
  }
}

BOOST_AUTO_TEST_CASE(arr_is_twelve_times_last_month_mrr_and_churned_means_no_last_month_revenue) {
  const SyntheticBook& book = default_book();
  const std::vector<double> last_mrr = last_month_mrr(book, 35);
  for (std::size_t i = 0; i < book.arr.size(); ++i) {
    BOOST_TEST_REQUIRE(book.arr[i] == 12.0 * last_mrr[i]);
    BOOST_TEST_REQUIRE(static_cast<bool>(book.churned[i]) == (last_mrr[i] == 0.0));
  }
}

BOOST_AUTO_TEST_CASE(potential_bounds_every_arr_the_account_had) {
  const SyntheticBook& book = default_book();
  for (std::size_t row = 0; row < book.revenue_mrr.size(); ++row)
    BOOST_TEST_REQUIRE(12.0 * book.revenue_mrr[row] <= book.potential[book.revenue_account_id[row] - 1]);
  for (std::size_t i = 0; i < book.arr.size(); ++i) BOOST_TEST_REQUIRE(book.potential[i] >= book.arr[i]);
}

BOOST_AUTO_TEST_CASE(signals_are_in_range) {
  const SyntheticBook& book = default_book();
  std::size_t unanswered = 0;
  for (std::size_t i = 0; i < book.account_id.size(); ++i) {
    BOOST_TEST_REQUIRE((book.seats_used_pct[i] >= 0.0 && book.seats_used_pct[i] <= 100.0));
    BOOST_TEST_REQUIRE(book.logins_per_user[i] >= 0.0);
    BOOST_TEST_REQUIRE(book.tickets_90d[i] >= 0);
    BOOST_TEST_REQUIRE(book.exec_sponsor[i] <= 1);
    BOOST_TEST_REQUIRE(book.employees[i] >= 1.0);
    BOOST_TEST_REQUIRE(book.company_revenue[i] > 0.0);
    BOOST_TEST_REQUIRE((book.renewal_days[i] >= 0 && book.renewal_days[i] < 365));
    BOOST_TEST_REQUIRE(book.tenure_days[i] > 0);
    BOOST_TEST_REQUIRE((book.industry[i] >= 0 && book.industry[i] < static_cast<int>(book.industry_names.size())));
    BOOST_TEST_REQUIRE((book.region[i] >= 0 && book.region[i] < static_cast<int>(book.region_names.size())));
    if (std::isnan(book.nps[i])) {
      ++unanswered;
    } else {
      BOOST_TEST_REQUIRE(book.nps[i] == std::round(book.nps[i]));
      BOOST_TEST_REQUIRE((book.nps[i] >= 0.0 && book.nps[i] <= 10.0));
    }
  }
  const double unanswered_share = static_cast<double>(unanswered) / static_cast<double>(book.account_id.size());
  BOOST_TEST(unanswered_share > 0.25);
  BOOST_TEST(unanswered_share < 0.35);
}

BOOST_AUTO_TEST_CASE(about_half_the_accounts_predate_the_window_and_the_rest_land_during_it) {
  const SyntheticBook& book = default_book();
  const auto existing = std::ranges::count_if(book.start_month, [](std::int32_t month) { return month < 0; });
  const double existing_share = static_cast<double>(existing) / static_cast<double>(book.start_month.size());
  BOOST_TEST(existing_share > 0.45);
  BOOST_TEST(existing_share < 0.55);
  BOOST_TEST(std::ranges::min(book.start_month) >= -60);
  BOOST_TEST(std::ranges::max(book.start_month) == 35);
  // Every account is a customer at its start month (month 0 for those that predate the window).
  std::vector<std::int32_t> first_month(book.account_id.size(), -1);
  for (std::size_t row = book.revenue_mrr.size(); row-- > 0;)
    first_month[book.revenue_account_id[row] - 1] = book.revenue_month[row];
  for (std::size_t i = 0; i < first_month.size(); ++i)
    BOOST_TEST_REQUIRE(first_month[i] == std::max(0, book.start_month[i]));
}

BOOST_AUTO_TEST_CASE(top_fifth_of_accounts_holds_most_of_the_arr) {
  std::vector<double> arr = default_book().arr;
  std::ranges::sort(arr, std::greater<>());
  const double total = std::accumulate(arr.begin(), arr.end(), 0.0);
  const double top = std::accumulate(arr.begin(), arr.begin() + static_cast<std::ptrdiff_t>(arr.size() / 5), 0.0);
  BOOST_TEST(top / total > 0.6);
  BOOST_TEST(top / total < 0.8);
}

BOOST_AUTO_TEST_CASE(churned_accounts_show_worse_health_signals) {
  const SyntheticBook& book = default_book();
  const double churned_share =
      static_cast<double>(std::ranges::count(book.churned, 1)) / static_cast<double>(book.churned.size());
  BOOST_TEST(churned_share > 0.1);
  BOOST_TEST(churned_share < 0.5);
  const auto churned_mean = [&](const auto& values) { return mean_where_churned(book, values, true); };
  const auto retained_mean = [&](const auto& values) { return mean_where_churned(book, values, false); };
  BOOST_TEST(churned_mean(book.seats_used_pct) < retained_mean(book.seats_used_pct) - 5.0);
  BOOST_TEST(churned_mean(book.logins_per_user) < retained_mean(book.logins_per_user));
  BOOST_TEST(churned_mean(book.tickets_90d) > retained_mean(book.tickets_90d));
  BOOST_TEST(churned_mean(book.exec_sponsor) < retained_mean(book.exec_sponsor));
}

BOOST_AUTO_TEST_CASE(some_churned_accounts_come_back) {
  const SyntheticBook& book = default_book();
  std::size_t reactivations = 0;
  for (std::size_t row = 1; row < book.revenue_mrr.size(); ++row)
    reactivations += book.revenue_account_id[row] == book.revenue_account_id[row - 1] &&
                     book.revenue_month[row] > book.revenue_month[row - 1] + 1;
  BOOST_TEST(reactivations > 0u);
  BOOST_TEST(reactivations < book.account_id.size() / 20);
}

BOOST_AUTO_TEST_CASE(accounts_expand_and_contract) {
  const SyntheticBook& book = default_book();
  std::size_t expansions = 0, contractions = 0;
  for (std::size_t row = 1; row < book.revenue_mrr.size(); ++row) {
    if (book.revenue_account_id[row] != book.revenue_account_id[row - 1]) continue;
    expansions += book.revenue_mrr[row] > book.revenue_mrr[row - 1];
    contractions += book.revenue_mrr[row] < book.revenue_mrr[row - 1];
  }
  BOOST_TEST(expansions > contractions);
  BOOST_TEST(contractions > 0u);
}

// ARR in each account's first month of history (12 x its first revenue row): what tiers it.
std::vector<double> tiering_arr(const SyntheticBook& book) {
  std::vector<double> arr(book.account_id.size(), 0.0);
  for (std::size_t row = book.revenue_mrr.size(); row-- > 0;)
    arr[book.revenue_account_id[row] - 1] = 12.0 * book.revenue_mrr[row];
  return arr;
}

BOOST_AUTO_TEST_CASE(high_touch_coverage_scales_churn_of_the_accounts_above_the_threshold_only) {
  const SyntheticBookOptions options{.n_accounts = 20'000, .n_months = 36, .seed = 7};
  auto with_factor = [&](double factor) {
    auto changed = options;
    changed.high_touch_churn_factor = factor;
    return cssegment::synthetic_book(changed);
  };
  const SyntheticBook none = with_factor(1.0), default_factor = with_factor(0.7), full = with_factor(0.0);
  const auto arr = tiering_arr(none);
  BOOST_TEST(arr == tiering_arr(default_factor));  // tiering happens before coverage can act
  std::size_t covered = 0, churned_none = 0, churned_default = 0, churned_full = 0;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (arr[i] >= cssegment::synthetic_book_high_touch_arr) {
      ++covered;
      churned_none += none.churned[i];
      churned_default += default_factor.churned[i];
      churned_full += full.churned[i];
    } else {
      BOOST_TEST(none.churned[i] == default_factor.churned[i]);  // below the threshold nothing changes
      BOOST_TEST(none.arr[i] == default_factor.arr[i]);
    }
  }
  BOOST_TEST(covered > 1000u);
  BOOST_TEST(churned_default < churned_none);
  BOOST_TEST(churned_full == 0u);  // factor 0: a covered account never churns
  BOOST_TEST(cssegment::SyntheticBookOptions{}.high_touch_churn_factor == 0.7);
}

BOOST_AUTO_TEST_CASE(bad_options_throw_naming_the_argument) {
  const auto message_of = [](const SyntheticBookOptions& options) {
    try {
      cssegment::synthetic_book(options);
    } catch (const cssegment::InvalidInput& error) {
      return std::string(error.what());
    }
    return std::string("no exception");
  };
  BOOST_TEST(message_of({.n_accounts = 0}).starts_with("n_accounts: 0 must be in [1, "));
  BOOST_TEST(message_of({.n_accounts = cssegment::synthetic_book_max_accounts + 1}).starts_with("n_accounts: "));
  BOOST_TEST(message_of({.n_months = 1}).starts_with("n_months: 1 must be in [2, "));
  BOOST_TEST(message_of({.n_months = cssegment::synthetic_book_max_months + 1}).starts_with("n_months: "));
  BOOST_TEST(message_of({.high_touch_churn_factor = 1.5}) ==
             "high_touch_churn_factor: 1.5 must be in [0, 1] (1: coverage does not change churn)");
  BOOST_TEST(message_of({.high_touch_churn_factor = -0.1}).starts_with("high_touch_churn_factor: -0.1 must be"));
  BOOST_CHECK_THROW(cssegment::synthetic_book({.n_accounts = 0}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(smallest_book) {
  const SyntheticBook book = cssegment::synthetic_book({.n_accounts = 1, .n_months = 2, .seed = 0});
  BOOST_TEST(book.account_id.size() == 1u);
  BOOST_TEST(!book.revenue_mrr.empty());
  BOOST_TEST(book.revenue_mrr.size() <= 2u);
}

// ---- monthly usage and owners (synthetic_usage)

namespace {

const cssegment::SyntheticUsage& default_usage() {
  static const cssegment::SyntheticUsage usage =
      cssegment::synthetic_usage({.n_accounts = 20'000, .n_months = 36, .seed = 7});  // default_book's
  return usage;
}

}  // namespace

BOOST_AUTO_TEST_CASE(usage_has_a_row_per_revenue_row_and_is_reproducible) {
  const auto& book = default_book();
  const auto& usage = default_usage();
  const std::size_t rows = book.revenue_mrr.size();
  BOOST_TEST(usage.logins.size() == rows);
  BOOST_TEST(usage.seats_used.size() == rows);
  BOOST_TEST(usage.tickets.size() == rows);
  BOOST_TEST(usage.nps.size() == rows);
  BOOST_TEST(usage.owner.size() == rows);
  const auto again = cssegment::synthetic_usage({.n_accounts = 20'000, .n_months = 36, .seed = 7});
  BOOST_TEST(again.logins == usage.logins);
  BOOST_TEST(again.nps.size() == usage.nps.size());
  BOOST_TEST(again.owner == usage.owner);
  const auto small = cssegment::synthetic_usage({.n_accounts = 500, .n_months = 36, .seed = 7});
  const auto small_seed = cssegment::synthetic_usage({.n_accounts = 500, .n_months = 36, .seed = 8});
  BOOST_TEST(small.logins != small_seed.logins);
  for (std::size_t r = 0; r < rows; ++r) {
    const double seats = std::max(1.0, std::round(book.revenue_mrr[r] / 50.0));
    BOOST_TEST_REQUIRE(usage.seats_used[r] >= 0);
    BOOST_TEST_REQUIRE(usage.seats_used[r] <= seats);
    BOOST_TEST_REQUIRE(usage.logins[r] >= 0);
    BOOST_TEST_REQUIRE(usage.tickets[r] >= 0);
    BOOST_TEST_REQUIRE((std::isnan(usage.nps[r]) || (usage.nps[r] >= 0 && usage.nps[r] <= 10)));
    BOOST_TEST_REQUIRE(usage.owner[r] >= 0);
    BOOST_TEST_REQUIRE(static_cast<std::size_t>(usage.owner[r]) < usage.owner_names.size());
  }
}

BOOST_AUTO_TEST_CASE(seat_use_falls_in_the_months_before_churn) {
  const auto& book = default_book();
  const auto& usage = default_usage();
  const std::size_t rows = book.revenue_mrr.size();
  double last_sum = 0, steady_sum = 0;
  std::size_t last_count = 0, steady_count = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const bool next_is_same_run = r + 1 < rows && book.revenue_account_id[r + 1] == book.revenue_account_id[r] &&
                                  book.revenue_month[r + 1] == book.revenue_month[r] + 1;
    const double share = usage.seats_used[r] / std::max(1.0, std::round(book.revenue_mrr[r] / 50.0));
    if (!next_is_same_run && book.revenue_month[r] < 35) {  // the last paid month before a churn
      last_sum += share;
      ++last_count;
    } else if (book.revenue_month[r] == 35) {  // still paying at the end
      steady_sum += share;
      ++steady_count;
    }
  }
  BOOST_TEST(last_count > 100u);
  BOOST_TEST(last_sum / last_count < 0.5 * steady_sum / steady_count);
}

BOOST_AUTO_TEST_CASE(owners_work_one_tier_and_about_a_third_of_accounts_move) {
  const auto& book = default_book();
  const auto& usage = default_usage();
  BOOST_TEST(usage.owner_names.front() == "Enterprise 01");
  BOOST_TEST(usage.owner_names.back().starts_with("Scale "));
  std::size_t accounts = 0, moved = 0;
  for (std::size_t r = 0; r < book.revenue_mrr.size();) {
    std::size_t end = r;
    bool changed = false;
    const auto tier_of = [&](std::size_t row) {
      const std::string& name = usage.owner_names[static_cast<std::size_t>(usage.owner[row])];
      return name.substr(0, name.rfind(' '));
    };
    while (end < book.revenue_mrr.size() && book.revenue_account_id[end] == book.revenue_account_id[r]) {
      BOOST_TEST_REQUIRE(tier_of(end) == tier_of(r));
      changed = changed || usage.owner[end] != usage.owner[r];
      ++end;
    }
    if (end - r == 36) {  // paid every month: a reassignment, if any, shows
      ++accounts;
      moved += changed;
    }
    r = end;
  }
  const double share = static_cast<double>(moved) / static_cast<double>(accounts);
  BOOST_TEST(share > 0.25);
  BOOST_TEST(share < 0.4);
}
