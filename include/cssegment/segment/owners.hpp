#pragma once
// Book assignment: every account of a CSM-covered segment gets an owner from that segment's
// roster, within each CSM's capacity (the segment's accounts-per-CSM ratio unless given), with
// books balanced and previous owners kept where capacity allows (reassignment costs customers
// their relationship). A pooled segment is owned by its pool as a whole.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

enum class OwnerStrategy { balance_arr, balance_count, round_robin };

inline constexpr EnumNames<OwnerStrategy, 3> owner_strategy_names{"strategy",
                                                                  "",
                                                                  {{OwnerStrategy::balance_arr, "balance_arr"},
                                                                   {OwnerStrategy::balance_count, "balance_count"},
                                                                   {OwnerStrategy::round_robin, "round_robin"}}};
constexpr const auto& enum_names(OwnerStrategy) { return owner_strategy_names; }

inline OwnerStrategy parse_owner_strategy(std::string_view text) { return owner_strategy_names.parse(text); }

// How a segment is covered: accounts per CSM (none: no CSM, digital only) and whether a pool of
// CSMs serves it instead of named owners.
struct SegmentCoverage {
  std::string name;
  std::optional<double> csm_ratio;
  bool pooled = false;
};

// One CSM of the roster: the segment (index into the coverage list) they serve, and their
// capacity in accounts, rounded down (none: the segment's ratio).
struct CsmSeat {
  std::string name;
  std::int32_t segment = -1;
  std::optional<double> capacity;
};

// One owner's book: a CSM, or a pool (csms > 1 possible).
struct OwnerBook {
  std::string owner;
  std::int32_t segment = -1;
  std::size_t csms = 1;
  std::size_t accounts = 0;
  double arr = 0.0;
  double capacity = 0.0;  // accounts the owner can hold
};

struct OwnerAssignment {
  std::vector<std::int32_t> owners;  // per account: index into books, -1 = no owner (no CSM coverage)
  std::vector<OwnerBook> books;      // the roster's CSMs in roster order, then one pool per pooled segment
  std::size_t kept = 0;              // accounts that keep their previous owner
  std::size_t reassigned = 0;        // accounts with a previous owner that get another one
};

inline std::string pool_name(std::string_view segment) { return std::string(segment) + " pool"; }

