#pragma once
// Shared by the C++ suites: the message of the InvalidInput an action throws, so that tests
// assert the exact text users will read.
#include <string>

#include "cssegment/core/error.hpp"

namespace cssegment::testing {

inline std::string message_of(auto action) {
  try {
    action();
  } catch (const InvalidInput& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace cssegment::testing
