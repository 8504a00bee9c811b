#pragma once
#include <stdexcept>

namespace cssegment {

// Bad input: the message names the argument, the first offending row and its value.
class InvalidInput : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

// A model that learns from data was used before fit().
class NotFitted : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

}  // namespace cssegment
