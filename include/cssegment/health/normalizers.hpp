#pragma once
// Normalisers turn one raw health signal (NPS, logins, open tickets ...) into 0-100 points, where
// 100 is healthiest. Linear, Bands and Boolean are fixed rules; Percentile and ZScore learn the
// distribution of the signal in fit(), on the whole population or within each peer group (e.g.
// segment), so that an account is compared with accounts like it. Category (and Boolean given its
// true labels) reads a column of labels instead of numbers: each label scores its own points.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/portable.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

enum class NormalizerKind { linear, bands, percentile, zscore, boolean, category, trend };

// What a peer-grouped normaliser does with an account whose group had no fitted values.
enum class UnseenGroup {
  population,  // documented fallback: the account is compared with the whole population
  raise,       // InvalidInput naming the row and the group
};

// What a Category normaliser does with a label it has no points for.
enum class UnknownLabel {
  error,    // InvalidInput naming the row and the label
  missing,  // the measure is missing for that account (the scorecard's missing-measure policy applies)
};

inline constexpr EnumNames<NormalizerKind, 7> normalizer_kind_names{"kind",
                                                                    "a normaliser kind",
                                                                    {{NormalizerKind::linear, "linear"},
                                                                     {NormalizerKind::bands, "bands"},
                                                                     {NormalizerKind::percentile, "percentile"},
                                                                     {NormalizerKind::zscore, "zscore"},
                                                                     {NormalizerKind::boolean, "boolean"},
                                                                     {NormalizerKind::category, "category"},
                                                                     {NormalizerKind::trend, "trend"}}};
constexpr const auto& enum_names(NormalizerKind) { return normalizer_kind_names; }

inline constexpr EnumNames<UnseenGroup, 2> unseen_group_names{"unseen",
                                                              "a policy for unseen peer groups",
                                                              {{UnseenGroup::population, "population"},
                                                               {UnseenGroup::raise, "raise"}}};
constexpr const auto& enum_names(UnseenGroup) { return unseen_group_names; }

inline constexpr EnumNames<UnknownLabel, 2> unknown_label_names{
    "unknown", "a policy for unknown labels", {{UnknownLabel::error, "error"}, {UnknownLabel::missing, "missing"}}};
constexpr const auto& enum_names(UnknownLabel) { return unknown_label_names; }

inline std::string_view to_string(NormalizerKind kind) { return normalizer_kind_names.name(kind); }
inline std::string_view to_string(UnknownLabel unknown) { return unknown_label_names.name(unknown); }
inline UnknownLabel parse_unknown_label(std::string_view text) { return unknown_label_names.parse(text); }
inline std::string_view to_string(UnseenGroup unseen) { return unseen_group_names.name(unseen); }
inline UnseenGroup parse_unseen_group(std::string_view text) { return unseen_group_names.parse(text); }

// The learned distribution of a signal within one group. Percentile keeps the sorted distinct values
// and their counts (exact), or, past max_percentile_knots distinct values, that many evenly spaced
// order statistics (percentiles then within 100 / max_percentile_knots points of exact). ZScore
// keeps only the mean and population sd (no knots).
struct FittedDistribution {
  std::vector<double> knots;
  std::vector<double> counts;
  double mean = 0.0;
  double sd = 0.0;
  std::vector<double> below;  // derived: total count of knots before each knot
  double total = 0.0;         // derived

  void index() {
    below.assign(knots.size(), 0.0);
    total = 0.0;
    for (std::size_t k = 0; k < knots.size(); ++k) below[k] = total, total += counts[k];
  }

  // Mid-rank percentile: share of values below x, ties counting half.
  double percentile(double x) const {
    const auto k = static_cast<std::size_t>(std::lower_bound(knots.begin(), knots.end(), x) - knots.begin());
    if (k == knots.size()) return 100.0;
    const double at = knots[k] == x ? counts[k] : 0.0;
    return 100.0 * (below[k] + 0.5 * at) / total;
  }

  bool operator==(const FittedDistribution& other) const {
    return knots == other.knots && counts == other.counts && mean == other.mean && sd == other.sd;
  }
};

inline constexpr std::size_t max_percentile_knots = 4096;

// The mean and population sd of finite values, summed in their order: all a ZScore fit keeps.
inline FittedDistribution fit_moments(std::span<const double> values) {
  FittedDistribution fitted;
  const std::size_t n = values.size();
  double sum = 0.0;
  for (double v : values) sum += v;
  fitted.mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (double v : values) squares += (v - fitted.mean) * (v - fitted.mean);
  fitted.sd = std::sqrt(squares / static_cast<double>(n));
  return fitted;
}

