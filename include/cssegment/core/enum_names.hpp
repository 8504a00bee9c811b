#pragma once
// Enum <-> name conversions, one table per enum: the names written (JSON documents, messages, the
// bindings) and the names read back come from the same list, so they cannot drift apart.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cssegment/core/validate.hpp"

namespace cssegment {

template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

template <class Enum, std::size_t N>
class EnumNames {
public:
  // `argument` names the parameter in errors. With `what` (e.g. "a missing policy") an unknown
  // name reads "'x' is not a missing policy; use 'raise' or 'unassigned'", without it "'x' is not
  // one of 'a', 'b', 'c'"; names are offered in the table's order.
  constexpr EnumNames(std::string_view argument, std::string_view what, const EnumName<Enum> (&names)[N])
      : argument_(argument), what_(what) {
    for (std::size_t i = 0; i < N; ++i) names_[i] = names[i];
  }

  constexpr std::string_view name(Enum value) const {
    for (const auto& entry : names_)
      if (entry.value == value) return entry.name;
    return {};
  }

  constexpr std::optional<Enum> find(std::string_view text) const {
    for (const auto& entry : names_)
      if (entry.name == text) return entry.value;
    return std::nullopt;
  }

  Enum parse(std::string_view text) const {
    if (const auto found = find(text)) return *found;
    std::string offered;
    for (std::size_t i = 0; i < N; ++i)
      offered += (i == 0 ? "" : what_.empty() || i + 1 < N ? ", " : " or ") + single_quoted(names_[i].name);
    fail(argument_, single_quoted(text) + " is not " +
                        (what_.empty() ? "one of " + offered : std::string(what_) + "; use " + offered));
  }

private:
  std::string_view argument_;
  std::string_view what_;
  std::array<EnumName<Enum>, N> names_{};
};

}  // namespace cssegment
