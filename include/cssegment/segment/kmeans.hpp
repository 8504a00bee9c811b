#pragma once
// Learned segments: k-means (Lloyd) with k-means++ seeding. Features are scaled first (z-scores,
// or log1p then z-scores for money and counts), so that no column dominates by its units.
//
// Speed: each Lloyd pass cuts the rows into chunks processed in parallel; inside a chunk,
// blocks of rows get their distances to all centres from one matrix product
// (|x|^2 - 2 x.c + |c|^2). Per-chunk centre sums are reduced in chunk order, and chunk
// boundaries depend only on the row count, so results never depend on the thread count.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <Eigen/Core>

#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// How a feature is scaled before clustering.
enum class FeatureScale { none, standard, log };

inline constexpr EnumNames<FeatureScale, 3> feature_scale_names{
    "scale", "", {{FeatureScale::standard, "standard"}, {FeatureScale::log, "log"}, {FeatureScale::none, "none"}}};
constexpr const auto& enum_names(FeatureScale) { return feature_scale_names; }

inline std::string_view to_string(FeatureScale scale) { return feature_scale_names.name(scale); }
inline FeatureScale parse_feature_scale(std::string_view text) { return feature_scale_names.parse(text); }

// A row-major rows x columns matrix of features; `names` (optional) name the columns in messages.
struct FeatureMatrix {
  std::span<const double> values;
  std::size_t rows = 0;
  std::size_t columns = 0;
  std::vector<std::string> names = {};

  std::string column_argument(std::size_t column) const {
    return names.empty() ? "data[:, " + std::to_string(column) + "]" : "data[" + single_quoted(names[column]) + "]";
  }
};

namespace detail {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows per parallel chunk, and rows per distance block inside a chunk (the block's distance
// matrix stays in L1).
inline constexpr std::size_t kmeans_chunk_rows = 8192;
inline constexpr std::size_t kmeans_block_rows = 256;

// A 64-bit generator fully specified here (splitmix64), so that a seed gives the same clusters
// with every standard library.
class SplitMix64 {
public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }

private:
  std::uint64_t state_;
};

inline std::size_t chunk_count(std::size_t rows) { return (rows + kmeans_chunk_rows - 1) / kmeans_chunk_rows; }

// Calls body(chunk, begin, end) for every chunk of kmeans_chunk_rows rows, in parallel. Chunks are
// fixed by the row count alone (parallel_for may hand one thread several chunks at once).
template <class Body>
void for_each_chunk(std::size_t rows, std::size_t max_threads, Body&& body) {
  parallel_for(
      rows, kmeans_chunk_rows,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t start = begin; start < end; start += kmeans_chunk_rows)
          body(start / kmeans_chunk_rows, start, std::min(end, start + kmeans_chunk_rows));
      },
      max_threads);
}

// |a - b|^2 over d coordinates (a plain loop: Eigen's dynamic-size row expressions cost more
// than the arithmetic for the few features k-means sees).
inline double squared_distance(const double* a, const double* b, std::size_t d) {
  double sum = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double difference = a[j] - b[j];
    sum += difference * difference;
  }
  return sum;
}

// Sum of per-chunk values in chunk order: the same on any thread count.
inline double ordered_sum(const std::vector<double>& per_chunk) {
  return std::accumulate(per_chunk.begin(), per_chunk.end(), 0.0);
}

// The largest magnitude a scaled feature may have: the squared distances between rows (d terms
// of up to (2 limit)^2) and their sum over n rows (the inertia) stay below the largest double.
inline double distance_limit(std::size_t rows, std::size_t features) {
  return std::sqrt(std::numeric_limits<double>::max() /
                   (4.0 * static_cast<double>(std::max<std::size_t>(rows, 1)) * static_cast<double>(features)));
}

