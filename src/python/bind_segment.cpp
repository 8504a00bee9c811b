// Segmentation models, transitions and coverage. Conversions from pandas happen in
// python/cssegment/_frame.py; here arrays arrive as contiguous float64 / int32.
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cssegment/segment/cadence.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/kmeans.hpp"
#include "cssegment/segment/kmeans_partial.hpp"
#include "cssegment/segment/owners.hpp"
#include "cssegment/segment/planner.hpp"
#include "cssegment/segment/quadrant.hpp"
#include "cssegment/segment/rules.hpp"
#include "cssegment/segment/tier.hpp"
#include "cssegment/segment/transitions.hpp"

namespace cssegment::python {

namespace {

using OptionalRatios = std::vector<std::optional<double>>;

// What every segmentation model exposes alike: labels, ratios, hysteresis, JSON and equality.
template <class Model>
py::class_<Model>& bind_model_basics(py::class_<Model>& model) {
  model.def_property_readonly("hysteresis", &Model::hysteresis)
      .def_property_readonly("csm_ratios", &Model::csm_ratios)
      .def_property_readonly("categories", &Model::categories)
      .def("to_json", &Model::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &Model::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);
  if constexpr (requires(const Model& m) { m.missing(); })
    model.def_property_readonly("missing", [](const Model& m) { return std::string(to_string(m.missing())); });
  return model;
}

void bind_tier(py::module_& m) {
  py::class_<TierModel> model(m, "tier_model");
  model
      .def(py::init([](std::vector<double> thresholds, std::vector<std::string> names, std::string column,
                       OptionalRatios csm_ratios, double hysteresis, const std::string& missing) {
             return TierModel(std::move(thresholds), std::move(names), std::move(column), std::move(csm_ratios),
                              hysteresis, parse_missing_policy(missing));
           }),
           py::arg("thresholds"), py::arg("names"), py::arg("column"), py::arg("csm_ratios"), py::arg("hysteresis"),
           py::arg("missing"))
      .def_static("touch", &TierModel::touch)
      .def_property_readonly("thresholds", &TierModel::thresholds)
      .def_property_readonly("names", &TierModel::names)
      .def_property_readonly("column", &TierModel::column)
      .def(
          "assign",
          [](const TierModel& model, const Array<double>& values, const std::optional<Array<std::int32_t>>& previous) {
            const auto value_view = view(values);
            const auto previous_view = view(previous);
            return segment_codes(value_view.size(), model.categories().size(),
                                 [&](auto codes) { model.assign_into(value_view, previous_view, codes); });
          },
          py::arg("values"), py::arg("previous") = py::none());
  bind_model_basics(model);
}

void bind_quadrant(py::module_& m) {
  py::class_<QuadrantModel> model(m, "quadrant_model");
  model
      .def(py::init([](std::string size_column, double size_threshold, std::string value_column, double value_threshold,
                       std::vector<std::string> names, double hysteresis, OptionalRatios csm_ratios,
                       const std::string& missing) {
             return QuadrantModel(std::move(size_column), size_threshold, std::move(value_column), value_threshold,
                                  std::move(names), hysteresis, std::move(csm_ratios), parse_missing_policy(missing));
           }),
           py::arg("size_column"), py::arg("size_threshold"), py::arg("value_column"), py::arg("value_threshold"),
           py::arg("names"), py::arg("hysteresis"), py::arg("csm_ratios"), py::arg("missing"))
      .def_property_readonly("size_column", &QuadrantModel::size_column)
      .def_property_readonly("size_threshold", &QuadrantModel::size_threshold)
      .def_property_readonly("value_column", &QuadrantModel::value_column)
      .def_property_readonly("value_threshold", &QuadrantModel::value_threshold)
      .def_property_readonly("names", &QuadrantModel::names)
      .def(
          "assign",
          [](const QuadrantModel& model, const Array<double>& sizes, const Array<double>& values,
             const std::optional<Array<std::int32_t>>& previous) {
            const auto size_view = view(sizes), value_view = view(values);
            const auto previous_view = view(previous);
            return segment_codes(size_view.size(), model.categories().size(),
                                 [&](auto codes) { model.assign_into(size_view, value_view, previous_view, codes); });
          },
          py::arg("sizes"), py::arg("values"), py::arg("previous") = py::none());
  bind_model_basics(model);
}

using Rule = std::tuple<std::string, std::string, std::optional<double>, bool>;

void bind_rules(py::module_& m) {
  py::class_<RuleModel> model(m, "rule_model");
  model
      .def(py::init([](const std::vector<Rule>& rules, std::string default_name, double hysteresis,
                       std::optional<double> default_csm_ratio) {
             std::vector<Segment> segments;
             for (const auto& [name, when, ratio, pooled] : rules) segments.push_back({name, when, ratio, pooled});
             return RuleModel(std::move(segments), std::move(default_name), hysteresis, default_csm_ratio);
           }),
           py::arg("segments"), py::arg("default"), py::arg("hysteresis"), py::arg("default_csm_ratio"))
      .def_static("four_tier", &RuleModel::four_tier, py::arg("enterprise_arr"), py::arg("strategic_arr"),
                  py::arg("strategic_potential"), py::arg("one_to_many_arr"))
      .def_property_readonly("segments",
                             [](const RuleModel& model) {
                               std::vector<Rule> rules;
                               for (const auto& s : model.segments())
                                 rules.emplace_back(s.name, s.when, s.csm_ratio, s.pooled);
                               return rules;
                             })
      .def_property_readonly("default_name", &RuleModel::default_name)
      .def_property_readonly("default_csm_ratio", &RuleModel::default_csm_ratio)
      .def_property_readonly("pooled", &RuleModel::pooled)
      .def_property_readonly("columns", &RuleModel::columns)
      .def(
          "assign",
          [](const RuleModel& model, const py::list& columns, std::size_t rows,
             const std::optional<Array<std::int32_t>>& previous) {
            const auto arguments = column_table(columns, rows);
            const auto previous_view = view(previous);
            return segment_codes(rows, model.categories().size(),
                                 [&](auto codes) { model.assign_into(arguments.table, previous_view, codes); });
          },
          py::arg("columns"), py::arg("rows"), py::arg("previous") = py::none());
  bind_model_basics(model);
}

py::tuple transition_counts(const Array<std::int32_t>& before, const Array<std::int32_t>& after, std::size_t categories,
                            const std::optional<Array<double>>& weights) {
  const auto before_view = view(before), after_view = view(after);
  const auto weight_view = view(weights);
  TransitionMatrix result;
  {
    py::gil_scoped_release release;
    result = transitions(before_view, after_view, categories, weight_view);
  }
  py::array_t<double> cells({result.slots(), result.slots()});
  std::copy(result.cells.begin(), result.cells.end(), cells.mutable_data());
  py::dict totals;
  totals["upgrades"] = result.upgrades;
  totals["downgrades"] = result.downgrades;
  totals["unchanged"] = result.unchanged;
  totals["entered"] = result.entered;
  totals["exited"] = result.exited;
  totals["upgrades_from"] = to_numpy(std::move(result.upgrades_from));
  totals["downgrades_from"] = to_numpy(std::move(result.downgrades_from));
  totals["unchanged_from"] = to_numpy(std::move(result.unchanged_from));
  return py::make_tuple(cells, totals);
}

py::dict coverage_columns(const Array<std::int32_t>& segments, const OptionalRatios& csm_ratios,
                          const std::optional<Array<double>>& arr, std::optional<double> csm_cost) {
  const auto segment_view = view(segments);
  const auto arr_view = view(arr);
  std::vector<CoverageRow> rows;
  {
    py::gil_scoped_release release;
    rows = coverage(segment_view, csm_ratios, arr_view, csm_cost);
  }
  py::dict columns;
  auto column = [&](const char* name, auto member) {
    std::vector<double> values;
    values.reserve(rows.size());
    for (const auto& row : rows) values.push_back(static_cast<double>(member(row)));
    columns[name] = to_numpy(std::move(values));
  };
  column("accounts", [](const CoverageRow& row) { return row.accounts; });
  column("arr", [](const CoverageRow& row) { return row.arr; });
  column("csm_ratio", [](const CoverageRow& row) { return row.csm_ratio.value_or(NAN); });
  column("csms_needed", [](const CoverageRow& row) { return row.csms_needed; });
  column("resource_share", [](const CoverageRow& row) { return row.resource_share; });
  column("cost_to_serve_per_account", [](const CoverageRow& row) { return row.cost_to_serve_per_account; });
  column("total_cost", [](const CoverageRow& row) { return row.total_cost; });
  column("arr_per_csm", [](const CoverageRow& row) { return row.arr_per_csm; });
  return columns;
}

void bind_reports(py::module_& m) {
  m.def("transitions", &transition_counts, py::arg("before"), py::arg("after"), py::arg("categories"),
        py::arg("weights") = py::none());
  m.def("coverage", &coverage_columns, py::arg("segments"), py::arg("csm_ratios"), py::arg("arr") = py::none(),
        py::arg("csm_cost") = py::none());
}

// A C-contiguous 2-D float64 array as a feature matrix (no copy).
FeatureMatrix features(const Array<double>& data, std::vector<std::string> names) {
  if (data.ndim() != 2)
    fail("data", "must be two-dimensional (rows x features), got " + std::to_string(data.ndim()) + " dimensions");
  const auto rows = static_cast<std::size_t>(data.shape(0)), columns = static_cast<std::size_t>(data.shape(1));
  return {std::span<const double>(data.data(), rows * columns), rows, columns, std::move(names)};
}

py::array_t<std::int32_t> kmeans_fit_labels(KMeans& model, const Array<double>& data, std::vector<std::string> names,
                                            std::size_t max_threads) {
  const auto matrix = features(data, std::move(names));
  std::vector<std::int32_t> labels;
  {
    py::gil_scoped_release release;
    labels = model.fit(matrix, max_threads);
  }
  return to_numpy(std::move(labels));
}

py::array_t<std::int32_t> kmeans_predict(const KMeans& model, const Array<double>& data, std::size_t max_threads) {
  // Columns are the fitted features in order: named as in fit (data['arr'][0]), when they match.
  auto names = model.fitted() && data.ndim() == 2 && static_cast<std::size_t>(data.shape(1)) == model.n_features()
                   ? model.feature_names()
                   : std::vector<std::string>{};
  const auto matrix = features(data, std::move(names));
  std::vector<std::int32_t> labels;
  {
    py::gil_scoped_release release;
    labels = model.predict(matrix, max_threads);
  }
  return to_numpy(std::move(labels));
}

// ---- k-means over partitions (segment/kmeans_partial.hpp), for cssegment.dask
using CountArray = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

// A 2-D rows x d array's values (row-major) and d.
std::pair<std::span<const double>, std::size_t> rows_of(const Array<double>& values, std::string_view argument) {
  if (values.ndim() != 2)
    fail(argument, "must be two-dimensional (rows x features), got " + std::to_string(values.ndim()) + " dimensions");
  return {{values.data(), static_cast<std::size_t>(values.size())}, static_cast<std::size_t>(values.shape(1))};
}

py::array_t<double> rows_array(std::vector<double>&& values, std::size_t d) {
  const auto rows = static_cast<py::ssize_t>(d == 0 ? 0 : values.size() / d);
  return to_numpy(std::move(values)).reshape({rows, static_cast<py::ssize_t>(d)});
}

py::tuple sum_state(const ExactSum& sum) {
  auto [first, limbs] = sum.digits();
  return py::make_tuple(first, to_numpy(std::move(limbs)));
}

ExactSum sum_from_state(const py::handle& state) {
  const auto tuple = state.cast<py::tuple>();
  const auto limbs = tuple[1].cast<Array<std::int64_t>>();
  return ExactSum::from_digits(tuple[0].cast<int>(), view(limbs), "state");
}

py::list sums_state(const std::vector<ExactSum>& sums) {
  py::list out;
  for (const auto& sum : sums) out.append(sum_state(sum));
  return out;
}

std::vector<ExactSum> sums_from_state(const py::handle& state) {
  std::vector<ExactSum> out;
  for (const auto& item : state.cast<py::list>()) out.push_back(sum_from_state(item));
  return out;
}

KMeans::Scaling scaling_of(const Array<double>& offset, const Array<double>& spread, double mean_variance) {
  const auto o = view(offset), s = view(spread);
  return {{o.begin(), o.end()}, {s.begin(), s.end()}, mean_variance};
}

void bind_kmeans(py::module_& m) {
  py::class_<KMeans>(m, "kmeans")
      .def(py::init([](std::size_t n_clusters, std::size_t n_init, std::size_t max_iter, double tol,
                       const std::vector<std::string>& scale, std::uint64_t seed) {
             std::vector<FeatureScale> scales;
             for (const auto& s : scale) scales.push_back(parse_feature_scale(s));
             return KMeans(n_clusters, n_init, max_iter, tol, std::move(scales), seed);
           }),
           py::arg("n_clusters"), py::arg("n_init"), py::arg("max_iter"), py::arg("tol"), py::arg("scale"),
           py::arg("seed"))
      .def_property_readonly("n_clusters", &KMeans::n_clusters)
      .def_property_readonly("n_init", &KMeans::n_init)
      .def_property_readonly("max_iter", &KMeans::max_iter)
      .def_property_readonly("tol", &KMeans::tol)
      .def_property_readonly("scale",
                             [](const KMeans& model) {
                               std::vector<std::string> out;
                               for (auto s : model.scale()) out.emplace_back(to_string(s));
                               return out;
                             })
      .def_property_readonly("seed", &KMeans::seed)
      .def_property_readonly("fitted", &KMeans::fitted)
      .def_property_readonly("n_features", &KMeans::n_features)
      .def_property_readonly("feature_names", &KMeans::feature_names)
      .def_property_readonly("inertia", &KMeans::inertia)
      .def_property_readonly("n_iter", &KMeans::n_iter)
      .def_property_readonly("cluster_centers",
                             [](const KMeans& model) {
                               auto centers = to_numpy(model.cluster_centers());
                               return centers.reshape({static_cast<py::ssize_t>(model.n_clusters()),
                                                       static_cast<py::ssize_t>(model.n_features())});
                             })
      .def("fit", &kmeans_fit_labels, py::arg("data"), py::arg("names"), py::arg("max_threads") = 0)
      .def("predict", &kmeans_predict, py::arg("data"), py::arg("max_threads") = 0)
      .def("to_json", &KMeans::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &KMeans::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self)
      // Fits over partitions (cssegment.dask): see segment/kmeans_partial.hpp.
      .def(
          "prepared",
          [](const KMeans& model, const Array<double>& data, std::vector<std::string> names) {
            const auto matrix = features(data, std::move(names));
            std::vector<double> z;
            {
              py::gil_scoped_release release;
              z = model.prepared(matrix);
            }
            return rows_array(std::move(z), matrix.columns);
          },
          py::arg("data"), py::arg("names"))
      .def(
          "scaling_from",
          [](const KMeans& model, const FeatureMoments& range, const FeatureMoments& sums,
             const FeatureMoments& squares) {
            auto scaling = model.scaling_from(range, sums, squares);
            return py::make_tuple(to_numpy(std::move(scaling.offset)), to_numpy(std::move(scaling.spread)),
                                  scaling.mean_variance);
          },
          py::arg("range"), py::arg("sums"), py::arg("squares"))
      .def(
          "standardized",
          [](const KMeans& model, const Array<double>& z, const std::vector<std::string>& names,
             const Array<double>& offset, const Array<double>& spread, std::size_t first_row, std::size_t total_rows) {
            const auto [values, d] = rows_of(z, "z");
            std::vector<double> out(values.begin(), values.end());
            const auto scaling = scaling_of(offset, spread, 0.0);
            {
              py::gil_scoped_release release;
              model.standardize_partition(out, names, scaling, first_row, total_rows);
            }
            return rows_array(std::move(out), d);
          },
          py::arg("z"), py::arg("names"), py::arg("offset"), py::arg("spread"), py::arg("first_row"),
          py::arg("total_rows"))
      .def(
          "fitted_with",
          [](const KMeans& model, std::vector<std::string> names, const Array<double>& offset,
             const Array<double>& spread, const Array<double>& centers, double inertia, std::size_t n_iter) {
            const auto values = rows_of(centers, "centers").first;
            return model.fitted_with(std::move(names), scaling_of(offset, spread, 0.0), {values.begin(), values.end()},
                                     inertia, n_iter);
          },
          py::arg("names"), py::arg("offset"), py::arg("spread"), py::arg("centers"), py::arg("inertia"),
          py::arg("n_iter"));
}

// The restarts of KMeans::fit one at a time, so that the Python layer can show progress.
void bind_kmeans_fit(py::module_& m) {
  py::class_<KMeans::Fit>(m, "kmeans_fit")
      .def(py::init([](const KMeans& model, const Array<double>& data, std::vector<std::string> names,
                       std::size_t max_threads) {
             const auto matrix = features(data, std::move(names));
             py::gil_scoped_release release;
             return std::make_unique<KMeans::Fit>(model, matrix, max_threads);
           }),
           py::arg("model"), py::arg("data"), py::arg("names"), py::arg("max_threads") = 0)
      .def_property_readonly("restarts", &KMeans::Fit::restarts)
      .def_property_readonly("restarts_run", &KMeans::Fit::restarts_run)
      .def_property_readonly("done", &KMeans::Fit::done)
      .def(
          "run",
          [](KMeans::Fit& fit, std::size_t count) {
            py::gil_scoped_release release;
            fit.run(count);
          },
          py::arg("count"))
      .def("finish", [](KMeans::Fit& fit, KMeans& model) { return to_numpy(fit.finish(model)); }, py::arg("model"));
}

void bind_kmeans_partials(py::module_& m) {
  py::class_<FeatureMoments>(m, "feature_moments")
      .def_static(
          "of",
          [](const Array<double>& z, const std::optional<Array<double>>& power,
             const std::optional<Array<double>>& mean) {
            const auto [values, d] = rows_of(z, "z");
            const auto power_view = view(power), mean_view = view(mean);
            py::gil_scoped_release release;
            return FeatureMoments::of(values, d, power_view, mean_view);
          },
          py::arg("z"), py::arg("power") = py::none(), py::arg("mean") = py::none())
      .def_property_readonly("rows", &FeatureMoments::rows)
      .def_property_readonly("columns", &FeatureMoments::columns)
      .def("powers", [](const FeatureMoments& moments) { return to_numpy(moments.powers()); })
      .def("means", [](const FeatureMoments& moments) { return to_numpy(moments.means()); })
      .def("merge", &FeatureMoments::merge, py::arg("other"), py::return_value_policy::reference_internal)
      .def("copy", [](const FeatureMoments& moments) { return moments; })
      .def(py::pickle(
          [](const FeatureMoments& moments) {
            return py::make_tuple(moments.columns(), moments.rows(), moments.largest(), sums_state(moments.sums()));
          },
          [](const py::tuple& state) {
            return FeatureMoments(state[0].cast<std::size_t>(), state[1].cast<std::size_t>(),
                                  state[2].cast<std::vector<double>>(), sums_from_state(state[3]));
          }));

  py::class_<KMeansPartial>(m, "kmeans_partial")
      .def_static(
          "of",
          [](const Array<double>& z, const Array<double>& centers, std::uint64_t first_row,
             const std::optional<CountArray>& weights) {
            const auto [values, d] = rows_of(z, "z");
            const auto [centre_values, centre_d] = rows_of(centers, "centers");
            check_same_length("centers columns", centre_d, "z columns", d);
            std::span<const std::uint64_t> weight_view;
            if (weights) weight_view = {weights->data(), static_cast<std::size_t>(weights->size())};
            py::gil_scoped_release release;
            return KMeansPartial::of(values, d, centre_values, first_row, weight_view);
          },
          py::arg("z"), py::arg("centers"), py::arg("first_row"), py::arg("weights") = py::none())
      .def_property_readonly("counts",
                             [](const KMeansPartial& p) {
                               return to_numpy(std::vector<std::uint64_t>(p.counts().begin(), p.counts().end()));
                             })
      .def_property_readonly("inertia", &KMeansPartial::inertia)
      .def(
          "updated",
          [](const KMeansPartial& partial, const Array<double>& centers) {
            return rows_array(partial.updated(rows_of(centers, "centers").first), partial.d());
          },
          py::arg("centers"))
      .def("merge", &KMeansPartial::merge, py::arg("other"), py::return_value_policy::reference_internal,
           py::call_guard<py::gil_scoped_release>())
      .def("copy", [](const KMeansPartial& partial) { return partial; })
      .def(py::pickle(
          [](const KMeansPartial& partial) {
            py::list farthest;
            for (const auto& far : partial.farthest())
              farthest.append(py::make_tuple(far.distance, far.row, far.cluster, far.weight, far.point));
            return py::make_tuple(partial.k(), partial.d(), partial.counts(), sums_state(partial.sums()),
                                  sum_state(partial.inertia_sum()), farthest);
          },
          [](const py::tuple& state) {
            std::vector<FarRow> farthest;
            for (const auto& item : state[5].cast<py::list>()) {
              auto [distance, row, cluster, weight, point] =
                  item.cast<std::tuple<double, std::uint64_t, std::size_t, std::uint64_t, std::vector<double>>>();
              farthest.push_back({distance, row, cluster, weight, std::move(point)});
            }
            return KMeansPartial(state[0].cast<std::size_t>(), state[1].cast<std::size_t>(),
                                 state[2].cast<std::vector<std::uint64_t>>(), sums_from_state(state[3]),
                                 sum_from_state(state[4]), std::move(farthest));
          }));

  py::class_<KMeansCandidates>(m, "kmeans_candidates")
      .def_static(
          "of",
          [](const Array<double>& z, const Array<double>& candidates, std::uint64_t first_row, std::uint64_t seed,
             std::uint64_t stream, double oversampling, double total_cost) {
            const auto [values, d] = rows_of(z, "z");
            const auto [candidate_values, candidate_d] = rows_of(candidates, "candidates");
            check_same_length("candidates columns", candidate_d, "z columns", d);
            py::gil_scoped_release release;
            return KMeansCandidates::of(values, d, candidate_values, first_row, seed, stream, oversampling, total_cost);
          },
          py::arg("z"), py::arg("candidates"), py::arg("first_row"), py::arg("seed"), py::arg("stream"),
          py::arg("oversampling"), py::arg("total_cost"))
      .def_property_readonly("cost", &KMeansCandidates::cost)
      .def_property_readonly("rows",
                             [](const KMeansCandidates& c) {
                               return to_numpy(std::vector<std::uint64_t>(c.rows().begin(), c.rows().end()));
                             })
      .def_property_readonly("points",
                             [](const KMeansCandidates& c) {
                               return rows_array(std::vector<double>(c.points()), c.d());
                             })
      .def("merge", &KMeansCandidates::merge, py::arg("other"), py::return_value_policy::reference_internal,
           py::call_guard<py::gil_scoped_release>())
      .def("copy", [](const KMeansCandidates& candidates) { return candidates; })
      .def(py::pickle(
          [](const KMeansCandidates& c) {
            return py::make_tuple(c.d(), sum_state(c.cost_sum()), c.rows(), c.points());
          },
          [](const py::tuple& state) {
            return KMeansCandidates(state[0].cast<std::size_t>(), sum_from_state(state[1]),
                                    state[2].cast<std::vector<std::uint64_t>>(), state[3].cast<std::vector<double>>());
          }));

  m.def("kmeans_parallel_first_rows", &kmeans_parallel_first_rows, py::arg("seed"), py::arg("restarts"),
        py::arg("rows"));
  m.def(
      "kmeans_recluster",
      [](const Array<double>& candidates, const CountArray& weights, std::size_t k, std::uint64_t seed,
         std::size_t max_iter, double tolerance, std::size_t trials) {
        const auto [values, d] = rows_of(candidates, "candidates");
        const std::span<const std::uint64_t> weight_view{weights.data(), static_cast<std::size_t>(weights.size())};
        std::vector<double> centers;
        {
          py::gil_scoped_release release;
          centers = kmeans_recluster(values, d, weight_view, k, seed, max_iter, tolerance, trials);
        }
        return rows_array(std::move(centers), d);
      },
      py::arg("candidates"), py::arg("weights"), py::arg("k"), py::arg("seed"), py::arg("max_iter"),
      py::arg("tolerance"), py::arg("trials") = 1);
}

using CoverageEntry = std::tuple<std::string, std::optional<double>, bool>;
using SeatEntry = std::tuple<std::string, std::int32_t, std::optional<double>>;

py::dict owner_assignment(const Array<std::int32_t>& segments, const std::optional<Array<double>>& arr,
                          const std::vector<CoverageEntry>& coverage, const std::vector<SeatEntry>& csms,
                          const std::string& strategy, const std::optional<Array<std::int32_t>>& previous) {
  std::vector<SegmentCoverage> segment_coverage;
  for (const auto& [name, ratio, pooled] : coverage) segment_coverage.push_back({name, ratio, pooled});
  std::vector<CsmSeat> seats;
  for (const auto& [name, segment, capacity] : csms) seats.push_back({name, segment, capacity});
  const auto segment_view = view(segments), previous_view = view(previous);
  const auto arr_view = view(arr);
  const auto parsed = parse_owner_strategy(strategy);
  OwnerAssignment result;
  {
    py::gil_scoped_release release;
    result = assign_owners(segment_view, arr_view, segment_coverage, seats, parsed, previous_view);
  }
  py::list books;
  for (const auto& book : result.books)
    books.append(py::make_tuple(book.owner, book.segment, book.csms, book.accounts, book.arr, book.capacity));
  py::dict out;
  out["owners"] = to_numpy(std::move(result.owners));
  out["books"] = books;
  out["kept"] = result.kept;
  out["reassigned"] = result.reassigned;
  return out;
}

void bind_owners(py::module_& m) {
  m.def("assign_owners", &owner_assignment, py::arg("segments"), py::arg("arr"), py::arg("coverage"), py::arg("csms"),
        py::arg("strategy"), py::arg("previous") = py::none());
}

using DaysTable = std::vector<std::pair<std::string, double>>;

void bind_cadence(py::module_& m) {
  py::class_<CadencePolicy>(m, "cadence_policy")
      .def(py::init<DaysTable, double, double, double, double, DaysTable, double, double>(), py::arg("base_days"),
           py::arg("onboarding_days"), py::arg("onboarding_factor"), py::arg("renewal_window_days"),
           py::arg("renewal_factor"), py::arg("health_factors"), py::arg("min_days"), py::arg("max_days"))
      .def_property_readonly("base_days", &CadencePolicy::base_days)
      .def_property_readonly("onboarding_days", &CadencePolicy::onboarding_days)
      .def_property_readonly("onboarding_factor", &CadencePolicy::onboarding_factor)
      .def_property_readonly("renewal_window_days", &CadencePolicy::renewal_window_days)
      .def_property_readonly("renewal_factor", &CadencePolicy::renewal_factor)
      .def_property_readonly("health_factors", &CadencePolicy::health_factors)
      .def_property_readonly("min_days", &CadencePolicy::min_days)
      .def_property_readonly("max_days", &CadencePolicy::max_days)
      .def(
          "schedule",
          [](const CadencePolicy& policy, const Array<std::int32_t>& segments, const Array<std::uint8_t>& digital,
             const std::optional<Array<double>>& tenure_days, const std::optional<Array<double>>& renewal_days,
             const std::optional<Array<std::int32_t>>& health) {
            const auto segment_view = view(segments);
            const auto tenure_view = view(tenure_days), renewal_view = view(renewal_days);
            const auto digital_view = view(digital);
            const auto health_view = view(health);
            CadenceSchedule result;
            {
              py::gil_scoped_release release;
              result = policy.schedule(segment_view, digital_view, tenure_view, renewal_view, health_view);
            }
            return py::make_tuple(to_numpy(std::move(result.interval_days)), to_numpy(std::move(result.digital)),
                                  to_numpy(std::move(result.reasons)));
          },
          py::arg("segments"), py::arg("digital"), py::arg("tenure_days") = py::none(),
          py::arg("renewal_days") = py::none(), py::arg("health") = py::none())
      .def("describe", &CadencePolicy::describe, py::arg("reason"))
      .def("to_json", &CadencePolicy::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &CadencePolicy::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);
}

// The coverage planner: one sort on construction, then grids evaluated as numpy columns.
void bind_planner(py::module_& m) {
  py::class_<CoveragePlanner>(m, "coverage_planner")
      .def(py::init([](const TierModel& model, const Array<double>& arr, const Array<double>& churn,
                       const std::optional<Array<std::int32_t>>& previous) {
             const auto arr_view = view(arr), churn_view = view(churn);
             const auto previous_view = view(previous);
             py::gil_scoped_release release;
             return CoveragePlanner(model, arr_view, churn_view, previous_view);
           }),
           py::arg("model"), py::arg("arr"), py::arg("churn"), py::arg("previous") = py::none())
      .def_property_readonly("total_arr", &CoveragePlanner::total_arr)
      .def(
          "evaluate",
          [](const CoveragePlanner& planner, const std::vector<std::vector<double>>& candidates,
             const std::vector<double>& factors, double csm_cost, double margin) {
            PlanTable table;
            {
              py::gil_scoped_release release;
              table = planner.evaluate(candidates, factors, csm_cost, margin);
            }
            const auto rows = static_cast<py::ssize_t>(table.rows());
            const auto matrix = [rows](std::vector<double>&& values, std::size_t columns) {
              return to_numpy(std::move(values)).reshape({rows, static_cast<py::ssize_t>(columns)});
            };
            py::dict columns;
            columns["thresholds"] = matrix(std::move(table.thresholds), table.tiers - 1);
            columns["accounts"] = matrix(std::move(table.accounts), table.tiers);
            columns["csms_needed"] = matrix(std::move(table.csms_needed), table.tiers);
            columns["total_csms"] = to_numpy(std::move(table.total_csms));
            columns["cost"] = to_numpy(std::move(table.cost));
            columns["expected_churned_arr"] = to_numpy(std::move(table.expected_churned_arr));
            columns["expected_retained_arr"] = to_numpy(std::move(table.expected_retained_arr));
            columns["net_value"] = to_numpy(std::move(table.net_value));
            columns["accounts_moved"] = to_numpy(std::move(table.accounts_moved));
            return columns;
          },
          py::arg("candidates"), py::arg("factors"), py::arg("csm_cost"), py::arg("margin"));
  m.def(
      "coverage_frontier",
      [](const Array<double>& cost, const Array<double>& retained) {
        const auto cost_view = view(cost), retained_view = view(retained);
        std::vector<std::int8_t> on;
        {
          py::gil_scoped_release release;
          on = coverage_frontier(cost_view, retained_view);
        }
        return to_numpy(std::move(on));
      },
      py::arg("cost"), py::arg("retained"));
  m.def(
      "targeted_tiers",
      [](const TierModel& model, const Array<double>& arr, const Array<double>& churn,
         const std::optional<Array<double>>& potential, const std::vector<double>& accounts,
         const std::vector<double>& factors) {
        const auto arr_view = view(arr), churn_view = view(churn), potential_view = view(potential);
        TargetedPlan plan;
        {
          py::gil_scoped_release release;
          plan = targeted_tiers(model, arr_view, churn_view, potential_view, accounts, factors);
        }
        return py::make_tuple(to_numpy(std::move(plan.codes)), plan.expected_churned_arr);
      },
      py::arg("model"), py::arg("arr"), py::arg("churn"), py::arg("potential"), py::arg("accounts"),
      py::arg("factors"));
}

}  // namespace

void bind_segment(py::module_& m) {
  bind_tier(m);
  bind_quadrant(m);
  bind_rules(m);
  bind_reports(m);
  bind_kmeans(m);
  bind_kmeans_fit(m);
  bind_kmeans_partials(m);
  bind_owners(m);
  bind_cadence(m);
  bind_planner(m);
}

}  // namespace cssegment::python
