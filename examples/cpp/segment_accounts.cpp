// Segments a handful of accounts three ways: touch tiers, quadrants and rules.
#include <cstdio>
#include <string>
#include <vector>

#include <cssegment/cssegment.hpp>

int main() {
  const std::vector<std::string> account{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"};
  const std::vector<double> arr{4'800, 22'000, 61'000, 310'000, 9'000, 120'000};
  const std::vector<double> employees{35, 4'200, 150, 12'000, 25'000, 600};
  const std::vector<double> potential{6'000, 400'000, 90'000, 2'000'000, 900'000, 150'000};

  cssegment::ColumnTable book;
  book.add("arr", arr).add("employees", employees).add("potential", potential);

  const auto touch = cssegment::TierModel::touch();
  const cssegment::QuadrantModel quadrants;
  const auto four_tier = cssegment::RuleModel::four_tier();
  const auto tiers = touch.assign(book);
  const auto quadrant = quadrants.assign(book);
  const auto rule = four_tier.assign(book);

  std::printf("%-10s %10s %10s  %-11s %-18s %s\n", "account", "ARR", "employees", "touch tier", "quadrant",
              "four-tier");
  for (std::size_t i = 0; i < account.size(); ++i)
    std::printf("%-10s %10.0f %10.0f  %-11s %-18s %s\n", account[i].c_str(), arr[i], employees[i],
                touch.categories()[tiers[i]].c_str(), quadrants.categories()[quadrant[i]].c_str(),
                four_tier.categories()[rule[i]].c_str());

  const auto plan = cssegment::coverage(tiers, touch.csm_ratios(), arr, 150'000.0);
  double csms = 0.0;
  for (const auto& row : plan) csms += row.csms_needed;
  std::printf("CSMs needed for this book: %.3f (cssegment %s)\n", csms, cssegment::version);
  return 0;
}
