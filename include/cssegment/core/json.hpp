#pragma once
// Model (de)serialisation: every document carries its "kind" and the "cssegment_version" that
// wrote it. Documents from this or an earlier version load; newer or foreign ones are refused.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "cssegment/core/validate.hpp"
#include "cssegment/version.hpp"

namespace cssegment::json {

using Document = nlohmann::json;

// Bounds on what an untrusted document may cost: its size bounds the memory parsing takes, its
// nesting the recursion of whatever walks the parsed tree (comparison, dump, the loaders). Model
// documents nest a few levels and the largest (partial sums of big books) stay well below 16 MiB.
inline constexpr std::size_t max_document_bytes = 16u << 20;
inline constexpr std::size_t max_document_depth = 64;

inline std::array<int, 3> parse_version(std::string_view text) {
  std::array<int, 3> parts{};
  std::string copy(text);
  char tail = 0;
  if (std::sscanf(copy.c_str(), "%d.%d.%d%c", &parts[0], &parts[1], &parts[2], &tail) < 3)
    fail("json", "cssegment_version " + single_quoted(text) + " is not a version of the form X.Y.Z");
  return parts;
}

inline Document make_document(std::string_view kind) {
  Document document;
  document["kind"] = kind;
  document["cssegment_version"] = CSSEGMENT_VERSION;
  return document;
}

inline Document parse_document(std::string_view text, std::string_view kind) {
  if (text.size() > max_document_bytes)
    fail("json", "document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                     std::to_string(max_document_bytes) + " (max_document_bytes)");
  // The callback sees each array or object as it opens, with the number of containers around it.
  const auto bounded = [](int depth, Document::parse_event_t event, Document&) {
    if ((event == Document::parse_event_t::object_start || event == Document::parse_event_t::array_start) &&
        static_cast<std::size_t>(depth) >= max_document_depth)
      fail("json", "nesting deeper than " + std::to_string(max_document_depth) + " levels (max_document_depth)");
    return true;
  };
  Document document = Document::parse(text, bounded, false);
  if (document.is_discarded()) fail("json", "not a valid JSON document");
  if (!document.is_object()) fail("json", "expected a JSON object describing a " + std::string(kind));
  const auto found_kind = document.find("kind");
  if (found_kind == document.end() || !found_kind->is_string())
    fail("json", "missing \"kind\"; expected " + single_quoted(kind));
  if (found_kind->get<std::string>() != kind)
    fail("json", "is a " + single_quoted(found_kind->get<std::string>()) + " document, not a " + single_quoted(kind));
  const auto found_version = document.find("cssegment_version");
  if (found_version == document.end() || !found_version->is_string())
    fail("json", "missing \"cssegment_version\"");
  const auto written = parse_version(found_version->get<std::string>());
  if (written > parse_version(CSSEGMENT_VERSION))
    fail("json", "written by cssegment " + found_version->get<std::string>() + ", newer than this " +
                     CSSEGMENT_VERSION + "; upgrade cssegment to read it");
  return document;
}

inline const Document& field(const Document& document, std::string_view name) {
  const auto found = document.find(name);
  if (found == document.end()) fail("json", "missing field " + single_quoted(name));
  return *found;
}

namespace detail {

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

// Whether a number fits the integer type T. nlohmann converts any number to an integer with a
// cast, which is undefined for a float out of range and silently truncates 1.5 to 1.
template <class T>
bool integer_fits(const Document& value) {
  const auto largest = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= largest;
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    return number >= 0 ? static_cast<std::uint64_t>(number) <= largest
                       : number >= static_cast<std::int64_t>(std::numeric_limits<T>::min());
  }
  const double number = value.get<double>();
  const double upper = std::ldexp(1.0, std::numeric_limits<T>::digits);
  const double lower = std::numeric_limits<T>::is_signed ? -upper : 0.0;
  return number >= lower && number < upper && std::floor(number) == number;
}

// The first number in `value` that does not fit T (or a vector of T), with the range expected.
template <class T>
std::optional<std::string> misfit(const Document& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!value.is_number() || integer_fits<T>(value)) return std::nullopt;
    return value.dump() + ", expected a whole number from " + std::to_string(std::numeric_limits<T>::min()) + " to " +
           std::to_string(std::numeric_limits<T>::max());
  } else if constexpr (is_vector<T>::value) {
    if (value.is_array())
      for (const auto& item : value)
        if (auto found = misfit<typename T::value_type>(item)) return found;
    return std::nullopt;
  } else {
    return std::nullopt;
  }
}

}  // namespace detail

template <class T>
T get(const Document& document, std::string_view name) {
  const Document& value = field(document, name);
  if (const auto problem = detail::misfit<T>(value)) fail("json", "field " + single_quoted(name) + " holds " + *problem);
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("json", "field " + single_quoted(name) + " has the wrong type: " + value.dump());
  }
}

// Optional numbers are written as null.
inline Document optional_numbers(std::span<const std::optional<double>> values) {
  Document array = Document::array();
  for (const auto& value : values) array.push_back(value ? Document(*value) : Document(nullptr));
  return array;
}

inline std::vector<std::optional<double>> get_optional_numbers(const Document& document, std::string_view name) {
  const Document& array = field(document, name);
  if (!array.is_array()) fail("json", "field " + single_quoted(name) + " must be an array");
  std::vector<std::optional<double>> values;
  for (const auto& value : array) {
    if (value.is_null()) values.emplace_back();
    else if (value.is_number()) values.emplace_back(value.get<double>());
    else fail("json", "field " + single_quoted(name) + " holds " + value.dump() + ", expected numbers or null");
  }
  return values;
}

}  // namespace cssegment::json
