#pragma once
// k-means over partitions of the rows (cssegment.dask): the mergeable partials of one Lloyd step
// (KMeansPartial) and of one round of k-means|| initialisation (KMeansCandidates; Bahmani,
// Moseley, Vattani, Kumar and Vassilvitskii, "Scalable k-means++", VLDB 2012), and the
// reclustering of the weighted candidates into k centres. The rows are those KMeans fits, scaled
// (KMeans::prepared, then KMeans::standardize_partition with the scaling learnt from the merged
// FeatureMoments of every partition); each partition knows the number of its first row among all.
//
// What is exact: counts are integers; coordinate sums, inertia and k-means|| costs are exact sums
// (ExactSum) of per-row terms, and each term depends on its row and the centres alone: a row's
// nearest centre comes from its distances to the centres, each summed over the features in
// order, ties to the lowest centre, never from a matrix product over a block of rows. So the
// partials of any partitioning, merged in any order, give the same sums bit for bit, and the same
// centres. k-means|| draws each row's uniform number from a hash of (seed, stream, global row
// number): the same rows are sampled however the rows are partitioned.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/kmeans.hpp"

namespace cssegment {

namespace detail {

// The nearest of some centres to a row, and the squared distance to it; ties go to the lowest
// centre. Each distance is summed over the features in order, as squared_distance sums it, from
// the row and the centre alone; the loop runs over the centres innermost (they are stored
// feature-major), where the compiler can vectorise it without changing any sum.
class NearestCenter {
public:
  // `centers`: row-major, d columns.
  NearestCenter(std::span<const double> centers, std::size_t d)
      : k_(centers.size() / d), d_(d), by_feature_(centers.size()), distance_(k_) {
    for (std::size_t c = 0; c < k_; ++c)
      for (std::size_t j = 0; j < d_; ++j) by_feature_[j * k_ + c] = centers[c * d_ + j];
  }

  std::pair<std::size_t, double> operator()(const double* row) {
    std::fill(distance_.begin(), distance_.end(), 0.0);
    double* distance = distance_.data();
    for (std::size_t j = 0; j < d_; ++j) {
      const double x = row[j];
      const double* column = by_feature_.data() + j * k_;
      for (std::size_t c = 0; c < k_; ++c) {
        const double difference = x - column[c];
        distance[c] += difference * difference;
      }
    }
    std::size_t nearest = 0;
    for (std::size_t c = 1; c < k_; ++c)
      if (distance[c] < distance[nearest]) nearest = c;
    return {nearest, distance[nearest]};
  }

private:
  std::size_t k_, d_;
  std::vector<double> by_feature_;  // d x k
  std::vector<double> distance_;
};

// A uniform number in [0, 1) for global row `row` in stream `stream` of `seed`: a hash of the
// three, so that a row draws the same number however the rows are partitioned.
inline double row_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t row) {
  const std::uint64_t hash = SplitMix64(SplitMix64(SplitMix64(seed).next() ^ stream).next() ^ row).next();
  return static_cast<double>(hash >> 11) * 0x1.0p-53;
}

// Adds w * x to `sum` exactly (w a whole number below 2^53): the product and its rounding error.
inline void add_product(ExactSum& sum, double w, double x) {
  if (w == 1.0) {
    sum += x;
    return;
  }
  const double product = w * x;
  sum += product;
  sum += std::fma(w, x, -product);
}

inline void check_rows(std::span<const double> values, std::size_t d, std::string_view argument) {
  require(d >= 1, "d", "needs at least one feature column");
  if (values.size() % d != 0)
    fail(argument,
         "holds " + std::to_string(values.size()) + " values, not a whole number of rows of " + std::to_string(d));
}

}  // namespace detail

// A row far from its centre, kept for a cluster that comes out empty.
struct FarRow {
  double distance = 0.0;  // squared distance to its centre
  std::uint64_t row = 0;  // among all rows
  std::size_t cluster = 0;
  std::uint64_t weight = 1;
  std::vector<double> point = {};
};

// One Lloyd step over some rows: per cluster, how many rows are nearest its centre and the exact
// sums of their coordinates; the inertia (exact sum of squared distances to the nearest centre);
// and the k rows farthest from their centre (by distance, then lowest row), which empty clusters
// take. Mergeable: the partial of two sets of rows is the merge of theirs, in any order.
class KMeansPartial {
public:
  KMeansPartial() = default;
  KMeansPartial(std::size_t k, std::size_t d) : k_(k), d_(d), counts_(k), sums_(k * d) {}

