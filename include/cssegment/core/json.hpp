#pragma once
// Model (de)serialisation: every document carries its "kind" and the "cssegment_version" that
// wrote it. Documents from this or an earlier version load; newer or foreign ones are refused.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/version.hpp"

namespace cssegment::json {

using Document = nlohmann::json;

// Bounds on what an untrusted document may cost: its size bounds the memory parsing takes, its
// nesting the recursion of whatever walks the parsed tree (comparison, dump, the loaders). Model
// documents nest a few levels and the largest (partial sums of big books) stay well below 16 MiB.
inline constexpr std::size_t max_document_bytes = 16u << 20;
inline constexpr std::size_t max_document_depth = 64;

// A version is exactly three dot-separated parts of 1 to 9 digits: no sign, no fourth part, and
// no part too long for an int (sscanf's %d accepted "-1.0.0" and "0.1.0.0" and wrapped 20 digits).
inline std::array<int, 3> parse_version(std::string_view text) {
  constexpr std::size_t max_digits = 9;
  std::array<int, 3> parts{};
  std::size_t position = 0;
  for (std::size_t part = 0; part < parts.size(); ++part) {
    if (part > 0 && (position >= text.size() || text[position++] != '.')) position = text.size() + 1;
    const std::size_t begin = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9' && position - begin < max_digits)
      parts[part] = parts[part] * 10 + (text[position++] - '0');
    if (position == begin || position > text.size()) position = text.size() + 1;
  }
  if (position != text.size())
    fail("json", "cssegment_version " + single_quoted(text) +
                     " is not a version of the form X.Y.Z (three whole numbers of at most 9 digits)");
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
  if (found_version == document.end() || !found_version->is_string()) fail("json", "missing \"cssegment_version\"");
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
  if (const auto problem = detail::misfit<T>(value))
    fail("json", "field " + single_quoted(name) + " holds " + *problem);
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

// Model fields are declared once, as a list of keys, and both directions use the list:
// write_fields puts every key's value into a document, read_fields reads them back in the
// declared order, which is the order of the model's constructor parameters, so that
// std::make_from_tuple<Model>(read_fields(...)) loads a document through the same checks as
// any other construction.

// How a value is written to a field and read back: as nlohmann converts it, except for the
// specialisations below.
template <class T>
struct Codec {
  static Document write(const T& value) { return Document(value); }
  static T read(const Document& document, std::string_view name) { return get<T>(document, name); }
};

// No value is written as null.
template <>
struct Codec<std::optional<double>> {
  static Document write(const std::optional<double>& value) { return value ? Document(*value) : Document(nullptr); }
  static std::optional<double> read(const Document& document, std::string_view name) {
    const auto& value = field(document, name);
    if (value.is_null()) return std::nullopt;
    if (!value.is_number())
      fail("json", "field " + single_quoted(name) + " holds " + value.dump() + ", expected a number or null");
    return value.get<double>();
  }
};

template <>
struct Codec<std::vector<std::optional<double>>> {
  static Document write(std::span<const std::optional<double>> values) { return optional_numbers(values); }
  static std::vector<std::optional<double>> read(const Document& document, std::string_view name) {
    return get_optional_numbers(document, name);
  }
};

// Enums by name, from the table that enum_names(value) finds next to the enum.
template <class Enum>
  requires std::is_enum_v<Enum>
struct Codec<Enum> {
  static Document write(Enum value) { return Document(enum_names(value).name(value)); }
  static Enum read(const Document& document, std::string_view name) {
    return enum_names(Enum{}).parse(get<std::string>(document, name));
  }
};

template <class Enum>
  requires std::is_enum_v<Enum>
struct Codec<std::vector<Enum>> {
  static Document write(const std::vector<Enum>& values) {
    Document array = Document::array();
    for (Enum value : values) array.push_back(Codec<Enum>::write(value));
    return array;
  }
  static std::vector<Enum> read(const Document& document, std::string_view name) {
    std::vector<Enum> values;
    for (const auto& text : get<std::vector<std::string>>(document, name))
      values.push_back(enum_names(Enum{}).parse(text));
    return values;
  }
};

// One key of a model: its name, how to get its value from the model (a member pointer or any
// callable) and how to write and read that value. `former` is a name the key had before, still
// read from older documents.
template <class Model, class T, class Get, class With = Codec<T>>
struct Key {
  std::string_view name;
  Get get;
  std::string_view former = {};

  Document write(const Model& model) const { return With::write(std::invoke(get, model)); }
  T read(const Document& document) const {
    const bool renamed = !former.empty() && !document.contains(name) && document.contains(former);
    return With::read(document, renamed ? former : name);
  }
};

template <class Model, class T>
constexpr Key<Model, T, T Model::*> key(std::string_view name, T Model::* member, std::string_view former = {}) {
  return {name, member, former};
}

// A key whose value is computed, or written and read by a codec of its own.
template <class Model, class T, class With = Codec<T>, class Get>
constexpr Key<Model, T, Get, With> key(std::string_view name, Get get) {
  return {name, get};
}

template <class Model, class... Keys>
void write_fields(Document& document, const Model& model, const std::tuple<Keys...>& keys) {
  std::apply([&](const auto&... each) { ((document[std::string(each.name)] = each.write(model)), ...); }, keys);
}

// The keys' values in the declared order (braced initialisation reads them left to right, so the
// first bad field is the one reported).
template <class... Keys>
auto read_fields(const Document& document, const std::tuple<Keys...>& keys) {
  return std::apply([&](const auto&... each) { return std::tuple{each.read(document)...}; }, keys);
}

// Reads each key into the member it names: state that no constructor takes, such as a fit.
template <class Model, class... Keys>
void read_into(const Document& document, Model& model, const std::tuple<Keys...>& keys) {
  std::apply([&](const auto&... each) { ((std::invoke(each.get, model) = each.read(document)), ...); }, keys);
}

// A model's document: its kind, version and the keys of Model::json_fields().
template <class Model>
std::string write_model(std::string_view kind, const Model& model) {
  auto document = make_document(kind);
  write_fields(document, model, Model::json_fields());
  return document.dump();
}

template <class Model>
Model read_model(const Document& document) {
  return std::make_from_tuple<Model>(read_fields(document, Model::json_fields()));
}

// Lists of records (structs declaring their own json_fields()) as arrays of objects.
template <class Record>
  requires requires { Record::json_fields(); }
struct Codec<std::vector<Record>> {
  static Document write(const std::vector<Record>& records) {
    Document array = Document::array();
    for (const auto& record : records) {
      Document object = Document::object();
      write_fields(object, record, Record::json_fields());
      array.push_back(std::move(object));
    }
    return array;
  }
  static std::vector<Record> read(const Document& document, std::string_view name) {
    const auto& listed = field(document, name);
    if (!listed.is_array()) fail("json", "field " + single_quoted(name) + " must be an array");
    std::vector<Record> records;
    for (const auto& item : listed) {
      if (!item.is_object()) fail("json", std::string(name) + " holds " + item.dump() + ", expected objects");
      // Braces: records are aggregates, which not every supported compiler builds from parentheses.
      records.push_back(std::apply([](auto&&... values) { return Record{std::move(values)...}; },
                                   read_fields(item, Record::json_fields())));
    }
    return records;
  }
};

}  // namespace cssegment::json