// Sorted distinct finite values and how many rows hold each -> the distribution Percentile scores
// against: the same as fit_sorted_distribution of those rows, bit for bit (the mean and sd summed
// over the rows in sorted order). Mergeable inputs: cssegment.dask counts each partition's values.
inline FittedDistribution fit_counted_distribution(std::span<const double> values,
                                                   std::span<const std::uint64_t> counts) {
  check_same_length("counts", counts.size(), "values", values.size());
  require(!values.empty(), "values", "needs at least one value");
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!std::isfinite(values[k])) fail_at("values", k, values[k], "values must be finite");
    if (counts[k] == 0) fail_at("counts", k, 0.0, "counts must be >= 1");
    n += counts[k];
  }
  check_strictly_ascending("values", values);
  FittedDistribution fitted;
  double sum = 0.0;
  for (std::size_t k = 0; k < values.size(); ++k)
    for (std::uint64_t c = 0; c < counts[k]; ++c) sum += values[k];
  fitted.mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (std::size_t k = 0; k < values.size(); ++k)
    for (std::uint64_t c = 0; c < counts[k]; ++c) squares += (values[k] - fitted.mean) * (values[k] - fitted.mean);
  fitted.sd = std::sqrt(squares / static_cast<double>(n));
  if (values.size() <= max_percentile_knots) {
    fitted.knots.assign(values.begin(), values.end());
    for (std::uint64_t c : counts) fitted.counts.push_back(static_cast<double>(c));
  } else {  // evenly spaced order statistics: the value at sorted position p is values[k], p < ends[k]
    std::vector<std::uint64_t> ends(counts.size());
    std::uint64_t end = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) ends[k] = end += counts[k];
    const double weight = static_cast<double>(n) / static_cast<double>(max_percentile_knots);
    for (std::size_t j = 0; j < max_percentile_knots; ++j) {
      const auto p = static_cast<std::uint64_t>((static_cast<double>(j) + 0.5) * weight);
      const double value =
          values[static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), p) - ends.begin())];
      if (!fitted.knots.empty() && fitted.knots.back() == value) fitted.counts.back() += weight;
      else fitted.knots.push_back(value), fitted.counts.push_back(weight);
    }
  }
  fitted.index();
  return fitted;
}

// Sorted, finite values -> the distribution Percentile scores against.
inline FittedDistribution fit_sorted_distribution(std::span<const double> values) {
  std::vector<double> distinct;
  std::vector<std::uint64_t> counts;
  for (double v : values) {
    if (!distinct.empty() && distinct.back() == v) ++counts.back();
    else distinct.push_back(v), counts.push_back(1);
  }
  return fit_counted_distribution(distinct, counts);
}

inline FittedDistribution fit_distribution(std::vector<double>&& values) {
  std::sort(values.begin(), values.end());
  return fit_sorted_distribution(values);
}

namespace detail {

// The fixed-rule normalisers over a block of values: each writes 0-100 points (NaN where the value
// is missing) and returns whether every value was acceptable. GCC vectorises their NaN tests only
// when told that floating-point operations do not trap, which nothing here relies on; the results
// are the same either way. No library calls inside: GCC does not inline across the option change.

// Linear points are ((x shrink - bad shrink) stretch) scale: shrink (1 or 1/2) keeps x - bad
// finite for anchors near +-1.8e308, stretch (a power of two) keeps 100 / (good - bad) finite for
// anchors a subnormal apart; both are 1 otherwise (the same points bit for bit as (x - bad) scale).
struct LinearScaling {
  double shrink = 1.0, stretch = 1.0, scale = 0.0;
};

inline LinearScaling linear_scaling(double bad, double good) {
  LinearScaling out;
  if (!std::isfinite(good - bad)) out.shrink = 0.5;
  const double width = std::abs(good * out.shrink - bad * out.shrink);
  if (!std::isfinite(100.0 / width)) out.stretch = std::ldexp(1.0, 600);
  out.scale = 100.0 / ((good * out.shrink - bad * out.shrink) * out.stretch);
  return out;
}

CSSEGMENT_NO_TRAPPING_MATH_BEGIN
inline double count_infinite(const double* x, std::size_t n) {
  double infinite = 0.0;
  for (std::size_t i = 0; i < n; ++i) infinite += ((x[i] == INFINITY) | (x[i] == -INFINITY)) ? 1.0 : 0.0;
  return infinite;
}

inline bool linear_points(const double* x, std::size_t n, double bad, LinearScaling scaling, double* out) {
  const double shrink = scaling.shrink, stretch = scaling.stretch, scale = scaling.scale, low = bad * shrink;
  for (std::size_t i = 0; i < n; ++i) {
    // NaN stays NaN through both tests; +-inf (an overflow beyond an anchor) clamps.
    const double points = ((x[i] * shrink - low) * stretch) * scale;
    out[i] = (points < 0.0 ? 0.0 : points > 100.0 ? 100.0 : points) + 0.0;  // + 0.0: no -0 points
  }
  return count_infinite(x, n) == 0.0;
}

inline bool band_points(const double* x, std::size_t n, std::span<const double> edges, std::span<const double> scores,
                        double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = scores[0];
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const double edge = edges[k], score = scores[k + 1];
    for (std::size_t i = 0; i < n; ++i) out[i] = x[i] >= edge ? score : out[i];
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = x[i] != x[i] ? x[i] : out[i];
  return count_infinite(x, n) == 0.0;
}

inline bool boolean_points(const double* x, std::size_t n, double on, double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = x[i] != x[i] ? x[i] : x[i] == 1.0 ? on : 100.0 - on;
  for (std::size_t i = 0; i < n; ++i)
    if (!(x[i] == 0.0 || x[i] == 1.0 || x[i] != x[i])) return false;
  return true;
}
CSSEGMENT_NO_TRAPPING_MATH_END

}  // namespace detail