  // From stored parts (as the accessors give them), checked.
  KMeansPartial(std::size_t k, std::size_t d, std::vector<std::uint64_t> counts, std::vector<ExactSum> sums,
                ExactSum inertia, std::vector<FarRow> farthest)
      : k_(k), d_(d), counts_(std::move(counts)), sums_(std::move(sums)), inertia_(std::move(inertia)) {
    check_same_length("counts", counts_.size(), "k", k_);
    check_same_length("sums", sums_.size(), "k x d", k_ * d_);
    for (auto& far : farthest) {
      check_same_length("farthest point", far.point.size(), "d", d_);
      if (far.cluster >= k_) fail("farthest", "cluster " + std::to_string(far.cluster) + " out of range");
      keep(std::move(far));
    }
  }

  // The rows `z` (row-major, d columns; the first of them row `first_row` among all), each counting
  // weights[i] times (empty: once), assigned to the nearest of `centers` (row-major k x d).
  static KMeansPartial of(std::span<const double> z, std::size_t d, std::span<const double> centers,
                          std::uint64_t first_row, std::span<const std::uint64_t> weights = {}) {
    detail::check_rows(z, d, "z");
    detail::check_rows(centers, d, "centers");
    require(!centers.empty(), "centers", "needs at least one centre");
    const std::size_t n = z.size() / d;
    if (!weights.empty()) check_same_length("weights", weights.size(), "rows", n);
    KMeansPartial partial(centers.size() / d, d);
    detail::NearestCenter nearest(centers, d);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t count = weights.empty() ? 1 : weights[i];
      if (count == 0) continue;
      const double* row = z.data() + i * d;
      const auto [cluster, distance] = nearest(row);
      const auto weight = static_cast<double>(count);
      partial.counts_[cluster] += count;
      for (std::size_t j = 0; j < d; ++j) detail::add_product(partial.sums_[cluster * d + j], weight, row[j]);
      detail::add_product(partial.inertia_, weight, distance);
      if (partial.wanted(distance, first_row + i))
        partial.keep({distance, first_row + i, cluster, count, std::vector<double>(row, row + d)});
    }
    return partial;
  }

  // Adds the rows of `other` (assigned to the same centres).
  KMeansPartial& merge(const KMeansPartial& other) {
    check_same_length("other k", other.k_, "k", k_);
    check_same_length("other d", other.d_, "d", d_);
    for (std::size_t c = 0; c < k_; ++c) counts_[c] += other.counts_[c];
    for (std::size_t i = 0; i < sums_.size(); ++i) sums_[i] += other.sums_[i];
    inertia_ += other.inertia_;
    for (const auto& far : other.farthest_)
      if (wanted(far.distance, far.row)) keep(far);
    return *this;
  }

  // The Lloyd update of `centers` (those the rows were assigned to): each centre moves to the mean
  // of its rows (the exact sums rounded once, divided by the count). As in KMeans::fit, the e-th
  // empty cluster takes the e-th farthest row unless that would empty the row's own cluster; an
  // empty cluster nothing fills keeps its centre.
  std::vector<double> updated(std::span<const double> centers) const {
    check_same_length("centers", centers.size(), "k x d", k_ * d_);
    std::vector<std::uint64_t> counts = counts_;
    std::vector<ExactSum> sums = sums_;
    std::vector<std::size_t> empty;
    for (std::size_t c = 0; c < k_; ++c)
      if (counts[c] == 0) empty.push_back(c);
    for (std::size_t e = 0; e < std::min(empty.size(), farthest_.size()); ++e) {
      const FarRow& far = farthest_[e];
      if (counts[far.cluster] <= far.weight) continue;  // never empty another cluster to fill this one
      const auto weight = static_cast<double>(far.weight);
      for (std::size_t j = 0; j < d_; ++j) {
        detail::add_product(sums[far.cluster * d_ + j], -weight, far.point[j]);
        sums[empty[e] * d_ + j] = ExactSum();
        detail::add_product(sums[empty[e] * d_ + j], weight, far.point[j]);
      }
      counts[far.cluster] -= far.weight;
      counts[empty[e]] = far.weight;
    }
    std::vector<double> out(centers.begin(), centers.end());
    for (std::size_t c = 0; c < k_; ++c)
      if (counts[c] > 0)
        for (std::size_t j = 0; j < d_; ++j)
          out[c * d_ + j] = sums[c * d_ + j].value("centre sum") / static_cast<double>(counts[c]);
    return out;
  }

  std::size_t k() const { return k_; }
  std::size_t d() const { return d_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  const std::vector<ExactSum>& sums() const { return sums_; }
  const ExactSum& inertia_sum() const { return inertia_; }
  double inertia() const { return inertia_.value("inertia"); }
  // At most k rows, farthest first (ties: the lowest row first).
  const std::vector<FarRow>& farthest() const { return farthest_; }

private:
  static bool before(double distance, std::uint64_t row, const FarRow& other) {
    return distance > other.distance || (distance == other.distance && row < other.row);
  }
  bool wanted(double distance, std::uint64_t row) const {
    return farthest_.size() < k_ || before(distance, row, farthest_.back());
  }
  void keep(FarRow far) {
    const auto at = std::find_if(farthest_.begin(), farthest_.end(),
                                 [&](const FarRow& other) { return before(far.distance, far.row, other); });
    farthest_.insert(at, std::move(far));
    if (farthest_.size() > k_) farthest_.pop_back();
  }

  std::size_t k_ = 0;
  std::size_t d_ = 0;
  std::vector<std::uint64_t> counts_;
  std::vector<ExactSum> sums_;  // k x d, row-major
  ExactSum inertia_;
  std::vector<FarRow> farthest_;
};

