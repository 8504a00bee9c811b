#pragma once
// A health scorecard: measures (a column, a normaliser, a weight) combined into one 0-100 score per
// account, banded (red / yellow / green by default), and explained: the contributions of the
// measures add up to the score. Scoring is one pass over the columns, parallel across rows.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/portable.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/health/normalizers.hpp"

namespace cssegment {

enum class Combine {
  weighted,  // sum of w_i * f_i / sum of w_i
  worst,     // the lowest normalised measure (measures of weight 0 are ignored)
};

// What a missing measure does to the score.
enum class MissingMeasures {
  renormalize,  // the score is over the measures present (their weights renormalised)
  penalize,     // a missing measure scores 0 points
};

inline constexpr EnumNames<Combine, 2> combine_names{"combine",
                                                     "a combine mode",
                                                     {{Combine::weighted, "weighted"}, {Combine::worst, "worst"}}};
constexpr const auto& enum_names(Combine) { return combine_names; }

inline constexpr EnumNames<MissingMeasures, 2> missing_measures_names{"missing",
                                                                      "a missing-measure policy",
                                                                      {{MissingMeasures::renormalize, "renormalize"},
                                                                       {MissingMeasures::penalize, "penalize"}}};
constexpr const auto& enum_names(MissingMeasures) { return missing_measures_names; }

inline std::string_view to_string(Combine combine) { return combine_names.name(combine); }
inline std::string_view to_string(MissingMeasures missing) { return missing_measures_names.name(missing); }
inline Combine parse_combine(std::string_view text) { return combine_names.parse(text); }
inline MissingMeasures parse_missing_measures(std::string_view text) { return missing_measures_names.parse(text); }

struct Measure {
  std::string column;
  Normalizer normalizer;
  double weight = 1.0;
  bool operator==(const Measure&) const = default;

  static constexpr auto json_fields() {
    return std::tuple{json::key("column", &Measure::column), json::key("normalizer", &Measure::normalizer),
                      json::key("weight", &Measure::weight)};
  }
};

// Outputs of Scorecard::score_into, allocated by the caller: one entry per row, and for the
// contributions one block of rows per measure (measure-major). `trend` is empty without `previous`.
struct ScoreOutputs {
  std::span<double> score;
  std::span<std::int8_t> band;
  std::span<double> trend;
  std::span<double> contributions;
};

struct Scores {
  std::vector<double> score;
  std::vector<std::int8_t> band;  // index into band_names(), -1 where the score is missing
  std::vector<double> trend;
  std::vector<double> contributions;  // measure-major: contributions[m * rows + i]
};

inline constexpr std::size_t health_chunk_rows = 1u << 15;
// Rows normalised and combined together: all measures of a block stay in cache.
inline constexpr std::size_t health_block_rows = 1024;

// Earlier scores for the trend: each on the 0-100 scale, or NaN (no earlier score).
inline void check_previous_scores(std::span<const double> previous, std::size_t rows) {
  check_same_length("previous", previous.size(), "data", rows);
  for (std::size_t i = 0; i < previous.size(); ++i)
    if (!(std::isnan(previous[i]) || (previous[i] >= 0.0 && previous[i] <= 100.0)))
      fail_at("previous", i, previous[i], "earlier scores must be in [0, 100] (NaN: no earlier score)");
}

namespace detail {

// The weighted combination of one block: `values` holds the normalised measures (measure m of row i
// at values[m * stride + i], NaN = missing) and becomes the contributions; `score` gets their sum.
// GCC vectorises the NaN tests only when told that floating-point operations do not trap, which
// nothing here relies on; the results are the same either way. GCC does not inline across the
// option change, so the kernel calls no library function.
CSSEGMENT_NO_TRAPPING_MATH_BEGIN
inline void weighted_block(double* values, std::size_t stride, std::size_t rows, std::span<const double> weights,
                           bool penalize, double min_measures, double* score) {
  double present[health_block_rows] = {}, denominator[health_block_rows] = {};
  double total_weight = 0.0;
  for (double w : weights) total_weight += w;
  for (std::size_t m = 0; m < weights.size(); ++m) {
    const double* f = values + m * stride;
    const double w = weights[m];
    for (std::size_t i = 0; i < rows; ++i) {
      const bool here = f[i] == f[i];
      present[i] += here ? 1.0 : 0.0;
      denominator[i] += here ? w : 0.0;
    }
  }
  // denominator becomes 1 / (sum of weights), NaN when the row is not scored.
  for (std::size_t i = 0; i < rows; ++i) {
    const double d = penalize ? total_weight : denominator[i];
    denominator[i] = present[i] >= min_measures && d > 0.0 ? 1.0 / d : NAN;
    score[i] = 0.0;
  }
  for (std::size_t m = 0; m < weights.size(); ++m) {
    double* c = values + m * stride;
    const double w = weights[m];
    for (std::size_t i = 0; i < rows; ++i) {
      c[i] = (c[i] == c[i] ? w * c[i] : 0.0) * denominator[i];
      score[i] += c[i];
    }
  }
  // (w 100) (1 / w) rounds to 100.00000000000001 for w = 91 and many others: scores stay in
  // [0, 100] (NaN stays NaN).
  for (std::size_t i = 0; i < rows; ++i) score[i] = score[i] > 100.0 ? 100.0 : score[i];
}
CSSEGMENT_NO_TRAPPING_MATH_END

}  // namespace detail

class Scorecard {
public:
  static constexpr double min_weight = 1e-300, max_weight = 1e300;