namespace detail {

// A value and its row, ranked by value.
struct RankedValue {
  double value;
  std::size_t row;
};

// The value's bits as an unsigned key in the order of the values (no NaN); -0 and +0 alike.
inline std::uint64_t rank_key(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value + 0.0);
  return bits ^ ((std::uint64_t{0} - (bits >> 63)) | (std::uint64_t{1} << 63));
}

// Orders values by value (ties in any order): an LSD radix sort on 11-bit digits of the keys,
// counting and moving values only for the digits in which keys differ (two for small integers);
// std::sort below 512 values.
inline void sort_by_value(std::span<RankedValue> values) {
  const std::size_t n = values.size();
  if (n < 512) {
    std::sort(values.begin(), values.end(),
              [](const RankedValue& a, const RankedValue& b) { return a.value < b.value; });
    return;
  }
  constexpr unsigned bits = 11, digits = (64 + bits - 1) / bits;
  constexpr std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const std::uint64_t first = rank_key(values[0].value);
  std::uint64_t differ = 0;  // the bits in which some key differs from the first
  for (const auto& v : values) differ |= rank_key(v.value) ^ first;
  std::vector<RankedValue> buffer(n);
  std::span<RankedValue> from = values, to = buffer;
  std::array<std::size_t, std::size_t{1} << bits> start;
  for (unsigned d = 0; d < digits; ++d) {
    const unsigned shift = d * bits;
    if (((differ >> shift) & mask) == 0) continue;  // one digit value: the order stays
    start.fill(0);
    for (const auto& v : from) ++start[(rank_key(v.value) >> shift) & mask];
    std::size_t offset = 0;
    for (auto& count : start) offset += std::exchange(count, offset);
    for (const auto& v : from) to[start[(rank_key(v.value) >> shift) & mask]++] = v;
    std::swap(from, to);
  }
  if (from.data() != values.data()) std::copy(from.begin(), from.end(), values.begin());
}

}  // namespace detail

class Normalizer {
public:
  // 0 points at `bad`, 100 at `good`, linear in between and clamped outside; bad > good means
  // lower values are healthier.
  static Normalizer linear(double bad, double good) {
    if (!std::isfinite(bad)) fail("bad", format_number(bad) + " must be finite");
    if (!std::isfinite(good)) fail("good", format_number(good) + " must be finite");
    if (bad == good) fail("good", format_number(good) + " equals bad; Linear needs two different anchors");
    Normalizer n(NormalizerKind::linear);
    n.bad_ = bad, n.good_ = good;
    return n;
  }

  // Value in [edges[i-1], edges[i]) scores scores[i] (scores has one more entry than edges).
  static Normalizer bands(std::vector<double> edges, std::vector<double> scores) {
    check_strictly_ascending("edges", edges);
    if (scores.size() != edges.size() + 1)
      fail("scores", "has " + std::to_string(scores.size()) + " scores for " + std::to_string(edges.size()) +
                         " edges; expected " + std::to_string(edges.size() + 1) + " (one per band)");
    for (std::size_t i = 0; i < scores.size(); ++i)
      if (!(scores[i] >= 0.0 && scores[i] <= 100.0)) fail_at("scores", i, scores[i], "scores must be in [0, 100]");
    Normalizer n(NormalizerKind::bands);
    n.edges_ = std::move(edges), n.scores_ = std::move(scores);
    return n;
  }

  // Mid-rank percentile of the value among the fitted values (of its peer group when `by` is set).
  static Normalizer percentile(std::string by = {}, bool higher_is_better = true,
                               UnseenGroup unseen = UnseenGroup::population) {
    return learned(NormalizerKind::percentile, std::move(by), higher_is_better, unseen);
  }

  // 100 * Phi((x - mean) / sd) with the fitted mean and population sd (50 when sd = 0).
  static Normalizer zscore(std::string by = {}, bool higher_is_better = true,
                           UnseenGroup unseen = UnseenGroup::population) {
    return learned(NormalizerKind::zscore, std::move(by), higher_is_better, unseen);
  }