// One round of k-means|| over some rows: the cost (exact sum of the squared distances to the
// nearest candidate) and, given the cost of all rows, the rows sampled as new candidates: a row at
// squared distance D is sampled when its uniform number (row_uniform of the seed, the stream and
// its global row number) is below oversampling * D / total cost. Mergeable: costs add, sampled
// rows are kept in increasing order of their row numbers.
class KMeansCandidates {
public:
  KMeansCandidates() = default;
  explicit KMeansCandidates(std::size_t d) : d_(d) {}

  // From stored parts (as the accessors give them), checked.
  KMeansCandidates(std::size_t d, ExactSum cost, std::vector<std::uint64_t> rows, std::vector<double> points)
      : d_(d), cost_(std::move(cost)), rows_(std::move(rows)), points_(std::move(points)) {
    check_same_length("points", points_.size(), "rows x d", rows_.size() * d_);
    for (std::size_t i = 1; i < rows_.size(); ++i)
      if (!(rows_[i - 1] < rows_[i])) fail_at("rows", i, std::to_string(rows_[i]), "must be increasing");
  }

  // The rows `z` (row-major, d columns; the first of them row `first_row` among all) against the
  // `candidates` (row-major, d columns). total_cost 0: the cost alone, no row sampled.
  static KMeansCandidates of(std::span<const double> z, std::size_t d, std::span<const double> candidates,
                             std::uint64_t first_row, std::uint64_t seed, std::uint64_t stream, double oversampling,
                             double total_cost) {
    detail::check_rows(z, d, "z");
    detail::check_rows(candidates, d, "candidates");
    require(!candidates.empty(), "candidates", "needs at least one candidate");
    require(std::isfinite(oversampling) && oversampling > 0.0, "oversampling",
            format_number(oversampling) + " must be finite and > 0");
    require(std::isfinite(total_cost) && total_cost >= 0.0, "total_cost",
            format_number(total_cost) + " must be finite and >= 0");
    KMeansCandidates out(d);
    detail::NearestCenter nearest(candidates, d);
    for (std::size_t i = 0; i < z.size() / d; ++i) {
      const double* row = z.data() + i * d;
      const double distance = nearest(row).second;
      out.cost_ += distance;
      if (total_cost > 0.0 && detail::row_uniform(seed, stream, first_row + i) < oversampling * distance / total_cost) {
        out.rows_.push_back(first_row + i);
        out.points_.insert(out.points_.end(), row, row + d);
      }
    }
    return out;
  }