// Greedy k-means++: each of the k centres after the first is the best (lowest potential) of
// 2 + log(k) candidates drawn with probability proportional to the squared distance to the nearest
// chosen centre. Rows of Z may carry `weights` (a row counting w times; empty: once each), as the
// candidates of k-means|| do (kmeans_partial.hpp); the first centre is then drawn by weight.
inline RowMatrix kmeans_plus_plus(const RowMatrix& Z, std::size_t n_clusters, SplitMix64& rng, std::size_t max_threads,
                                  std::span<const std::uint64_t> weights = {}) {
  const std::size_t n = static_cast<std::size_t>(Z.rows());
  const Eigen::Index d = Z.cols();
  const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(n_clusters)));
  RowMatrix centers(static_cast<Eigen::Index>(n_clusters), d);
  const auto weight = [&](std::size_t i) { return weights.empty() ? 1.0 : static_cast<double>(weights[i]); };
  std::vector<double> cumulative(n);
  // A row drawn with probability proportional to its `cumulative` increment; upper_bound: a row of
  // increment 0 (a point already at a centre) is never drawn.
  const auto draw = [&] {
    const double target = rng.uniform() * cumulative.back();
    return std::min<std::size_t>(n - 1, static_cast<std::size_t>(
                                            std::upper_bound(cumulative.begin(), cumulative.end(), target) -
                                            cumulative.begin()));
  };
  std::size_t first = 0;
  if (weights.empty()) {
    first = rng.below(n);
  } else {
    for (std::size_t i = 0; i < n; ++i) cumulative[i] = (i ? cumulative[i - 1] : 0.0) + weight(i);
    first = draw();
  }
  centers.row(0) = Z.row(static_cast<Eigen::Index>(first));
  std::vector<double> closest(n);
  const std::size_t chunks = chunk_count(n);
  const auto width = static_cast<std::size_t>(d);
  auto row = [&](std::size_t i) { return Z.data() + i * width; };
  auto distance_to = [&](std::size_t i, const double* center) { return squared_distance(row(i), center, width); };
  std::vector<double> chunk_potential(chunks);
  for_each_chunk(n, max_threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
    double potential = 0.0;
    for (std::size_t i = begin; i < end; ++i) potential += closest[i] = weight(i) * distance_to(i, centers.data());
    chunk_potential[chunk] = potential;
  });
  double potential = ordered_sum(chunk_potential);
  std::vector<std::size_t> candidates(trials);
  std::vector<double> trial_potential(chunks * trials);
  for (std::size_t c = 1; c < n_clusters; ++c) {
    if (!(potential > 0.0))
      fail("n_clusters", std::to_string(n_clusters) + " clusters requested but data has only " + std::to_string(c) +
                             " distinct points");
    std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
    for (auto& candidate : candidates) candidate = draw();
    for_each_chunk(n, max_threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
      double* sums = &trial_potential[chunk * trials];
      for (std::size_t t = 0; t < trials; ++t) {
        const double* candidate = row(candidates[t]);
        double sum = 0.0;
        for (std::size_t i = begin; i < end; ++i) sum += std::min(closest[i], weight(i) * distance_to(i, candidate));
        sums[t] = sum;
      }
    });
    std::size_t best = 0;
    double best_potential = INFINITY;
    for (std::size_t t = 0; t < trials; ++t) {
      double sum = 0.0;
      for (std::size_t chunk = 0; chunk < chunks; ++chunk) sum += trial_potential[chunk * trials + t];
      if (sum < best_potential) best_potential = sum, best = t;
    }
    centers.row(static_cast<Eigen::Index>(c)) = Z.row(static_cast<Eigen::Index>(candidates[best]));
    for_each_chunk(n, max_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
      const double* center = centers.data() + c * width;
      for (std::size_t i = begin; i < end; ++i) closest[i] = std::min(closest[i], weight(i) * distance_to(i, center));
    });
    potential = best_potential;
  }
  return centers;
}

}  // namespace detail

// The statistics the feature scaling is learnt from (KMeans::scaling_from), in three passes over
// the rows (after the log of log features), each mergeable: rows split in chunks or in partitions
// (cssegment.dask) give the same statistics, bit for bit, in any order of merging. Pass 1 counts
// the rows and finds each feature's largest magnitude, whose power of two divides the feature
// (exactly) so that sums and squares of features up to 1.8e308 stay finite; pass 2 sums each
// feature over its power, which gives its mean; pass 3 sums the squared deviations from the
// mean. The sums are exact (ExactSum), rounded once when read.
class FeatureMoments {
public:
  FeatureMoments() = default;

  // From stored parts (as the accessors give them), checked.
  FeatureMoments(std::size_t columns, std::size_t rows, std::vector<double> largest, std::vector<ExactSum> sums)
      : columns_(columns), rows_(rows), largest_(std::move(largest)), sums_(std::move(sums)) {
    check_same_length("largest", largest_.size(), "columns", columns_);
    if (!sums_.empty()) check_same_length("sums", sums_.size(), "columns", columns_);
  }

  // Over the row-major rows x `columns` values `z`: pass 1 without `power`; pass 2 with `power`
  // (powers() of the merged pass 1); pass 3 with `power` and `mean` (means() of the merged pass 2).
  static FeatureMoments of(std::span<const double> z, std::size_t columns, std::span<const double> power = {},
                           std::span<const double> mean = {}) {
    require(columns >= 1, "columns", "needs at least one feature column");
    check_same_length("z", z.size() % columns, "a whole number of rows", 0);
    if (!power.empty()) check_same_length("power", power.size(), "columns", columns);
    if (!mean.empty()) check_same_length("mean", mean.size(), "columns", columns);
    FeatureMoments moments(columns, z.size() / columns, std::vector<double>(columns), {});
    if (power.empty()) {
      for (std::size_t i = 0; i < z.size(); ++i)
        moments.largest_[i % columns] = std::max(moments.largest_[i % columns], std::abs(z[i]));
      return moments;
    }
    moments.sums_.resize(columns);
    for (std::size_t i = 0; i < z.size(); ++i) {
      const std::size_t j = i % columns;
      const double scaled = z[i] / power[j];
      const double deviation = mean.empty() ? scaled : scaled - mean[j];
      moments.sums_[j] += mean.empty() ? deviation : deviation * deviation;
    }
    return moments;
  }

  // The moments of the rows of both (the same pass, the same columns).
  FeatureMoments& merge(const FeatureMoments& other) {
    check_same_length("other columns", other.columns_, "columns", columns_);
    check_same_length("other sums", other.sums_.size(), "sums", sums_.size());
    rows_ += other.rows_;
    for (std::size_t j = 0; j < columns_; ++j) largest_[j] = std::max(largest_[j], other.largest_[j]);
    for (std::size_t j = 0; j < sums_.size(); ++j) sums_[j] += other.sums_[j];
    return *this;
  }