  // 0/1 (false/true) -> 0/100 points, or 100/0 when false is the healthy value. With `true_labels`
  // the column holds labels: those labels are true, every other label false.
  static Normalizer boolean(bool higher_is_better = true, std::vector<std::string> true_labels = {}) {
    check_names("true", true_labels);
    Normalizer n(NormalizerKind::boolean);
    n.higher_is_better_ = higher_is_better, n.labels_ = std::move(true_labels);
    return n;
  }

  // Label labels[i] scores scores[i] points (0-100); other labels follow `unknown`.
  static Normalizer category(std::vector<std::string> labels, std::vector<double> scores,
                             UnknownLabel unknown = UnknownLabel::error) {
    require(!labels.empty(), "points", "needs at least one label");
    check_names("points", labels);
    check_same_length("scores", scores.size(), "labels", labels.size());
    for (std::size_t i = 0; i < scores.size(); ++i)
      if (!(scores[i] >= 0.0 && scores[i] <= 100.0))
        fail("points[" + single_quoted(labels[i]) + "]", format_number(scores[i]) + " must be in [0, 100]");
    Normalizer n(NormalizerKind::category);
    n.labels_ = std::move(labels), n.scores_ = std::move(scores), n.unknown_label_ = unknown;
    return n;
  }

  // Relative change (now - then) / |then| of the measure over `periods` periods, scored like
  // linear(bad, good). In a snapshot `then` is read from the column `earlier` (default: the
  // measure's column followed by " <periods> periods earlier"); score_history computes it from each
  // account's own row `periods` periods back. then == 0, or either value missing: a missing measure.
  static Normalizer trend(std::int64_t periods, double bad, double good, std::string earlier = {}) {
    if (periods < 1) fail("periods", std::to_string(periods) + " must be >= 1");
    Normalizer n = linear(bad, good);
    n.kind_ = NormalizerKind::trend, n.periods_ = periods, n.earlier_ = std::move(earlier);
    return n;
  }

  NormalizerKind kind() const { return kind_; }
  std::int64_t periods() const { return periods_; }
  const std::string& earlier() const { return earlier_; }
  // The column a Trend measure on `column` reads its earlier values from.
  std::string earlier_column(std::string_view column) const {
    return earlier_.empty() ? std::string(column) + " " + std::to_string(periods_) + " periods earlier" : earlier_;
  }

  // Trend: the relative change of data[column] against data[earlier_column(column)], NaN where
  // either is missing or the earlier value is 0. Both columns must be finite or missing.
  std::vector<double> relative_change(const ColumnTable& data, std::string_view column) const {
    const auto now = data.numeric(column);
    const std::string earlier = earlier_column(column);
    const auto then = data.numeric(earlier);
    check_finite_or_missing("data[" + single_quoted(column) + "]", now, 0);
    check_finite_or_missing("data[" + single_quoted(earlier) + "]", then, 0);
    std::vector<double> change(now.size());
    for (std::size_t i = 0; i < now.size(); ++i)
      change[i] = then[i] == 0.0 ? NAN : (now[i] - then[i]) / std::abs(then[i]);
    return change;
  }
  double bad() const { return bad_; }
  double good() const { return good_; }
  const std::vector<double>& edges() const { return edges_; }
  const std::vector<double>& scores() const { return scores_; }
  const std::string& by() const { return by_; }
  bool higher_is_better() const { return higher_is_better_; }
  UnseenGroup unseen() const { return unseen_; }
  const std::vector<std::string>& labels() const { return labels_; }
  UnknownLabel unknown() const { return unknown_label_; }
  // Whether the measure's column holds labels (Category, Boolean with true labels), not numbers.
  bool reads_labels() const { return kind_ == NormalizerKind::category || !labels_.empty(); }
  bool learns() const { return kind_ == NormalizerKind::percentile || kind_ == NormalizerKind::zscore; }
  bool fitted() const { return !learns() || population_.has_value(); }
  const std::vector<std::string>& groups() const { return group_names_; }
  const std::optional<FittedDistribution>& population() const { return population_; }
  const std::vector<FittedDistribution>& group_fits() const { return group_fits_; }

