#pragma once
// A synthetic book of accounts with the shapes a customer-success team sees in its own data, so
// that examples, tests and benchmarks run on something realistic without shipping customer data.
//
// The story, per account (each number is a documented assumption, not a measurement):
// - Firmographics: employees are log-normal (median 150, a long enterprise tail); company revenue
//   is employees times a log-normal revenue per employee whose median depends on the industry.
// - Contract: the landing ARR grows with company size (elasticity 0.45) times log-normal noise,
//   never below the smallest plan. Bigger companies buy more but not proportionally more, which is
//   what leaves "large opportunity" accounts with headroom. With expansion on top, the top fifth
//   of accounts holds about 70% of ARR, the concentration CS books show. `potential` is what the
//   company could plausibly spend: a log-normal spend per employee, and always at least 50% above
//   the landing ARR; expansions are capped by it, so it bounds every ARR the account ever had.
// - A latent health (standard normal, fixed per account) drives the monthly churn hazard (about
//   0.4% a month for healthy accounts, several % for unhealthy ones, small accounts churning more,
//   as SMB books do), how often accounts expand (healthy ones more) and contract (unhealthy ones
//   more). Health itself is never reported: like a real CS team, users only see noisy signals of
//   it (NPS, logins, seat use, tickets, an executive sponsor), as observed at the account's last
//   active month, so churn can be predicted from them but not perfectly.
// - Timeline: about half the accounts were already customers up to five years before the window;
//   they lived through expansion and contraction but, being in today's book, never churned before
//   it. The others land uniformly during the window. A churned account may come back within a
//   year (a few % do), at about its old MRR.
// - Coverage: each account is tiered once, in its first month of history (month 0 for accounts
//   that were already customers, the landing month for the others), on that month's ARR
//   (12 x MRR): at or above high_touch_arr ($50k, the touch preset's High touch threshold) it is
//   High touch for the whole window. High touch coverage multiplies the account's monthly churn
//   probability by high_touch_churn_factor (default 0.7: coverage prevents 30% of churn; 1.0: it
//   does nothing). The rule is sharp, so the effect is a regression discontinuity in that ARR.
// Everything is drawn from one random stream per account, keyed by (seed, account index), so the
// book is a pure function of the options, whatever the thread count.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/budget.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

struct SyntheticBookOptions {
  std::size_t n_accounts = 5000;
  std::size_t n_months = 36;
  std::uint64_t seed = 0;
  double high_touch_churn_factor = 0.7;  // in [0, 1]; see "Coverage" above
};

// Sanity bounds that keep a typo from asking for terabytes.
inline constexpr std::size_t synthetic_book_min_accounts = 1, synthetic_book_max_accounts = 100'000'000;
inline constexpr std::size_t synthetic_book_min_months = 2;  // one month-over-month movement
inline constexpr std::size_t synthetic_book_max_months = 1200;
// Accounts whose ARR in their first month of history is at least this are High touch.
inline constexpr double synthetic_book_high_touch_arr = 50'000.0;

struct SyntheticBook {
  // Accounts: one row per account (index i), every vector of length n_accounts.
  std::vector<std::int64_t> account_id;  // 1..n
  std::vector<double> arr;               // 12 x MRR of the last month of history; 0 when churned
  std::vector<double> employees, company_revenue;
  std::vector<double> potential;  // plausible ARR ceiling, >= every ARR the account ever had
  std::vector<std::int32_t> industry;
  std::vector<std::string> industry_names;
  std::vector<std::int32_t> region;
  std::vector<std::string> region_names;
  // Month of first revenue, relative to the first month of history (negative: before the window).
  std::vector<std::int32_t> start_month;
  // As of the end of the account's last active month: days since its first day of revenue, and
  // days to the next anniversary of that day (annual contracts renew there), in [0, 365).
  std::vector<std::int32_t> tenure_days, renewal_days;
  std::vector<double> nps;  // 0..10 survey answer; NaN where the account never answered
  std::vector<double> logins_per_user;  // monthly logins per licensed user
  std::vector<double> seats_used_pct;   // in [0, 100]
  std::vector<std::int32_t> tickets_90d;
  std::vector<std::uint8_t> exec_sponsor;  // 0/1
  std::vector<std::uint8_t> churned;       // 0/1: no revenue in the last month of history
  // Revenue: long rows, only months with MRR > 0, sorted by (account, month).
  std::vector<std::int64_t> revenue_account_id;
  std::vector<std::int32_t> revenue_month;  // 0 .. n_months - 1
  std::vector<double> revenue_mrr;
};