  std::size_t columns() const { return columns_; }
  std::size_t rows() const { return rows_; }
  const std::vector<double>& largest() const { return largest_; }
  const std::vector<ExactSum>& sums() const { return sums_; }

  // Pass 1: the power of two just above each feature's largest magnitude (1 for a zero feature).
  std::vector<double> powers() const {
    std::vector<double> power(columns_);
    for (std::size_t j = 0; j < columns_; ++j) {
      int exponent = 0;
      std::frexp(largest_[j], &exponent);
      power[j] = std::ldexp(1.0, exponent);
    }
    return power;
  }

  // Pass 2: the means (of the features over their powers); pass 3: the mean squared deviations.
  std::vector<double> means() const {
    require(!sums_.empty() && rows_ > 0, "moments", "means need the sums of pass 2 over at least one row");
    std::vector<double> out(columns_);
    for (std::size_t j = 0; j < columns_; ++j) out[j] = sums_[j].value() / static_cast<double>(rows_);
    return out;
  }

private:
  std::size_t columns_ = 0;
  std::size_t rows_ = 0;
  std::vector<double> largest_;
  std::vector<ExactSum> sums_;
};

namespace detail {

// FeatureMoments::of over the rows of Z, chunk by chunk in parallel (merged exactly).
inline FeatureMoments feature_moments(const RowMatrix& Z, std::span<const double> power, std::span<const double> mean,
                                      std::size_t max_threads) {
  const auto d = static_cast<std::size_t>(Z.cols());
  std::vector<FeatureMoments> chunks(chunk_count(static_cast<std::size_t>(Z.rows())));
  for_each_chunk(static_cast<std::size_t>(Z.rows()), max_threads,
                 [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                   chunks[chunk] = FeatureMoments::of({Z.data() + begin * d, (end - begin) * d}, d, power, mean);
                 });
  FeatureMoments total = FeatureMoments::of({}, d, power, mean);
  for (const auto& chunk : chunks) total.merge(chunk);
  return total;
}

}  // namespace detail

class KMeans {
public:
  explicit KMeans(std::size_t n_clusters, std::size_t n_init = 4, std::size_t max_iter = 300, double tol = 1e-4,
                  std::vector<FeatureScale> scale = {FeatureScale::standard}, std::uint64_t seed = 0)
      : n_clusters_(n_clusters),
        n_init_(n_init),
        max_iter_(max_iter),
        tol_(tol),
        scale_(std::move(scale)),
        seed_(seed) {
    require(n_clusters_ >= 1, "n_clusters", "must be >= 1, got " + std::to_string(n_clusters_));
    require(n_init_ >= 1, "n_init", "must be >= 1, got " + std::to_string(n_init_));
    require(max_iter_ >= 1, "max_iter", "must be >= 1, got " + std::to_string(max_iter_));
    require(std::isfinite(tol_) && tol_ >= 0.0, "tol", format_number(tol_) + " must be finite and >= 0");
    require(!scale_.empty(), "scale", "needs one scale, or one per feature");
  }

  std::size_t n_clusters() const { return n_clusters_; }
  std::size_t n_init() const { return n_init_; }
  std::size_t max_iter() const { return max_iter_; }
  double tol() const { return tol_; }
  const std::vector<FeatureScale>& scale() const { return scale_; }
  std::uint64_t seed() const { return seed_; }

  bool fitted() const { return !centers_.empty(); }
  std::size_t n_features() const { return offset_.size(); }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // Sum of squared distances of the fitted rows to their centre, in the scaled space.
  double inertia() const { return require_fitted(), inertia_; }
  std::size_t n_iter() const { return require_fitted(), n_iter_; }
  // Centres in the space the model optimised (every feature centred at its mean, scaled ones divided
  // by their spread), row-major k x n_features.
  const std::vector<double>& scaled_centers() const { return require_fitted(), centers_; }

