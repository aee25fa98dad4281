// Route choice by utility and the knowledge state (models/mali/choice.hpp,
// docs/behaviour.md).
#include "mali/choice.hpp"

#include "mali/markets.hpp"

#include <algorithm>
#include <cmath>

namespace passage::models::mali {

namespace {

bool is_citizen(const std::vector<char>& citizen_of, std::int32_t country)
{
  return country >= 0 && static_cast<std::size_t>(country) < citizen_of.size() &&
         citizen_of[static_cast<std::size_t>(country)] != 0;
}

} // namespace

bool weighs(const ChoiceWeights& w, ClassId docs, bool citizen)
{
  if (!w.active) {
    return false;
  }
  if (w.money.at(docs, citizen) != 0.0 || w.time.at(docs, citizen) != 0.0) {
    return true;
  }
  return std::any_of(w.risk.begin(), w.risk.end(),
                     [&](const ByClass& b) { return b.at(docs, citizen) != 0.0; });
}

double risk_cost(const Expected& x, const ChoiceWeights& w, ClassId docs, bool citizen)
{
  double c = 0.0;
  for (std::size_t k = 0; k < kRisks; ++k) {
    c += w.risk[k].at(docs, citizen) * x.risk[k];
  }
  return c;
}

double utility(double base, const Expected& x, const ChoiceWeights& w, ClassId docs, bool citizen)
{
  double v = std::log(base) - w.money.at(docs, citizen) * x.money / 1000.0 -
             w.time.at(docs, citizen) * x.days;
  for (std::size_t k = 0; k < kRisks; ++k) {
    v -= w.risk[k].at(docs, citizen) * x.risk[k];
  }
  return v;
}

void logit_shares(std::span<const double> v, std::span<double> out)
{
  const double top = *std::max_element(v.begin(), v.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[i] = std::exp(v[i] - top);
    sum += out[i];
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[i] /= sum;
  }
}

std::size_t logit_pick(std::span<const double> v, double u)
{
  const double top = *std::max_element(v.begin(), v.end());
  std::array<double, 16> small; // each set below, before it is read
  std::vector<double> large;
  std::span<double> ex(small.data(), v.size());
  if (v.size() > small.size()) {
    large.resize(v.size());
    ex = large;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    ex[i] = std::exp(v[i] - top);
    sum += ex[i];
  }
  const double target = u * sum;
  double below = 0.0;
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    below += ex[i];
    if (target < below) {
      return i;
    }
  }
  return v.size() - 1;
}

// ---------------------------------------------------------------------------
// The knowledge state

void Knowledge::reset(std::size_t segments, std::size_t places)
{
  queue_.clear();
  ref_ = -std::numeric_limits<double>::infinity();
  memory_ = std::numeric_limits<double>::quiet_NaN();
  cutoff_ = std::numeric_limits<double>::quiet_NaN();
  scale_ = 1.0;
  for (std::size_t k = 0; k < kRisks; ++k) {
    const bool on_segments =
      k == static_cast<std::size_t>(Risk::Attack) || k == static_cast<std::size_t>(Risk::Death);
    cells_[k].assign(on_segments ? segments : places, Cell{});
  }
}

bool Knowledge::later(const Story& a, const Story& b) noexcept
{
  if (a.t != b.t) {
    return a.t > b.t;
  }
  if (a.kind != b.kind) {
    return a.kind > b.kind;
  }
  if (a.site != b.site) {
    return a.site > b.site;
  }
  return a.entity > b.entity;
}

void Knowledge::tell(double t, Risk k, std::uint32_t site, double exposures, double events,
                     std::uint64_t entity)
{
  queue_.push_back(Story{ t, entity, site, k, exposures, events });
  std::push_heap(queue_.begin(), queue_.end(), later);
}

void Knowledge::rebase(double to)
{
  // Cells hold sum_i x_i exp((t_i - ref) / m): one factor moves them all.
  const double f = std::exp((ref_ - to) / memory_);
  for (auto& cells : cells_) {
    for (auto& c : cells) {
      c.exposures *= f;
      c.events *= f;
    }
  }
  ref_ = to;
}