namespace synthetic_book_detail {

// splitmix64 (Steele, Lea & Flood 2014): turns consecutive counters into well-mixed seeds.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna 2018), one instance per account: a stream keyed by
// (seed, account index) that no other account or thread touches.
class AccountRandom {
public:
  AccountRandom(std::uint64_t seed, std::uint64_t account_index) {
    std::uint64_t seed_state = seed;
    std::uint64_t counter = splitmix64(seed_state) ^ (account_index * 0xD1B54A32D192ED03ull);
    for (auto& word : state_) word = splitmix64(counter);
  }

  std::uint64_t next() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }

  // In [0, 1), with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  bool bernoulli(double probability) { return uniform() < probability; }

  // Box-Muller; the second variate of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    const double angle = 2.0 * std::numbers::pi * uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  double lognormal(double median, double log_sd) { return median * std::exp(log_sd * normal()); }

  // Knuth's multiplication method: fine for the small means of ticket counts.
  std::int32_t poisson(double mean) {
    const double limit = std::exp(-mean);
    std::int32_t count = 0;
    for (double product = uniform(); product > limit; product *= uniform()) ++count;
    return count;
  }

  template <std::size_t N>
  std::int32_t pick(const std::array<double, N>& weights) {
    double remaining = uniform();
    for (std::size_t i = 0; i + 1 < N; ++i) {
      if (remaining < weights[i]) return static_cast<std::int32_t>(i);
      remaining -= weights[i];
    }
    return static_cast<std::int32_t>(N - 1);
  }

private:
  std::array<std::uint64_t, 4> state_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double round_to(double value, double unit) { return std::round(value / unit) * unit; }
inline double to_cents(double value) { return std::round(value * 100.0) / 100.0; }

// Firmographics.
inline constexpr double median_employees = 150.0, employees_log_sd = 1.5;
inline constexpr std::array<const char*, 7> industry_names = {"Software",   "Financial services",
                                                              "Healthcare", "Manufacturing",
                                                              "Retail",     "Education",
                                                              "Media"};
inline constexpr std::array<double, 7> industry_weights = {0.24, 0.14, 0.14, 0.16, 0.12, 0.08, 0.12};
inline constexpr std::array<double, 7> industry_revenue_per_employee = {250e3, 400e3, 180e3, 300e3,
                                                                        220e3, 100e3, 200e3};
inline constexpr double revenue_per_employee_log_sd = 0.5;
inline constexpr std::array<const char*, 4> region_names = {"NA", "EMEA", "APAC", "LATAM"};
inline constexpr std::array<double, 4> region_weights = {0.45, 0.30, 0.17, 0.08};

// Contract size and ceiling.
inline constexpr double median_landing_arr = 15'000.0, arr_size_elasticity = 0.45, arr_log_sd = 0.7;
inline constexpr double smallest_plan_mrr = 50.0;
inline constexpr double median_spend_per_employee = 250.0, spend_per_employee_log_sd = 0.5;
inline constexpr double minimum_headroom = 1.5;

// Timeline.
inline constexpr double share_existing_customers = 0.5;
inline constexpr std::int32_t max_months_before_window = 60;
inline constexpr double days_per_month = 365.2425 / 12.0;
inline constexpr std::int32_t days_per_year = 365;
// Last day offset into its first month on which a contract may start (every month has 28 days).
inline constexpr std::int32_t latest_start_day = 27;

// Monthly movements. Churn log-odds fall with health and with (log) landing ARR.
inline constexpr double churn_log_odds = -4.5, churn_health_effect = -1.0, churn_size_effect = -0.25;
inline constexpr double expansion_rate = 0.05, expansion_health_effect = 0.5;
inline constexpr double median_expansion = 0.25, expansion_log_sd = 0.6;  // relative MRR uplift
inline constexpr double contraction_rate = 0.012, contraction_health_effect = -0.5;
inline constexpr double contraction_low = 0.6, contraction_high = 0.95;  // share of MRR kept
inline constexpr double reactivation_rate = 0.004;
inline constexpr std::int32_t reactivation_window_months = 12;
inline constexpr double reactivation_log_sd = 0.25;

// Observed signals.
inline constexpr double nps_response_rate = 0.7, nps_mean = 8.2, nps_health_effect = 1.8, nps_noise_sd = 1.5;
inline constexpr double median_logins = 8.0, logins_health_effect = 0.45, logins_log_sd = 0.5;
inline constexpr double seats_log_odds = 0.8, seats_health_effect = 0.9, seats_noise_sd = 0.6;
inline constexpr double tickets_mean = 2.0, tickets_health_effect = -0.5, tickets_size_effect = 0.15;
inline constexpr double sponsor_log_odds = -0.6, sponsor_health_effect = 0.7, sponsor_size_effect = 0.5;

template <std::size_t N>
std::vector<std::string> names_of(const std::array<const char*, N>& names) {
  return {names.begin(), names.end()};
}

// An account before its history plays out: who it is and how it tends to move.
struct Account {
  double health, employees, company_revenue, relative_size;
  std::int32_t industry, region, start_month, start_day;
  double landing_mrr, log_landing_size;
  double ceiling_mrr;  // whole cents, so that 12 x MRR <= potential holds exactly in floating point
  double churn_probability, expansion_probability, contraction_probability;
};

inline Account draw_account(AccountRandom& random, std::int32_t months) {
  Account account;
  account.health = random.normal();
  account.industry = random.pick(industry_weights);
  account.region = random.pick(region_weights);
  account.employees = std::max(1.0, std::round(random.lognormal(median_employees, employees_log_sd)));
  const double revenue_per_employee =
      random.lognormal(industry_revenue_per_employee[account.industry], revenue_per_employee_log_sd);
  account.company_revenue = std::round(account.employees * revenue_per_employee);
  account.relative_size = std::log(account.employees / median_employees);
  const double landing_arr =
      median_landing_arr * std::exp(arr_size_elasticity * account.relative_size + arr_log_sd * random.normal());
  account.landing_mrr = std::max(smallest_plan_mrr, to_cents(landing_arr / 12.0));
  account.log_landing_size = std::log(account.landing_mrr * 12.0 / median_landing_arr);
  const double wallet = account.employees * random.lognormal(median_spend_per_employee, spend_per_employee_log_sd);
  account.ceiling_mrr = std::max(to_cents(wallet / 12.0), to_cents(minimum_headroom * account.landing_mrr));
  account.churn_probability =
      logistic(churn_log_odds + churn_health_effect * account.health + churn_size_effect * account.log_landing_size);
  account.expansion_probability = expansion_rate * std::exp(expansion_health_effect * account.health);
  account.contraction_probability = contraction_rate * std::exp(contraction_health_effect * account.health);
  account.start_month = random.bernoulli(share_existing_customers)
                            ? -1 - static_cast<std::int32_t>(random.uniform() * max_months_before_window)
                            : static_cast<std::int32_t>(random.uniform() * months);
  account.start_day = static_cast<std::int32_t>(random.uniform() * (latest_start_day + 1));
  return account;
}

struct History {
  double last_mrr;
  std::int32_t last_active_month;
};

// Plays out the account's MRR month by month from its start to the end of history and calls
// on_revenue(month, mrr) for each month of the window with MRR > 0.
// High touch coverage (from the account's first month of history on) scales its churn
// probability by high_touch_churn_factor; the expansion and contraction probabilities stay.
template <class OnRevenue>
History play_history(const Account& account, AccountRandom& random, std::int32_t months, double high_touch_churn_factor,
                     OnRevenue&& on_revenue) {
  double churn_probability = account.churn_probability;
  bool tiered = false;
  double mrr = account.landing_mrr, lapsed_mrr = 0.0;
  std::int32_t months_lapsed = 0, last_active_month = account.start_month;
  for (std::int32_t month = account.start_month; month < months; ++month) {
    if (month > account.start_month) {
      if (mrr > 0.0) {
        // One draw decides the month: churn, expansion, contraction or nothing. Churn only counts
        // from the second month of history: the accounts before the window are today's customers.
        const double draw = random.uniform();
        const double expansion_below = churn_probability + account.expansion_probability;
        const double contraction_below = expansion_below + account.contraction_probability;
        if (draw < churn_probability) {
          if (month >= 1) {
            lapsed_mrr = mrr;
            mrr = 0.0;
            months_lapsed = 0;
          }
        } else if (draw < expansion_below) {
          mrr = std::min(account.ceiling_mrr,
                         to_cents(mrr * (1.0 + random.lognormal(median_expansion, expansion_log_sd))));
        } else if (draw < contraction_below) {
          mrr = std::max(smallest_plan_mrr, to_cents(mrr * random.uniform(contraction_low, contraction_high)));
        }
      } else if (++months_lapsed <= reactivation_window_months && random.bernoulli(reactivation_rate)) {
        mrr = std::clamp(to_cents(random.lognormal(lapsed_mrr, reactivation_log_sd)), smallest_plan_mrr,
                         account.ceiling_mrr);
      }
    }
    if (mrr > 0.0) {
      last_active_month = month;
      if (month >= 0) on_revenue(month, mrr);
      if (month >= 0 && !tiered) {
        tiered = true;
        if (12.0 * mrr >= synthetic_book_high_touch_arr) churn_probability *= high_touch_churn_factor;
      }
    }
  }
  return {mrr, last_active_month};
}

// Fills row `index` of the account columns: the account, its state at the end of history and the
// signals observed at its last active month.
inline void record_account(std::size_t index, const Account& account, const History& history, AccountRandom& random,
                           SyntheticBook& book) {
  const double health = account.health;
  const auto tenure_days =
      static_cast<std::int32_t>(std::lround((history.last_active_month - account.start_month + 1) * days_per_month)) -
      account.start_day;
  const double nps_score =
      std::clamp(std::round(nps_mean + nps_health_effect * health + nps_noise_sd * random.normal()), 0.0, 10.0);
  book.account_id[index] = static_cast<std::int64_t>(index) + 1;
  book.arr[index] = 12.0 * history.last_mrr;
  book.employees[index] = account.employees;
  book.company_revenue[index] = account.company_revenue;
  book.potential[index] = 12.0 * account.ceiling_mrr;
  book.industry[index] = account.industry;
  book.region[index] = account.region;
  book.start_month[index] = account.start_month;
  book.tenure_days[index] = tenure_days;
  book.renewal_days[index] = (days_per_year - tenure_days % days_per_year) % days_per_year;
  book.nps[index] = random.bernoulli(nps_response_rate) ? nps_score : std::numeric_limits<double>::quiet_NaN();
  book.logins_per_user[index] =
      round_to(random.lognormal(median_logins * std::exp(logins_health_effect * health), logins_log_sd), 0.01);
  book.seats_used_pct[index] =
      round_to(100.0 * logistic(seats_log_odds + seats_health_effect * health + seats_noise_sd * random.normal()), 0.1);
  book.tickets_90d[index] = random.poisson(
      tickets_mean * std::exp(tickets_health_effect * health + tickets_size_effect * account.relative_size));
  book.exec_sponsor[index] = random.bernoulli(
      logistic(sponsor_log_odds + sponsor_health_effect * health + sponsor_size_effect * account.log_landing_size));
  book.churned[index] = history.last_mrr == 0.0;
}

// Accounts per parallel chunk: large enough that thread start-up is noise.
inline constexpr std::size_t accounts_per_chunk = 1u << 14;

}  // namespace synthetic_book_detail

