#pragma once
// Health over time: a long table of measures (one row per account and period) scored in one pass,
// peer-group measures (Percentile, ZScore) fitted on each period's rows, so that every period's
// scores equal scoring that period's snapshot on its own. Along each account's history, bands may
// change only when the score crosses a band edge by a margin (hysteresis), and overrides (a band
// and/or a score set by hand for [start, end) periods) win over the computed score while they last.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cssegment/core/buffer.hpp"
#include "cssegment/core/columns.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/health/scorecard.hpp"
#include "cssegment/health/scorecard_set.hpp"

namespace cssegment {

// The rows of a history grouped by period: period p (the p-th distinct period ordinal, ascending)
// holds rows order[offsets[p], offsets[p + 1]), in row order.
struct HistoryIndex {
  std::vector<std::int64_t> periods;       // distinct period ordinals, ascending
  FillVector<std::int32_t> period_index;  // per row: index into periods
  FillVector<std::size_t> order;
  std::vector<std::size_t> offsets;
  FillVector<std::size_t> position;  // per row: its place in order (order[position[i]] == i)
  FillVector<std::int32_t> account;  // per row: account code
  std::size_t accounts = 0;

  std::size_t period_count() const { return periods.size(); }
  std::span<const std::size_t> rows_of(std::size_t p) const {
    return std::span<const std::size_t>(order).subspan(offsets[p], offsets[p + 1] - offsets[p]);
  }
};

// Indexes a history: `account` holds codes 0..accounts-1 (one per account), `period` ordinals of
// consecutive periods (months since 1970, integers ...). Each (account, period) must appear once.
inline HistoryIndex index_history(std::span<const std::int32_t> account, std::span<const std::int64_t> period,
                                  std::size_t accounts) {
  check_same_length("period", period.size(), "account", account.size());
  const std::size_t n = account.size();
  HistoryIndex index;
  index.accounts = accounts;
  index.account.assign(account.begin(), account.end());
  for (std::size_t i = 0; i < n; ++i)
    if (account[i] < 0 || static_cast<std::size_t>(account[i]) >= accounts)
      fail_at("account", i, std::to_string(account[i]), "account codes must be in [0, accounts)");
  if (n > 0) {
    const auto [low, high] = std::minmax_element(period.begin(), period.end());
    const std::uint64_t span = static_cast<std::uint64_t>(*high) - static_cast<std::uint64_t>(*low);
    if (span < n + 4096) {  // dense ordinals: a direct table
      std::vector<std::int32_t> slot(static_cast<std::size_t>(span) + 1, -1);
      for (std::size_t i = 0; i < n; ++i) slot[static_cast<std::size_t>(period[i] - *low)] = 0;
      for (std::size_t s = 0; s < slot.size(); ++s)
        if (slot[s] == 0)
          slot[s] = static_cast<std::int32_t>(index.periods.size()), index.periods.push_back(*low + std::int64_t(s));
      index.period_index.resize(n);
      for (std::size_t i = 0; i < n; ++i) index.period_index[i] = slot[static_cast<std::size_t>(period[i] - *low)];
    } else {
      index.periods.assign(period.begin(), period.end());
      std::sort(index.periods.begin(), index.periods.end());
      index.periods.erase(std::unique(index.periods.begin(), index.periods.end()), index.periods.end());
      index.period_index.resize(n);
      for (std::size_t i = 0; i < n; ++i)
        index.period_index[i] = static_cast<std::int32_t>(
            std::lower_bound(index.periods.begin(), index.periods.end(), period[i]) - index.periods.begin());
    }
  }
  const std::size_t periods = index.periods.size();
  index.offsets.assign(periods + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++index.offsets[static_cast<std::size_t>(index.period_index[i]) + 1];
  for (std::size_t p = 0; p < periods; ++p) index.offsets[p + 1] += index.offsets[p];
  index.order.resize(n), index.position.resize(n);
  std::vector<std::size_t> next(index.offsets.begin(), index.offsets.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = next[static_cast<std::size_t>(index.period_index[i])]++;
    index.order[at] = i, index.position[i] = at;
  }
  // Within a period rows are in row order, so the first row of a repeated pair is seen first.
  std::vector<std::size_t> seen(accounts, n);  // row of the account in the current period
  std::vector<std::int32_t> seen_period(accounts, -1);
  for (std::size_t p = 0; p < periods; ++p)
    for (std::size_t i : index.rows_of(p)) {
      const auto a = static_cast<std::size_t>(account[i]);
      if (seen_period[a] == static_cast<std::int32_t>(p))
        fail_at("data", i, "row " + std::to_string(seen[a]) + "'s account and period",
                "one row per account and period: this row repeats them");
      seen_period[a] = static_cast<std::int32_t>(p), seen[a] = i;
    }
  return index;
}

namespace detail {

inline bool learns(const Scorecard& card) {
  return std::any_of(card.measures().begin(), card.measures().end(),
                     [](const Measure& m) { return m.normalizer.learns(); });
}

inline bool learns(const ScorecardSet& set) {
  return std::any_of(set.scorecards().begin(), set.scorecards().end(),
                     [](const Scorecard& card) { return learns(card); });
}

// The band of a (non-NaN) score among band lower bounds.
inline std::int8_t band_in(const std::vector<double>& lowers, double score) {
  std::int8_t band = 0;
  for (std::size_t k = 1; k < lowers.size(); ++k) band += static_cast<std::int8_t>(score >= lowers[k]);
  return band;
}

inline std::size_t contribution_columns(const Scorecard& card) { return card.measures().size(); }
inline std::size_t contribution_columns(const ScorecardSet& set) { return set.measure_columns().size(); }

// The columns `names` of `data` with their rows in period order (`order`; nulls of a validity
// bitmap as NaN), and a table of each period's rows over them. Each row is written to its place,
// reading `data` in row order: one pass over each column, writing one stream per period.
struct PeriodTables {
  std::vector<FillVector<double>> numeric;
  std::vector<FillVector<std::int32_t>> codes;
  std::vector<ColumnTable> tables;
};

inline PeriodTables period_tables(const ColumnTable& data, const std::vector<std::string>& names,
                                  const HistoryIndex& index, std::size_t max_threads) {
  PeriodTables out;
  const std::size_t n = index.order.size();
  auto permuted = [&](auto&& read, auto& to) {
    to.resize(n);
    parallel_for(
        n, health_chunk_rows,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) to[index.position[i]] = read(i);
        },
        max_threads);
  };
  for (const auto& name : names) {
    const Column& column = data.at(name);
    if (const auto* numeric = std::get_if<NumericColumn>(&column))
      permuted([&](std::size_t i) { return numeric->value(i); }, out.numeric.emplace_back());
    else {
      const auto& codes = std::get<CategoricalColumn>(column).codes;
      permuted([&](std::size_t i) { return codes[i]; }, out.codes.emplace_back());
    }
  }
  for (std::size_t p = 0; p < index.period_count(); ++p) {
    const std::size_t begin = index.offsets[p], rows = index.offsets[p + 1] - begin;
    ColumnTable table(rows);
    std::size_t next_numeric = 0, next_codes = 0;
    for (const auto& name : names) {
      if (const auto* categorical = std::get_if<CategoricalColumn>(&data.at(name)))
        table.add(name, std::span<const std::int32_t>(out.codes[next_codes++]).subspan(begin, rows),
                  categorical->categories);
      else table.add(name, std::span<const double>(out.numeric[next_numeric++]).subspan(begin, rows));
    }
    out.tables.push_back(std::move(table));
  }
  return out;
}

// Per row, the row of the same account `lag` periods earlier (ordinal - lag), or n when it has none.
inline std::vector<std::size_t> lagged_rows(const HistoryIndex& index, std::int64_t lag) {
  const std::size_t n = index.order.size();
  std::vector<std::size_t> start(index.accounts + 1, 0), by_account(n), out(n, n);
  for (std::int32_t a : index.account) ++start[static_cast<std::size_t>(a) + 1];
  for (std::size_t a = 0; a < index.accounts; ++a) start[a + 1] += start[a];
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i : index.order) by_account[next[static_cast<std::size_t>(index.account[i])]++] = i;
  auto ordinal = [&](std::size_t i) { return index.periods[static_cast<std::size_t>(index.period_index[i])]; };
  for (std::size_t a = 0; a < index.accounts; ++a) {  // each account's rows, by ascending period
    std::size_t j = start[a];
    for (std::size_t k = start[a]; k < start[a + 1]; ++k) {
      const std::int64_t target = ordinal(by_account[k]) - lag;
      while (ordinal(by_account[j]) < target) ++j;
      if (ordinal(by_account[j]) == target) out[by_account[k]] = by_account[j];
    }
  }
  return out;
}

