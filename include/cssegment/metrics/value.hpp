#pragma once
// Value metrics (docs/guide/metrics.md), vectorised over equally long spans: CLTV, per-customer
// costs (CRC, CAC, CLTV:CAC) and CAC payback. Every input is checked, naming argument and row.
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/overflow.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

namespace detail {

inline void check_in(std::string_view argument, std::span<const double> values, bool (*ok)(double),
                     std::string_view problem) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!ok(values[i])) fail_at(argument, i, values[i], problem);
}

inline void check_positive_finite(std::string_view argument, std::span<const double> values) {
  check_in(argument, values, [](double v) { return v > 0.0 && std::isfinite(v); }, "must be finite and > 0");
}

inline void check_fraction(std::string_view argument, std::span<const double> values) {
  check_in(argument, values, [](double v) { return v > 0.0 && v <= 1.0; }, "must be in (0, 1]");
}

}  // namespace detail

// (arpa * gross_margin - cost_to_serve) / churn_rate, or with discount rate d and retention
// r = 1 - churn_rate: (arpa * gross_margin - cost_to_serve) * (1 + d) / (1 + d - r).
inline std::vector<double> cltv(std::span<const double> arpa, std::span<const double> churn_rate,
                                std::span<const double> cost_to_serve, std::span<const double> gross_margin,
                                std::span<const double> discount_rate) {
  const std::size_t n = arpa.size();
  check_same_length("churn_rate", churn_rate.size(), "arpa", n);
  check_same_length("cost_to_serve", cost_to_serve.size(), "arpa", n);
  check_same_length("gross_margin", gross_margin.size(), "arpa", n);
  check_same_length("discount_rate", discount_rate.size(), "arpa", n);
  check_nonnegative_finite("arpa", arpa);
  detail::check_fraction("churn_rate", churn_rate);
  check_nonnegative_finite("cost_to_serve", cost_to_serve);
  detail::check_fraction("gross_margin", gross_margin);
  check_nonnegative_finite("discount_rate", discount_rate);
  std::vector<double> value(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double margin = arpa[i] * gross_margin[i] - cost_to_serve[i];
    const double d = discount_rate[i];
    value[i] = d == 0.0 ? margin / churn_rate[i] : margin * (1.0 + d) / (d + churn_rate[i]);
    if (std::isfinite(value[i])) continue;
    const auto at = "[" + std::to_string(i) + "] = ";
    fail_overflow("arpa", i, "cltv",
                  "arpa" + at + format_number(arpa[i]) + ", churn_rate" + at + format_number(churn_rate[i]) +
                      ", discount_rate" + at + format_number(d));
  }
  return value;
}

// amount / customers, e.g. CRC = retention spend / customers retained, CAC = acquisition spend /
// new customers, CLTV:CAC = cltv / cac.
inline std::vector<double> per_customer(std::span<const double> amount, std::span<const double> customers,
                                        std::string_view amount_name, std::string_view customers_name) {
  check_same_length(customers_name, customers.size(), amount_name, amount.size());
  check_nonnegative_finite(amount_name, amount);
  detail::check_positive_finite(customers_name, customers);
  std::vector<double> value(amount.size());
  for (std::size_t i = 0; i < amount.size(); ++i) {
    value[i] = amount[i] / customers[i];
    if (std::isfinite(value[i])) continue;
    const auto at = "[" + std::to_string(i) + "] = ";
    fail_overflow(amount_name, i, "the result",
                  std::string(amount_name) + at + format_number(amount[i]) + " / " + std::string(customers_name) + at +
                      format_number(customers[i]));
  }
  return value;
}

// Periods to earn back CAC: cac / (arpa_new * gross_margin).
inline std::vector<double> cac_payback(std::span<const double> cac, std::span<const double> arpa_new,
                                       std::span<const double> gross_margin) {
  check_same_length("arpa_new", arpa_new.size(), "cac", cac.size());
  check_same_length("gross_margin", gross_margin.size(), "cac", cac.size());
  check_nonnegative_finite("cac", cac);
  detail::check_positive_finite("arpa_new", arpa_new);
  detail::check_fraction("gross_margin", gross_margin);
  std::vector<double> value(cac.size());
  for (std::size_t i = 0; i < cac.size(); ++i) {
    value[i] = cac[i] / (arpa_new[i] * gross_margin[i]);
    if (std::isfinite(value[i])) continue;
    const auto at = "[" + std::to_string(i) + "] = ";
    fail_overflow("cac", i, "the payback",
                  "cac" + at + format_number(cac[i]) + " / (arpa_new" + at + format_number(arpa_new[i]) +
                      " x gross_margin" + at + format_number(gross_margin[i]) + ")");
  }
  return value;
}

}  // namespace cssegment