  explicit Scorecard(std::vector<Measure> measures, Combine combine = Combine::weighted,
                     std::vector<std::string> band_names = {"red", "yellow", "green"},
                     std::vector<double> band_lowers = {0.0, 50.0, 75.0},
                     MissingMeasures missing = MissingMeasures::renormalize, std::size_t min_measures = 1)
      : measures_(std::move(measures)),
        combine_(combine),
        band_names_(std::move(band_names)),
        band_lowers_(std::move(band_lowers)),
        missing_(missing),
        min_measures_(min_measures) {
    require(!measures_.empty(), "measures", "a scorecard needs at least one measure");
    double total = 0.0;
    std::vector<std::string> columns;
    for (std::size_t i = 0; i < measures_.size(); ++i) {
      const auto& m = measures_[i];
      if (!(m.weight >= 0.0 && std::isfinite(m.weight)))
        fail_at("weights", i, m.weight, "weights must be finite and >= 0 (measure " + single_quoted(m.column) + ")");
      // Within this range neither the sum of the weights nor a weight times a score (or over the
      // sum) can overflow or lose itself in subnormals, so scores stay in [0, 100].
      if (m.weight != 0.0 && !(m.weight >= min_weight && m.weight <= max_weight))
        fail_at("weights", i, m.weight,
                "weights must be 0 or between 1e-300 and 1e300 (measure " + single_quoted(m.column) + ")");
      total += m.weight;
      columns.push_back(m.column);
    }
    check_names("measures", columns);
    if (!(total > 0.0)) fail("weights", "all weights are 0; at least one measure must count");
    if (band_names_.size() != band_lowers_.size())
      fail("bands", "has " + std::to_string(band_names_.size()) + " names for " + std::to_string(band_lowers_.size()) +
                        " lower bounds");
    require(!band_lowers_.empty() && band_lowers_.size() < 128, "bands", "needs between 1 and 127 bands");
    check_names("bands", band_names_);
    check_strictly_ascending("bands", band_lowers_);
    if (band_lowers_.front() != 0.0)
      fail_at("bands", 0, band_lowers_.front(), "the first band must start at 0 (scores run from 0 to 100)");
    if (band_lowers_.back() > 100.0)
      fail_at("bands", band_lowers_.size() - 1, band_lowers_.back(), "band lower bounds must be <= 100");
    if (min_measures_ < 1 || min_measures_ > measures_.size())
      fail("min_measures", std::to_string(min_measures_) + " must be between 1 and the number of measures (" +
                               std::to_string(measures_.size()) + ")");
  }

  const std::vector<Measure>& measures() const { return measures_; }
  Combine combine() const { return combine_; }
  const std::vector<std::string>& band_names() const { return band_names_; }
  const std::vector<double>& band_lowers() const { return band_lowers_; }
  MissingMeasures missing() const { return missing_; }
  std::size_t min_measures() const { return min_measures_; }
  bool fitted() const {
    return std::all_of(measures_.begin(), measures_.end(), [](const Measure& m) { return m.normalizer.fitted(); });
  }

  // The same scorecard with other weights (same order as the measures).
  Scorecard with_weights(std::span<const double> weights) const {
    check_same_length("weights", weights.size(), "measures", measures_.size());
    auto measures = measures_;
    for (std::size_t i = 0; i < measures.size(); ++i) measures[i].weight = weights[i];
    return Scorecard(std::move(measures), combine_, band_names_, band_lowers_, missing_, min_measures_);
  }

  // Learns the data-dependent normalisers (Percentile, ZScore); the others need no fit.
  Scorecard& fit(const ColumnTable& data) {
    for (auto& m : measures_) m.normalizer.fit(data, m.column);
    return *this;
  }

