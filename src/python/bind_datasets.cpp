// Bindings of the datasets area (_core.datasets): the synthetic book as numpy columns.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "cssegment/datasets/synthetic_book.hpp"

namespace cssegment::python {

namespace {

py::list to_list(const std::vector<std::string>& names) {
  py::list list;
  for (const auto& name : names) list.append(name);
  return list;
}

py::dict synthetic_book_columns(std::size_t n_accounts, std::size_t n_months, std::uint64_t seed,
                                double high_touch_churn_factor) {
  SyntheticBook book;
  {
    py::gil_scoped_release release;
    book = synthetic_book({.n_accounts = n_accounts,
                           .n_months = n_months,
                           .seed = seed,
                           .high_touch_churn_factor = high_touch_churn_factor});
  }
  py::dict columns;
  columns["account_id"] = to_numpy(std::move(book.account_id));
  columns["arr"] = to_numpy(std::move(book.arr));
  columns["employees"] = to_numpy(std::move(book.employees));
  columns["company_revenue"] = to_numpy(std::move(book.company_revenue));
  columns["potential"] = to_numpy(std::move(book.potential));
  columns["industry"] = to_numpy(std::move(book.industry));
  columns["industry_names"] = to_list(book.industry_names);
  columns["region"] = to_numpy(std::move(book.region));
  columns["region_names"] = to_list(book.region_names);
  columns["start_month"] = to_numpy(std::move(book.start_month));
  columns["tenure_days"] = to_numpy(std::move(book.tenure_days));
  columns["renewal_days"] = to_numpy(std::move(book.renewal_days));
  columns["nps"] = to_numpy(std::move(book.nps));
  columns["logins_per_user"] = to_numpy(std::move(book.logins_per_user));
  columns["seats_used_pct"] = to_numpy(std::move(book.seats_used_pct));
  columns["tickets_90d"] = to_numpy(std::move(book.tickets_90d));
  columns["exec_sponsor"] = to_numpy(std::move(book.exec_sponsor));
  columns["churned"] = to_numpy(std::move(book.churned));
  columns["revenue_account_id"] = to_numpy(std::move(book.revenue_account_id));
  columns["revenue_month"] = to_numpy(std::move(book.revenue_month));
  columns["revenue_mrr"] = to_numpy(std::move(book.revenue_mrr));
  return columns;
}

// Monthly usage and owners, one row per revenue row of the book with the same arguments.
py::dict synthetic_usage_columns(std::size_t n_accounts, std::size_t n_months, std::uint64_t seed,
                                 double high_touch_churn_factor) {
  SyntheticUsage usage;
  {
    py::gil_scoped_release release;
    usage = synthetic_usage({.n_accounts = n_accounts,
                             .n_months = n_months,
                             .seed = seed,
                             .high_touch_churn_factor = high_touch_churn_factor});
  }
  py::dict columns;
  columns["logins"] = to_numpy(std::move(usage.logins));
  columns["seats_used"] = to_numpy(std::move(usage.seats_used));
  columns["tickets"] = to_numpy(std::move(usage.tickets));
  columns["nps"] = to_numpy(std::move(usage.nps));
  columns["owner"] = to_numpy(std::move(usage.owner));
  columns["owner_names"] = to_list(usage.owner_names);
  return columns;
}

}  // namespace

void bind_datasets(py::module_& m) {
  m.def("synthetic_book", &synthetic_book_columns, py::arg("n_accounts"), py::arg("n_months"), py::arg("seed"),
        py::arg("high_touch_churn_factor"),
        "Columns of cssegment::synthetic_book: account columns by name, `<name>_names` for the labels of "
        "coded columns, and `revenue_*` for the long revenue rows (months 0 .. n_months - 1).");
  m.def("synthetic_usage", &synthetic_usage_columns, py::arg("n_accounts"), py::arg("n_months"), py::arg("seed"),
        py::arg("high_touch_churn_factor"),
        "Columns of cssegment::synthetic_usage: logins, seats_used, tickets, nps and owner codes (owner_names) "
        "for each revenue row of synthetic_book with the same arguments.");
  // The Python layer checks arguments against the same bounds before they reach size_t.
  py::dict limits;
  limits["n_accounts"] = py::make_tuple(synthetic_book_min_accounts, synthetic_book_max_accounts);
  limits["n_months"] = py::make_tuple(synthetic_book_min_months, synthetic_book_max_months);
  m.attr("synthetic_book_high_touch_arr") = synthetic_book_high_touch_arr;
  m.attr("synthetic_book_limits") = limits;
}

}  // namespace cssegment::python