void Knowledge::catch_up(double cutoff, double memory_days)
{
  if (memory_days != memory_) {
    // A change of memory applies from now: what was heard fades as before until now.
    if (std::isfinite(ref_)) {
      rebase(cutoff);
    }
    memory_ = memory_days;
  }
  if (!std::isfinite(ref_)) {
    ref_ = cutoff;
  }
  while (!queue_.empty() && queue_.front().t < cutoff) {
    std::pop_heap(queue_.begin(), queue_.end(), later);
    const Story s = queue_.back();
    queue_.pop_back();
    if ((s.t - ref_) / memory_ > 500.0) {
      rebase(s.t); // keep the factors far from overflow
    }
    const double w = std::exp((s.t - ref_) / memory_);
    Cell& c = cells_[static_cast<std::size_t>(s.kind)][s.site];
    c.exposures += s.exposures * w;
    c.events += s.events * w;
  }
  cutoff_ = cutoff;
  scale_ = std::exp(-(cutoff - ref_) / memory_);
}

std::pair<double, double> Knowledge::heard(Risk k, std::uint32_t site, double cutoff,
                                           double memory_days) const
{
  const Cell& c = cells_[static_cast<std::size_t>(k)][site];
  if (c.exposures <= 0.0) {
    return { 0.0, 0.0 };
  }
  const double g =
    cutoff == cutoff_ && memory_days == memory_ ? scale_ : std::exp(-(cutoff - ref_) / memory_days);
  return { c.exposures * g, c.events * g };
}

void Knowledge::survey(double cutoff, double memory_days, Heard& out) const
{
  // The folded cells faded to `cutoff`: exp(-(cutoff - ref_) / memory_) is what a
  // reader's catch_up leaves them at, whether or not it changes the memory there
  // (a change applies from the reader's time: the cells fade by the old memory up
  // to it).
  const double g = std::isfinite(ref_) ? std::exp(-(cutoff - ref_) / memory_) : 0.0;
  for (std::size_t k = 0; k < kRisks; ++k) {
    out[k].resize(cells_[k].size());
    for (std::size_t i = 0; i < cells_[k].size(); ++i) {
      const Cell& c = cells_[k][i];
      out[k][i] =
        c.exposures > 0.0 ? std::pair{ c.exposures * g, c.events * g } : std::pair{ 0.0, 0.0 };
    }
  }
  // The waiting stories a reader would fold in, in the fold's order (ties of every
  // key but the counts: by the counts, so that the sum never depends on the heap).
  std::vector<Story> early;
  for (const Story& st : queue_) {
    if (st.t < cutoff) {
      early.push_back(st);
    }
  }
  std::sort(early.begin(), early.end(), [](const Story& a, const Story& b) {
    if (later(b, a) || later(a, b)) {
      return later(b, a);
    }
    return a.exposures != b.exposures ? a.exposures < b.exposures : a.events < b.events;
  });
  for (const Story& st : early) {
    const double w = std::exp(-(cutoff - st.t) / memory_days);
    auto& [n, e] = out[static_cast<std::size_t>(st.kind)][st.site];
    n += st.exposures * w;
    e += st.events * w;
  }
}

double Knowledge::belief(Risk k, std::uint32_t site, double prior, double cutoff,
                         double memory_days, double prior_weight) const
{
  const auto [n, e] = heard(k, site, cutoff, memory_days);
  return believe(n, e, prior, prior_weight);
}

// ---------------------------------------------------------------------------
// What full information knows

double true_attack(const Epoch& e, const Segment& s, double factor)
{
  if (s.bandits < 0) {
    return 0.0;
  }
  return 1.0 - std::exp(-s.bandit_hazard * e.p.hazard_scale * factor * s.distance_km);
}

double true_death(const Epoch& e, const Segment& s, double factor)
{
  double killed = 0.0;
  if (s.bandits >= 0) {
    const BanditZone& z = e.p.bandit_zones[static_cast<std::size_t>(s.bandits)];
    killed = true_attack(e, s, factor) * z.robbery_share * z.kill_probability;
  }
  const double rate = s.desert_death_per_1000km >= 0.0
                        ? s.desert_death_per_1000km
                        : (e.p.modes[s.mode].desert ? e.p.desert_death_per_1000km : 0.0);
  const double desert = 1.0 - std::pow(1.0 - rate, s.distance_km / 1000.0);
  return 1.0 - (1.0 - killed) * (1.0 - desert);
}