  // Learns the distribution of `values` (missing values skipped) overall and, with `by`, per group:
  // for a ZScore only the mean and sd (summed in row order), for a Percentile the sorted values.
  void fit(const ColumnTable& data, std::string_view column) {
    if (!learns()) return;
    const auto values = data.numeric(column);
    const std::string argument = "data[" + single_quoted(column) + "]";
    check_finite_or_missing(argument, values, 0);
    std::vector<double> observed;
    for (double v : values)
      if (!std::isnan(v)) observed.push_back(v);
    if (observed.empty()) fail_unobserved(argument);
    auto fitted = [&](std::vector<double>&& group) {
      return kind_ == NormalizerKind::zscore ? fit_moments(group) : fit_distribution(std::move(group));
    };
    group_names_.clear(), group_fits_.clear();
    if (!by_.empty()) {
      const auto& groups = peer_column(data);
      std::vector<std::vector<double>> per_group(groups.categories.size());
      for (std::size_t i = 0; i < values.size(); ++i)
        if (groups.codes[i] >= 0 && !std::isnan(values[i]))
          per_group[static_cast<std::size_t>(groups.codes[i])].push_back(values[i]);
      for (std::size_t g = 0; g < per_group.size(); ++g)
        if (!per_group[g].empty())
          group_names_.push_back(groups.categories[g]), group_fits_.push_back(fitted(std::move(per_group[g])));
    }
    population_ = fitted(std::move(observed));
  }