inline void check_options(const SyntheticBookOptions& options) {
  const auto check_range = [](std::string_view argument, std::size_t value, std::size_t low, std::size_t high) {
    require(value >= low && value <= high, argument,
            std::to_string(value) + " must be in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  };
  check_range("n_accounts", options.n_accounts, synthetic_book_min_accounts, synthetic_book_max_accounts);
  check_range("n_months", options.n_months, synthetic_book_min_months, synthetic_book_max_months);
  const double factor = options.high_touch_churn_factor;
  require(factor >= 0.0 && factor <= 1.0, "high_touch_churn_factor",
          format_number(factor) + " must be in [0, 1] (1: coverage does not change churn)");
  // At most one revenue row (20 bytes) per account and month, and about 100 bytes of account
  // columns: the upper bound is checked before anything is allocated.
  const double accounts = static_cast<double>(options.n_accounts), months = static_cast<double>(options.n_months);
  check_dense_budget({"n_accounts", "the book's revenue rows", accounts * months, 20.0 + 100.0 / months, std::nullopt,
                      format_count(accounts) + " accounts x " + format_count(months) + " months of history",
                      "ask for fewer accounts or months"});
}

// Two passes over the accounts, each replaying the account's own random stream: the first fills
// the account columns and counts revenue rows, the second writes the rows at their final offsets.
// Replaying is cheaper than buffering rows and concatenating them, which would touch the memory
// of the largest output twice.
inline SyntheticBook synthetic_book(const SyntheticBookOptions& options) {
  namespace detail = synthetic_book_detail;
  check_options(options);
  const std::size_t n = options.n_accounts;
  const auto months = static_cast<std::int32_t>(options.n_months);
  SyntheticBook book;
  book.industry_names = detail::names_of(detail::industry_names);
  book.region_names = detail::names_of(detail::region_names);
  book.account_id.resize(n);
  for (auto* column : {&book.arr, &book.employees, &book.company_revenue, &book.potential, &book.nps,
                       &book.logins_per_user, &book.seats_used_pct})
    column->resize(n);
  for (auto* column :
       {&book.industry, &book.region, &book.start_month, &book.tenure_days, &book.renewal_days, &book.tickets_90d})
    column->resize(n);
  book.exec_sponsor.resize(n);
  book.churned.resize(n);

  std::vector<std::size_t> row_offset(n + 1, 0);
  parallel_for(n, detail::accounts_per_chunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      detail::AccountRandom random(options.seed, i);
      const detail::Account account = detail::draw_account(random, months);
      std::size_t rows = 0;
      const detail::History history = detail::play_history(account, random, months, options.high_touch_churn_factor,
                                                           [&](std::int32_t, double) { ++rows; });
      row_offset[i + 1] = rows;
      detail::record_account(i, account, history, random, book);
    }
  });
  std::partial_sum(row_offset.begin(), row_offset.end(), row_offset.begin());

  book.revenue_account_id.resize(row_offset[n]);
  book.revenue_month.resize(row_offset[n]);
  book.revenue_mrr.resize(row_offset[n]);
  parallel_for(n, detail::accounts_per_chunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      detail::AccountRandom random(options.seed, i);
      const detail::Account account = detail::draw_account(random, months);
      std::size_t row = row_offset[i];
      detail::play_history(account, random, months, options.high_touch_churn_factor,
                           [&](std::int32_t month, double mrr) {
                             book.revenue_account_id[row] = book.account_id[i];
                             book.revenue_month[row] = month;
                             book.revenue_mrr[row] = mrr;
                             ++row;
                           });
    }
  });
  return book;
}

