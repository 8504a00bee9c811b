#pragma once
// Rule-based segments: an ordered list of (name, `when` expression) where the first rule that is
// true wins and rows matching none get the default segment. See expression/parser.hpp for the language.
//
// Hysteresis h keeps an account in its previous segment k while k's rule, relaxed (every numeric
// bound c moved by h|c| in favour of matching), is true and no rule ranked above k is true even
// when tightened the opposite way; otherwise the plain first match decides. For a tier-shaped
// rule list (`x >= t3`, `x >= t2`, `x >= t1`, default) this is exactly TierModel's hysteresis.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/expression/compiled.hpp"
#include "cssegment/segment/hysteresis.hpp"

namespace cssegment {

struct Segment {
  std::string name;
  std::string when;
  std::optional<double> csm_ratio;  // accounts per CSM; none: no CSM (digital only)
  bool pooled = false;              // served by a pool of CSMs rather than named owners
  bool operator==(const Segment&) const = default;

  static constexpr auto json_fields() {
    return std::tuple{json::key("name", &Segment::name), json::key("when", &Segment::when),
                      json::key("csm_ratio", &Segment::csm_ratio), json::key("pooled", &Segment::pooled)};
  }
};

class RuleModel {
public:
  explicit RuleModel(std::vector<Segment> segments, std::string default_name = "Unassigned", double hysteresis = 0.0,
                     std::optional<double> default_csm_ratio = std::nullopt)
      : segments_(std::move(segments)),
        default_name_(std::move(default_name)),
        hysteresis_(hysteresis),
        default_csm_ratio_(default_csm_ratio) {
    require(!segments_.empty(), "segments", "must hold at least one segment");
    std::vector<std::string> names;
    std::vector<std::optional<double>> ratios;
    for (const auto& segment : segments_) {
      names.push_back(segment.name);
      ratios.push_back(segment.csm_ratio);
    }
    check_names("segments", names);
    require(!default_name_.empty(), "default", "the default segment's name must not be empty");
    for (std::size_t i = 0; i < segments_.size(); ++i)
      if (segments_[i].name == default_name_)
        fail("default", single_quoted(default_name_) + " is also the name of segments[" + std::to_string(i) + "]");
    check_csm_ratios("segments", ratios);
    check_csm_ratios("default_csm_ratio", std::span(&default_csm_ratio_, 1));
    check_hysteresis(hysteresis_);
    for (std::size_t i = 0; i < segments_.size(); ++i)
      expressions_.push_back(for_segment(i, [&] { return Expression(segments_[i].when); }));
  }

  // Enterprise (largest spend, 10:1), Strategic (big spend or big potential, 25:1), 1:Many
  // (pooled CSMs, 200:1) and Self-Service (no CSM). The thresholds are defaults to override.
  static RuleModel four_tier(double enterprise_arr = 250'000, double strategic_arr = 100'000,
                             double strategic_potential = 500'000, double one_to_many_arr = 10'000) {
    const std::pair<std::string_view, double> thresholds[] = {{"one_to_many_arr", one_to_many_arr},
                                                              {"strategic_arr", strategic_arr},
                                                              {"enterprise_arr", enterprise_arr}};
    for (std::size_t i = 0; i < std::size(thresholds); ++i) {
      const auto& [argument, value] = thresholds[i];
      if (!std::isfinite(value)) fail(argument, format_number(value) + " must be finite");
      if (i > 0 && !(value > thresholds[i - 1].second))
        fail(argument, format_number(value) + " must be above " + std::string(thresholds[i - 1].first) + " (" +
                           format_number(thresholds[i - 1].second) + ")");
    }
    if (!std::isfinite(strategic_potential))
      fail("strategic_potential", format_number(strategic_potential) + " must be finite");
    const auto at_least = [](std::string_view column, double value) {
      return std::string(column) + " >= " + format_number(value);
    };
    const std::string strategic = at_least("arr", strategic_arr) + " or " + at_least("potential", strategic_potential);
    return RuleModel({{"Enterprise", at_least("arr", enterprise_arr), 10.0, false},
                      {"Strategic", strategic, 25.0, false},
                      {"1:Many", at_least("arr", one_to_many_arr), 200.0, true}},
                     "Self-Service");
  }

