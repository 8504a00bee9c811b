#pragma once
// Per-segment health scorecards: one Scorecard per segment (or lifecycle stage) label, and an
// optional default for accounts of any other segment or of none. Every account is scored by its
// segment's scorecard, banded by that scorecard's bands (all share band names) and explained: the
// result has the shape of Scorecard::score with one contribution column per measure column of any
// scorecard of the set (their union, in order of first appearance, the default's last). An
// account's contributions to measures its scorecard does not have are 0, so they still add up to
// its score; all are NaN where the score is.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/health/scorecard.hpp"

namespace cssegment {

// fail_at messages read "argument[row] = value: problem" with the row counted among a subset of
// the rows; this names the row of the whole data. Messages without a row come first.
inline std::pair<std::size_t, std::string> renumbered_error(std::string message, std::span<const std::size_t> rows) {
  const auto equals = message.find("] = ");
  const auto open = equals == std::string::npos ? std::string::npos : message.rfind('[', equals);
  std::size_t row = 0;
  if (open == std::string::npos) return {0, message};
  const auto [end, status] = std::from_chars(message.data() + open + 1, message.data() + equals, row);
  if (status != std::errc() || end != message.data() + equals || row >= rows.size()) return {0, message};
  return {rows[row], message.replace(open + 1, equals - open - 1, std::to_string(rows[row]))};
}

struct SetScores : Scores {
  std::vector<std::int32_t> scorecard;  // index into ScorecardSet::scorecard_names() of the card that scored the row
};

class ScorecardSet {
public:
  // The name of the default scorecard in scorecard_names(); no segment may take it.
  static constexpr std::string_view default_name = "default";

  ScorecardSet(std::string by, std::vector<std::pair<std::string, Scorecard>> scorecards,
               std::optional<Scorecard> default_scorecard = std::nullopt)
      : by_(std::move(by)), has_default_(default_scorecard.has_value()) {
    require(!by_.empty(), "by", "must name the column of segment labels");
    if (scorecards.empty() && !default_scorecard) fail("scorecards", "give at least one scorecard or a default");
    for (auto& [segment, card] : scorecards) names_.push_back(std::move(segment)), cards_.push_back(std::move(card));
    check_names("scorecards", names_);
    for (std::size_t k = 0; k < names_.size(); ++k)
      if (names_[k] == default_name)
        fail_at("scorecards", k, single_quoted(names_[k]), "this name is reserved for the default scorecard");
    if (default_scorecard) names_.emplace_back(default_name), cards_.push_back(std::move(*default_scorecard));
    const auto& bands = cards_.front().band_names();
    for (std::size_t k = 1; k < cards_.size(); ++k)
      if (cards_[k].band_names() != bands)
        fail("scorecards[" + single_quoted(names_[k]) + "]", "bands " + listed(cards_[k].band_names()) +
                                                                 " differ from " + listed(bands) +
                                                                 "; all scorecards must share band names");
    for (const auto& card : cards_) {
      std::vector<std::size_t> columns;
      for (const auto& m : card.measures()) columns.push_back(position(measure_columns_, m.column));
      column_of_measure_.push_back(std::move(columns));
    }
  }

  const std::string& by() const { return by_; }
  // The segments' names, then default_name when there is a default.
  const std::vector<std::string>& scorecard_names() const { return names_; }
  // In the order of scorecard_names().
  const std::vector<Scorecard>& scorecards() const { return cards_; }
  // The scorecards of segments come first in scorecards(), the default (if any) last.
  std::size_t segment_count() const { return cards_.size() - (has_default_ ? 1 : 0); }
  const Scorecard* default_scorecard() const { return has_default_ ? &cards_.back() : nullptr; }
  const std::vector<std::string>& band_names() const { return cards_.front().band_names(); }
  // The contribution columns of score(): every measure column of any scorecard, once.
  const std::vector<std::string>& measure_columns() const { return measure_columns_; }

  // Index into scorecard_names() of the scorecard of every row of `data`, from its column `by`.
  std::vector<std::int32_t> route(const ColumnTable& data) const {
    const std::string argument = "data[" + single_quoted(by_) + "]";
    const auto* segments = std::get_if<CategoricalColumn>(&data.at(by_));
    if (!segments) fail(argument, "is a numeric column; segment labels (strings or categories) are required");
    const std::int32_t fallback = has_default_ ? static_cast<std::int32_t>(cards_.size() - 1) : -1;
    std::vector<std::int32_t> card_of_code(segments->categories.size(), fallback);
    for (std::size_t c = 0; c < card_of_code.size(); ++c)
      for (std::size_t k = 0; k < segment_count(); ++k)
        if (names_[k] == segments->categories[c]) card_of_code[c] = static_cast<std::int32_t>(k);
    std::vector<std::int32_t> card(data.rows());
    for (std::size_t i = 0; i < card.size(); ++i) {
      const std::int32_t code = segments->codes[i];
      card[i] = code < 0 ? fallback : card_of_code[static_cast<std::size_t>(code)];
      if (card[i] < 0)
        fail_at(argument, i, code < 0 ? "missing" : single_quoted(segments->categories[static_cast<std::size_t>(code)]),
                "no scorecard for this segment and no default (scorecards: " + quoted_list(names_) + ")");
    }
    return card;
  }