double true_kidnapping(const Epoch& e, const Segment& last)
{
  const Place& end = e.places[last.to];
  const double on_segment = last.hostage >= 0 ? last.hostage_probability : 0.0;
  const double at_place = end.hostage >= 0 ? end.hostage_probability : 0.0;
  return 1.0 - (1.0 - on_segment) * (1.0 - at_place);
}

double true_interception(const Epoch& e, std::uint32_t at, ClassId docs, bool citizen)
{
  const Place& p = e.places[at];
  if (!p.crossing()) {
    return 0.0;
  }
  const Border& b = e.p.borders[static_cast<std::size_t>(p.border)];
  return std::min(1.0, b.interception.at(docs, citizen) * p.strictness);
}

double true_deportation(const Epoch& e, std::uint32_t at, std::uint32_t mode, ClassId docs,
                        bool citizen)
{
  const Place& p = e.places[at];
  if (p.arrest_point < 0) {
    return 0.0;
  }
  const ArrestPoint& a = e.p.arrest_points[static_cast<std::size_t>(p.arrest_point)];
  if (a.deport_to < 0 || a.modes[mode] == 0) {
    return 0.0;
  }
  return (1.0 - a.tax_probability.at(docs, citizen)) * a.arrest_probability;
}

namespace {

//! The segments of a way, and a vehicle's expected effect on the attack hazard.
std::span<const std::uint32_t> way_segments(const CorridorScenario& sc, const Epoch& e,
                                            const Option& way, double& factor)
{
  factor = 1.0;
  if (!way.line) {
    return { &e.segments[way.index].index, 1 };
  }
  const Line& line = sc.lines[way.index];
  const Vehicle& v = e.p.vehicles[line.vehicle];
  if (v.has_protection) {
    factor =
      v.protection_probability * v.protection_hazard_factor + (1.0 - v.protection_probability);
  }
  return line.segments;
}

} // namespace

WayPrior way_prior(const CorridorScenario& sc, const Option& way)
{
  const Epoch& e0 = sc.epochs[0];
  double factor = 1.0;
  const auto segments = way_segments(sc, e0, way, factor);
  WayPrior out;
  for (const auto s : segments) {
    out.sites.push_back(e0.segments[s].index);
    out.attack.push_back(true_attack(e0, e0.segments[s], factor));
    out.death.push_back(true_death(e0, e0.segments[s], factor));
  }
  out.kidnapping = true_kidnapping(e0, e0.segments[segments.back()]);
  out.end = e0.segments[segments.back()].to;
  return out;
}

