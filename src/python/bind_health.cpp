// Health scorecards, calibration and backtests (_core.health). The Python layer converts pandas
// columns; here they arrive as (name, values, labels) tuples.
#include <pybind11/functional.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cssegment/health/auc.hpp"
#include "cssegment/health/backtest.hpp"
#include "cssegment/health/calibrate.hpp"
#include "cssegment/health/history.hpp"
#include "cssegment/health/lead.hpp"
#include "cssegment/health/normalizers.hpp"
#include "cssegment/health/scorecard.hpp"
#include "cssegment/health/scorecard_set.hpp"

namespace cssegment::python {

namespace {

using MeasureTuple = std::tuple<std::string, Normalizer, double>;

// An uninitialised float64 array the core fills, and a span over it (taken while holding the GIL).
template <class T>
std::pair<py::array_t<T>, std::span<T>> output(std::vector<py::ssize_t> shape) {
  py::array_t<T> array(shape);
  return {array, std::span<T>(array.mutable_data(), static_cast<std::size_t>(array.size()))};
}

// model.fit(columns), the GIL released while it learns.
template <class Model>
void fit_on_columns(Model& model, const py::list& columns, std::size_t rows) {
  const auto arguments = column_table(columns, rows);
  py::gil_scoped_release release;
  model.fit(arguments.table);
}

// The Percentile fit of rows given as sorted distinct values and their counts: (knots, counts,
// mean, sd), equal to the fit of the rows.
py::tuple counted_distribution(const Array<double>& values, const Array<std::uint64_t>& counts) {
  const auto value_view = view(values);
  const auto count_view = view(counts);
  FittedDistribution fit;
  {
    py::gil_scoped_release release;
    fit = fit_counted_distribution(value_view, count_view);
  }
  return py::make_tuple(to_numpy(std::move(fit.knots)), to_numpy(std::move(fit.counts)), fit.mean, fit.sd);
}

void bind_normalizer(py::module_& m) {
  py::class_<Normalizer>(m, "normalizer")
      .def_static("linear", &Normalizer::linear, py::arg("bad"), py::arg("good"))
      .def_static("trend", &Normalizer::trend, py::arg("periods"), py::arg("bad"), py::arg("good"), py::arg("earlier"))
      .def_static("bands", &Normalizer::bands, py::arg("edges"), py::arg("scores"))
      .def_static(
          "percentile",
          [](std::string by, bool higher_is_better, const std::string& unseen) {
            return Normalizer::percentile(std::move(by), higher_is_better, parse_unseen_group(unseen));
          },
          py::arg("by"), py::arg("higher_is_better"), py::arg("unseen"))
      .def_static(
          "zscore",
          [](std::string by, bool higher_is_better, const std::string& unseen) {
            return Normalizer::zscore(std::move(by), higher_is_better, parse_unseen_group(unseen));
          },
          py::arg("by"), py::arg("higher_is_better"), py::arg("unseen"))
      .def_static("boolean", &Normalizer::boolean, py::arg("higher_is_better"), py::arg("true_labels"))
      .def_static(
          "category",
          [](std::vector<std::string> labels, std::vector<double> scores, const std::string& unknown) {
            return Normalizer::category(std::move(labels), std::move(scores), parse_unknown_label(unknown));
          },
          py::arg("labels"), py::arg("scores"), py::arg("unknown"))
      .def_property_readonly("kind", [](const Normalizer& n) { return std::string(to_string(n.kind())); })
      .def_property_readonly("bad", &Normalizer::bad)
      .def_property_readonly("good", &Normalizer::good)
      .def_property_readonly("periods", &Normalizer::periods)
      .def_property_readonly("earlier", &Normalizer::earlier)
      .def_property_readonly("edges", &Normalizer::edges)
      .def_property_readonly("scores", &Normalizer::scores)
      .def_property_readonly("by", &Normalizer::by)
      .def_property_readonly("higher_is_better", &Normalizer::higher_is_better)
      .def_property_readonly("unseen", [](const Normalizer& n) { return std::string(to_string(n.unseen())); })
      .def_property_readonly("labels", &Normalizer::labels)
      .def_property_readonly("unknown", [](const Normalizer& n) { return std::string(to_string(n.unknown())); })
      .def_property_readonly("fitted", &Normalizer::fitted)
      .def_property_readonly("groups", &Normalizer::groups)
      .def(py::self == py::self);
  m.def("fit_counted_distribution", &counted_distribution, py::arg("values"), py::arg("counts"));
}

py::array_t<double> scorecard_transform(const Scorecard& card, const py::list& columns, std::size_t rows) {
  const auto arguments = column_table(columns, rows);
  const auto measures = static_cast<py::ssize_t>(card.measures().size()), n = static_cast<py::ssize_t>(rows);
  auto [out, values] = output<double>({measures, n});
  {
    py::gil_scoped_release release;
    card.transform_into(arguments.table, values);
  }
  return out;
}

py::dict scorecard_scores(const Scorecard& card, const py::list& columns, std::size_t rows,
                          const std::optional<Array<double>>& previous, std::size_t max_threads) {
  const auto arguments = column_table(columns, rows);
  const auto previous_view = view(previous);
  const auto measures = static_cast<py::ssize_t>(card.measures().size()), n = static_cast<py::ssize_t>(rows);
  auto [score, score_span] = output<double>({n});
  auto [band, band_span] = output<std::int8_t>({n});
  auto [trend, trend_span] = output<double>({previous ? n : 0});
  auto [contributions, contribution_span] = output<double>({measures, n});
  {
    py::gil_scoped_release release;
    card.score_into(arguments.table, previous_view, {score_span, band_span, trend_span, contribution_span},
                    max_threads);
  }
  py::dict out;
  out["score"] = score;
  out["band"] = band;
  out["trend"] = previous ? py::object(trend) : py::object(py::none());
  out["contributions"] = contributions;
  return out;
}

void bind_scorecard(py::module_& m) {
  py::class_<Scorecard>(m, "scorecard")
      .def(py::init([](const std::vector<MeasureTuple>& measures, const std::string& combine,
                       std::vector<std::string> band_names, std::vector<double> band_lowers, const std::string& missing,
                       std::size_t min_measures) {
             std::vector<Measure> listed;
             for (const auto& [column, normalizer, weight] : measures) listed.push_back({column, normalizer, weight});
             return Scorecard(std::move(listed), parse_combine(combine), std::move(band_names), std::move(band_lowers),
                              parse_missing_measures(missing), min_measures);
           }),
           py::arg("measures"), py::arg("combine"), py::arg("band_names"), py::arg("band_lowers"), py::arg("missing"),
           py::arg("min_measures"))
      .def_property_readonly("measures",
                             [](const Scorecard& card) {
                               std::vector<MeasureTuple> measures;
                               for (const auto& m : card.measures())
                                 measures.emplace_back(m.column, m.normalizer, m.weight);
                               return measures;
                             })
      .def_property_readonly("combine", [](const Scorecard& card) { return std::string(to_string(card.combine())); })
      .def_property_readonly("band_names", &Scorecard::band_names)
      .def_property_readonly("band_lowers", &Scorecard::band_lowers)
      .def_property_readonly("missing", [](const Scorecard& card) { return std::string(to_string(card.missing())); })
      .def_property_readonly("min_measures", &Scorecard::min_measures)
      .def_property_readonly("fitted", &Scorecard::fitted)
      .def("fit", &fit_on_columns<Scorecard>, py::arg("columns"), py::arg("rows"))
      .def("transform", &scorecard_transform, py::arg("columns"), py::arg("rows"))
      .def("score", &scorecard_scores, py::arg("columns"), py::arg("rows"), py::arg("previous") = py::none(),
           py::arg("max_threads") = 0)
      .def(
          "with_weights",
          [](const Scorecard& card, const std::vector<double>& weights) { return card.with_weights(weights); },
          py::arg("weights"))
      .def("to_json", &Scorecard::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &Scorecard::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);
}

void bind_scorecard_set(py::module_& m) {
  using Segments = std::vector<std::pair<std::string, Scorecard>>;
  py::class_<ScorecardSet>(m, "scorecard_set")
      .def(py::init<std::string, Segments, std::optional<Scorecard>>(), py::arg("by"), py::arg("scorecards"),
           py::arg("default"))
      .def_property_readonly("by", &ScorecardSet::by)
      .def_property_readonly("scorecards",
                             [](const ScorecardSet& set) {
                               Segments segments;
                               for (std::size_t k = 0; k < set.segment_count(); ++k)
                                 segments.emplace_back(set.scorecard_names()[k], set.scorecards()[k]);
                               return segments;
                             })
      .def_property_readonly("default",
                             [](const ScorecardSet& set) {
                               const Scorecard* card = set.default_scorecard();
                               return card ? std::optional<Scorecard>(*card) : std::nullopt;
                             })
      .def_property_readonly("scorecard_names", &ScorecardSet::scorecard_names)
      .def_property_readonly("band_names", &ScorecardSet::band_names)
      .def_property_readonly("measure_columns", &ScorecardSet::measure_columns)
      .def("fit", &fit_on_columns<ScorecardSet>, py::arg("columns"), py::arg("rows"))
      .def(
          "route",
          [](const ScorecardSet& set, const py::list& columns, std::size_t rows) {
            const auto arguments = column_table(columns, rows);
            std::vector<std::int32_t> card;
            {
              py::gil_scoped_release release;
              card = set.route(arguments.table);
            }
            return to_numpy(std::move(card));
          },
          py::arg("columns"), py::arg("rows"))
      .def(
          "score",
          [](const ScorecardSet& set, const py::list& columns, std::size_t rows,
             const std::optional<Array<double>>& previous, std::size_t max_threads) {
            const auto arguments = column_table(columns, rows);
            const auto previous_view = view(previous);
            SetScores scores;
            {
              py::gil_scoped_release release;
              scores = set.score(arguments.table, previous_view, max_threads);
            }
            const auto measures = static_cast<py::ssize_t>(set.measure_columns().size());
            py::dict out;
            out["score"] = to_numpy(std::move(scores.score));
            out["band"] = to_numpy(std::move(scores.band));
            out["trend"] = previous ? py::object(to_numpy(std::move(scores.trend))) : py::object(py::none());
            out["contributions"] =
                to_numpy(std::move(scores.contributions)).reshape({measures, static_cast<py::ssize_t>(rows)});
            out["scorecard"] = to_numpy(std::move(scores.scorecard));
            return out;
          },
          py::arg("columns"), py::arg("rows"), py::arg("previous") = py::none(), py::arg("max_threads") = 0)
      .def("to_json", &ScorecardSet::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &ScorecardSet::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);
}

void bind_calibrated(py::module_& m) {
  py::class_<CalibratedScorecard>(m, "calibrated_scorecard")
      .def_static(
          "calibrate",
          [](const Scorecard& card, const py::list& columns, std::size_t rows, const Array<double>& outcome,
             double l2) {
            const auto arguments = column_table(columns, rows);
            const auto outcome_view = view(outcome);
            py::gil_scoped_release release;
            return CalibratedScorecard::calibrate(card, arguments.table, outcome_view, l2);
          },
          py::arg("scorecard"), py::arg("columns"), py::arg("rows"), py::arg("outcome"), py::arg("l2"))
      .def_property_readonly("scorecard", [](const CalibratedScorecard& model) { return model.scorecard(); })
      .def_property_readonly("coef", &CalibratedScorecard::coef)
      .def_property_readonly("intercept", &CalibratedScorecard::intercept)
      .def_property_readonly("means", &CalibratedScorecard::means)
      .def_property_readonly("l2", &CalibratedScorecard::l2)
      .def_property_readonly("iterations", &CalibratedScorecard::iterations)
      .def(
          "predict_proba",
          [](const CalibratedScorecard& model, const py::list& columns, std::size_t rows) {
            const auto arguments = column_table(columns, rows);
            std::vector<double> out;
            {
              py::gil_scoped_release release;
              out = model.predict_proba(arguments.table);
            }
            return to_numpy(std::move(out));
          },
          py::arg("columns"), py::arg("rows"))
      .def("as_scorecard", &CalibratedScorecard::as_scorecard)
      .def("to_json", &CalibratedScorecard::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &CalibratedScorecard::from_json, py::arg("text"),
                  py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);
}

py::tuple logistic_fit(const Array<double>& features, const Array<double>& outcome, double l2) {
  if (features.ndim() != 2) fail("features", "must be a 2-D array (features x rows)");
  const auto p = static_cast<std::size_t>(features.shape(0));
  const std::span<const double> x(features.data(), static_cast<std::size_t>(features.size()));
  const auto y = view(outcome);
  LogisticFit fit;
  {
    py::gil_scoped_release release;
    fit = fit_logistic(x, p, y, l2);
  }
  return py::make_tuple(fit.coef, fit.intercept, fit.iterations);
}

py::dict churn_groups(const std::vector<ChurnGroup>& listed) {
  std::vector<double> accounts, churned, low, high;
  for (const auto& g : listed)
    accounts.push_back(static_cast<double>(g.accounts)), churned.push_back(static_cast<double>(g.churned)),
        low.push_back(g.min_score), high.push_back(g.max_score);
  py::dict columns;
  columns["accounts"] = to_numpy(std::move(accounts));
  columns["churned"] = to_numpy(std::move(churned));
  columns["min_score"] = to_numpy(std::move(low));
  columns["max_score"] = to_numpy(std::move(high));
  return columns;
}

py::dict backtest_dict(const BacktestResult& result);

py::dict backtest_result(const Array<double>& health, const Array<std::int8_t>& band, std::size_t bands,
                         const Array<double>& outcome) {
  const auto health_view = view(health), outcome_view = view(outcome);
  const auto band_view = view(band);
  BacktestResult result;
  {
    py::gil_scoped_release release;
    result = backtest(health_view, band_view, bands, outcome_view);
  }
  return backtest_dict(result);
}

py::dict backtest_dict(const BacktestResult& result) {
  py::dict out;
  out["auc"] = result.auc;
  out["accounts"] = result.accounts;
  out["churned"] = result.churned;
  out["unscored"] = result.unscored;
  out["deciles"] = churn_groups(result.deciles);
  out["bands"] = churn_groups(result.bands);
  return out;
}

void bind_metrics_of_scores(py::module_& m) {
  m.def("fit_logistic", &logistic_fit, py::arg("features"), py::arg("outcome"), py::arg("l2"));
  m.def(
      "roc_auc",
      [](const Array<double>& y_true, const Array<double>& y_score) {
        const auto truth = view(y_true), score = view(y_score);
        py::gil_scoped_release release;
        return roc_auc(truth, score);
      },
      py::arg("y_true"), py::arg("y_score"));
  m.def(
      "health_auc",
      [](const Array<double>& health, const Array<double>& outcome) {
        const auto health_view = view(health), outcome_view = view(outcome);
        py::gil_scoped_release release;
        return health_auc(health_view, outcome_view);
      },
      py::arg("health"), py::arg("outcome"));
  m.def(
      "brier",
      [](const Array<double>& probability, const Array<double>& outcome) {
        const auto p = view(probability), y = view(outcome);
        py::gil_scoped_release release;
        return brier(p, y);
      },
      py::arg("probability"), py::arg("outcome"));
  m.def("backtest", &backtest_result, py::arg("health"), py::arg("band"), py::arg("bands"), py::arg("outcome"));
}

// ---- Score history, band hysteresis, overrides, lead backtests (health/history.hpp, lead.hpp)

std::vector<std::vector<double>> band_lowers_of(const Scorecard& card) { return {card.band_lowers()}; }
std::vector<std::vector<double>> band_lowers_of(const ScorecardSet& set) {
  std::vector<std::vector<double>> lowers;
  for (const auto& card : set.scorecards()) lowers.push_back(card.band_lowers());
  return lowers;
}

// The keys of an override table: its accounts' codes, start and end ordinals, band codes (-1:
// none) and scores (NaN: none).
using OverrideArrays =
    std::tuple<Array<std::int32_t>, Array<std::int64_t>, Array<std::int64_t>, Array<std::int8_t>, Array<double>>;

template <class Model>
py::dict history_scores(const Model& model, const py::list& columns, std::size_t rows,
                        const Array<std::int32_t>& account, const Array<std::int64_t>& period, std::size_t accounts,
                        std::optional<double> hysteresis, const std::optional<OverrideArrays>& overrides) {
  const auto arguments = column_table(columns, rows);
  const auto account_view = view(account);
  const auto period_view = view(period);
  const auto n = static_cast<py::ssize_t>(rows);
  const auto measures = static_cast<py::ssize_t>(detail::contribution_columns(model));
  auto [score, score_view] = output<double>({n});
  auto [band, band_view] = output<std::int8_t>({n});
  auto [contributions, contributions_view] = output<double>({measures, n});
  auto [scorecard, scorecard_view] = output<std::int32_t>({std::is_same_v<Model, ScorecardSet> ? n : 0});
  std::vector<std::int32_t> overridden;
  {
    py::gil_scoped_release release;
    const auto index = index_history(account_view, period_view, accounts);
    const HistoryOutputs out{score_view, band_view, contributions_view, scorecard_view};
    score_history_into(model, arguments.table, index, out);
    const auto lowers = band_lowers_of(model);
    if (hysteresis) {
      const auto bands = hysteresis_bands(score_view, account_view, index, scorecard_view, lowers, *hysteresis);
      std::copy(bands.begin(), bands.end(), band_view.begin());
    }
    if (overrides) {
      const auto& [who, start, end, override_band, override_score] = *overrides;
      overridden = override_rows(account_view, period_view, accounts, view(who), view(start), view(end));
      apply_overrides(out, overridden, view(override_band), view(override_score), lowers);
    }
  }
  py::dict out;
  out["score"] = score;
  out["band"] = band;
  out["trend"] = py::none();
  out["contributions"] = contributions;
  out["scorecard"] = std::is_same_v<Model, ScorecardSet> ? py::object(scorecard) : py::object(py::none());
  out["overridden"] = overrides ? py::object(to_numpy(std::move(overridden))) : py::object(py::none());
  return out;
}

py::list lead_backtests(const Array<double>& score, const Array<std::int8_t>& band, std::size_t bands,
                        const std::optional<Array<double>>& probability, const Array<std::int32_t>& account,
                        const Array<std::int64_t>& period, std::size_t accounts, const Array<std::int64_t>& reference,
                        const Array<double>& churned, const Array<std::int64_t>& leads) {
  const auto account_view = view(account);
  std::vector<LeadBacktest> results;
  {
    py::gil_scoped_release release;
    const auto index = index_history(account_view, view(period), accounts);
    results = backtest_lead(view(score), view(band), bands, view(probability), account_view, index, view(reference),
                            view(churned), view(leads));
  }
  py::list out;
  for (auto& result : results) {
    py::dict item = backtest_dict(result.backtest);
    item["lead"] = result.lead;
    item["brier"] = result.brier;
    item["rows"] = to_numpy(std::move(result.rows));
    out.append(item);
  }
  return out;
}

void bind_history(py::module_& m) {
  m.def(
      "score_history",
      [](const py::object& model, const py::list& columns, std::size_t rows, const Array<std::int32_t>& account,
         const Array<std::int64_t>& period, std::size_t accounts, std::optional<double> hysteresis,
         const std::optional<OverrideArrays>& overrides) {
        if (py::isinstance<ScorecardSet>(model))
          return history_scores(model.cast<const ScorecardSet&>(), columns, rows, account, period, accounts, hysteresis,
                                overrides);
        return history_scores(model.cast<const Scorecard&>(), columns, rows, account, period, accounts, hysteresis,
                              overrides);
      },
      py::arg("model"), py::arg("columns"), py::arg("rows"), py::arg("account"), py::arg("period"), py::arg("accounts"),
      py::arg("hysteresis"), py::arg("overrides"));
  m.def("backtest_lead", &lead_backtests, py::arg("score"), py::arg("band"), py::arg("bands"), py::arg("probability"),
        py::arg("account"), py::arg("period"), py::arg("accounts"), py::arg("reference"), py::arg("churned"),
        py::arg("leads"));
}

// ---- Mergeable backtest counts (health/backtest_counts.hpp), for cssegment.dask
using CountArray = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

py::array_t<std::uint64_t> count_array(const std::vector<std::size_t>& counts) {
  return to_numpy(std::vector<std::uint64_t>(counts.begin(), counts.end()));
}

std::vector<std::size_t> count_vector(const CountArray& counts) {
  return {counts.data(), counts.data() + counts.size()};
}

py::tuple backtest_counts_state(const BacktestCounts& counts) {
  py::list bands;
  for (const auto& g : counts.bands()) bands.append(py::make_tuple(g.accounts, g.churned, g.min_score, g.max_score));
  return py::make_tuple(to_numpy(counts.scores()), count_array(counts.churned()), count_array(counts.retained()), bands,
                        counts.unscored());
}

BacktestCounts backtest_counts_from_state(const py::tuple& state) {
  std::vector<ChurnGroup> bands;
  for (const auto& item : state[3].cast<py::list>()) {
    const auto [accounts, churned, low, high] = item.cast<std::tuple<std::size_t, std::size_t, double, double>>();
    bands.push_back({accounts, churned, low, high});
  }
  const auto scores = state[0].cast<Array<double>>();
  return {std::vector<double>(scores.data(), scores.data() + scores.size()), count_vector(state[1].cast<CountArray>()),
          count_vector(state[2].cast<CountArray>()), std::move(bands), state[4].cast<std::size_t>()};
}

void bind_backtest_counts(py::module_& m) {
  py::class_<BacktestCounts>(m, "backtest_counts")
      .def_static(
          "of",
          [](const Array<double>& health, const Array<std::int8_t>& band, std::size_t bands,
             const Array<double>& outcome) {
            const auto health_view = view(health), outcome_view = view(outcome);
            const auto band_view = view(band);
            py::gil_scoped_release release;
            return BacktestCounts::of(health_view, band_view, bands, outcome_view);
          },
          py::arg("health"), py::arg("band"), py::arg("bands"), py::arg("outcome"))
      .def_property_readonly("distinct_scores", [](const BacktestCounts& c) { return c.scores().size(); })
      .def("merge", &BacktestCounts::merge, py::arg("other"), py::return_value_policy::reference_internal,
           py::call_guard<py::gil_scoped_release>())
      .def("copy", [](const BacktestCounts& counts) { return counts; })
      .def("result",
           [](const BacktestCounts& counts) {
             BacktestResult result;
             {
               py::gil_scoped_release release;
               result = counts.result();
             }
             return backtest_dict(result);
           })
      .def(py::pickle(&backtest_counts_state, &backtest_counts_from_state));
}

// ---- Calibration over partitions (health/newton_partial.hpp, calibrate.hpp), for cssegment.dask
py::array_t<double> vector_array(const Eigen::VectorXd& values) {
  return to_numpy(std::vector<double>(values.data(), values.data() + values.size()));
}

void bind_calibration_steps(py::module_& m) {
  py::class_<NewtonPartial>(m, "newton_partial")
      .def_static(
          "of",
          [](const Array<double>& features, std::size_t p, const Array<double>& outcome, const Array<double>& beta) {
            const auto x = view(features), y = view(outcome), at = view(beta);
            py::gil_scoped_release release;
            return newton_partial(x, p, y, at);
          },
          py::arg("features"), py::arg("p"), py::arg("outcome"), py::arg("beta"))
      .def_readonly("rows", &NewtonPartial::rows)
      .def_readonly("loss", &NewtonPartial::loss)
      .def("merge", &NewtonPartial::merge, py::arg("other"), py::return_value_policy::reference_internal)
      .def("copy", [](const NewtonPartial& partial) { return partial; })
      .def(py::pickle(
          [](const NewtonPartial& partial) {
            const Eigen::MatrixXd& h = partial.hessian;
            return py::make_tuple(partial.loss, vector_array(partial.gradient),
                                  to_numpy(std::vector<double>(h.data(), h.data() + h.size())), partial.rows);
          },
          [](const py::tuple& state) {
            const auto gradient = state[1].cast<Array<double>>();
            const auto hessian = state[2].cast<Array<double>>();
            const auto p = gradient.size();
            if (hessian.size() != p * p) fail("hessian", "must hold gradient size squared values");
            NewtonPartial partial{state[0].cast<double>(), Eigen::Map<const Eigen::VectorXd>(gradient.data(), p),
                                  Eigen::Map<const Eigen::MatrixXd>(hessian.data(), p, p),
                                  state[3].cast<std::size_t>()};
            return partial;
          }));
  m.def(
      "fit_logistic_passes",
      [](std::size_t p, std::size_t n, std::size_t ones, double l2,
         const std::function<NewtonPartial(py::array_t<double>)>& pass) {
        const auto fit =
            fit_logistic_passes(p, n, ones, l2, [&](const Eigen::VectorXd& beta) { return pass(vector_array(beta)); });
        return py::make_tuple(fit.coef, fit.intercept, fit.iterations);
      },
      py::arg("p"), py::arg("n"), py::arg("ones"), py::arg("l2"), py::arg("pass_at"));
  m.def(
      "calibration_observed_sums",
      [](const Scorecard& card, const py::list& columns, std::size_t rows) {
        const auto arguments = column_table(columns, rows);
        std::pair<std::vector<double>, std::vector<std::size_t>> sums;
        {
          py::gil_scoped_release release;
          sums = CalibratedScorecard::observed_sums(card.transform(arguments.table), rows, card.measures().size());
        }
        return py::make_tuple(to_numpy(std::move(sums.first)), count_array(sums.second));
      },
      py::arg("scorecard"), py::arg("columns"), py::arg("rows"));
  m.def(
      "calibration_means",
      [](const Scorecard& card, const Array<double>& sums, const CountArray& observed) {
        return CalibratedScorecard::means_of(card, view(sums), count_vector(observed));
      },
      py::arg("scorecard"), py::arg("sums"), py::arg("observed"));
  m.def(
      "calibration_features",
      [](const Scorecard& card, const py::list& columns, std::size_t rows, const Array<double>& means) {
        const auto arguments = column_table(columns, rows);
        const auto mean_view = view(means);
        std::vector<double> x;
        {
          py::gil_scoped_release release;
          x = CalibratedScorecard::calibration_features(card, arguments.table, mean_view);
        }
        return to_numpy(std::move(x));
      },
      py::arg("scorecard"), py::arg("columns"), py::arg("rows"), py::arg("means"));
  m.def(
      "calibration_check_identified",
      [](const Scorecard& card, const Array<double>& low, const Array<double>& high, double l2) {
        check_same_length("high", static_cast<std::size_t>(high.size()), "low", static_cast<std::size_t>(low.size()));
        check_same_length("low", static_cast<std::size_t>(low.size()), "measures", card.measures().size());
        CalibratedScorecard::check_identified(card, view(low), view(high), l2);
      },
      py::arg("scorecard"), py::arg("low"), py::arg("high"), py::arg("l2"));
  m.def(
      "calibrated_from_fit",
      [](const Scorecard& card, std::vector<double> coef, double intercept, std::vector<double> means, double l2,
         std::size_t iterations) {
        return CalibratedScorecard(card, std::move(coef), intercept, std::move(means), l2, iterations);
      },
      py::arg("scorecard"), py::arg("coef"), py::arg("intercept"), py::arg("means"), py::arg("l2"),
      py::arg("iterations"));
}

}  // namespace

void bind_health(py::module_& m) {
  bind_normalizer(m);
  bind_scorecard(m);
  bind_scorecard_set(m);
  bind_calibrated(m);
  bind_metrics_of_scores(m);
  bind_history(m);
  bind_backtest_counts(m);
  bind_calibration_steps(m);
}

}  // namespace cssegment::python
