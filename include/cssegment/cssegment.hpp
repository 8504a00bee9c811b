#pragma once
// Umbrella header: the whole public C++ API of cssegment.
#include "cssegment/version.hpp"

#include "cssegment/core/columns.hpp"
#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"

#include "cssegment/causal/density.hpp"

#include "cssegment/datasets/synthetic_book.hpp"

#include "cssegment/health/auc.hpp"
#include "cssegment/health/backtest.hpp"
#include "cssegment/health/calibrate.hpp"
#include "cssegment/health/normalizers.hpp"
#include "cssegment/health/scorecard.hpp"
#include "cssegment/health/scorecard_set.hpp"

#include "cssegment/metrics/account_segments.hpp"
#include "cssegment/metrics/cohorts.hpp"
#include "cssegment/metrics/hierarchy.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/movements.hpp"
#include "cssegment/metrics/nps.hpp"
#include "cssegment/metrics/partials.hpp"
#include "cssegment/metrics/periods.hpp"
#include "cssegment/metrics/retention.hpp"
#include "cssegment/metrics/subscriptions.hpp"
#include "cssegment/metrics/value.hpp"

#include "cssegment/causal/rd.hpp"

#include "cssegment/survival/hypergeometric.hpp"
#include "cssegment/survival/sbg.hpp"

#include "cssegment/segment/cadence.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/expression/compiled.hpp"
#include "cssegment/segment/expression/lowering.hpp"
#include "cssegment/segment/expression/parser.hpp"
#include "cssegment/segment/hysteresis.hpp"
#include "cssegment/segment/kmeans.hpp"
#include "cssegment/segment/missing_policy.hpp"
#include "cssegment/segment/owners.hpp"
#include "cssegment/segment/planner.hpp"
#include "cssegment/segment/quadrant.hpp"
#include "cssegment/segment/rules.hpp"
#include "cssegment/segment/tier.hpp"
#include "cssegment/segment/transitions.hpp"