  // The points that fit(data) and then normalize() give the rows of data (the in-sample points),
  // written to out; the normaliser itself stays as it is. A Percentile sorts each peer group's values
  // once and reads each row's mid-rank off the sort; a ZScore needs each group's mean and sd. The
  // population is fitted only when some row has no fitted group to fall back on. Values under a
  // validity bitmap's nulls are missing. Errors are those of fit() and group_rows().
  void fitted_points(const ColumnTable& data, std::string_view column, std::span<double> out) const {
    require(learns(), "normalizer", "only Percentile and ZScore learn from data");
    const NumericColumn& values = data.numeric_column(column);
    const std::string argument = "data[" + single_quoted(column) + "]";
    const std::size_t n = data.rows();
    check_same_length("out", out.size(), "data", n);
    std::span<double> x = out;  // the values, then each row's points (missing values stay NaN)
    std::size_t observed = 0, infinite = 0;
    for (std::size_t j = 0; j < n; ++j) {
      x[j] = values.value(j);
      observed += !std::isnan(x[j]), infinite += std::isinf(x[j]);
    }
    if (infinite > 0) check_finite_or_missing(argument, x);
    if (observed == 0) fail_unobserved(argument);
    // Observed values by bucket: peer group g is bucket g (its rows in order), rows without a group
    // (all rows without `by`) the last bucket, scored against the population.
    const CategoricalColumn* peers = by_.empty() ? nullptr : &peer_column(data);
    const std::size_t groups = peers ? peers->categories.size() : 0;
    auto bucket_of = [&](std::size_t j) {
      const std::int32_t code = peers ? peers->codes[j] : -1;
      return code < 0 ? groups : static_cast<std::size_t>(code);
    };
    std::vector<std::size_t> start(groups + 2, 0);  // branch-free below: missing values are unpredictable
    if (!peers) start[1] = observed;
    else
      for (std::size_t j = 0; j < n; ++j) start[bucket_of(j) + 1] += !std::isnan(x[j]);
    if (peers && unseen_ == UnseenGroup::raise)
      for (std::size_t j = 0; j < n; ++j)
        if (const std::size_t b = bucket_of(j); b == groups || start[b + 1] == 0)
          fail_unseen(j, peers->codes[j], *peers);
    for (std::size_t b = 0; b <= groups; ++b) start[b + 1] += start[b];
    std::vector<detail::RankedValue> entries(observed + 1);  // the last entry takes the missing values
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t j = 0; j < n; ++j) {
      const bool here = !std::isnan(x[j]);
      std::size_t& slot = next[bucket_of(j)];
      entries[here ? slot : observed] = {x[j], j};
      slot += here;
    }
    entries.pop_back();
    auto put = [&](std::size_t j, double points) { x[j] = higher_is_better_ ? points : 100.0 - points; };
    // Scores the rows of `bucket` (values in row order) that `wanted` names against its values.
    auto score = [&](std::span<detail::RankedValue> bucket, auto&& wanted) {
      if (kind_ == NormalizerKind::zscore) {
        std::vector<double> v(bucket.size());
        for (std::size_t k = 0; k < bucket.size(); ++k) v[k] = bucket[k].value;
        const FittedDistribution fit = fit_moments(v);
        for (const auto& e : bucket)
          if (wanted(e.row)) put(e.row, normal_points(e.value, fit));
        return;
      }
      detail::sort_by_value(bucket);
      const std::size_t size = bucket.size();
      std::size_t distinct = 1;
      for (std::size_t k = 1; k < size; ++k) distinct += bucket[k].value != bucket[k - 1].value;
      if (distinct > max_percentile_knots) {  // sampled knots: score against them as normalize() does
        std::vector<double> v(size);
        for (std::size_t k = 0; k < size; ++k) v[k] = bucket[k].value;
        const FittedDistribution fit = fit_sorted_distribution(v);
        for (const auto& e : bucket)
          if (wanted(e.row)) put(e.row, fit.percentile(e.value));
        return;
      }
      for (std::size_t a = 0, b = 0; a < size; a = b) {  // a run of equal values [a, b)
        while (b < size && bucket[b].value == bucket[a].value) ++b;
        const double points =
            100.0 * (static_cast<double>(a) + 0.5 * static_cast<double>(b - a)) / static_cast<double>(size);
        for (std::size_t k = a; k < b; ++k)
          if (wanted(bucket[k].row)) put(bucket[k].row, points);
      }
    };
    auto all = [](std::size_t) { return true; };
    if (peers && start[groups + 1] > start[groups]) {  // rows without a group: against the population
      std::vector<detail::RankedValue> population;
      population.reserve(observed);
      for (std::size_t j = 0; j < n; ++j)
        if (!std::isnan(x[j])) population.push_back({x[j], j});
      score(population, [&](std::size_t j) { return bucket_of(j) == groups; });
    } else if (!peers) {
      score(entries, all);
    }
    for (std::size_t b = 0; peers && b < groups; ++b)
      if (start[b + 1] > start[b])
        score(std::span<detail::RankedValue>(entries).subspan(start[b], start[b + 1] - start[b]), all);
  }

  // Per-row index into group_fits() (-1: the population) for the rows of `data`; empty when the
  // normaliser has no peer groups. Unseen or missing groups follow `unseen`.
  std::vector<std::int32_t> group_rows(const ColumnTable& data) const {
    if (by_.empty()) return {};
    const auto& groups = peer_column(data);
    std::vector<std::int32_t> fitted_index(groups.categories.size(), -1);
    for (std::size_t c = 0; c < groups.categories.size(); ++c)
      for (std::size_t g = 0; g < group_names_.size(); ++g)
        if (group_names_[g] == groups.categories[c]) fitted_index[c] = static_cast<std::int32_t>(g);
    std::vector<std::int32_t> rows(groups.codes.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::int32_t code = groups.codes[i];
      rows[i] = code < 0 ? -1 : fitted_index[static_cast<std::size_t>(code)];
      if (rows[i] < 0 && unseen_ == UnseenGroup::raise) fail_unseen(i, code, groups);
    }
    return rows;
  }

  // Per-row index into labels() (-1: missing) of the label column `column`, for normalisers that
  // read labels; for Boolean, 1 for a true label and 0 for any other. Unknown Category labels
  // follow `unknown`.
  std::vector<std::int32_t> label_rows(const ColumnTable& data, std::string_view column) const {
    const std::string argument = "data[" + single_quoted(column) + "]";
    const auto* column_labels = std::get_if<CategoricalColumn>(&data.at(column));
    if (!column_labels)
      fail(argument, std::string(kind_ == NormalizerKind::category ? "Category" : "Boolean with true labels") +
                         " measures read labels (strings or categories), not numbers");
    const auto& categories = column_labels->categories;
    constexpr std::int32_t unknown = -2;
    std::vector<std::int32_t> index(categories.size(), kind_ == NormalizerKind::category ? unknown : 0);
    for (std::size_t c = 0; c < categories.size(); ++c)
      for (std::size_t l = 0; l < labels_.size(); ++l)
        if (labels_[l] == categories[c])
          index[c] = kind_ == NormalizerKind::category ? static_cast<std::int32_t>(l) : 1;
    std::vector<std::int32_t> rows(column_labels->codes.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::int32_t code = column_labels->codes[i];
      rows[i] = code < 0 ? -1 : index[static_cast<std::size_t>(code)];
      if (rows[i] == unknown) {
        if (unknown_label_ == UnknownLabel::error)
          fail_at(argument, i, single_quoted(categories[static_cast<std::size_t>(code)]),
                  "label has no points (use unknown='missing' to treat it as a missing measure)");
        rows[i] = -1;
      }
    }
    return rows;
  }

  // Normalises the values of rows [begin, begin + out.size()) into out; `values` holds those rows
  // only. `groups` is empty or the whole group_rows() vector, or, for normalisers that read labels,
  // the label_rows() vector (and `values` unused). Returns false when a value is neither finite nor
  // missing, or a Boolean value is not 0/1; the caller then reports the first bad row with check().
  bool normalize(std::span<const double> values, std::span<const std::int32_t> groups, std::size_t begin,
                 std::span<double> out) const {
    const std::size_t n = out.size();
    const double* x = values.data();
    bool valid = true;
    if (reads_labels()) {
      const double on = higher_is_better_ ? 100.0 : 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t label = groups[begin + i];
        out[i] = label < 0                           ? NAN
                 : kind_ == NormalizerKind::category ? scores_[static_cast<std::size_t>(label)]
                 : label == 1                        ? on
                                                     : 100.0 - on;
      }
      return true;
    }
    switch (kind_) {
      case NormalizerKind::linear:
        valid = detail::linear_points(x, n, bad_, detail::linear_scaling(bad_, good_), out.data());
        break;
      case NormalizerKind::trend:  // values are relative changes: +-inf (an overflow) clamps
        detail::linear_points(x, n, bad_, detail::linear_scaling(bad_, good_), out.data());
        break;
      case NormalizerKind::bands: valid = detail::band_points(x, n, edges_, scores_, out.data()); break;
      case NormalizerKind::boolean:
        valid = detail::boolean_points(x, n, higher_is_better_ ? 100.0 : 0.0, out.data());
        break;
      case NormalizerKind::category: break;  // reads labels, above
      case NormalizerKind::percentile:
      case NormalizerKind::zscore:
        if (!population_)
          throw NotFitted(std::string(to_string(kind_)) + " normaliser is not fitted; call fit(data) first");
        for (std::size_t i = 0; i < n; ++i) {
          valid &= !std::isinf(x[i]);
          if (std::isnan(x[i])) {
            out[i] = NAN;
            continue;
          }
          const std::int32_t g = groups.empty() ? -1 : groups[begin + i];
          const FittedDistribution& fit = g < 0 ? *population_ : group_fits_[static_cast<std::size_t>(g)];
          const double points = kind_ == NormalizerKind::percentile ? fit.percentile(x[i]) : normal_points(x[i], fit);
          out[i] = higher_is_better_ ? points : 100.0 - points;
        }
        break;
    }
    return valid;
  }

  // The first value of [begin, end) this normaliser refuses, as an InvalidInput.
  void check(std::string_view column, std::span<const double> values, std::size_t begin, std::size_t end) const {
    const std::string argument = "data[" + single_quoted(column) + "]";
    check_finite_or_missing(argument, values.subspan(0, end), begin);
    if (kind_ == NormalizerKind::boolean)
      for (std::size_t i = begin; i < end; ++i)
        if (!(values[i] == 0.0 || values[i] == 1.0 || std::isnan(values[i])))
          fail_at(argument, i, values[i], "Boolean measures must be 0 or 1 (false or true)");
  }

  json::Document to_json() const {
    json::Document document;
    document["kind"] = to_string(kind_);
    switch (kind_) {
      case NormalizerKind::linear: document["bad"] = bad_, document["good"] = good_; break;
      case NormalizerKind::trend:
        document["periods"] = periods_, document["bad"] = bad_, document["good"] = good_,
        document["earlier"] = earlier_;
        break;
      case NormalizerKind::bands: document["edges"] = edges_, document["scores"] = scores_; break;
      case NormalizerKind::boolean:
        document["higher_is_better"] = higher_is_better_;
        if (!labels_.empty()) document["true"] = labels_;
        break;
      case NormalizerKind::category:
        document["labels"] = labels_, document["scores"] = scores_, document["unknown"] = to_string(unknown_label_);
        break;
      case NormalizerKind::percentile:
      case NormalizerKind::zscore:
        document["by"] = by_;
        document["higher_is_better"] = higher_is_better_;
        document["unseen"] = to_string(unseen_);
        if (population_) {
          document["population"] = distribution_json(*population_);
          json::Document groups = json::Document::array();  // an array: objects would sort the names
          for (std::size_t g = 0; g < group_names_.size(); ++g) {
            auto group = distribution_json(group_fits_[g]);
            group["name"] = group_names_[g];
            groups.push_back(std::move(group));
          }
          document["groups"] = groups;
        }
        break;
    }
    return document;
  }

  static Normalizer from_json(const json::Document& document) {
    if (!document.is_object()) fail("json", "a normaliser must be a JSON object");
    const auto name = json::get<std::string>(document, "kind");
    const auto kind = normalizer_kind_names.find(name);
    if (!kind) fail("json", "unknown normaliser kind " + single_quoted(name));
    if (*kind == NormalizerKind::linear)
      return linear(json::get<double>(document, "bad"), json::get<double>(document, "good"));
    if (*kind == NormalizerKind::trend)
      return trend(json::get<std::int64_t>(document, "periods"), json::get<double>(document, "bad"),
                   json::get<double>(document, "good"), json::get<std::string>(document, "earlier"));
    if (*kind == NormalizerKind::bands)
      return bands(json::get<std::vector<double>>(document, "edges"),
                   json::get<std::vector<double>>(document, "scores"));
    if (*kind == NormalizerKind::boolean)
      return boolean(json::get<bool>(document, "higher_is_better"),
                     document.contains("true") ? json::get<std::vector<std::string>>(document, "true")
                                               : std::vector<std::string>{});
    if (*kind == NormalizerKind::category)
      return category(json::get<std::vector<std::string>>(document, "labels"),
                      json::get<std::vector<double>>(document, "scores"),
                      parse_unknown_label(json::get<std::string>(document, "unknown")));
    Normalizer n = learned(*kind, json::get<std::string>(document, "by"), json::get<bool>(document, "higher_is_better"),
                           parse_unseen_group(json::get<std::string>(document, "unseen")));
    if (document.contains("population")) {
      n.population_ = n.distribution_from_json(json::field(document, "population"));
      const auto& groups = json::field(document, "groups");
      if (!groups.is_array()) fail("json", "field 'groups' must be an array");
      for (const auto& group : groups) {
        n.group_fits_.push_back(n.distribution_from_json(group));
        n.group_names_.push_back(json::get<std::string>(group, "name"));
      }
      check_names("json groups", n.group_names_);
    }
    return n;
  }

  bool operator==(const Normalizer&) const = default;