Expected expect(const CorridorScenario& sc, const Epoch& e, const Option& way, ClassId docs,
                const std::vector<char>& citizen_of, const Hearsay* rumours, bool risks_only)
{
  Expected x;
  const Params& p = e.p;
  // The segments ridden, the attack factor of the vehicle (its expected escort).
  double factor = 1.0;
  const std::span<const std::uint32_t> segments = way_segments(sc, e, way, factor);
  if (risks_only) {
    // leave money at 0
  } else if (way.line) {
    x.money += line_fare(sc, e, way.index, docs, citizen_of);
  } else {
    x.money += static_cast<double>(e.segments[way.index].fare);
  }
  WayPrior computed;
  const WayPrior* prior = nullptr;
  if (rumours) {
    prior = rumours->way;
    if (prior == nullptr) {
      computed = way_prior(sc, way);
      prior = &computed;
    }
  }
  auto believed = [&](Risk k, std::uint32_t site, double prior_value) {
    const Information& in = *rumours->info;
    return rumours->knowledge->belief(k, site, in.prior_scale * prior_value, rumours->cutoff,
                                      in.memory_days, in.prior_weight);
  };
  double safe = 1.0;  // no attack on the way
  double alive = 1.0; // no death on the way
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = e.segments[segments[i]];
    const ModeParams& mode = p.modes[s.mode];
    x.days += s.distance_km / mode.speed_km_per_day;
    for (const auto& r :
         risks_only ? std::span<const Placed>{} : std::span<const Placed>(s.roadblocks)) {
      const TollPoint& tp = p.toll_points[r.part];
      const double asked = tp.demand.at(docs, is_citizen(citizen_of, tp.country));
      const MoneyRange toll = toll_range(sc, e, s, tp, docs, citizen_of);
      x.money += r.amount * asked * 0.5 * static_cast<double>(toll.lo + toll.hi);
      x.days += r.amount * tp.delay_days;
    }
    for (const auto& c :
         risks_only ? std::span<const Placed>{} : std::span<const Placed>(s.checkpoints)) {
      const Checkpoint& cp = p.checkpoints[c.part];
      x.money += c.amount * static_cast<double>(checkpoint_fee(sc, e, s, cp, docs, citizen_of));
      x.days += c.amount * cp.delay_days;
    }
    if (way.line && i + 1 < segments.size()) {
      x.days += e.places[s.to].ghetto_stop_days;
    }
    const double attack =
      rumours ? believed(Risk::Attack, s.index, prior->attack[i]) : true_attack(e, s, factor);
    const double death =
      rumours ? believed(Risk::Death, s.index, prior->death[i]) : true_death(e, s, factor);
    safe *= 1.0 - attack;
    alive *= 1.0 - death;
  }
  const Segment& last = e.segments[segments.back()];
  const bool citizen_there = is_citizen(citizen_of, e.places[last.to].country_index);
  // Deported from an arrest point where the way ends: known as it is (as prices).
  const double deported = true_deportation(e, last.to, last.mode, docs, citizen_there);
  x.risk[static_cast<std::size_t>(Risk::Attack)] = 1.0 - safe;
  x.risk[static_cast<std::size_t>(Risk::Death)] = 1.0 - alive;
  if (rumours) {
    x.risk[static_cast<std::size_t>(Risk::Kidnapping)] =
      believed(Risk::Kidnapping, last.to, prior->kidnapping);
    x.risk[static_cast<std::size_t>(Risk::Interception)] =
      e.places[last.to].crossing()
        ? believed(Risk::Interception, last.to,
                   true_interception(*rumours->prior, last.to, docs, citizen_there))
        : 0.0;
  } else {
    x.risk[static_cast<std::size_t>(Risk::Kidnapping)] = true_kidnapping(e, last);
    x.risk[static_cast<std::size_t>(Risk::Interception)] =
      true_interception(e, last.to, docs, citizen_there);
  }
  if (deported > 0.0) {
    double& r = x.risk[static_cast<std::size_t>(Risk::Interception)];
    r = 1.0 - (1.0 - deported) * (1.0 - r);
  }
  return x;
}

WayEnd way_end(const CorridorScenario& sc, const Epoch& e, const Option& way, ClassId docs,
               const std::vector<char>& citizen_of)
{
  double factor = 1.0;
  const Segment& last = e.segments[way_segments(sc, e, way, factor).back()];
  const bool citizen_there = is_citizen(citizen_of, e.places[last.to].country_index);
  WayEnd out;
  out.deported = true_deportation(e, last.to, last.mode, docs, citizen_there);
  if (e.places[last.to].crossing()) {
    out.interception_prior = true_interception(sc.epochs[0], last.to, docs, citizen_there);
  }
  return out;
}

