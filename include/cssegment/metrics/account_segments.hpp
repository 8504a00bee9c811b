#pragma once
// The segment of each ledger account, fixed or per period, by which metrics split their sums.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/portable.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/periods.hpp"

namespace cssegment {

// The segment of every account, fixed or per period; -1 = none. Metrics attribute an account
// to its segment in a period where it has revenue.
class AccountSegments {
public:
  // Everyone in one segment.
  AccountSegments() = default;

  // One segment per ledger account from (account key, segment code) pairs; keys the ledger does
  // not hold have no revenue and are ignored.
  static AccountSegments per_account(const RevenueLedger& ledger, std::span<const std::int64_t> keys,
                                     std::span<const std::int32_t> codes, std::size_t segments) {
    check_same_length("by", codes.size(), "its account keys", keys.size());
    check_codes<std::int32_t>("by", codes, segments);
    AccountSegments result(segments, 0);
    result.codes_.assign(ledger.n_accounts(), missing);
    const AccountRows row_of(ledger);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto row = row_of(keys[i]);
      if (!row) continue;
      if (result.codes_[*row] != missing && result.codes_[*row] != codes[i])
        fail_at("by", i, std::to_string(codes[i]), "a second, different segment for the same account");
      result.codes_[*row] = codes[i];
    }
    return result;
  }

  // A segment per (account, period) from long rows; rows outside the ledger are ignored.
  static AccountSegments per_period(const RevenueLedger& ledger, std::span<const std::int64_t> keys, PeriodKeys periods,
                                    std::span<const std::int32_t> codes, std::size_t segments) {
    check_same_length("by", codes.size(), "its account keys", keys.size());
    check_same_length("by", periods.values.size(), "its account keys", keys.size());
    check_codes<std::int32_t>("by", codes, segments);
    AccountSegments result(segments, ledger.n_periods());
    result.codes_.assign(ledger.n_accounts() * ledger.n_periods(), missing);
    const auto periods_count = static_cast<std::int64_t>(ledger.n_periods());
    const AccountRows row_of(ledger);
    // Rows in any order: cells of a block are found and prefetched before they are written.
    constexpr std::size_t block = 64;
    std::size_t cells[block], rows[block];
    for (std::size_t first = 0; first < keys.size(); first += block) {
      std::size_t pending = 0;
      for (std::size_t i = first; i < std::min(keys.size(), first + block); ++i) {
        const std::int64_t column = period_ordinal(periods, i, "by") - ledger.first_period();
        const auto row = row_of(keys[i]);
        if (!row || column < 0 || column >= periods_count) continue;
        cells[pending] = *row * ledger.n_periods() + static_cast<std::size_t>(column);
        CSSEGMENT_PREFETCH_WRITE(result.codes_.data() + cells[pending]);
        rows[pending++] = i;
      }
      for (std::size_t j = 0; j < pending; ++j) {
        std::int32_t& code = result.codes_[cells[j]];
        const std::int32_t given = codes[rows[j]];
        if (code != missing && code != given)
          fail_at("by", rows[j], std::to_string(given), "a second, different segment for the same account and period");
        code = given;
      }
    }
    return result;
  }

  std::size_t count() const { return segments_; }
  std::int32_t at(std::size_t account, std::size_t period) const {
    if (codes_.empty()) return 0;
    return codes_[stride_ == 0 ? account : account * stride_ + period];
  }

  // The first (account, period) with revenue but no segment, if any: the caller names it.
  std::optional<std::pair<std::size_t, std::size_t>> first_unsegmented(const RevenueLedger& ledger) const {
    if (codes_.empty()) return std::nullopt;
    for (std::size_t a = 0; a < ledger.n_accounts(); ++a) {
      if (stride_ == 0 && codes_[a] != missing) continue;
      for (std::size_t p = 0; p < ledger.n_periods(); ++p)
        if (ledger.revenue(a, p) > 0.0 && at(a, p) == missing) return std::pair{a, p};
    }
    return std::nullopt;
  }

  // Throws naming the first account key and period ordinal that has revenue but no segment.
  void require_complete(const RevenueLedger& ledger) const {
    if (const auto gap = first_unsegmented(ledger))
      fail("by", "account key " + std::to_string(ledger.account_keys()[gap->first]) + " has revenue in period " +
                     std::to_string(ledger.first_period() + static_cast<std::int64_t>(gap->second)) +
                     " but no segment");
  }

private:
  static constexpr std::int32_t missing = -1;
  AccountSegments(std::size_t segments, std::size_t stride) : segments_(segments), stride_(stride) {}

  std::size_t segments_ = 1;
  std::size_t stride_ = 0;  // 0: one code per account; else codes per (account, period)
  std::vector<std::int32_t> codes_;
};

}  // namespace cssegment
