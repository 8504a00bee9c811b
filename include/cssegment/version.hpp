#pragma once
// The one place the version is written: CMake and the Python package both read it from here.
#define CSSEGMENT_VERSION "0.2.0"

namespace cssegment {
inline constexpr const char* version = CSSEGMENT_VERSION;
}  // namespace cssegment