  // Fits every scorecard on its segment's rows; the default on the rows no other scorecard takes,
  // or on all rows when there are none. A scorecard without rows stays as it is. On error the set
  // is unchanged.
  ScorecardSet& fit(const ColumnTable& data) {
    auto rows = rows_by_card(route(data));
    if (has_default_ && rows.back().empty()) {
      rows.back().resize(data.rows());
      for (std::size_t i = 0; i < data.rows(); ++i) rows.back()[i] = i;
    }
    auto fitted = cards_;
    for_each_card(data, rows, 0, [&](std::size_t k, const ColumnTable& table) { fitted[k].fit(table); });
    cards_ = std::move(fitted);
    return *this;
  }

  // Scores every row with its segment's scorecard (see Scorecard::score and the top of this file);
  // contributions are measure-major over measure_columns(). `max_threads` caps the threads (0: all);
  // the results do not depend on it.
  SetScores score(const ColumnTable& data, std::span<const double> previous = {}, std::size_t max_threads = 0) const {
    const std::size_t n = data.rows();
    if (!previous.empty()) check_previous_scores(previous, n);
    SetScores out;
    out.scorecard = route(data);
    const auto rows = rows_by_card(out.scorecard);
    out.score.assign(n, NAN);
    out.band.assign(n, -1);
    out.contributions.assign(measure_columns_.size() * n, 0.0);
    for_each_card(data, rows, max_threads, [&](std::size_t k, const ColumnTable& table) {
      const Scores part = cards_[k].score(table, {}, max_threads);
      scatter(k, part, rows[k], out, max_threads);
    });
    if (!previous.empty()) {
      out.trend.resize(n);
      for (std::size_t i = 0; i < n; ++i) out.trend[i] = out.score[i] - previous[i];
    }
    return out;
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    using Listed = std::vector<std::pair<std::string, Scorecard>>;
    return std::tuple{
        json::key("by", &ScorecardSet::by_),
        json::key<ScorecardSet, Listed, ListedScorecards>("scorecards",
                                                          [](const ScorecardSet& set) {
                                                            Listed listed;
                                                            for (std::size_t k = 0; k < set.segment_count(); ++k)
                                                              listed.emplace_back(set.names_[k], set.cards_[k]);
                                                            return listed;
                                                          }),
        json::key<ScorecardSet, std::optional<Scorecard>, DefaultScorecard>("default", [](const ScorecardSet& set) {
          return set.has_default_ ? std::optional(set.cards_.back()) : std::nullopt;
        })};
  }

  json::Document to_document() const {
    auto document = json::make_document("ScorecardSet");
    json::write_fields(document, *this, json_fields());
    return document;
  }

  std::string to_json() const { return to_document().dump(); }

  static ScorecardSet from_document(const json::Document& document) { return json::read_model<ScorecardSet>(document); }

  static ScorecardSet from_json(std::string_view text) {
    return from_document(json::parse_document(text, "ScorecardSet"));
  }

  bool operator==(const ScorecardSet&) const = default;

private:
  // The columns one scorecard reads, restricted to some rows: it owns their values.
  struct Subset {
    std::vector<std::vector<double>> numeric;
    std::vector<std::vector<std::int32_t>> codes;
    ColumnTable table;
  };

  static std::string listed(const std::vector<std::string>& names) { return "[" + quoted_list(names) + "]"; }

  static std::string quoted_list(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + single_quoted(name);
    return text;
  }

  static std::size_t position(std::vector<std::string>& names, const std::string& name) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    names.push_back(name);
    return names.size() - 1;
  }

  // Through the text, so that an embedded scorecard gets the kind and version checks of any document.
  static Scorecard embedded(const json::Document& document) { return Scorecard::from_json(document.dump()); }

  // "scorecards" is a list of {"segment", "scorecard"}, not an object: a json::Document sorts
  // object keys, and the set's order matters.
  struct ListedScorecards {
    static json::Document write(const std::vector<std::pair<std::string, Scorecard>>& listed) {
      json::Document scorecards = json::Document::array();
      for (const auto& [segment, card] : listed)
        scorecards.push_back({{"segment", segment}, {"scorecard", card.to_document()}});
      return scorecards;
    }
    static std::vector<std::pair<std::string, Scorecard>> read(const json::Document& document, std::string_view name) {
      const auto& listed = json::field(document, name);
      if (!listed.is_array()) fail("json", "field 'scorecards' must be an array");
      std::vector<std::pair<std::string, Scorecard>> scorecards;
      for (const auto& entry : listed) {
        if (!entry.is_object()) fail("json", "every entry of 'scorecards' must be a JSON object");
        scorecards.emplace_back(json::get<std::string>(entry, "segment"), embedded(json::field(entry, "scorecard")));
      }
      return scorecards;
    }
  };