  const std::vector<Segment>& segments() const { return segments_; }
  const std::string& default_name() const { return default_name_; }
  double hysteresis() const { return hysteresis_; }
  std::optional<double> default_csm_ratio() const { return default_csm_ratio_; }

  // Labels ranked lowest first: the default, then the segments from last to first (the first rule
  // is the top segment). Rule j has code segments().size() - j; the default has code 0.
  std::vector<std::string> categories() const {
    return ranked(default_name_, [](const Segment& segment) { return segment.name; });
  }

  std::vector<std::optional<double>> csm_ratios() const {
    return ranked(default_csm_ratio_, [](const Segment& segment) { return segment.csm_ratio; });
  }

  std::vector<bool> pooled() const {
    return ranked(false, [](const Segment& segment) { return segment.pooled; });
  }

  // Names of the columns the rules read, sorted, unique.
  std::vector<std::string> columns() const {
    std::vector<std::string> names;
    for (const auto& expression : expressions_) {
      const auto read = expression.columns();
      names.insert(names.end(), read.begin(), read.end());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  // Writes one code per row of `data` into `out` (an index into categories()). `previous` is empty
  // or holds one code per row in the same indexing (-1 = no previous segment).
  template <class Code>
  void assign_into(const ColumnTable& data, std::span<const std::int32_t> previous, std::span<Code> out) const {
    check_same_length("out", out.size(), "data", data.rows());
    if (!previous.empty()) {
      check_same_length("previous", previous.size(), "data", data.rows());
      check_codes<std::int32_t>("previous", previous, segments_.size() + 1);
    }
    // An infinite value would silently pass every bound: NaN is missing (unknown), inf an error.
    for (const auto& name : columns())
      if (const Column* column = data.find(name))
        if (const auto* numeric = std::get_if<NumericColumn>(column))
          check_finite_or_missing("data[" + single_quoted(name) + "]", numeric->values);
    std::vector<CompiledExpression> rules;
    for (std::size_t i = 0; i < expressions_.size(); ++i)
      rules.push_back(for_segment(i, [&] { return expressions_[i].compile(data, hysteresis_); }));
    const bool sticky = !previous.empty() && hysteresis_ > 0.0;
    parallel_for(data.rows(), expression_chunk_rows, [&](std::size_t begin, std::size_t end) {
      Workspace workspace(rules);
      expression_detail::for_each_block(begin, end, [&](std::size_t first, std::size_t rows) {
        const auto codes = std::span(workspace.codes).first(rows);
        assign_first_match(rules, first, codes, workspace);
        if (sticky) keep_previous(rules, first, previous.subspan(first, rows), codes, workspace);
        for (std::size_t i = 0; i < rows; ++i) out[first + i] = static_cast<Code>(codes[i]);
      });
    });
  }

  std::vector<std::int32_t> assign(const ColumnTable& data, std::span<const std::int32_t> previous = {}) const {
    std::vector<std::int32_t> out(data.rows());
    assign_into(data, previous, std::span<std::int32_t>(out));
    return out;
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key("segments", &RuleModel::segments_), json::key("default", &RuleModel::default_name_),
                      json::key("hysteresis", &RuleModel::hysteresis_),
                      json::key("default_csm_ratio", &RuleModel::default_csm_ratio_)};
  }

  std::string to_json() const { return json::write_model("RuleModel", *this); }

  static RuleModel from_json(std::string_view text) {
    return json::read_model<RuleModel>(json::parse_document(text, "RuleModel"));
  }

  // Models are equal when they are defined alike; the parsed expressions follow from the texts.
  bool operator==(const RuleModel& other) const {
    return segments_ == other.segments_ && default_name_ == other.default_name_ && hysteresis_ == other.hysteresis_ &&
           default_csm_ratio_ == other.default_csm_ratio_;
  }

private:
  // Per-thread buffers for one block of rows. Codes are small whole numbers held in doubles like
  // the masks and combined with them by arithmetic rather than branches, which keeps the loops
  // vectorised and every value exact.
  struct Workspace {
    explicit Workspace(const std::vector<CompiledExpression>& rules)
        : matches(rules.size() * expression_block_rows),
          codes(expression_block_rows),
          previous(expression_block_rows),
          shift(expression_block_rows),
          favoured(expression_block_rows) {
      std::size_t scratch_size = 0;
      for (const auto& rule : rules) scratch_size = std::max(scratch_size, rule.scratch_size(expression_block_rows));
      scratch.resize(scratch_size);
    }

    std::span<double> rule_matches(std::size_t rule, std::size_t rows) {
      return std::span(matches).subspan(rule * expression_block_rows, rows);
    }

    std::vector<double> matches;  // one block per rule, kept for the hysteresis pass
    std::vector<double> scratch, codes, previous, shift, favoured;
  };

  // codes[i] becomes `code` where the rule matches. Applied from the last rule to the first, the
  // first match wins without tracking which rows are taken.
  static void take_matches(std::span<double> codes, std::span<const double> matches, double code) {
    for (std::size_t i = 0; i < codes.size(); ++i) codes[i] += matches[i] * (code - codes[i]);
  }

  static void assign_first_match(const std::vector<CompiledExpression>& rules, std::size_t first_row,
                                 std::span<double> codes, Workspace& workspace) {
    std::fill(codes.begin(), codes.end(), 0.0);
    for (std::size_t j = rules.size(); j-- > 0;) {
      const auto matches = workspace.rule_matches(j, codes.size());
      rules[j].evaluate(first_row, matches, workspace.scratch);
      take_matches(codes, matches, static_cast<double>(rules.size() - j));
    }
  }

  // With the bounds moved in favour of each row's previous segment p (p's own rule relaxed, the
  // rules ranked above it tightened), the row keeps p when p is then its first match: p's rule
  // matches and no rule above it does. The default, ranked lowest, is kept when no rule matches.
  // Otherwise the plain first match stands.
  static void keep_previous(const std::vector<CompiledExpression>& rules, std::size_t first_row,
                            std::span<const std::int32_t> previous, std::span<double> codes, Workspace& workspace) {
    const std::size_t rows = codes.size();
    // Local views rather than workspace members, so that a store to one buffer does not force a
    // reload of the others' addresses.
    const auto before = std::span(workspace.previous).first(rows);
    const auto favoured = std::span(workspace.favoured).first(rows);
    const auto shift = std::span(workspace.shift).first(rows);
    for (std::size_t i = 0; i < rows; ++i) before[i] = previous[i];
    std::fill(favoured.begin(), favoured.end(), 0.0);
    for (std::size_t j = rules.size(); j-- > 0;) {
      const auto code = static_cast<double>(rules.size() - j);
      const auto matches = workspace.rule_matches(j, rows);  // the plain result, unless bounds move
      if (rules[j].shifts_bounds()) {
        // +1 relaxes the previous segment's own rule, -1 tightens the rules ranked above it.
        for (std::size_t i = 0; i < rows; ++i)
          shift[i] = (before[i] == code ? 1.0 : 0.0) - (before[i] < code ? 1.0 : 0.0);
        rules[j].evaluate(first_row, matches, workspace.scratch, shift);
      }
      take_matches(favoured, matches, code);
    }
    // Rows without a previous segment (-1) never equal their first match, which is at least 0.
    for (std::size_t i = 0; i < rows; ++i) {
      const double kept = before[i], plain = codes[i];
      codes[i] = favoured[i] == kept ? kept : plain;
    }
  }

  // Runs `make` for segments[i], prefixing its errors with the segment: `segments[2] ('Strategic'): ...`.
  template <class Make>
  auto for_segment(std::size_t i, Make&& make) const -> decltype(make()) {
    try {
      return make();
    } catch (const InvalidInput& error) {
      throw InvalidInput("segments[" + std::to_string(i) + "] (" + single_quoted(segments_[i].name) +
                         "): " + error.what());
    }
  }

  // A value for the default, then one per segment from the last to the first.
  template <class Value, class Of>
  std::vector<Value> ranked(Value default_value, Of&& of) const {
    std::vector<Value> values{std::move(default_value)};
    for (auto segment = segments_.rbegin(); segment != segments_.rend(); ++segment) values.push_back(of(*segment));
    return values;
  }

  std::vector<Segment> segments_;
  std::string default_name_;
  double hysteresis_;
  std::optional<double> default_csm_ratio_;
  std::vector<Expression> expressions_;
};

}  // namespace cssegment