  // Centres in the input's units, row-major k x n_features (log features: expm1 of the centre,
  // a geometric mean).
  std::vector<double> cluster_centers() const {
    require_fitted();
    std::vector<double> out(centers_.size());
    const std::size_t d = n_features();
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::size_t j = i % d;
      const double value = centers_[i] * spread_[j] + offset_[j];
      out[i] = scale_of(j) == FeatureScale::log ? std::expm1(value) : value;
    }
    return out;
  }

  // Fits the model and returns each row's cluster (0..k-1). `max_threads` 0 uses every core.
  std::vector<std::int32_t> fit(const FeatureMatrix& X, std::size_t max_threads = 0);

  // A fit whose restarts run a few at a time, e.g. to report progress between calls; fit() runs
  // one of these to the end, so both give the same model, bit for bit.
  class Fit;

  // Rows are scaled block by block on their way to the distance step: nothing of X's size is
  // allocated besides the labels.
  std::vector<std::int32_t> predict(const FeatureMatrix& X, std::size_t max_threads = 0) const {
    require_fitted();
    check_shape(X, /*fitting=*/false);
    const auto k = static_cast<Eigen::Index>(n_clusters_), d = static_cast<Eigen::Index>(n_features());
    const Eigen::Map<const detail::RowMatrix> centers(centers_.data(), k, d);
    const Eigen::VectorXd center_norms = centers.rowwise().squaredNorm();
    std::vector<std::int32_t> labels(X.rows);
    detail::for_each_chunk(X.rows, max_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
      detail::RowMatrix rows(static_cast<Eigen::Index>(detail::kmeans_block_rows), d), dots(rows.rows(), k);
      for (std::size_t block = begin; block < end; block += detail::kmeans_block_rows) {
        const std::size_t stop = std::min(end, block + detail::kmeans_block_rows);
        prepare_rows(X, block, stop, offset_, spread_, rows.data());
        nearest_centers(rows.topRows(static_cast<Eigen::Index>(stop - block)), centers, center_norms, dots,
                        [&](Eigen::Index r, std::int32_t nearest, double) {
                          labels[block + static_cast<std::size_t>(r)] = nearest;
                        });
      }
    });
    return labels;
  }

  // The scaling learnt from the three passes of FeatureMoments over the rows: each feature's
  // offset, its mean (after the log of log features), and the spread of scaled features, their
  // standard deviation (a constant feature keeps spread 1). Unscaled features are centred too, as
  // scikit-learn does: distances come from |x|^2 - 2 x.c + |c|^2, which cancels catastrophically
  // for values far from the origin (ARR ~1e9 differing by dollars). mean_variance: the mean
  // variance of the scaled features, which tol is relative to (scikit-learn's convention).
  struct Scaling {
    std::vector<double> offset = {};
    std::vector<double> spread = {};
    double mean_variance = 0.0;
  };

  Scaling scaling_from(const FeatureMoments& range, const FeatureMoments& sums, const FeatureMoments& squares) const {
    const std::size_t d = range.columns();
    check_same_length("sums columns", sums.columns(), "columns", d);
    check_same_length("squares columns", squares.columns(), "columns", d);
    check_same_length("sums rows", sums.rows(), "rows", range.rows());
    check_same_length("squares rows", squares.rows(), "rows", range.rows());
    if (scale_.size() != 1 && scale_.size() != d)
      fail("scale", "has " + std::to_string(scale_.size()) + " entries for " + std::to_string(d) +
                        " features; give one scale, or one per feature");
    const auto power = range.powers(), mean = sums.means(), variance = squares.means();
    Scaling scaling{std::vector<double>(d), std::vector<double>(d, 1.0), 0.0};
    for (std::size_t j = 0; j < d; ++j) {
      scaling.offset[j] = mean[j] * power[j];
      const double deviation = std::sqrt(variance[j]);
      if (scale_of(j) != FeatureScale::none && deviation > 0.0) scaling.spread[j] = deviation * power[j];
      const double ratio = power[j] / scaling.spread[j];
      scaling.mean_variance += variance[j] * ratio * ratio;
    }
    scaling.mean_variance /= static_cast<double>(d);
    return scaling;
  }

  // For fits over partitions of the rows (cssegment.dask; segment/kmeans_partial.hpp): the rows of
  // one partition X after the log of log features, row-major, checked as fit() checks them.
  std::vector<double> prepared(const FeatureMatrix& X) const {
    check_shape(X, /*fitting=*/true, /*whole=*/false);
    std::vector<double> z(X.rows * X.columns);
    prepare_rows(X, 0, X.rows, {}, {}, z.data());
    return z;
  }

  // The prepared rows `z` of a partition (row-major, `names` naming the columns in messages, or
  // none), whose first row is row `first_row` of the `total_rows` rows fitted, scaled in place as
  // fit() scales them; a value whose squared distances would overflow is refused, as in fit().
  void standardize_partition(std::span<double> z, const std::vector<std::string>& names, const Scaling& scaling,
                             std::size_t first_row, std::size_t total_rows) const {
    const std::size_t d = scaling.offset.size();
    require(d >= 1 && scaling.spread.size() == d, "scaling", "needs one offset and one spread per feature");
    const FeatureMatrix view{z, z.size() / d, d, names};
    check_shape(view, /*fitting=*/true, /*whole=*/false);
    const double limit = detail::distance_limit(total_rows, d);
    for (std::size_t i = 0; i < z.size(); ++i) {
      const std::size_t j = i % d;
      const double value = z[i];
      z[i] = (value - scaling.offset[j]) / scaling.spread[j];
      if (!(std::abs(z[i]) <= limit)) [[unlikely]]
        fail_at(view.column_argument(j), first_row + i / d, value, too_far(std::abs(z[i]), limit, total_rows, d));
    }
  }

  // This model fitted elsewhere (over partitions: cssegment.dask) with `scaling` and `centers`
  // (row-major k x d, in the scaled space), its clusters numbered as fit() numbers them.
  KMeans fitted_with(std::vector<std::string> names, const Scaling& scaling, std::vector<double> centers,
                     double inertia, std::size_t n_iter) const {
    const std::size_t d = scaling.offset.size();
    if (d == 0 || scaling.spread.size() != d || centers.size() != n_clusters_ * d ||
        !(names.empty() || names.size() == d) || !(scale_.size() == 1 || scale_.size() == d))
      fail("fit", "scaling, centres and names have inconsistent sizes");
    require(std::isfinite(inertia) && inertia >= 0.0, "inertia", format_number(inertia) + " must be finite and >= 0");
    KMeans model(*this);
    model.feature_names_ = std::move(names);
    model.offset_ = scaling.offset, model.spread_ = scaling.spread, model.centers_ = std::move(centers);
    model.inertia_ = inertia, model.n_iter_ = n_iter;
    std::vector<std::int32_t> no_labels;
    model.number_clusters_canonically(no_labels);
    return model;
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("n_clusters", &KMeans::n_clusters_), json::key("n_init", &KMeans::n_init_),
                      json::key("max_iter", &KMeans::max_iter_),     json::key("tol", &KMeans::tol_),
                      json::key("scale", &KMeans::scale_),           json::key("seed", &KMeans::seed_)};
  }

  // The fitted state, in the document's "fit" object when there is one.
  static constexpr auto fit_json_fields() {
    return std::tuple{json::key("feature_names", &KMeans::feature_names_),
                      json::key("offset", &KMeans::offset_),
                      json::key("spread", &KMeans::spread_),
                      json::key("centers", &KMeans::centers_),
                      json::key("inertia", &KMeans::inertia_),
                      json::key("n_iter", &KMeans::n_iter_)};
  }

  std::string to_json() const {
    auto document = json::make_document("KMeans");
    json::write_fields(document, *this, json_fields());
    if (fitted()) json::write_fields(document["fit"], *this, fit_json_fields());
    return document.dump();
  }

  static KMeans from_json(std::string_view text) {
    const auto document = json::parse_document(text, "KMeans");
    auto model = json::read_model<KMeans>(document);
    if (document.contains("fit")) {
      json::read_into(json::field(document, "fit"), model, fit_json_fields());
      const std::size_t d = model.offset_.size();
      // Divided rather than multiplied: d * n_clusters may wrap around for an untrusted n_clusters.
      if (d == 0 || model.spread_.size() != d || model.centers_.size() % d != 0 ||
          model.centers_.size() / d != model.n_clusters_ ||
          !(model.feature_names_.empty() || model.feature_names_.size() == d) ||
          !(model.scale_.size() == 1 || model.scale_.size() == d))
        fail("json", "fitted KMeans state has inconsistent sizes");
      // Meaning, not only type: a tampered spread of 0 or -1 would predict garbage.
      const auto check_all = [](std::string_view field, const std::vector<double>& values, bool positive) {
        for (std::size_t j = 0; j < values.size(); ++j)
          if (!std::isfinite(values[j]) || (positive && !(values[j] > 0.0)))
            fail_at("json: fit." + std::string(field), j, values[j],
                    positive ? "must be finite and > 0" : "must be finite");
      };
      check_all("offset", model.offset_, false);
      check_all("spread", model.spread_, true);
      check_all("centers", model.centers_, false);
      if (!(std::isfinite(model.inertia_) && model.inertia_ >= 0.0))
        fail("json", "fit.inertia " + format_number(model.inertia_) + " must be finite and >= 0");
    }
    return model;
  }

  bool operator==(const KMeans&) const = default;

