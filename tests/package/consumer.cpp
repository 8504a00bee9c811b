// Links cssegment::cssegment from add_subdirectory and checks a tier assignment end to end.
#include <cstdio>
#include <vector>

#include <cssegment/cssegment.hpp>

int main() {
  const std::vector<double> arr{1'000, 20'000, 75'000};
  const auto tiers = cssegment::TierModel::touch().assign(arr);
  const bool ok = tiers == std::vector<std::int32_t>{0, 1, 2};
  std::printf("add_subdirectory consumer: %s\n", ok ? "ok" : "WRONG TIERS");
  return ok ? 0 : 1;
}