// ---- Monthly usage and owners (SyntheticBook::usage / owners in Python)
//
// The story, per account and month with revenue in the window (each number an assumption):
// - Licensed seats follow the MRR (one seat per 50 of MRR, at least 1). The month's health is
//   the account's latent health plus monthly noise, minus a drift that starts about half a year
//   before each churn and deepens to the last paid month (exp(-(months to churn - 1) / 3)), so a
//   health score sees churn coming, though not perfectly: some accounts churn without warning.
// - seats_used: licensed seats times a logistic share of the month's health; logins: seats_used
//   times a log-normal number of logins per user; tickets: Poisson, more for unhealthy and
//   larger accounts; nps: a 0-10 answer in about a quarter of the months, NaN otherwise.
// - Owners: each account belongs to a CSM of its tier (by landing ARR: Enterprise from 60k,
//   Mid-market from 15k, Scale below), with books of about 20, 60 and 200 accounts; about a
//   third of the accounts are reassigned once, in a random month, to another CSM of their tier.
// These draws use a second random stream per account, so the book's other columns are the same
// whether or not usage is generated.
struct SyntheticUsage {
  // One row per revenue row of synthetic_book with the same options, in the same order.
  std::vector<std::int32_t> logins, seats_used, tickets;
  std::vector<double> nps;          // NaN in months without a survey answer
  std::vector<std::int32_t> owner;  // codes into owner_names
  std::vector<std::string> owner_names;
};