private:
  void require_fitted() const {
    if (!fitted()) throw NotFitted("KMeans: call fit() before using the model");
  }

  FeatureScale scale_of(std::size_t column) const { return scale_.size() == 1 ? scale_[0] : scale_[column]; }

  // `whole`: X holds every row fitted (not one partition of them).
  void check_shape(const FeatureMatrix& X, bool fitting, bool whole = true) const {
    if (X.values.size() != X.rows * X.columns)
      fail("data", "holds " + std::to_string(X.values.size()) +
                       " values, not rows x columns = " + std::to_string(X.rows) + " x " + std::to_string(X.columns));
    require(X.names.empty() || X.names.size() == X.columns, "data",
            "has " + std::to_string(X.names.size()) + " names for " + std::to_string(X.columns) + " columns");
    require(X.columns >= 1, "data", "needs at least one feature column");
    if (fitting) {
      if (scale_.size() != 1 && scale_.size() != X.columns)
        fail("scale", "has " + std::to_string(scale_.size()) + " entries for " + std::to_string(X.columns) +
                          " features; give one scale, or one per feature");
      if (whole && X.rows < n_clusters_)
        fail("n_clusters",
             std::to_string(n_clusters_) + " clusters need at least as many rows; data has " + std::to_string(X.rows));
    } else if (X.columns != n_features()) {
      fail("data", "has " + std::to_string(X.columns) + " features but the model was fitted on " +
                       std::to_string(n_features()));
    }
  }

  // Numbers clusters by their centres in lexicographic order (first feature first), so that the
  // numbering does not depend on which random draw found each cluster.
  void number_clusters_canonically(std::vector<std::int32_t>& labels) {
    const std::size_t k = n_clusters_, d = n_features();
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::lexicographical_compare(centers_.begin() + static_cast<std::ptrdiff_t>(a * d),
                                          centers_.begin() + static_cast<std::ptrdiff_t>((a + 1) * d),
                                          centers_.begin() + static_cast<std::ptrdiff_t>(b * d),
                                          centers_.begin() + static_cast<std::ptrdiff_t>((b + 1) * d));
    });
    std::vector<double> sorted(centers_.size());
    std::vector<std::int32_t> renumber(k);
    for (std::size_t rank = 0; rank < k; ++rank) {
      std::copy_n(centers_.begin() + static_cast<std::ptrdiff_t>(order[rank] * d), d,
                  sorted.begin() + static_cast<std::ptrdiff_t>(rank * d));
      renumber[order[rank]] = static_cast<std::int32_t>(rank);
    }
    centers_ = std::move(sorted);
    for (auto& label : labels) label = renumber[static_cast<std::size_t>(label)];
  }

  // Writes (f(x) - offset) / spread of rows [begin, end) of X to `out` (row-major), f = log1p for
  // log features and the identity otherwise, checking every value. Empty offset: f(x) alone.
  void prepare_rows(const FeatureMatrix& X, std::size_t begin, std::size_t end, std::span<const double> offset,
                    std::span<const double> spread, double* out) const {
    const std::size_t d = X.columns;
    const bool scaled = !offset.empty();
    const double limit = detail::distance_limit(X.rows, d);
    for (std::size_t i = begin; i < end; ++i, out += d) {
      const double* in = X.values.data() + i * d;
      for (std::size_t j = 0; j < d; ++j) {
        double value = in[j];
        const bool logged = scale_of(j) == FeatureScale::log;
        if (!std::isfinite(value) || (logged && value < 0.0)) [[unlikely]]
          fail_at(X.column_argument(j), i, value,
                  std::isnan(value)   ? "missing value; k-means needs every feature of every row"
                  : std::isinf(value) ? "features must be finite"
                                      : "scale='log' needs values >= 0 (log1p is applied)");
        if (logged) value = std::log1p(value);
        out[j] = scaled ? (value - offset[j]) / spread[j] : value;
        if (scaled && !(std::abs(out[j]) <= limit)) [[unlikely]]
          fail_at(X.column_argument(j), i, in[j],
                  "lies too far from the fitted data: its squared distances to the centres overflow");
      }
    }
  }

  detail::RowMatrix prepare(const FeatureMatrix& X, std::size_t max_threads) const {
    detail::RowMatrix Z(static_cast<Eigen::Index>(X.rows), static_cast<Eigen::Index>(X.columns));
    detail::for_each_chunk(X.rows, max_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
      prepare_rows(X, begin, end, {}, {}, Z.data() + begin * X.columns);
    });
    return Z;
  }

  // Learns the scaling from the rows of Z, after the log of log features (scaling_from); returns
  // the mean variance of the scaled features.
  double learn_scaling(const detail::RowMatrix& Z, std::size_t max_threads) {
    const auto range = detail::feature_moments(Z, {}, {}, max_threads);
    const auto power = range.powers();
    const auto sums = detail::feature_moments(Z, power, {}, max_threads);
    const auto scaling = scaling_from(range, sums, detail::feature_moments(Z, power, sums.means(), max_threads));
    offset_ = scaling.offset, spread_ = scaling.spread;
    return scaling.mean_variance;
  }

  // The problem of a scaled value `distance` from its feature's mean, beyond `limit`.
  static std::string too_far(double distance, double limit, std::size_t rows, std::size_t columns) {
    return "lies " + format_number(distance) + " from the feature's mean; squared distances overflow beyond " +
           format_number(limit) + " (for " + std::to_string(rows) + " rows x " + std::to_string(columns) +
           " features): scale it (scale='standard' or 'log') or express it in larger units";
  }

  // Refuses scaled features whose squared distances would overflow (unscaled features of 1e154 and
  // beyond): where distances are infinite no centre is nearest.
  void check_distance_range(const detail::RowMatrix& Z, const FeatureMatrix& X) const {
    const double limit = detail::distance_limit(X.rows, X.columns);
    for (Eigen::Index j = 0; j < Z.cols(); ++j) {
      Eigen::Index row = 0;
      const double largest = Z.col(j).cwiseAbs().maxCoeff(&row);
      if (!(largest <= limit))
        fail_at(X.column_argument(static_cast<std::size_t>(j)), static_cast<std::size_t>(row),
                X.values[static_cast<std::size_t>(row) * X.columns + static_cast<std::size_t>(j)],
                too_far(largest, limit, X.rows, X.columns));
    }
  }

  void standardize(detail::RowMatrix& Z, std::size_t max_threads) const {
    const auto d = static_cast<Eigen::Index>(offset_.size());
    const Eigen::Map<const Eigen::RowVectorXd> offset(offset_.data(), d), spread(spread_.data(), d);
    detail::for_each_chunk(static_cast<std::size_t>(Z.rows()), max_threads,
                           [&](std::size_t, std::size_t begin, std::size_t end) {
                             auto rows =
                                 Z.middleRows(static_cast<Eigen::Index>(begin), static_cast<Eigen::Index>(end - begin));
                             rows = (rows.rowwise() - offset).array().rowwise() / spread.array();
                           });
  }

  // For each row r of `rows` calls visit(r, nearest centre, |x - c|^2 - |x|^2); the squared norm
  // of x is left out of the search, it does not change which centre is nearest.
  template <class Rows, class Centers, class Visit>
  static void nearest_centers(const Rows& rows, const Centers& centers, const Eigen::VectorXd& center_norms,
                              detail::RowMatrix& dots, Visit&& visit) {
    const Eigen::Index m = rows.rows(), k = centers.rows();
    dots.topRows(m).noalias() = rows * centers.transpose();
    for (Eigen::Index r = 0; r < m; ++r) {
      const double* row = dots.row(r).data();
      std::int32_t nearest = 0;
      double best = center_norms[0] - 2.0 * row[0];
      for (Eigen::Index j = 1; j < k; ++j) {  // branch-free: which centre wins is unpredictable
        const double distance = center_norms[j] - 2.0 * row[j];
        const bool closer = distance < best;
        best = closer ? distance : best;
        nearest = closer ? static_cast<std::int32_t>(j) : nearest;
      }
      visit(r, nearest, best);
    }
  }

  // nearest_centers over rows [begin, end) of Z, block by block; visit receives the row of Z.
  template <class Centers, class Visit>
  static void nearest_in_block(const detail::RowMatrix& Z, const Centers& centers, const Eigen::VectorXd& center_norms,
                               std::size_t begin, std::size_t end, detail::RowMatrix& dots, Visit&& visit) {
    for (std::size_t block = begin; block < end; block += detail::kmeans_block_rows) {
      const auto m = static_cast<Eigen::Index>(std::min(end - block, detail::kmeans_block_rows));
      nearest_centers(Z.middleRows(static_cast<Eigen::Index>(block), m), centers, center_norms, dots,
                      [&](Eigen::Index r, std::int32_t nearest, double best) {
                        visit(block + static_cast<std::size_t>(r), nearest, best);
                      });
    }
  }

  // Lloyd iterations until the labels stop changing, or the centres move (in total squared
  // distance) by at most `tolerance`, or max_iter. Returns the number of iterations run.
  std::size_t lloyd(const detail::RowMatrix& Z, detail::RowMatrix& centers, std::vector<std::int32_t>& labels,
                    double tolerance, std::size_t max_threads) const {
    const std::size_t n = static_cast<std::size_t>(Z.rows()), chunks = detail::chunk_count(n);
    const Eigen::Index k = centers.rows(), d = Z.cols();
    std::vector<detail::RowMatrix> chunk_sums(chunks, detail::RowMatrix::Zero(k, d));
    std::vector<std::vector<std::size_t>> chunk_counts(chunks, std::vector<std::size_t>(static_cast<std::size_t>(k)));
    std::vector<std::size_t> chunk_changes(chunks);
    std::size_t iteration = 0;
    while (iteration < max_iter_) {
      ++iteration;
      const Eigen::VectorXd center_norms = centers.rowwise().squaredNorm();
      detail::for_each_chunk(n, max_threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        auto& sums = chunk_sums[chunk];
        auto& counts = chunk_counts[chunk];
        sums.setZero();
        std::fill(counts.begin(), counts.end(), 0);
        std::size_t changes = 0;
        detail::RowMatrix dots(static_cast<Eigen::Index>(detail::kmeans_block_rows), k);
        nearest_in_block(Z, centers, center_norms, begin, end, dots, [&](std::size_t i, std::int32_t nearest, double) {
          changes += labels[i] != nearest;
          labels[i] = nearest;
          const double* point = Z.data() + i * static_cast<std::size_t>(d);
          double* sum = sums.data() + static_cast<std::size_t>(nearest) * static_cast<std::size_t>(d);
          for (Eigen::Index j = 0; j < d; ++j) sum[j] += point[j];
          ++counts[static_cast<std::size_t>(nearest)];
        });
        chunk_changes[chunk] = changes;
      });
      detail::RowMatrix sums = detail::RowMatrix::Zero(k, d);
      std::vector<std::size_t> counts(static_cast<std::size_t>(k));
      std::size_t changes = 0;
      for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
        sums += chunk_sums[chunk];
        for (Eigen::Index j = 0; j < k; ++j)
          counts[static_cast<std::size_t>(j)] += chunk_counts[chunk][static_cast<std::size_t>(j)];
        changes += chunk_changes[chunk];
      }
      relocate_empty_clusters(Z, centers, labels, sums, counts, max_threads);
      detail::RowMatrix updated(k, d);
      for (Eigen::Index j = 0; j < k; ++j)
        updated.row(j) = sums.row(j) / static_cast<double>(counts[static_cast<std::size_t>(j)]);
      const double shift = (updated - centers).squaredNorm();
      centers = std::move(updated);
      if (changes == 0 || shift <= tolerance) break;
    }
    return iteration;
  }

  // An empty cluster takes the row farthest from its own centre (as scikit-learn does), so that
  // k clusters always come out. Ties go to the lowest row.
  void relocate_empty_clusters(const detail::RowMatrix& Z, const detail::RowMatrix& centers,
                               const std::vector<std::int32_t>& labels, detail::RowMatrix& sums,
                               std::vector<std::size_t>& counts, std::size_t max_threads) const {
    std::vector<std::size_t> empty;
    for (std::size_t j = 0; j < counts.size(); ++j)
      if (counts[j] == 0) empty.push_back(j);
    if (empty.empty()) return;
    const std::size_t n = labels.size();
    std::vector<double> distance(n);
    detail::for_each_chunk(n, max_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i)
        distance[i] = detail::squared_distance(Z.data() + i * static_cast<std::size_t>(Z.cols()),
                                               centers.data() + static_cast<std::size_t>(labels[i]) *
                                                                    static_cast<std::size_t>(Z.cols()),
                                               static_cast<std::size_t>(Z.cols()));
    });
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const std::size_t take = std::min(empty.size(), n);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                      [&](std::size_t a, std::size_t b) {
                        return distance[a] > distance[b] || (distance[a] == distance[b] && a < b);
                      });
    for (std::size_t e = 0; e < take; ++e) {
      const std::size_t row = order[e], from = static_cast<std::size_t>(labels[row]);
      if (counts[from] <= 1) continue;  // never empty another cluster to fill this one
      const auto point = Z.row(static_cast<Eigen::Index>(row));
      sums.row(static_cast<Eigen::Index>(from)) -= point;
      --counts[from];
      sums.row(static_cast<Eigen::Index>(empty[e])) = point;
      counts[empty[e]] = 1;
    }
    for (std::size_t j : empty)
      if (counts[j] == 0)
        sums.row(static_cast<Eigen::Index>(j)) = centers.row(static_cast<Eigen::Index>(j)), counts[j] = 1;
  }

  // Nearest centre of every row; returns the inertia (sum of squared distances).
  template <class Centers>
  static double assign_rows(const detail::RowMatrix& Z, const Centers& centers, std::vector<std::int32_t>& labels,
                            std::size_t max_threads) {
    const std::size_t n = static_cast<std::size_t>(Z.rows());
    const Eigen::VectorXd center_norms = centers.rowwise().squaredNorm();
    std::vector<double> chunk_inertia(detail::chunk_count(n));
    detail::for_each_chunk(n, max_threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
      detail::RowMatrix dots(static_cast<Eigen::Index>(detail::kmeans_block_rows), centers.rows());
      double inertia = 0.0;
      // The inertia is summed from |x - c|^2 itself: |x|^2 - 2 x.c + |c|^2 cancels badly for
      // rows far from the origin and close to their centre (unscaled money), and gives a
      // positive inertia for a row that sits on its centre.
      const auto d = static_cast<std::size_t>(Z.cols());
      nearest_in_block(Z, centers, center_norms, begin, end, dots, [&](std::size_t i, std::int32_t nearest, double) {
        labels[i] = nearest;
        inertia +=
            detail::squared_distance(Z.data() + i * d, centers.data() + static_cast<std::size_t>(nearest) * d, d);
      });
      chunk_inertia[chunk] = inertia;
    });
    return detail::ordered_sum(chunk_inertia);
  }

  std::size_t n_clusters_;
  std::size_t n_init_;
  std::size_t max_iter_;
  double tol_;
  std::vector<FeatureScale> scale_;
  std::uint64_t seed_;
  // Fitted state (empty before fit).
  std::vector<std::string> feature_names_;
  std::vector<double> offset_;
  std::vector<double> spread_;
  std::vector<double> centers_;
  double inertia_ = 0.0;
  std::size_t n_iter_ = 0;
};

