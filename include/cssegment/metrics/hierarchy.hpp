#pragma once
// Account hierarchies: each account's top-most ancestor, to which its revenue rolls up (so a
// subsidiary's new contract is expansion of its parent, not a new logo).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/validate.hpp"

namespace cssegment {

// The parent of a top-level account.
inline constexpr std::int64_t no_parent = -1;

// The top-most ancestor of every node 0 .. n - 1, where parents[i] is node i's parent (a node)
// or no_parent; a node without a parent is its own top. Any depth. A self-parent or a cycle
// throws InvalidInput naming the accounts through describe(node) (a string), e.g.
// "hierarchy: accounts 'a' -> 'b' -> 'a' form a cycle". Linear time: each node is walked once.
template <class Describe>
std::vector<std::int64_t> top_ancestors(std::span<const std::int64_t> parents, Describe&& describe,
                                        std::string_view argument = "hierarchy") {
  const std::size_t n = parents.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t parent = parents[i];
    if (parent != no_parent && (parent < 0 || static_cast<std::uint64_t>(parent) >= n))
      fail_at(argument, i, std::to_string(parent), "parents must be node numbers below " + std::to_string(n));
    if (parent == static_cast<std::int64_t>(i))
      fail(argument, "account " + std::string(describe(i)) + " is its own parent");
  }
  constexpr std::int64_t unknown = -1, on_path = -2;
  std::vector<std::int64_t> top(n, unknown);
  std::vector<std::size_t> path;
  for (std::size_t i = 0; i < n; ++i) {
    if (top[i] != unknown) continue;
    // Walk up until a node whose top is known, a root, or a node of this walk (a cycle).
    std::size_t node = i;
    std::int64_t found = unknown;
    path.clear();
    for (;;) {
      if (top[node] >= 0) {
        found = top[node];
        break;
      }
      if (top[node] == on_path) {
        std::string cycle;
        std::size_t from = 0;
        while (path[from] != node) ++from;
        for (std::size_t p = from; p < path.size(); ++p) cycle += std::string(describe(path[p])) + " -> ";
        fail(argument, "accounts " + cycle + std::string(describe(node)) + " form a cycle");
      }
      top[node] = on_path;
      path.push_back(node);
      if (parents[node] == no_parent) {
        found = static_cast<std::int64_t>(node);
        break;
      }
      node = static_cast<std::size_t>(parents[node]);
    }
    for (std::size_t p : path) top[p] = found;
  }
  return top;
}

// top_ancestors naming nodes by their numbers.
inline std::vector<std::int64_t> top_ancestors(std::span<const std::int64_t> parents) {
  return top_ancestors(parents, [](std::size_t node) { return std::to_string(node); });
}

}  // namespace cssegment