// Each Trend measure's earlier values, read along each account's history: columns[t] is the value
// of measure column names[t] `periods` periods before each row (NaN when that row is absent).
struct EarlierColumns {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
};

inline void add_earlier(EarlierColumns& out, const Scorecard& card, const ColumnTable& data,
                        const HistoryIndex& index) {
  for (const auto& m : card.measures()) {
    if (m.normalizer.kind() != NormalizerKind::trend) continue;
    const std::string name = m.normalizer.earlier_column(m.column);
    if (std::find(out.names.begin(), out.names.end(), name) != out.names.end()) continue;
    if (data.find(name))
      fail("data[" + single_quoted(name) + "]",
           "score_history computes a Trend's earlier values from each account's history; drop this column");
    const auto values = data.numeric(m.column);
    const auto rows = lagged_rows(index, m.normalizer.periods());
    std::vector<double> earlier(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) earlier[i] = rows[i] < rows.size() ? values[rows[i]] : NAN;
    out.names.push_back(name), out.columns.push_back(std::move(earlier));
  }
}

inline void add_earlier(EarlierColumns& out, const ScorecardSet& set, const ColumnTable& data,
                        const HistoryIndex& index) {
  for (const auto& card : set.scorecards()) add_earlier(out, card, data, index);
}

}  // namespace detail

