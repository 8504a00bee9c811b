#pragma once
// Hysteresis of the segment models: with previous labels given, a share h of each numeric bound
// by which an account's previous segment is favoured, so that a value wobbling around a boundary
// does not move the account back and forth (reassignment is costly for customers).
#include "cssegment/core/validate.hpp"

namespace cssegment {

// h < 1 keeps every moved bound on the same side of zero as the bound itself.
inline void check_hysteresis(double hysteresis) {
  if (!(hysteresis >= 0.0 && hysteresis < 1.0)) fail("hysteresis", format_number(hysteresis) + " must be in [0, 1)");
}

}  // namespace cssegment
