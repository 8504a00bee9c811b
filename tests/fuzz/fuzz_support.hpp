#pragma once
// Shared by the libFuzzer targets: what counts as an expected outcome, invariant checks that
// report through a crash (so libFuzzer saves the input), and decoders of awkward values.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "cssegment/core/error.hpp"

namespace fuzz {

// Runs `body`; a cssegment::InvalidInput or NotFitted is the library refusing bad input, the
// expected outcome. Any other exception escapes and terminates, which libFuzzer reports.
template <class Body>
void expecting_refusals(Body&& body) {
  try {
    body();
  } catch (const cssegment::InvalidInput&) {
  } catch (const cssegment::NotFitted&) {
  }
}

// An invariant the library promises; a broken one is a finding like a crash.
inline void check(bool holds, std::string_view what) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

// Numbers that break naive code more often than uniform bits do: NaN, infinities, signed zero,
// subnormals, the edges of the exactly summable range, then any double at all.
inline double awkward_double(FuzzedDataProvider& data) {
  constexpr double specials[] = {0.0,
                                 -0.0,
                                 1.0,
                                 -1.0,
                                 0.5,
                                 50.0,
                                 100.0,
                                 1e12,
                                 -1e12,
                                 1e300,
                                 -1e300,
                                 std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity(),
                                 std::numeric_limits<double>::denorm_min(),
                                 std::numeric_limits<double>::max(),
                                 std::numeric_limits<double>::lowest(),
                                 0x1p80,
                                 0x1p80 - 0x1p27,
                                 0x1p53,
                                 1e-300};
  const auto pick = data.ConsumeIntegral<std::uint8_t>();
  if (pick < std::size(specials)) return specials[pick];
  if (pick < 160) return static_cast<double>(data.ConsumeIntegralInRange<std::int32_t>(-1000, 100000));
  return data.ConsumeFloatingPoint<double>();
}

}  // namespace fuzz