double rumoured_risk_cost(const Knowledge& knowledge, const WayPrior& way, const WayEnd& end,
                          const Information& info, const std::array<double, kRisks>& w)
{
  // As expect() with rumours, in its order of operations (results bit for bit).
  const double n0 = info.prior_weight;
  double safe = 1.0;
  double alive = 1.0;
  for (std::size_t i = 0; i < way.sites.size(); ++i) {
    safe *=
      1.0 - knowledge.believed(Risk::Attack, way.sites[i], info.prior_scale * way.attack[i], n0);
    alive *=
      1.0 - knowledge.believed(Risk::Death, way.sites[i], info.prior_scale * way.death[i], n0);
  }
  const std::uint32_t to = way.end;
  std::array<double, kRisks> r{};
  r[static_cast<std::size_t>(Risk::Attack)] = 1.0 - safe;
  r[static_cast<std::size_t>(Risk::Death)] = 1.0 - alive;
  r[static_cast<std::size_t>(Risk::Kidnapping)] =
    knowledge.believed(Risk::Kidnapping, to, info.prior_scale * way.kidnapping, n0);
  double& caught = r[static_cast<std::size_t>(Risk::Interception)];
  caught =
    end.interception_prior >= 0.0
      ? knowledge.believed(Risk::Interception, to, info.prior_scale * end.interception_prior, n0)
      : 0.0;
  if (end.deported > 0.0) {
    caught = 1.0 - (1.0 - end.deported) * (1.0 - caught);
  }
  double c = 0.0;
  for (std::size_t k = 0; k < kRisks; ++k) {
    c += w[k] * r[k];
  }
  return c;
}

// ---------------------------------------------------------------------------
// The belief series' sites

std::vector<BeliefSite> belief_sites(const CorridorScenario& sc)
{
  std::vector<BeliefSite> out;
  if (!sc.rumours) {
    return out;
  }
  const Epoch& e0 = sc.epochs[0];
  const std::size_t segments = e0.segments.size();
  const std::size_t places = e0.places.size();
  // Where a story of each kind can be told, in some epoch (as the worker tells them).
  std::vector<char> attack(segments, 0), death(segments, 0), taken(places, 0), crossing(places, 0);
  for (const auto& e : sc.epochs) {
    for (const auto& g : e.segments) {
      const double rate = g.desert_death_per_1000km >= 0.0
                            ? g.desert_death_per_1000km
                            : (e.p.modes[g.mode].desert ? e.p.desert_death_per_1000km : 0.0);
      attack[g.index] = attack[g.index] || g.bandits >= 0;
      death[g.index] = death[g.index] || g.bandits >= 0 || rate > 0.0;
      taken[g.to] = taken[g.to] || g.hostage >= 0;
    }
    for (std::size_t p = 0; p < places; ++p) {
      taken[p] = taken[p] || e.places[p].hostage >= 0;
      crossing[p] = crossing[p] || e.places[p].crossing();
    }
  }
  // A segment's prior as a chooser of the first way through it has it.
  auto segment_prior = [&](std::uint32_t g, Risk k) {
    for (std::uint32_t l = 0; l < sc.lines.size(); ++l) {
      const auto& on = sc.lines[l].segments;
      const auto at = std::find(on.begin(), on.end(), g);
      if (at != on.end()) {
        const WayPrior w = way_prior(sc, Option{ true, l, 1.0 });
        const auto i = static_cast<std::size_t>(at - on.begin());
        return k == Risk::Attack ? w.attack[i] : w.death[i];
      }
    }
    const WayPrior w = way_prior(sc, Option{ false, g, 1.0 });
    return k == Risk::Attack ? w.attack[0] : w.death[0];
  };
  auto kidnapping_prior = [&](std::uint32_t p) {
    for (std::uint32_t l = 0; l < sc.lines.size(); ++l) {
      if (sc.lines[l].end == p) {
        return way_prior(sc, Option{ true, l, 1.0 }).kidnapping;
      }
    }
    for (const auto& g : e0.segments) {
      if (g.to == p) {
        return true_kidnapping(e0, g);
      }
    }
    return 0.0;
  };
  for (const Risk k : { Risk::Attack, Risk::Death }) {
    for (std::uint32_t g = 0; g < segments; ++g) {
      if ((k == Risk::Attack ? attack : death)[g]) {
        out.push_back({ k, g, e0.segments[g].id, { segment_prior(g, k) } });
      }
    }
  }
  for (std::uint32_t p = 0; p < places; ++p) {
    if (taken[p]) {
      out.push_back({ Risk::Kidnapping, p, e0.places[p].id, { kidnapping_prior(p) } });
    }
  }
  for (std::uint32_t p = 0; p < places; ++p) {
    if (crossing[p]) {
      BeliefSite b{ Risk::Interception, p, e0.places[p].id, {} };
      for (std::size_t c = 0; c < sc.classes.size(); ++c) {
        b.prior.push_back(true_interception(e0, p, static_cast<ClassId>(c), false));
      }
      out.push_back(std::move(b));
    }
  }
  return out;
}