class KMeans::Fit {
public:
  // Scales X (copied: X need not outlive the fit); no restart runs yet.
  Fit(const KMeans& model, const FeatureMatrix& X, std::size_t max_threads = 0)
      : fitted_(model), max_threads_(max_threads), rng_(model.seed_) {
    model.check_shape(X, /*fitting=*/true);
    fitted_.feature_names_ = X.names;
    Z_ = model.prepare(X, max_threads);
    tolerance_ = model.tol_ * fitted_.learn_scaling(Z_, max_threads);
    fitted_.standardize(Z_, max_threads);
    fitted_.check_distance_range(Z_, X);
  }

  std::size_t restarts() const { return fitted_.n_init_; }
  std::size_t restarts_run() const { return run_; }
  bool done() const { return run_ == fitted_.n_init_; }

  // Runs up to `count` more restarts (fewer when fewer are left).
  void run(std::size_t count) {
    for (const std::size_t stop = run_ + std::min(count, restarts() - run_); run_ < stop; ++run_) {
      detail::RowMatrix centers = detail::kmeans_plus_plus(Z_, fitted_.n_clusters_, rng_, max_threads_);
      std::vector<std::int32_t> labels(static_cast<std::size_t>(Z_.rows()), -1);
      const std::size_t iterations = fitted_.lloyd(Z_, centers, labels, tolerance_, max_threads_);
      const double inertia = assign_rows(Z_, centers, labels, max_threads_);
      if (inertia < best_inertia_) {
        best_inertia_ = inertia;
        best_labels_ = std::move(labels);
        fitted_.centers_.assign(centers.data(), centers.data() + centers.size());
        fitted_.n_iter_ = iterations;
      }
    }
  }

  // Once every restart ran: stores the best restart's model in `model` and returns each row's
  // cluster. Called once.
  std::vector<std::int32_t> finish(KMeans& model) {
    require(done(), "fit",
            std::to_string(restarts() - run_) + " of " + std::to_string(restarts()) + " restarts have not run yet");
    require(!finished_, "fit", "finish() was already called");
    finished_ = true;
    fitted_.inertia_ = best_inertia_;
    fitted_.number_clusters_canonically(best_labels_);
    model = std::move(fitted_);
    return std::move(best_labels_);
  }

private:
  KMeans fitted_;  // *this changes only once the fit succeeded
  std::size_t max_threads_;
  detail::SplitMix64 rng_;
  detail::RowMatrix Z_;
  double tolerance_ = 0.0;
  std::size_t run_ = 0;
  bool finished_ = false;
  std::vector<std::int32_t> best_labels_;
  double best_inertia_ = INFINITY;
};

inline std::vector<std::int32_t> KMeans::fit(const FeatureMatrix& X, std::size_t max_threads) {
  Fit restarts(*this, X, max_threads);
  restarts.run(n_init_);
  return restarts.finish(*this);
}

}  // namespace cssegment
