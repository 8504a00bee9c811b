// Bindings of the metrics area (_core.metrics): the revenue ledger, segments, mergeable partial
// sums and the tables computed from them, value metrics and NPS.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cssegment/metrics/account_segments.hpp"
#include "cssegment/metrics/book_metrics.hpp"
#include "cssegment/metrics/cohorts.hpp"
#include "cssegment/metrics/hierarchy.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/movements.hpp"
#include "cssegment/metrics/nps.hpp"
#include "cssegment/metrics/partials.hpp"
#include "cssegment/metrics/periods.hpp"
#include "cssegment/metrics/retention.hpp"
#include "cssegment/metrics/subscriptions.hpp"
#include "cssegment/metrics/value.hpp"

namespace cssegment::python {

namespace {

using ColumnNames = std::tuple<std::string, std::string, std::string>;

LedgerColumns ledger_columns(const ColumnNames& columns) {
  return {std::get<0>(columns), std::get<1>(columns), std::get<2>(columns)};
}

std::optional<std::pair<std::int64_t, std::size_t>> period_range(std::optional<std::int64_t> first_period,
                                                                 std::optional<std::size_t> n_periods) {
  if (first_period && n_periods) return std::pair{*first_period, *n_periods};
  return std::nullopt;
}

RevenueLedger ledger_from_rows(const Array<std::int64_t>& accounts, const Array<std::int64_t>& periods,
                               std::int64_t ticks_per_day, const Array<double>& amounts,
                               std::optional<std::int64_t> first_period, std::optional<std::size_t> n_periods,
                               const ColumnNames& columns, const Calendar& calendar) {
  const auto names = ledger_columns(columns);
  const auto account_view = view(accounts);
  const PeriodKeys period_keys{view(periods), ticks_per_day, calendar};
  const auto amount_view = view(amounts);
  py::gil_scoped_release release;
  return RevenueLedger::from_rows(account_view, period_keys, amount_view, period_range(first_period, n_periods), names);
}

// A RevenueLedger::Builder with the arrays its spans view, held as long as it lives.
struct LedgerBuilder {
  LedgerBuilder(Array<std::int64_t> accounts_, Array<std::int64_t> periods_, std::int64_t ticks_per_day,
                Array<double> amounts_, std::optional<std::int64_t> first_period, std::optional<std::size_t> n_periods,
                const ColumnNames& columns, const Calendar& calendar)
      : accounts(std::move(accounts_)),
        periods(std::move(periods_)),
        amounts(std::move(amounts_)),
        builder(view(accounts), PeriodKeys{view(periods), ticks_per_day, calendar}, view(amounts),
                period_range(first_period, n_periods), ledger_columns(columns)) {}