private:
  explicit Normalizer(NormalizerKind kind) : kind_(kind) {}

  static Normalizer learned(NormalizerKind kind, std::string by, bool higher_is_better, UnseenGroup unseen) {
    Normalizer n(kind);
    n.by_ = std::move(by), n.higher_is_better_ = higher_is_better, n.unseen_ = unseen;
    return n;
  }

  [[noreturn]] void fail_unobserved(const std::string& argument) const {
    fail(argument, "has no observed (non-missing) values to fit " + std::string(to_string(kind_)) + " on");
  }

  [[noreturn]] void fail_unseen(std::size_t row, std::int32_t code, const CategoricalColumn& groups) const {
    fail_at("data[" + single_quoted(by_) + "]", row,
            code < 0 ? "missing" : single_quoted(groups.categories[static_cast<std::size_t>(code)]),
            "peer group not seen in fit (use unseen='population' to score it against the whole population)");
  }

  static double normal_points(double x, const FittedDistribution& fit) {
    if (!(fit.sd > 0.0)) return 50.0;
    return 50.0 * std::erfc(-(x - fit.mean) / (fit.sd * std::sqrt(2.0)));
  }

  const CategoricalColumn& peer_column(const ColumnTable& data) const {
    const auto* groups = std::get_if<CategoricalColumn>(&data.at(by_));
    if (!groups)
      fail("data[" + single_quoted(by_) + "]", "peer groups must be labels (strings or categories), not numbers");
    return *groups;
  }

  // A Percentile's fit: its knots, counts, mean and sd; a ZScore's: its mean and sd.
  json::Document distribution_json(const FittedDistribution& fit) const {
    if (kind_ == NormalizerKind::zscore) return {{"mean", fit.mean}, {"sd", fit.sd}};
    return {{"knots", fit.knots}, {"counts", fit.counts}, {"mean", fit.mean}, {"sd", fit.sd}};
  }

  // Documents written before ZScore fits dropped their knots still load: a ZScore reads past them.
  FittedDistribution distribution_from_json(const json::Document& document) const {
    if (!document.is_object()) fail("json", "a fitted distribution must be a JSON object");
    FittedDistribution fit;
    if (kind_ == NormalizerKind::percentile) {
      fit.knots = json::get<std::vector<double>>(document, "knots");
      fit.counts = json::get<std::vector<double>>(document, "counts");
    }
    fit.mean = json::get<double>(document, "mean");
    fit.sd = json::get<double>(document, "sd");
    if (kind_ == NormalizerKind::percentile) {
      if (fit.knots.empty() || fit.counts.size() != fit.knots.size())
        fail("json", "a fitted distribution needs as many counts as knots, and at least one");
      check_strictly_ascending("json knots", fit.knots);
      for (std::size_t k = 0; k < fit.counts.size(); ++k)
        if (!(fit.counts[k] > 0.0 && std::isfinite(fit.counts[k])))
          fail_at("json counts", k, fit.counts[k], "counts must be finite and > 0");
    }
    if (!std::isfinite(fit.mean) || !(fit.sd >= 0.0 && std::isfinite(fit.sd)))
      fail("json", "mean and sd must be finite, sd >= 0");
    fit.index();
    return fit;
  }

  NormalizerKind kind_;
  double bad_ = 0.0, good_ = 0.0;
  std::int64_t periods_ = 0;
  std::string earlier_;
  std::vector<double> edges_, scores_;
  std::string by_;
  bool higher_is_better_ = true;
  UnseenGroup unseen_ = UnseenGroup::population;
  std::vector<std::string> labels_;  // Category: the labels scored; Boolean: the true labels
  UnknownLabel unknown_label_ = UnknownLabel::error;
  std::optional<FittedDistribution> population_;
  std::vector<std::string> group_names_;
  std::vector<FittedDistribution> group_fits_;
};

// A normaliser inside a model's document is an object of its own (see Normalizer::to_json).
template <>
struct json::Codec<Normalizer> {
  static Document write(const Normalizer& normalizer) { return normalizer.to_json(); }
  static Normalizer read(const Document& document, std::string_view name) {
    return Normalizer::from_json(field(document, name));
  }
};

}  // namespace cssegment