  // Adds the rows of `other`.
  KMeansCandidates& merge(const KMeansCandidates& other) {
    check_same_length("other d", other.d_, "d", d_);
    cost_ += other.cost_;
    std::vector<std::uint64_t> rows;
    std::vector<double> points;
    rows.reserve(rows_.size() + other.rows_.size());
    points.reserve(points_.size() + other.points_.size());
    std::size_t a = 0, b = 0;
    while (a < rows_.size() || b < other.rows_.size()) {
      const bool mine = b == other.rows_.size() || (a < rows_.size() && rows_[a] < other.rows_[b]);
      const auto& from = mine ? points_ : other.points_;
      const std::size_t at = mine ? a++ : b++;
      rows.push_back(mine ? rows_[at] : other.rows_[at]);
      points.insert(points.end(), from.begin() + static_cast<std::ptrdiff_t>(at * d_),
                    from.begin() + static_cast<std::ptrdiff_t>((at + 1) * d_));
    }
    rows_.swap(rows), points_.swap(points);
    return *this;
  }

  std::size_t d() const { return d_; }
  const ExactSum& cost_sum() const { return cost_; }
  double cost() const { return cost_.value("cost"); }
  // The sampled rows' numbers, increasing, and their points (row-major, d columns).
  const std::vector<std::uint64_t>& rows() const { return rows_; }
  const std::vector<double>& points() const { return points_; }

private:
  std::size_t d_ = 0;
  ExactSum cost_;
  std::vector<std::uint64_t> rows_;
  std::vector<double> points_;
};

// The first centre of each of `restarts` k-means|| initialisations: a row drawn uniformly from the
// `rows` rows by the generator KMeans seeds with `seed`.
inline std::vector<std::uint64_t> kmeans_parallel_first_rows(std::uint64_t seed, std::size_t restarts,
                                                             std::size_t rows) {
  require(rows >= 1, "rows", "needs at least one row");
  detail::SplitMix64 rng(seed);
  std::vector<std::uint64_t> out(restarts);
  for (auto& row : out) row = rng.below(rows);
  return out;
}

// The last step of k-means||: the candidates (row-major, d columns), each weighted by the number of
// rows nearest it, reclustered into k centres in memory, `trials` times: greedy weighted k-means++
// (KMeans's seeding; every trial draws on from one SplitMix64(seed)), then weighted Lloyd steps
// (KMeansPartial) until no centre moves more than `tolerance` in total squared distance, or
// max_iter steps. Returns the centres of lowest weighted inertia (the first on ties): the
// candidates are few, so trials cost nothing next to a pass over the rows, and one unlucky
// seeding no longer decides the start of the Lloyd steps over all rows. Fails as KMeans::fit
// does when the candidates hold fewer than k distinct points of positive weight.
inline std::vector<double> kmeans_recluster(std::span<const double> candidates, std::size_t d,
                                            std::span<const std::uint64_t> weights, std::size_t k, std::uint64_t seed,
                                            std::size_t max_iter, double tolerance, std::size_t trials = 1) {
  detail::check_rows(candidates, d, "candidates");
  const std::size_t m = candidates.size() / d;
  check_same_length("weights", weights.size(), "candidates", m);
  require(k >= 1, "n_clusters", "must be >= 1, got 0");
  require(trials >= 1, "trials", "must be >= 1, got 0");
  if (m < k)
    fail("n_clusters",
         std::to_string(k) + " clusters requested but there are only " + std::to_string(m) + " candidates");
  const Eigen::Map<const detail::RowMatrix> points(candidates.data(), static_cast<Eigen::Index>(m),
                                                   static_cast<Eigen::Index>(d));
  detail::SplitMix64 rng(seed);
  std::vector<double> best;
  double best_inertia = INFINITY;
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const detail::RowMatrix seeded = detail::kmeans_plus_plus(points, k, rng, 1, weights);
    std::vector<double> centers(seeded.data(), seeded.data() + seeded.size());
    for (std::size_t step = 0; step < max_iter; ++step) {
      auto next = KMeansPartial::of(candidates, d, centers, 0, weights).updated(centers);
      double shift = 0.0;
      for (std::size_t i = 0; i < next.size(); ++i) shift += (next[i] - centers[i]) * (next[i] - centers[i]);
      centers = std::move(next);
      if (shift <= tolerance) break;
    }
    const double inertia = KMeansPartial::of(candidates, d, centers, 0, weights).inertia();
    if (inertia < best_inertia) best_inertia = inertia, best = std::move(centers);
  }
  return best;
}

}  // namespace cssegment