  // The default scorecard, or null.
  struct DefaultScorecard {
    static json::Document write(const std::optional<Scorecard>& card) {
      return card ? card->to_document() : json::Document(nullptr);
    }
    static std::optional<Scorecard> read(const json::Document& document, std::string_view name) {
      const auto& fallback = json::field(document, name);
      if (fallback.is_null()) return std::nullopt;
      return embedded(fallback);
    }
  };

  // Rows of every scorecard, ascending.
  std::vector<std::vector<std::size_t>> rows_by_card(std::span<const std::int32_t> card_of_row) const {
    std::vector<std::vector<std::size_t>> rows(cards_.size());
    for (std::size_t i = 0; i < card_of_row.size(); ++i) rows[static_cast<std::size_t>(card_of_row[i])].push_back(i);
    return rows;
  }

  static Subset gather(const Scorecard& card, const ColumnTable& data, std::span<const std::size_t> rows,
                       std::size_t max_threads) {
    std::vector<std::string> names;
    for (const auto& m : card.measures()) {
      position(names, m.column);
      if (!m.normalizer.by().empty()) position(names, m.normalizer.by());
      if (m.normalizer.kind() == NormalizerKind::trend) position(names, m.normalizer.earlier_column(m.column));
    }
    auto copy_rows = [&](const auto* from, auto& to) {
      to.resize(rows.size());
      parallel_for(
          rows.size(), health_chunk_rows,
          [&](std::size_t begin, std::size_t end) {
            for (std::size_t j = begin; j < end; ++j) to[j] = from[rows[j]];
          },
          max_threads);
    };
    Subset subset{{}, {}, ColumnTable(rows.size())};
    for (const auto& name : names) {
      const Column& column = data.at(name);
      if (const auto* numeric = std::get_if<NumericColumn>(&column))
        copy_rows(numeric->values.data(), subset.numeric.emplace_back());
      else copy_rows(std::get<CategoricalColumn>(column).codes.data(), subset.codes.emplace_back());
    }
    std::size_t next_numeric = 0, next_codes = 0;
    for (const auto& name : names) {
      if (const auto* categorical = std::get_if<CategoricalColumn>(&data.at(name)))
        subset.table.add(name, subset.codes[next_codes++], categorical->categories);
      else subset.table.add(name, subset.numeric[next_numeric++]);
    }
    return subset;
  }

  // Calls body(k, table) for every scorecard k with rows, `table` holding just its rows. Errors
  // name rows of `data`; of several, the one of the first row is thrown.
  template <class Body>
  void for_each_card(const ColumnTable& data, const std::vector<std::vector<std::size_t>>& rows,
                     std::size_t max_threads, Body&& body) const {
    std::optional<std::pair<std::size_t, std::string>> first_error;
    for (std::size_t k = 0; k < cards_.size(); ++k) {
      if (rows[k].empty()) continue;
      try {
        if (rows[k].size() == data.rows()) {
          body(k, data);  // every row: no copy
        } else {
          const Subset subset = gather(cards_[k], data, rows[k], max_threads);
          body(k, subset.table);
        }
      } catch (const InvalidInput& error) {
        auto renamed = renumbered_error(error.what(), rows[k]);
        if (!first_error || renamed.first < first_error->first) first_error = std::move(renamed);
      }
    }
    if (first_error) throw InvalidInput(first_error->second);
  }

  void scatter(std::size_t k, const Scores& part, std::span<const std::size_t> rows, SetScores& out,
               std::size_t max_threads) const {
    const std::size_t n = out.score.size(), own = rows.size();
    parallel_for(
        own, health_chunk_rows,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t j = begin; j < end; ++j) {
            const std::size_t i = rows[j];
            out.score[i] = part.score[j];
            out.band[i] = part.band[j];
            if (std::isnan(part.score[j]))
              for (std::size_t u = 0; u < measure_columns_.size(); ++u) out.contributions[u * n + i] = NAN;
          }
          for (std::size_t m = 0; m < column_of_measure_[k].size(); ++m) {
            double* to = out.contributions.data() + column_of_measure_[k][m] * n;
            const double* from = part.contributions.data() + m * own;
            for (std::size_t j = begin; j < end; ++j) to[rows[j]] = from[j];
          }
        },
        max_threads);
  }

  std::string by_;
  bool has_default_;
  std::vector<std::string> names_;
  std::vector<Scorecard> cards_;
  std::vector<std::string> measure_columns_;
  std::vector<std::vector<std::size_t>> column_of_measure_;  // per scorecard: its measures' measure_columns_ index
};

}  // namespace cssegment
