// Every model's from_json on arbitrary text. The first byte picks the loader ('0' TierModel ...
// '9' PartialSums, in the order of `loaders`; any byte picks one), the rest is the document. A model that loads must
// write JSON that loads back to an equal model, and a fitted model must be usable on a few rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/health/calibrate.hpp"
#include "cssegment/health/scorecard.hpp"
#include "cssegment/health/scorecard_set.hpp"
#include "cssegment/metrics/partials.hpp"
#include "cssegment/segment/cadence.hpp"
#include "cssegment/segment/kmeans.hpp"
#include "cssegment/segment/quadrant.hpp"
#include "cssegment/segment/rules.hpp"
#include "cssegment/segment/tier.hpp"
#include "cssegment/survival/sbg.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace cssegment;

template <class Model>
Model round_trip(std::string_view text) {
  const Model loaded = Model::from_json(text);
  const std::string written = loaded.to_json();
  const Model reloaded = Model::from_json(written);
  fuzz::check(reloaded == loaded, "a loaded model writes JSON that loads back to an equal model");
  fuzz::check(reloaded.to_json() == written, "writing a reloaded model gives the same JSON");
  return loaded;
}

void use(const TierModel& model) {
  const std::vector<double> values{0.0, 1.0, 5e4, 1e12, std::numeric_limits<double>::quiet_NaN()};
  fuzz::expecting_refusals([&] { fuzz::check(model.assign(values).size() == values.size(), "one tier per row"); });
}

void use(const KMeans& model) {
  if (!model.fitted()) return;
  const std::size_t d = model.n_features();
  if (d > 64) return;
  std::vector<double> values(3 * d);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i % 7) - 2.0;
  fuzz::expecting_refusals([&] {
    const auto labels = model.predict({values, 3, d, model.feature_names()});
    fuzz::check(labels.size() == 3, "one label per row");
    for (auto label : labels)
      fuzz::check(label >= 0 && static_cast<std::size_t>(label) < model.n_clusters(), "labels name a cluster");
  });
}

void use(const auto&) {}

template <class Model>
void load(std::string_view text) {
  use(round_trip<Model>(text));
}

using Loader = void (*)(std::string_view);
constexpr Loader loaders[] = {
    load<TierModel>,     load<QuadrantModel>, load<RuleModel>,           load<KMeans>,
    load<Scorecard>,     load<ScorecardSet>,  load<CalibratedScorecard>, load<ShiftedBetaGeometric>,
    load<CadencePolicy>, load<PartialSums>,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  fuzz::expecting_refusals([&] { loaders[static_cast<std::uint8_t>(bytes[0] - '0') % std::size(loaders)](text); });
  return 0;
}