  std::int8_t band_of(double score) const {
    if (std::isnan(score)) return -1;
    std::int8_t band = 0;
    for (std::size_t k = 1; k < band_lowers_.size(); ++k) band += static_cast<std::int8_t>(score >= band_lowers_[k]);
    return band;
  }

  // The normalised measures (0-100, NaN where missing), measure-major: out[m * rows + i].
  void transform_into(const ColumnTable& data, std::span<double> out) const {
    const Inputs inputs = prepare(data);
    check_same_length("out", out.size(), "measures x rows", measures_.size() * inputs.rows);
    parallel_for(inputs.rows, health_chunk_rows, [&](std::size_t begin, std::size_t end) {
      for (std::size_t b = begin; b < end; b += health_block_rows)
        normalize_block(inputs, b, std::min(end, b + health_block_rows), out);
    });
  }

  std::vector<double> transform(const ColumnTable& data) const {
    std::vector<double> out(measures_.size() * data.rows());
    transform_into(data, out);
    return out;
  }

  // `max_threads` caps the threads (0: all); the results do not depend on it.
  void score_into(const ColumnTable& data, std::span<const double> previous, ScoreOutputs out,
                  std::size_t max_threads = 0) const {
    score_prepared(prepare(data), previous, out, max_threads);
  }

  Scores score(const ColumnTable& data, std::span<const double> previous = {}, std::size_t max_threads = 0) const {
    const std::size_t n = data.rows();
    Scores s{std::vector<double>(n), std::vector<std::int8_t>(n), std::vector<double>(previous.empty() ? 0 : n),
             std::vector<double>(measures_.size() * n)};
    score_into(data, previous, {s.score, s.band, s.trend, s.contributions}, max_threads);
    return s;
  }

  // score_into() with the 0-100 points (NaN: missing) of the measures flagged in `given` already in
  // out.contributions (measure m's block of rows) instead of normalised here: their normalisers,
  // fitted or not, are not used. score_history() puts each period's in-sample points of the
  // Percentile and ZScore measures there (Normalizer::fitted_points). `given`: one flag per measure.
  void score_given_into(const ColumnTable& data, const std::vector<bool>& given, ScoreOutputs out,
                        std::size_t max_threads = 0) const {
    check_same_length("given", given.size(), "measures", measures_.size());
    score_prepared(prepare(data, given), {}, out, max_threads);
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("measures", &Scorecard::measures_),
                      json::key("combine", &Scorecard::combine_),
                      json::key("band_names", &Scorecard::band_names_),
                      json::key("band_lowers", &Scorecard::band_lowers_),
                      json::key("missing", &Scorecard::missing_),
                      json::key("min_measures", &Scorecard::min_measures_)};
  }

  json::Document to_document() const {
    auto document = json::make_document("Scorecard");
    json::write_fields(document, *this, json_fields());
    return document;
  }

  std::string to_json() const { return to_document().dump(); }

  // A scorecard embedded in another model's document, whose kind and version that document carries.
  static Scorecard from_document(const json::Document& document) { return json::read_model<Scorecard>(document); }

  static Scorecard from_json(std::string_view text) { return from_document(json::parse_document(text, "Scorecard")); }

  bool operator==(const Scorecard&) const = default;

private:
  struct Inputs {
    std::size_t rows = 0;
    std::vector<NumericColumn> columns;
    // per measure: fitted group of each row, label index for normalisers that read labels, or empty
    std::vector<std::vector<std::int32_t>> groups;
    std::vector<std::vector<double>> changes;  // per measure: Trend's relative changes, or empty
    std::vector<bool> given;                   // per measure: its points are in the output already
  };

  Inputs prepare(const ColumnTable& data, const std::vector<bool>& given = {}) const {
    Inputs inputs;
    inputs.rows = data.rows();
    inputs.changes.resize(measures_.size());  // sized once: columns view them
    inputs.given = given;
    inputs.given.resize(measures_.size(), false);
    for (const auto& m : measures_) {
      if (inputs.given[inputs.columns.size()]) {
        inputs.columns.emplace_back(), inputs.groups.emplace_back();
        continue;
      }
      if (m.normalizer.kind() == NormalizerKind::trend) {
        auto& change = inputs.changes[inputs.columns.size()] = m.normalizer.relative_change(data, m.column);
        inputs.columns.push_back({change, nullptr, 0}), inputs.groups.emplace_back();
        continue;
      }
      if (m.normalizer.reads_labels()) {
        inputs.columns.emplace_back();
        inputs.groups.push_back(m.normalizer.label_rows(data, m.column));
        continue;
      }
      inputs.columns.push_back(data.numeric_column(m.column));
      if (!m.normalizer.fitted())
        throw NotFitted("measure " + single_quoted(m.column) + ": its " + std::string(to_string(m.normalizer.kind())) +
                        " normaliser learns from data; call fit(data) first");
      inputs.groups.push_back(m.normalizer.group_rows(data));
    }
    return inputs;
  }