// Where score_history_into() writes the scores of a history, one entry per row of the data:
// contributions measure-major (contributions[m * rows + i]); `scorecard` (for a ScorecardSet) the
// index into scorecard_names() of the card that scored each row, empty for a Scorecard.
struct HistoryOutputs {
  std::span<double> score;
  std::span<std::int8_t> band;
  std::span<double> contributions;
  std::span<std::int32_t> scorecard;
};

// Scores of a history, in the rows of the data (see HistoryOutputs).
struct HistoryScores {
  std::vector<double> score;
  std::vector<std::int8_t> band;
  std::vector<double> contributions;  // measure-major: contributions[m * rows + i]
  std::vector<std::int32_t> scorecard;

  HistoryOutputs outputs() { return {score, band, contributions, scorecard}; }
};

namespace detail {

// score_history() of a Scorecard with peer-group measures, once the Trend measures' earlier values
// are columns of `data`: only the columns the peer-group measures read are put in period order;
// each such measure's in-sample points, period by period (Normalizer::fitted_points: one sort per
// period and peer group), go back to the rows of `data`, which are then scored all at once.
inline void in_sample_history(const Scorecard& card, const ColumnTable& data, const HistoryIndex& index,
                              const HistoryOutputs& out, std::size_t max_threads) {
  const auto& measures = card.measures();
  std::vector<std::string> names;  // the columns the peer-group measures read
  for (const auto& m : measures)
    for (const std::string& name : {m.column, m.normalizer.by()})
      if (m.normalizer.learns() && !name.empty() && std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(name);
  const auto tables = period_tables(data, names, index, max_threads);
  const std::size_t n = data.rows();
  std::vector<bool> given(measures.size(), false);
  FillVector<double> in_periods(n);  // one measure's points, in period order
  for (std::size_t m = 0; m < measures.size(); ++m) {
    if (!measures[m].normalizer.learns()) continue;
    parallel_for(
        index.period_count(), 1,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t p = begin; p < end; ++p)
            measures[m].normalizer.fitted_points(
                tables.tables[p], measures[m].column,
                std::span<double>(in_periods).subspan(index.offsets[p], index.offsets[p + 1] - index.offsets[p]));
        },
        max_threads);
    double* points = out.contributions.data() + m * n;
    parallel_for(
        n, health_chunk_rows,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i) points[i] = in_periods[index.position[i]];
        },
        max_threads);
    given[m] = true;
  }
  card.score_given_into(data, given, {out.score, out.band, {}, out.contributions}, max_threads);
}

