#define BOOST_TEST_MODULE metrics.periods
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

#include "cssegment/metrics/periods.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(month_start_datetimes_become_month_ordinals) {
  constexpr std::int64_t us_per_day = 86'400'000'000;
  // 2024-01-01 is day 19723; 2024-03-01 is day 19783; 1969-12-01 is day -31.
  const std::vector<std::int64_t> ticks{19723 * us_per_day, 19783 * us_per_day, -31 * us_per_day};
  BOOST_TEST(*month_ordinal(ticks[0], us_per_day) == 648);
  BOOST_TEST(*month_ordinal(ticks[1], us_per_day) == 650);
  BOOST_TEST(*month_ordinal(ticks[2], us_per_day) == -1);
  BOOST_TEST(!month_ordinal(19724 * us_per_day, us_per_day));  // 2024-01-02
  BOOST_TEST(!month_ordinal(19723 * us_per_day + 1, us_per_day));
}