  void score_prepared(const Inputs& inputs, std::span<const double> previous, const ScoreOutputs& out,
                      std::size_t max_threads) const {
    const std::size_t n = inputs.rows;
    check_same_length("score", out.score.size(), "data", n);
    check_same_length("band", out.band.size(), "data", n);
    check_same_length("contributions", out.contributions.size(), "measures x rows", measures_.size() * n);
    if (!previous.empty()) {
      check_previous_scores(previous, n);
      check_same_length("trend", out.trend.size(), "data", n);
    }
    std::vector<double> weights;
    for (const auto& m : measures_) weights.push_back(m.weight);
    parallel_for(
        n, health_chunk_rows,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t b = begin; b < end; b += health_block_rows) {
            const std::size_t e = std::min(end, b + health_block_rows);
            normalize_block(inputs, b, e, out.contributions);
            combine_block(n, b, e, weights, out);
            for (std::size_t i = b; i < e; ++i) out.band[i] = band_of(out.score[i]);
            if (!previous.empty())
              for (std::size_t i = b; i < e; ++i) out.trend[i] = out.score[i] - previous[i];
          }
        },
        max_threads);
  }

  void normalize_block(const Inputs& inputs, std::size_t b, std::size_t e, std::span<double> out) const {
    std::array<double, health_block_rows> filled;  // the block of a column with a validity bitmap
    for (std::size_t m = 0; m < measures_.size(); ++m) {
      const auto& normalizer = measures_[m].normalizer;
      const NumericColumn& column = inputs.columns[m];
      if (inputs.given[m]) continue;
      if (!normalizer.normalize(column.block(b, e, filled), inputs.groups[m], b,
                                out.subspan(m * inputs.rows + b, e - b))) [[unlikely]] {
        std::vector<double> read(column.validity == nullptr ? 0 : e);  // the rows up to e, nulls as NaN
        normalizer.check(measures_[m].column, column.validity == nullptr ? column.values : column.block(0, e, read), b,
                         e);
      }
    }
  }

  // Turns the block's normalised values (in out.contributions) into contributions and the score,
  // measure by measure over the rows of the block.
  void combine_block(std::size_t n, std::size_t b, std::size_t e, std::span<const double> weights,
                     const ScoreOutputs& out) const {
    const std::size_t k = measures_.size(), rows = e - b;
    double* score = out.score.data() + b;
    if (combine_ == Combine::weighted) {
      detail::weighted_block(out.contributions.data() + b, n, rows, weights, missing_ == MissingMeasures::penalize,
                             static_cast<double>(min_measures_), score);
      return;
    }
    std::array<double, health_block_rows> lowest_value;
    std::array<std::uint32_t, health_block_rows> present{}, lowest;
    for (std::size_t m = 0; m < k; ++m) {
      const double* f = out.contributions.data() + m * n + b;
      for (std::size_t i = 0; i < rows; ++i) present[i] += f[i] == f[i];
    }
    lowest_value.fill(INFINITY), lowest.fill(static_cast<std::uint32_t>(k));
    const double missing_points = missing_ == MissingMeasures::penalize ? 0.0 : INFINITY;
    for (std::size_t m = 0; m < k; ++m) {
      const double* f = out.contributions.data() + m * n + b;
      if (!(measures_[m].weight > 0.0)) continue;  // "worst" ignores measures of weight 0
      for (std::size_t i = 0; i < rows; ++i) {
        const double points = f[i] == f[i] ? f[i] : missing_points;
        if (points < lowest_value[i]) lowest_value[i] = points, lowest[i] = static_cast<std::uint32_t>(m);
      }
    }
    for (std::size_t i = 0; i < rows; ++i) {
      const bool scored = present[i] >= min_measures_ && lowest[i] < k;
      score[i] = scored ? lowest_value[i] : NAN;
    }
    for (std::size_t m = 0; m < k; ++m) {
      double* c = out.contributions.data() + m * n + b;
      for (std::size_t i = 0; i < rows; ++i) c[i] = score[i] != score[i] ? NAN : lowest[i] == m ? score[i] : 0.0;
    }
  }

  std::vector<Measure> measures_;
  Combine combine_;
  std::vector<std::string> band_names_;
  std::vector<double> band_lowers_;
  MissingMeasures missing_;
  std::size_t min_measures_;
};

}  // namespace cssegment