// score_history_into() once the Trend measures' earlier values are columns of `data`.
template <class Model>
void score_history_columns(const Model& model, const ColumnTable& data, const HistoryIndex& index,
                           const HistoryOutputs& out, std::size_t max_threads) {
  const std::size_t n = data.rows(), columns = detail::contribution_columns(model);
  auto keep = [&](auto&& part, std::span<const std::size_t> rows) {
    for (std::size_t j = 0; j < rows.size(); ++j) out.score[rows[j]] = part.score[j], out.band[rows[j]] = part.band[j];
    for (std::size_t m = 0; m < columns; ++m)
      for (std::size_t j = 0; j < rows.size(); ++j)
        out.contributions[m * n + rows[j]] = part.contributions[m * rows.size() + j];
    if constexpr (requires { part.scorecard; })
      for (std::size_t j = 0; j < rows.size(); ++j) out.scorecard[rows[j]] = part.scorecard[j];
  };
  if constexpr (std::is_same_v<Model, Scorecard>) {
    if (!detail::learns(model))
      return model.score_into(data, {}, {out.score, out.band, {}, out.contributions}, max_threads);
    try {
      return in_sample_history(model, data, index, out, max_threads);
    } catch (const InvalidInput&) {
      // Bad input: the period-by-period path below reports it as scoring that period's snapshot would.
    }
  } else if (!detail::learns(model)) {
    const auto all = model.score(data, {}, max_threads);
    std::copy(all.score.begin(), all.score.end(), out.score.begin());
    std::copy(all.band.begin(), all.band.end(), out.band.begin());
    std::copy(all.contributions.begin(), all.contributions.end(), out.contributions.begin());
    std::copy(all.scorecard.begin(), all.scorecard.end(), out.scorecard.begin());
    return;
  }
  const auto tables = detail::period_tables(data, data.names(), index, max_threads);
  parallel_for(
      index.period_count(), 1,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p) {
          const auto rows = index.rows_of(p);
          try {
            Model fitted = model;
            fitted.fit(tables.tables[p]);
            keep(fitted.score(tables.tables[p], {}, 1), rows);
          } catch (const InvalidInput& error) {
            throw InvalidInput(renumbered_error(error.what(), rows).second);
          }
        }
      },
      max_threads);
}

}  // namespace detail

