#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// What a model does with a missing (NaN) value in a field it segments on.
enum class MissingPolicy {
  raise,       // InvalidInput naming the row
  unassigned,  // the account gets the extra segment "Unassigned", listed last
};

inline constexpr std::string_view unassigned_label = "Unassigned";

inline constexpr EnumNames<MissingPolicy, 2> missing_policy_names{
    "missing", "a missing policy", {{MissingPolicy::raise, "raise"}, {MissingPolicy::unassigned, "unassigned"}}};
constexpr const auto& enum_names(MissingPolicy) { return missing_policy_names; }

inline std::string_view to_string(MissingPolicy policy) { return missing_policy_names.name(policy); }
inline MissingPolicy parse_missing_policy(std::string_view text) { return missing_policy_names.parse(text); }

// The labels a model hands out: its segment names, then "Unassigned" when the policy allows it.
inline std::vector<std::string> with_unassigned(std::vector<std::string> names, MissingPolicy policy) {
  if (policy == MissingPolicy::unassigned) names.emplace_back(unassigned_label);
  return names;
}

// Names of the segments must not collide with the label the policy adds.
inline void check_unassigned_free(std::span<const std::string> names, MissingPolicy policy) {
  if (policy != MissingPolicy::unassigned) return;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == unassigned_label)
      fail_at("names", i, single_quoted(names[i]), "is reserved for missing values when missing='unassigned'");
}

}  // namespace cssegment