  Array<std::int64_t> accounts, periods;
  Array<double> amounts;
  RevenueLedger::Builder builder;
};

py::array_t<std::int64_t> days_of_periods(const Calendar& calendar, const Array<std::int64_t>& periods, bool last) {
  const auto period_view = view(periods);
  std::vector<std::int64_t> days;
  {
    py::gil_scoped_release release;
    days = period_days(calendar, period_view, last, "periods");
  }
  return to_numpy(std::move(days));
}

const AccountSegments& segments_or_one(const std::optional<AccountSegments>& segments) {
  static const AccountSegments one;
  return segments ? *segments : one;
}

// Moves named columns into numpy arrays without copying.
template <class Columns>
py::dict columns_dict(Columns& columns) {
  py::dict out;
  for (auto& [name, column] : columns) out[name] = to_numpy(std::move(*column));
  return out;
}

py::dict movement_columns(const PartialSums& sums) {
  MovementTable table;
  {
    py::gil_scoped_release release;
    table = movement_table(sums);
  }
  std::pair<const char*, std::vector<double>*> columns[] = {{"start", &table.start},
                                                            {"moved_in", &table.moved_in},
                                                            {"moved_out", &table.moved_out},
                                                            {"new", &table.new_revenue},
                                                            {"reactivation", &table.reactivation},
                                                            {"expansion", &table.expansion},
                                                            {"contraction", &table.contraction},
                                                            {"churn", &table.churn},
                                                            {"end", &table.end},
                                                            {"logos_start", &table.logos_start},
                                                            {"logos_moved_in", &table.logos_moved_in},
                                                            {"logos_moved_out", &table.logos_moved_out},
                                                            {"logos_new", &table.logos_new},
                                                            {"logos_reactivated", &table.logos_reactivated},
                                                            {"logos_churned", &table.logos_churned},
                                                            {"logos_end", &table.logos_end},
                                                            {"quick_ratio", &table.quick_ratio}};
  return columns_dict(columns);
}

py::dict retention_columns(const PartialSums& sums, double masks_churn_below) {
  RetentionTable table;
  {
    py::gil_scoped_release release;
    table = retention_table(sums, masks_churn_below);
  }
  std::pair<const char*, std::vector<double>*> columns[] = {{"cohort_accounts", &table.cohort_accounts},
                                                            {"start_revenue", &table.start_revenue},
                                                            {"end_revenue", &table.end_revenue},
                                                            {"retained_revenue", &table.retained_revenue},
                                                            {"nrr", &table.nrr},
                                                            {"grr", &table.grr},
                                                            {"logo_retention", &table.logo_retention}};
  py::dict out = columns_dict(columns);
  py::array_t<bool> masks(static_cast<py::ssize_t>(table.nrr_masks_churn.size()));
  for (std::size_t i = 0; i < table.nrr_masks_churn.size(); ++i) masks.mutable_at(i) = table.nrr_masks_churn[i];
  out["nrr_masks_churn"] = masks;
  return out;
}

py::dict cohort_columns(const RevenueLedger& ledger, const std::optional<AccountSegments>& segments,
                        std::int64_t cohort_length, bool include_first_period) {
  CohortSums sums;
  {
    py::gil_scoped_release release;
    sums = cohort_sums(ledger, segments_or_one(segments), {cohort_length, include_first_period});
  }
  const auto blocks = static_cast<py::ssize_t>(sums.sums.rows());
  const auto groups = static_cast<py::ssize_t>(sums.sums.segments());
  const auto ages = static_cast<py::ssize_t>(sums.n_periods);
  py::dict out;
  for (auto [name, field] : {std::pair{"revenue", cohort_revenue}, std::pair{"paying", cohort_paying},
                             std::pair{"survivors", cohort_survivors}}) {
    py::array_t<double> values({blocks, groups, ages});
    auto cells = values.mutable_unchecked<3>();
    for (py::ssize_t b = 0; b < blocks; ++b)
      for (py::ssize_t s = 0; s < groups; ++s)
        for (py::ssize_t t = 0; t < ages; ++t)
          cells(b, s, t) =
              sums.value(static_cast<std::size_t>(b), static_cast<std::size_t>(s), static_cast<std::size_t>(t), field);
    out[name] = values;
  }
  py::array_t<std::int64_t> observed({blocks, groups});
  auto cells = observed.mutable_unchecked<2>();
  for (py::ssize_t b = 0; b < blocks; ++b)
    for (py::ssize_t s = 0; s < groups; ++s)
      cells(b, s) = sums.observed_ages(static_cast<std::size_t>(b), static_cast<std::size_t>(s));
  out["observed_ages"] = observed;
  return out;
}

py::dict nps_columns(const Array<double>& scores, const std::optional<Array<std::int32_t>>& groups,
                     std::size_t group_count) {
  const auto score_view = view(scores);
  const auto group_view = view(groups);
  std::vector<NpsCounts> counts;
  {
    py::gil_scoped_release release;
    counts = nps_counts(score_view, group_view, group_count);
  }
  std::vector<double> n, promoters, passives, detractors, nps, standard_error, low, high;
  for (const NpsCounts& c : counts) {
    const NpsEstimate e = nps_estimate(c);
    n.push_back(static_cast<double>(e.n));
    promoters.push_back(static_cast<double>(e.promoters));
    passives.push_back(static_cast<double>(e.passives));
    detractors.push_back(static_cast<double>(e.detractors));
    nps.push_back(e.nps);
    standard_error.push_back(e.standard_error);
    low.push_back(e.low);
    high.push_back(e.high);
  }
  std::pair<const char*, std::vector<double>*> columns[] = {
      {"nps", &nps}, {"standard_error", &standard_error}, {"ci_low", &low},        {"ci_high", &high},
      {"n", &n},     {"promoters", &promoters},           {"passives", &passives}, {"detractors", &detractors}};
  return columns_dict(columns);
}

py::dict nps_difference_of(const Array<double>& a, const Array<double>& b) {
  const auto a_view = view(a), b_view = view(b);
  NpsEstimate ea{}, eb{};
  NpsDifference d{};
  {
    py::gil_scoped_release release;
    ea = nps_estimate(nps_counts(a_view, {}, 1, "a")[0]);
    eb = nps_estimate(nps_counts(b_view, {}, 1, "b")[0]);
    d = nps_difference(ea, eb);
  }
  py::dict out;
  out["difference"] = d.difference;
  out["standard_error"] = d.standard_error;
  out["z"] = d.z;
  out["p_value"] = d.p_value;
  out["ci_low"] = d.low;
  out["ci_high"] = d.high;
  out["nps_a"] = ea.nps;
  out["nps_b"] = eb.nps;
  return out;
}

// The ledger's matrix (accounts x periods) as a read-only view that keeps the ledger alive.
py::array_t<double> ledger_matrix(const py::object& self) {
  const auto& ledger = self.cast<const RevenueLedger&>();
  const std::size_t periods = ledger.n_periods();
  py::array_t<double> matrix({ledger.n_accounts(), periods}, {periods * sizeof(double), sizeof(double)},
                             ledger.matrix().data(), self);
  py::detail::array_proxy(matrix.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return matrix;
}

py::dict ledger_summary(const RevenueLedger& ledger) {
  const LedgerSummary& s = ledger.summary();
  py::dict out;
  out["rows_read"] = s.rows_read;
  out["accounts"] = s.n_accounts;
  out["periods"] = s.n_periods;
  out["duplicate_rows"] = s.duplicate_rows;
  return out;
}

// Elementwise value metrics: float64 arrays in, a new float64 array out, the GIL released.
template <class... Arrays>
auto value_metric(std::vector<double> (*metric)(std::span<const Arrays>...)) {
  return [metric](const Array<Arrays>&... arrays) {
    const auto views = std::tuple{view(arrays)...};
    std::vector<double> values;
    {
      py::gil_scoped_release release;
      values = std::apply(metric, views);
    }
    return to_numpy(std::move(values));
  };
}

py::array_t<double> per_customer_values(const Array<double>& amount, const Array<double>& customers,
                                        const std::string& amount_name, const std::string& customers_name) {
  const auto amount_view = view(amount), customer_view = view(customers);
  std::vector<double> values;
  {
    py::gil_scoped_release release;
    values = per_customer(amount_view, customer_view, amount_name, customers_name);
  }
  return to_numpy(std::move(values));
}

void bind_account_segments(py::module_& m) {
  py::class_<AccountSegments>(m, "account_segments")
      .def_static(
          "per_account",
          [](const RevenueLedger& ledger, const Array<std::int64_t>& keys, const Array<std::int32_t>& codes,
             std::size_t segments) {
            const auto key_view = view(keys);
            const auto code_view = view(codes);
            py::gil_scoped_release release;
            return AccountSegments::per_account(ledger, key_view, code_view, segments);
          },
          py::arg("ledger"), py::arg("keys"), py::arg("codes"), py::arg("segments"))
      .def_static(
          "per_period",
          [](const RevenueLedger& ledger, const Array<std::int64_t>& keys, const Array<std::int64_t>& periods,
             std::int64_t ticks_per_day, const Array<std::int32_t>& codes, std::size_t segments,
             const Calendar& calendar) {
            const auto key_view = view(keys);
            const PeriodKeys period_keys{view(periods), ticks_per_day, calendar};
            const auto code_view = view(codes);
            py::gil_scoped_release release;
            return AccountSegments::per_period(ledger, key_view, period_keys, code_view, segments);
          },
          py::arg("ledger"), py::arg("keys"), py::arg("periods"), py::arg("ticks_per_day"), py::arg("codes"),
          py::arg("segments"), py::arg("calendar") = Calendar{})
      .def_property_readonly("count", &AccountSegments::count)
      .def("first_unsegmented", &AccountSegments::first_unsegmented, py::arg("ledger"),
           py::call_guard<py::gil_scoped_release>());
}

void bind_partials(py::module_& m) {
  py::class_<PartialSums>(m, "partial_sums")
      .def_property_readonly("kind", &PartialSums::kind)
      .def_property_readonly("parameter", &PartialSums::parameter)
      .def_property_readonly("first_period", &PartialSums::first_period)
      .def_property_readonly("rows", &PartialSums::rows)
      .def_property_readonly("segments", &PartialSums::segments)
      .def("merge", &PartialSums::merge, py::arg("other"), py::return_value_policy::reference_internal)
      .def("copy", [](const PartialSums& sums) { return sums; })
      .def("to_json", &PartialSums::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &PartialSums::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def("__eq__", [](const PartialSums& a, const PartialSums& b) { return a == b; })
      .def(py::pickle([](const PartialSums& sums) { return sums.to_json(); },
                      [](const std::string& text) { return PartialSums::from_json(text); }));
  m.def("movement_table", &movement_columns, py::arg("partials"));
  m.def("retention_table", &retention_columns, py::arg("partials"), py::arg("masks_churn_below"));
  m.def("check_horizon", &check_horizon, py::arg("horizon"));
  m.def("ids_are_dense", &ids_are_dense, py::arg("low"), py::arg("high"), py::arg("count"));
  m.def("check_reactivation_window", &check_reactivation_window, py::arg("reactivation_window"));
}

void bind_ledger_builder(py::module_& m) {
  py::class_<LedgerBuilder>(m, "revenue_ledger_builder")
      .def(py::init<Array<std::int64_t>, Array<std::int64_t>, std::int64_t, Array<double>, std::optional<std::int64_t>,
                    std::optional<std::size_t>, const ColumnNames&, const Calendar&>(),
           py::arg("accounts"), py::arg("periods"), py::arg("ticks_per_day"), py::arg("amounts"),
           py::arg("first_period") = py::none(), py::arg("n_periods") = py::none(),
           py::arg("names") = ColumnNames{"account", "period", "amount"}, py::arg("calendar") = Calendar{})
      .def_property_readonly("work", [](const LedgerBuilder& b) { return b.builder.work(); })
      .def_property_readonly("work_done", [](const LedgerBuilder& b) { return b.builder.work_done(); })
      .def_property_readonly("done", [](const LedgerBuilder& b) { return b.builder.done(); })
      .def(
          "run",
          [](LedgerBuilder& b, std::size_t count) {
            py::gil_scoped_release release;
            b.builder.run(count);
          },
          py::arg("count"))
      .def("finish", [](LedgerBuilder& b) {
        py::gil_scoped_release release;
        return b.builder.finish();
      });
}

void bind_ledger(py::module_& m) {
  py::class_<RevenueLedger>(m, "revenue_ledger")
      .def_static("from_rows", &ledger_from_rows, py::arg("accounts"), py::arg("periods"), py::arg("ticks_per_day"),
                  py::arg("amounts"), py::arg("first_period") = py::none(), py::arg("n_periods") = py::none(),
                  py::arg("names") = ColumnNames{"account", "period", "amount"}, py::arg("calendar") = Calendar{})
      .def_property_readonly("n_accounts", &RevenueLedger::n_accounts)
      .def_property_readonly("n_periods", &RevenueLedger::n_periods)
      .def_property_readonly("first_period", &RevenueLedger::first_period)
      .def_property_readonly("account_keys",
                             [](const py::object& self) {
                               const auto& keys = self.cast<const RevenueLedger&>().account_keys();
                               return py::array_t<std::int64_t>({keys.size()}, {sizeof(std::int64_t)}, keys.data(),
                                                                self);
                             })
      .def_property_readonly("matrix", &ledger_matrix)
      .def("summary", &ledger_summary)
      .def(
          "movement_partials",
          [](const RevenueLedger& ledger, const std::optional<AccountSegments>& segments,
             std::optional<std::int64_t> window) {
            py::gil_scoped_release release;
            return movement_partials(ledger, segments_or_one(segments), window);
          },
          py::arg("segments"), py::arg("reactivation_window"))
      .def(
          "retention_partials",
          [](const RevenueLedger& ledger, const std::optional<AccountSegments>& segments, std::int64_t horizon) {
            py::gil_scoped_release release;
            return retention_partials(ledger, segments_or_one(segments), horizon);
          },
          py::arg("segments"), py::arg("horizon"))
      .def("cohort_sums", &cohort_columns, py::arg("segments"), py::arg("cohort_length"),
           py::arg("include_first_period"));
}

using SubscriptionNames = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;

RevenueLedger ledger_of_subscriptions(const Array<std::int64_t>& accounts, const Array<std::int64_t>& starts,
                                      const Array<std::int64_t>& ends, const Array<double>& amounts,
                                      const Array<std::int64_t>& intervals, const Array<std::int64_t>& last_days,
                                      std::int64_t first_period, const std::optional<Array<std::int32_t>>& currencies,
                                      const std::optional<Array<double>>& rates, const SubscriptionNames& columns,
                                      std::size_t max_threads) {
  const Subscriptions rows{view(accounts), view(starts), view(ends), view(amounts), view(intervals)};
  const SubscriptionRates fx{view(currencies), view(rates)};
  const auto& [account, start, end, amount, interval, currency] = columns;
  const SubscriptionColumns names{account, start, end, amount, interval, currency, "fx"};
  const auto days = view(last_days);
  py::gil_scoped_release release;
  return ledger_from_subscriptions(rows, days, first_period, fx, names, max_threads);
}

// Top-most ancestors of nodes 0 .. n - 1; `describe(node)` names a node in an error message.
py::array_t<std::int64_t> top_ancestors_of(const Array<std::int64_t>& parents, const py::function& describe) {
  const auto nodes = view(parents);
  std::vector<std::int64_t> top;
  {
    py::gil_scoped_release release;
    top = top_ancestors(nodes, [&describe](std::size_t node) {
      py::gil_scoped_acquire acquire;
      return describe(node).cast<std::string>();
    });
  }
  return to_numpy(std::move(top));
}

void bind_subscriptions(py::module_& m) {
  m.def("ledger_from_subscriptions", &ledger_of_subscriptions, py::arg("accounts"), py::arg("starts"), py::arg("ends"),
        py::arg("amounts"), py::arg("intervals"), py::arg("last_days"), py::arg("first_period"), py::arg("currencies"),
        py::arg("rates"), py::arg("names"), py::arg("max_threads") = 0,
        "cssegment::ledger_from_subscriptions: days since 1970-01-01, ends exclusive (open_end: still active), "
        "intervals in months (weekly_interval: a week), periods by their last days; rates currencies x periods.");
  m.attr("open_end") = open_end;
  m.attr("missing_day") = missing_day;
  m.attr("weekly_interval") = weekly_interval;
  m.def("top_ancestors", &top_ancestors_of, py::arg("parents"), py::arg("describe"),
        "cssegment::top_ancestors: parents[i] a node number or -1; cycles and self-parents raise, naming nodes "
        "through describe(node).");
}

void bind_value(py::module_& m) {
  m.def("cltv", value_metric(&cltv), py::arg("arpa"), py::arg("churn_rate"), py::arg("cost_to_serve"),
        py::arg("gross_margin"), py::arg("discount_rate"));
  m.def("per_customer", &per_customer_values, py::arg("amount"), py::arg("customers"), py::arg("amount_name"),
        py::arg("customers_name"));
  m.def("cac_payback", value_metric(&cac_payback), py::arg("cac"), py::arg("arpa_new"), py::arg("gross_margin"));
}

void bind_nps(py::module_& m) {
  m.def("nps", &nps_columns, py::arg("scores"), py::arg("groups"), py::arg("group_count"));
  m.def("nps_difference", &nps_difference_of, py::arg("a"), py::arg("b"));
}

// ---- book metrics (growth KPIs per CSM book)

py::dict book_metric_columns(const RevenueLedger& ledger, const AccountSegments& owners,
                             const std::optional<AccountSegments>& mix, std::int64_t horizon, std::int64_t start,
                             double level) {
  BookMetrics metrics;
  {
    py::gil_scoped_release release;
    metrics = book_metrics(ledger, owners, segments_or_one(mix), horizon, start, level);
  }
  RetentionTable& r = metrics.retention;
  std::pair<const char*, std::vector<double>*> columns[] = {{"accounts", &r.cohort_accounts},
                                                            {"start_revenue", &r.start_revenue},
                                                            {"end_revenue", &r.end_revenue},
                                                            {"retained_revenue", &r.retained_revenue},
                                                            {"nrr", &r.nrr},
                                                            {"grr", &r.grr},
                                                            {"logo_retention", &r.logo_retention},
                                                            {"expansion", &metrics.expansion},
                                                            {"churned", &metrics.churned},
                                                            {"expected_nrr", &metrics.expected_nrr},
                                                            {"mix_adjusted_nrr", &metrics.mix_adjusted_nrr},
                                                            {"nrr_se", &metrics.nrr_se},
                                                            {"grr_se", &metrics.grr_se},
                                                            {"mix_adjusted_nrr_se", &metrics.mix_adjusted_nrr_se},
                                                            {"grr_df", &metrics.grr_df},
                                                            {"nrr_low", &metrics.nrr_low},
                                                            {"nrr_high", &metrics.nrr_high},
                                                            {"grr_low", &metrics.grr_low},
                                                            {"grr_high", &metrics.grr_high},
                                                            {"logo_retention_low", &metrics.logo_retention_low},
                                                            {"logo_retention_high", &metrics.logo_retention_high},
                                                            {"mix_adjusted_nrr_low", &metrics.mix_adjusted_nrr_low},
                                                            {"mix_adjusted_nrr_high", &metrics.mix_adjusted_nrr_high},
                                                            {"segment_nrr", &metrics.segment_nrr}};
  return columns_dict(columns);
}

void bind_book_metrics(py::module_& m) {
  m.def("book_metrics", &book_metric_columns, py::arg("ledger"), py::arg("owners"), py::arg("mix"), py::arg("horizon"),
        py::arg("start"), py::arg("level"));
  m.def("first_unsegmented_at", &first_unsegmented_at, py::arg("ledger"), py::arg("segments"), py::arg("start"),
        py::call_guard<py::gil_scoped_release>());
}

}  // namespace

// Calendars: dates (days since 1970-01-01) to period ordinals and back (periods.hpp).
void bind_periods(py::module_& m) {
  py::class_<Calendar>(m, "calendar")
      .def(py::init(&Calendar::of), py::arg("freq") = "M", py::arg("fiscal_year_start") = 1)
      .def_property_readonly("freq",
                             [](const Calendar& calendar) {
                               constexpr const char* names[] = {"M", "Q", "W", "Y"};
                               return std::string(names[static_cast<int>(calendar.freq)]);
                             })
      .def_readonly("fiscal_year_start", &Calendar::fiscal_year_start)
      .def(
          "period_ordinals",
          [](const Calendar& calendar, const Array<std::int64_t>& keys, std::int64_t ticks_per_day,
             const std::string& argument) {
            const PeriodKeys period_keys{view(keys), ticks_per_day, calendar};
            std::vector<std::int64_t> ordinals(period_keys.values.size());
            {
              py::gil_scoped_release release;
              for (std::size_t i = 0; i < ordinals.size(); ++i) ordinals[i] = period_ordinal(period_keys, i, argument);
            }
            return to_numpy(std::move(ordinals));
          },
          py::arg("keys"), py::arg("ticks_per_day"), py::arg("argument") = "period")
      .def(
          "first_days",
          [](const Calendar& calendar, const Array<std::int64_t>& periods) {
            return days_of_periods(calendar, periods, false);
          },
          py::arg("periods"))
      .def(
          "last_days",
          [](const Calendar& calendar, const Array<std::int64_t>& periods) {
            return days_of_periods(calendar, periods, true);
          },
          py::arg("periods"))
      .def("__eq__", [](const Calendar& a, const Calendar& b) { return a == b; });
  m.def(
      "check_not_yyyymm",
      [](const Array<std::int64_t>& values, const std::string& argument) {
        const auto value_view = view(values);
        py::gil_scoped_release release;
        check_not_yyyymm(value_view, argument);
      },
      py::arg("values"), py::arg("argument"));
  m.def(
      "all_read_as_yyyymm",
      [](const Array<std::int64_t>& values) {
        const auto value_view = view(values);
        py::gil_scoped_release release;
        return all_read_as_yyyymm(value_view);
      },
      py::arg("values"));
}

void bind_metrics(py::module_& m) {
  bind_periods(m);
  bind_ledger(m);
  bind_ledger_builder(m);
  bind_account_segments(m);
  bind_partials(m);
  bind_value(m);
  bind_nps(m);
  bind_subscriptions(m);
  bind_book_metrics(m);
}

}  // namespace cssegment::python