namespace synthetic_book_detail {

inline constexpr double mrr_per_seat = 50.0;
inline constexpr double drift_strength = 2.5, drift_months = 3.0, monthly_health_sd = 0.35;
inline constexpr double usage_seats_noise_sd = 0.3, usage_logins_log_sd = 0.3, monthly_tickets_mean = 0.7;
inline constexpr double monthly_nps_response_rate = 0.25;
inline constexpr std::array<const char*, 3> owner_tiers = {"Enterprise", "Mid-market", "Scale"};
inline constexpr std::array<double, 2> owner_tier_floors = {60'000.0, 15'000.0};  // landing ARR
inline constexpr std::array<std::size_t, 3> owner_book_sizes = {20, 60, 200};
inline constexpr double reassignment_rate = 1.0 / 3.0;
inline constexpr std::uint64_t usage_stream = 0x5553414745ull;  // "USAGE": keys the second stream

inline std::size_t owner_tier(const Account& account) {
  const double arr = 12.0 * account.landing_mrr;
  return arr >= owner_tier_floors[0] ? 0 : arr >= owner_tier_floors[1] ? 1 : 2;
}

}  // namespace synthetic_book_detail

// Monthly usage and owners for the revenue rows of synthetic_book(options): the same accounts and
// months, so the rows line up one to one. Allocates 24 bytes per revenue row (account-month).
inline SyntheticUsage synthetic_usage(const SyntheticBookOptions& options) {
  namespace detail = synthetic_book_detail;
  check_options(options);
  const std::size_t n = options.n_accounts;
  const auto months = static_cast<std::int32_t>(options.n_months);
  // First pass: rows and tier of each account, and how many accounts each tier holds.
  std::vector<std::size_t> row_offset(n + 1, 0);
  std::vector<std::uint8_t> tier(n);
  parallel_for(n, detail::accounts_per_chunk, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      detail::AccountRandom random(options.seed, i);
      const detail::Account account = detail::draw_account(random, months);
      std::size_t rows = 0;
      detail::play_history(account, random, months, options.high_touch_churn_factor,
                           [&](std::int32_t, double) { ++rows; });
      row_offset[i + 1] = rows;
      tier[i] = static_cast<std::uint8_t>(detail::owner_tier(account));
    }
  });
  std::partial_sum(row_offset.begin(), row_offset.end(), row_offset.begin());
  std::array<std::size_t, 3> tier_accounts{}, csms{}, first_code{};
  for (const auto t : tier) ++tier_accounts[t];
  SyntheticUsage usage;
  for (std::size_t t = 0, code = 0; t < csms.size(); ++t) {
    csms[t] =
        std::max<std::size_t>(1, (tier_accounts[t] + detail::owner_book_sizes[t] / 2) / detail::owner_book_sizes[t]);
    first_code[t] = code;
    for (std::size_t k = 1; k <= csms[t]; ++k, ++code)
      usage.owner_names.push_back(std::string(detail::owner_tiers[t]) + (k < 10 ? " 0" : " ") + std::to_string(k));
  }
  const std::size_t rows = row_offset[n];
  for (auto* column : {&usage.logins, &usage.seats_used, &usage.tickets, &usage.owner}) column->resize(rows);
  usage.nps.resize(rows);
  // Second pass: replay the revenue, then draw the usage from the account's second stream.
  parallel_for(n, detail::accounts_per_chunk, [&](std::size_t begin, std::size_t end) {
    std::vector<double> mrr;
    std::vector<std::int32_t> active, lapse;
    for (std::size_t i = begin; i < end; ++i) {
      detail::AccountRandom random(options.seed, i);
      const detail::Account account = detail::draw_account(random, months);
      mrr.clear();
      active.clear();
      detail::play_history(account, random, months, options.high_touch_churn_factor,
                           [&](std::int32_t month, double value) {
                             active.push_back(month);
                             mrr.push_back(value);
                           });
      // The first month without revenue after each active month (months: none in the window).
      lapse.resize(active.size());
      for (std::size_t k = active.size(); k-- > 0;)
        lapse[k] = k + 1 < active.size() && active[k + 1] == active[k] + 1 ? lapse[k + 1] : active[k] + 1;
      detail::AccountRandom draws(options.seed ^ detail::usage_stream, i);
      const std::size_t t = tier[i];
      const auto csm = static_cast<std::size_t>(draws.uniform() * static_cast<double>(csms[t]));
      const bool reassigned = csms[t] > 1 && draws.bernoulli(detail::reassignment_rate);
      const auto reassigned_at = static_cast<std::int32_t>(1 + draws.uniform() * (months - 1));
      const auto moved_to =
          (csm + 1 + static_cast<std::size_t>(draws.uniform() * static_cast<double>(csms[t] - 1))) % csms[t];
      for (std::size_t k = 0; k < active.size(); ++k) {
        const std::size_t row = row_offset[i] + k;
        const double drift = lapse[k] < months
                                 ? detail::drift_strength * std::exp(-(lapse[k] - active[k] - 1) / detail::drift_months)
                                 : 0.0;
        const double health = account.health - drift + detail::monthly_health_sd * draws.normal();
        const double seats = std::max(1.0, std::round(mrr[k] / detail::mrr_per_seat));
        const double share = detail::logistic(detail::seats_log_odds + detail::seats_health_effect * health +
                                              detail::usage_seats_noise_sd * draws.normal());
        const double used = std::round(seats * share);
        usage.seats_used[row] = static_cast<std::int32_t>(used);
        usage.logins[row] = static_cast<std::int32_t>(
            std::round(used * draws.lognormal(detail::median_logins * std::exp(detail::logins_health_effect * health),
                                              detail::usage_logins_log_sd)));
        usage.tickets[row] =
            draws.poisson(detail::monthly_tickets_mean * std::exp(detail::tickets_health_effect * health +
                                                                  detail::tickets_size_effect * account.relative_size));
        const double answer = std::clamp(std::round(detail::nps_mean + detail::nps_health_effect * health +
                                                    detail::nps_noise_sd * draws.normal()),
                                         0.0, 10.0);
        usage.nps[row] =
            draws.bernoulli(detail::monthly_nps_response_rate) ? answer : std::numeric_limits<double>::quiet_NaN();
        const std::size_t owner = reassigned && active[k] >= reassigned_at ? moved_to : csm;
        usage.owner[row] = static_cast<std::int32_t>(first_code[t] + owner);
      }
    }
  });
  return usage;
}

}  // namespace cssegment