namespace detail {

// Greedy placement of `accounts` (already ordered) on the seats `seats` of one segment.
inline void place_accounts(const std::vector<std::size_t>& accounts, const std::vector<std::size_t>& seats,
                           std::span<const double> arr, OwnerStrategy strategy, OwnerAssignment& out) {
  auto value = [&](std::size_t account) { return arr.empty() ? 0.0 : arr[account]; };
  auto has_room = [&](std::size_t seat) {
    return static_cast<double>(out.books[seat].accounts) + 1.0 <= out.books[seat].capacity;
  };
  auto give = [&](std::size_t account, std::size_t seat) {
    out.owners[account] = static_cast<std::int32_t>(seat);
    ++out.books[seat].accounts;
    out.books[seat].arr += value(account);
  };
  if (strategy == OwnerStrategy::round_robin) {
    std::size_t next = 0;
    for (std::size_t account : accounts) {
      while (!has_room(seats[next % seats.size()])) ++next;
      give(account, seats[next % seats.size()]);
      ++next;
    }
    return;
  }
  // The lightest book with room takes the next account: by ARR then count (balance_arr), or by
  // count then ARR (balance_count); ties go to the earlier CSM of the roster.
  auto lighter = [&](std::size_t a, std::size_t b) {  // priority_queue keeps the "largest" on top
    const auto& x = out.books[a];
    const auto& y = out.books[b];
    const auto key = [&](const OwnerBook& book) {
      return strategy == OwnerStrategy::balance_arr ? std::pair{book.arr, static_cast<double>(book.accounts)}
                                                    : std::pair{static_cast<double>(book.accounts), book.arr};
    };
    if (key(x) != key(y)) return key(x) > key(y);
    return a > b;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(lighter)> open(lighter);
  for (std::size_t seat : seats)
    if (has_room(seat)) open.push(seat);
  for (std::size_t account : accounts) {
    const std::size_t seat = open.top();
    open.pop();
    give(account, seat);
    if (has_room(seat)) open.push(seat);
  }
}

}  // namespace detail

// `segments`: per account, an index into `coverage` (-1 = no segment: no owner). `arr` (empty
// or one per account) weighs books for balance_arr and orders accounts (largest first).
// `previous`: empty, or per account an index into `csms` (-1 = none).
inline OwnerAssignment assign_owners(std::span<const std::int32_t> segments, std::span<const double> arr,
                                     const std::vector<SegmentCoverage>& coverage, const std::vector<CsmSeat>& csms,
                                     OwnerStrategy strategy, std::span<const std::int32_t> previous = {}) {
  const std::size_t n = segments.size(), segment_count = coverage.size();
  check_codes<std::int32_t>("segments", segments, segment_count);
  if (!arr.empty()) {
    check_same_length("arr", arr.size(), "segments", n);
    check_nonnegative_finite("arr", arr);
  }
  if (!previous.empty()) {
    check_same_length("previous", previous.size(), "segments", n);
    check_codes<std::int32_t>("previous", previous, csms.size());
  }
  for (std::size_t s = 0; s < segment_count; ++s)
    if (coverage[s].csm_ratio && !(*coverage[s].csm_ratio > 0.0 && std::isfinite(*coverage[s].csm_ratio)))
      fail_at("csm_ratios", s, *coverage[s].csm_ratio, "CSM ratios must be finite and > 0 (accounts per CSM)");

  OwnerAssignment out;
  out.owners.assign(n, -1);
  std::vector<std::vector<std::size_t>> roster(segment_count);
  std::vector<std::string_view> seen_names;
  for (std::size_t c = 0; c < csms.size(); ++c) {
    const CsmSeat& seat = csms[c];
    const std::string argument = "csms[" + std::to_string(c) + "]";
    if (seat.name.empty()) fail(argument, "a CSM needs a name");
    if (std::find(seen_names.begin(), seen_names.end(), seat.name) != seen_names.end())
      fail(argument, single_quoted(seat.name) + " is listed twice");
    seen_names.push_back(seat.name);
    if (seat.segment < 0 || static_cast<std::size_t>(seat.segment) >= segment_count)
      fail(argument, single_quoted(seat.name) + " has no known segment");
    const SegmentCoverage& segment = coverage[static_cast<std::size_t>(seat.segment)];
    double capacity;
    if (seat.capacity) {
      if (!(*seat.capacity >= 0.0 && std::isfinite(*seat.capacity)))
        fail(argument, single_quoted(seat.name) + " has capacity " + format_number(*seat.capacity) +
                           "; it must be finite and >= 0");
      capacity = std::floor(*seat.capacity);
    } else if (segment.csm_ratio) {
      capacity = std::floor(*segment.csm_ratio);
    } else {
      fail(argument, single_quoted(seat.name) + " serves " + single_quoted(segment.name) +
                         ", a segment without CSMs (no ratio); give the CSM a capacity");
    }
    roster[static_cast<std::size_t>(seat.segment)].push_back(c);
    out.books.push_back({seat.name, seat.segment, 1, 0, 0.0, capacity});
  }

  // Accounts of each segment, largest ARR first (ties: input order).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (!arr.empty())
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return arr[a] > arr[b]; });
  std::vector<std::vector<std::size_t>> members(segment_count);
  for (std::size_t account : order)
    if (segments[account] >= 0) members[static_cast<std::size_t>(segments[account])].push_back(account);

  for (std::size_t s = 0; s < segment_count; ++s) {
    const SegmentCoverage& segment = coverage[s];
    const auto& accounts = members[s];
    const auto& seats = roster[s];
    if (!segment.csm_ratio && seats.empty()) continue;  // digital: no owner
    if (accounts.empty()) continue;
    double capacity = 0.0;
    for (std::size_t seat : seats) capacity += out.books[seat].capacity;
    const double per_csm =
        seats.empty() ? std::floor(*segment.csm_ratio) : capacity / static_cast<double>(seats.size());
    const auto held = static_cast<double>(accounts.size());
    if (seats.empty() || capacity < held) {
      const auto missing = static_cast<std::size_t>(std::ceil((held - capacity) / std::max(per_csm, 1.0)));
      const std::string ratio = segment.csm_ratio ? " at " + format_number(*segment.csm_ratio) + ":1" : "";
      fail("csms",
           "segment " + single_quoted(segment.name) + " has " + std::to_string(accounts.size()) + " accounts but " +
               (seats.empty() ? std::string("no CSM on its roster")
                              : "its " + std::to_string(seats.size()) + " CSMs hold " + format_number(capacity)) +
               ratio + "; " + std::to_string(missing) + " more CSM" + (missing == 1 ? " is" : "s are") + " needed");
    }
    if (segment.pooled) {
      const std::size_t pool = out.books.size();
      out.books.push_back({pool_name(segment.name), static_cast<std::int32_t>(s), seats.size(), 0, 0.0, capacity});
      for (std::size_t account : accounts) {
        out.owners[account] = static_cast<std::int32_t>(pool);
        ++out.books[pool].accounts;
        out.books[pool].arr += arr.empty() ? 0.0 : arr[account];
      }
      continue;
    }
    // Keep previous owners of this roster while they have room (largest accounts first).
    std::vector<std::size_t> unplaced;
    for (std::size_t account : accounts) {
      const std::int32_t before = previous.empty() ? -1 : previous[account];
      if (before >= 0 && csms[static_cast<std::size_t>(before)].segment == static_cast<std::int32_t>(s)) {
        auto& book = out.books[static_cast<std::size_t>(before)];
        if (static_cast<double>(book.accounts) + 1.0 <= book.capacity) {
          out.owners[account] = before;
          ++book.accounts;
          book.arr += arr.empty() ? 0.0 : arr[account];
          continue;
        }
      }
      unplaced.push_back(account);
    }
    detail::place_accounts(unplaced, seats, arr, strategy, out);
  }
  for (std::size_t i = 0; i < previous.size(); ++i) {
    if (previous[i] < 0) continue;
    if (out.owners[i] == previous[i]) ++out.kept;
    else ++out.reassigned;
  }
  return out;
}

}  // namespace cssegment