// Scores every row of a history with `model` (a Scorecard or a ScorecardSet) into `out`, whose spans
// the caller sizes: score, band and contributions (contribution columns x rows); scorecard, for a
// ScorecardSet, rows (empty for a Scorecard). Models without peer-group measures score all rows at
// once; otherwise each period's rows are scored by a copy of the model fitted on them, so row i's
// scores equal model.fit(period_rows).score(period_rows)'s. A Trend measure reads each row's earlier
// value from the same account's row `periods` periods earlier (period ordinal - periods; missing when
// the account has no such row). Errors name rows of `data`. `max_threads` caps the threads (0: all);
// results do not depend on it.
template <class Model>
void score_history_into(const Model& model, const ColumnTable& data, const HistoryIndex& index,
                        const HistoryOutputs& out, std::size_t max_threads = 0) {
  const std::size_t n = data.rows();
  check_same_length("data", n, "account", index.order.size());
  check_same_length("score", out.score.size(), "data", n);
  check_same_length("band", out.band.size(), "data", n);
  check_same_length("contributions", out.contributions.size(), "contribution columns x rows",
                    detail::contribution_columns(model) * n);
  check_same_length("scorecard", out.scorecard.size(), "data", std::is_same_v<Model, ScorecardSet> ? n : 0);
  detail::EarlierColumns earlier;
  detail::add_earlier(earlier, model, data, index);
  if (earlier.names.empty()) return detail::score_history_columns(model, data, index, out, max_threads);
  ColumnTable extended = data;  // Trend measures: the data with their earlier values added
  for (std::size_t t = 0; t < earlier.names.size(); ++t) extended.add(earlier.names[t], earlier.columns[t]);
  detail::score_history_columns(model, extended, index, out, max_threads);
}

// score_history_into() into newly allocated HistoryScores.
template <class Model>
HistoryScores score_history(const Model& model, const ColumnTable& data, const HistoryIndex& index,
                            std::size_t max_threads = 0) {
  const std::size_t n = data.rows();
  HistoryScores scores{std::vector<double>(n), std::vector<std::int8_t>(n),
                       std::vector<double>(detail::contribution_columns(model) * n),
                       std::vector<std::int32_t>(std::is_same_v<Model, ScorecardSet> ? n : 0)};
  score_history_into(model, data, index, scores.outputs(), max_threads);
  return scores;
}

// Bands with hysteresis along each account's history: an account's band starts as its first scored
// period's band and moves up to band k only when the score reaches lowers[k] + margin, down below
// band k's upper edge only when the score falls under lowers[k + 1] - margin (to the furthest band
// so reached). Unscored rows get no band (-1) and leave the account's band as it was. `lowers` holds
// the band lower bounds of each row's scorecard: lowers[card[i]] (card empty: lowers[0] for all).
inline std::vector<std::int8_t> hysteresis_bands(std::span<const double> score, std::span<const std::int32_t> account,
                                                 const HistoryIndex& index, std::span<const std::int32_t> card,
                                                 const std::vector<std::vector<double>>& lowers, double margin) {
  if (!(margin >= 0.0 && std::isfinite(margin)))
    fail("band_hysteresis", format_number(margin) + " must be finite and >= 0 (points of score)");
  check_same_length("score", score.size(), "account", account.size());
  std::vector<std::int8_t> band(score.size(), -1), state(index.accounts, -1);
  for (std::size_t p = 0; p < index.period_count(); ++p)
    for (std::size_t i : index.rows_of(p)) {
      if (std::isnan(score[i])) continue;
      const auto& edges = lowers[card.empty() ? 0 : static_cast<std::size_t>(card[i])];
      std::int8_t& current = state[static_cast<std::size_t>(account[i])];
      const std::int8_t raw = detail::band_in(edges, score[i]);
      if (current < 0) current = raw;
      for (std::int8_t k = raw; k > current; --k)
        if (score[i] >= edges[static_cast<std::size_t>(k)] + margin) {
          current = k;
          break;
        }
      for (std::int8_t k = raw; k < current; ++k)
        if (score[i] < edges[static_cast<std::size_t>(k) + 1] - margin) {
          current = k;
          break;
        }
      band[i] = current;
    }
  return band;
}