std::vector<std::string> belief_series_names(const CorridorScenario& sc, const BeliefSite& b)
{
  const std::string kind(kRiskNames[static_cast<std::size_t>(b.kind)]);
  std::vector<std::string> out;
  if (b.kind == Risk::Interception) {
    for (const auto& c : sc.classes) {
      out.push_back("belief_" + kind + "_" + b.id + "_" + c);
    }
  } else {
    out.push_back("belief_" + kind + "_" + b.id);
  }
  out.push_back("risk_" + kind + "_" + b.id);
  return out;
}

double line_fare(const CorridorScenario& sc, const Epoch& e, std::uint32_t l, ClassId docs,
                 const std::vector<char>& citizen_of)
{
  const Line& line = sc.lines[l];
  const Vehicle& v = e.p.vehicles[line.vehicle];
  const double base = v.fare.at(docs, is_citizen(citizen_of, e.places[line.hub].country_index));
  if (!v.premium.prices()) {
    return base; // today's fare, bit for bit
  }
  const Expected x = expect(sc, e, Option{ true, l, 1.0 }, docs, citizen_of, nullptr, true);
  return std::round(premium_price(base, risk_premium(v.premium), x.risk[v.premium.risk]));
}

double segment_risk(const CorridorScenario& sc, const Epoch& e, const Segment& s, Risk k,
                    ClassId docs, const std::vector<char>& citizen_of)
{
  const Expected x = expect(sc, e, Option{ false, s.index, 1.0 }, docs, citizen_of, nullptr, true);
  return x.risk[static_cast<std::size_t>(k)];
}

namespace {

// A part's price with its premium on the risk of its segment (unrounded).
double with_premium(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                    const PricePremium& pp, double base, ClassId docs,
                    const std::vector<char>& citizen_of)
{
  return premium_price(base, risk_premium(pp),
                       segment_risk(sc, e, s, static_cast<Risk>(pp.risk), docs, citizen_of));
}

} // namespace

std::int64_t priced_checkpoint_fee(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                                   const Checkpoint& cp, ClassId docs,
                                   const std::vector<char>& citizen_of)
{
  return std::llround(
    with_premium(sc, e, s, cp.premium, static_cast<double>(cp.fee), docs, citizen_of));
}

double hub_risk(const CorridorScenario& sc, const Epoch& e, std::uint32_t place, std::uint32_t exit,
                Risk k, ClassId docs, const std::vector<char>& citizen_of)
{
  double p = 0.0;
  for (const Option& way : e.ways(place, exit, sc.exits.size())) {
    const Expected x = expect(sc, e, way, docs, citizen_of, nullptr, true);
    p += way.probability * x.risk[static_cast<std::size_t>(k)];
  }
  return p;
}

std::int64_t hub_passeur_fee(const CorridorScenario& sc, const Epoch& e, const Hub& h,
                             std::uint32_t place, std::uint32_t exit, ClassId docs,
                             const std::vector<char>& citizen_of)
{
  if (!h.premium.prices()) {
    return h.passeur_fee; // today's fee, bit for bit
  }
  return std::llround(premium_price(
    static_cast<double>(h.passeur_fee), risk_premium(h.premium),
    hub_risk(sc, e, place, exit, static_cast<Risk>(h.premium.risk), docs, citizen_of)));
}

MoneyRange priced_toll_range(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                             const TollPoint& tp, ClassId docs, const std::vector<char>& citizen_of)
{
  MoneyRange out = tp.toll;
  out.lo = std::llround(
    with_premium(sc, e, s, tp.premium, static_cast<double>(tp.toll.lo), docs, citizen_of));
  out.hi = std::llround(
    with_premium(sc, e, s, tp.premium, static_cast<double>(tp.toll.hi), docs, citizen_of));
  return out;
}

} // namespace passage::models::mali