// Overrides: for account override_account[o], the periods [start[o], end[o]) (ordinals) take the
// override's band (band[o] >= 0) and/or score (score[o] not NaN). Per row, the index of the
// override in force (-1: none). Overrides of one account must not overlap; end > start.
inline std::vector<std::int32_t> override_rows(std::span<const std::int32_t> account,
                                               std::span<const std::int64_t> period, std::size_t accounts,
                                               std::span<const std::int32_t> override_account,
                                               std::span<const std::int64_t> start, std::span<const std::int64_t> end) {
  check_same_length("start", start.size(), "overrides", override_account.size());
  check_same_length("end", end.size(), "overrides", override_account.size());
  std::vector<std::vector<std::size_t>> of_account(accounts);
  for (std::size_t o = 0; o < override_account.size(); ++o) {
    if (!(end[o] > start[o]))
      fail_at("overrides", o, "end " + std::to_string(end[o]) + " <= start " + std::to_string(start[o]),
              "an override lasts from start up to (not including) end; end must be after start");
    if (override_account[o] >= 0 && static_cast<std::size_t>(override_account[o]) < accounts)
      of_account[static_cast<std::size_t>(override_account[o])].push_back(o);
  }
  for (auto& listed : of_account) {
    std::sort(listed.begin(), listed.end(), [&](std::size_t a, std::size_t b) { return start[a] < start[b]; });
    for (std::size_t k = 1; k < listed.size(); ++k)
      if (start[listed[k]] < end[listed[k - 1]])
        fail_at("overrides", std::max(listed[k], listed[k - 1]),
                "overlaps row " + std::to_string(std::min(listed[k], listed[k - 1])),
                "overrides of one account must not overlap");
  }
  std::vector<std::int32_t> rows(account.size(), -1);
  parallel_for(account.size(), health_chunk_rows, [&](std::size_t begin, std::size_t stop) {
    for (std::size_t i = begin; i < stop; ++i) {
      const auto& listed = of_account[static_cast<std::size_t>(account[i])];
      const auto after = std::upper_bound(listed.begin(), listed.end(), period[i],
                                          [&](std::int64_t t, std::size_t o) { return t < start[o]; });
      if (after != listed.begin() && period[i] < end[*(after - 1)]) rows[i] = static_cast<std::int32_t>(*(after - 1));
    }
  });
  return rows;
}

// Applies overrides (override_rows()'s `rows`) to scores: a row under override o takes band[o]
// when >= 0 and score[o] when not NaN (its band then, without a band of its own, is the score's
// band in its scorecard's `lowers`); a row whose score is overridden has NaN contributions.
inline void apply_overrides(const HistoryOutputs& scores, std::span<const std::int32_t> rows,
                            std::span<const std::int8_t> band, std::span<const double> score,
                            const std::vector<std::vector<double>>& lowers) {
  check_same_length("score", score.size(), "band", band.size());
  for (std::size_t o = 0; o < score.size(); ++o)
    if (!(std::isnan(score[o]) || (score[o] >= 0.0 && score[o] <= 100.0)))
      fail_at("overrides['score']", o, score[o], "override scores must be in [0, 100] (NaN: keep the score)");
  for (std::size_t o = 0; o < band.size(); ++o)
    if (band[o] >= static_cast<std::int8_t>(lowers.front().size()) || (band[o] < 0 && std::isnan(score[o])))
      fail_at("overrides", o, std::to_string(band[o]), "an override needs a known band code or a score");
  const std::size_t n = scores.score.size(), columns = scores.contributions.size() / std::max<std::size_t>(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (rows[i] < 0) continue;
    const auto o = static_cast<std::size_t>(rows[i]);
    if (!std::isnan(score[o])) {
      scores.score[i] = score[o];
      for (std::size_t m = 0; m < columns; ++m) scores.contributions[m * n + i] = NAN;
      const auto card = scores.scorecard.empty() ? 0 : static_cast<std::size_t>(scores.scorecard[i]);
      scores.band[i] = detail::band_in(lowers[card], score[o]);
    }
    if (band[o] >= 0) scores.band[i] = band[o];
  }
}

}  // namespace cssegment
