#pragma once
//! Route and crossing choice by utility, and what migrants know (issue 15 items
//! 1 and 2; the equations are in docs/behaviour.md).
//!
//! At a branch a migrant (or, for a vehicle's line, his smuggler) weighs each
//! open way by a multinomial logit of what he expects of it:
//!
//!   V = log(base weight) - w_money * money / 1000 - w_time * days
//!       - sum_k w_k * risk_k          (k: attack, death, kidnapping, interception)
//!
//! The risks are the true ones (full information) or what the knowledge state
//! says: a per-corridor record of stories (a ride attacked or not, a crossing
//! attempt intercepted or not, ...) told as they happen and heard `delay_days`
//! later, by a share `reach` of them, fading with `memory_days`, against a prior
//! worth `prior_weight` stories. The state changes only in calendar order: stories
//! wait in a queue ordered by time and are folded in when a reader at a
//! synchronisation point asks for what was known at its time less the delay.
//! Nothing here draws a random number: the worker gives each choice its own
//! uniform (the migrant's sub-stream), so a policy's arms stay paired.

#include "mali/scenario.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace passage::models::mali {

enum class Risk : std::uint8_t
{
  Attack,      //!< per ride of a segment (a party: a lone rider or a vehicle)
  Death,       //!< per rider of a segment (an attack or the desert)
  Kidnapping,  //!< per arrival at a place with hostage-takers (a party)
  Interception //!< per attempt at a crossing
};
inline constexpr std::size_t kRisks = 4;

//! What a migrant expects of one way on: to its end (the next place where he
//! chooses again, or a line's end).
struct Expected
{
  double money = 0.0; //!< CFA: fare, tolls, checkpoint fees
  double days = 0.0;  //!< travel and the stops' delays
  std::array<double, kRisks> risk{};
};

//! The utility of a way: `base` its probability by today's weights.
double utility(double base, const Expected& x, const ChoiceWeights& w, ClassId docs, bool citizen);

//! The risks' part of the utility: sum_k w_k risk_k (utility = the rest less this).
double risk_cost(const Expected& x, const ChoiceWeights& w, ClassId docs, bool citizen);

//! Whether a migrant of these papers weighs anything but the base weights.
bool weighs(const ChoiceWeights& w, ClassId docs, bool citizen);

//! The logit shares of the utilities v: exp(v_i) / sum_j exp(v_j).
void logit_shares(std::span<const double> v, std::span<double> out);

//! The way chosen with the uniform u in [0, 1): the first whose cumulative logit
//! share exceeds u (ways in their order).
std::size_t logit_pick(std::span<const double> v, double u);

//! The knowledge state of one replication: per segment (attacks, deaths) and
//! per place (kidnappings, interceptions), the stories heard so far, each kind
//! as a faded count of exposures and of events. Built for other readers too
//! (markets whose prices follow the believed risk): `belief` is the one query.
class Knowledge
{
public:
  void reset(std::size_t segments, std::size_t places);

  //! A story that happened at time t: `exposures` rides (or riders, arrivals,
  //! attempts) of which `events` ended in the risk. `entity` orders stories of
  //! equal time (the teller's id), so the fold never depends on who ran first.
  void tell(double t, Risk k, std::uint32_t site, double exposures, double events,
            std::uint64_t entity);

  //! Fold in every story that happened before `cutoff` (non-decreasing between
  //! calls: readers ask at synchronisation points, in calendar order).
  void catch_up(double cutoff, double memory_days);

  //! The believed probability of risk k at a site, as known at `cutoff` (after
  //! catch_up(cutoff)): (n0 * prior + E) / (n0 + N), E and N the faded events
  //! and exposures; the prior alone when nothing was heard.
  double belief(Risk k, std::uint32_t site, double prior, double cutoff, double memory_days,
                double prior_weight) const;
  //! The belief of faded exposures n and events e: (n0 * prior + e) / (n0 + n),
  //! at most 1; the prior alone when n0 + n is 0.
  static double believe(double n, double e, double prior, double prior_weight) noexcept
  {
    if (prior_weight + n <= 0.0) {
      return prior;
    }
    return std::min(1.0, (prior_weight * prior + e) / (prior_weight + n));
  }
  //! belief(k, site, prior, c, m, prior_weight) right after catch_up(c, m): the
  //! same number, inline, for a chooser (the one reader that asks at every choice).
  double believed(Risk k, std::uint32_t site, double prior, double prior_weight) const noexcept
  {
    const Cell& c = cells_[static_cast<std::size_t>(k)][site];
    if (c.exposures <= 0.0) {
      return believe(0.0, 0.0, prior, prior_weight);
    }
    return believe(c.exposures * scale_, c.events * scale_, prior, prior_weight);
  }

  //! Faded exposures and events at a site, as known at `cutoff` (tests, outputs).
  std::pair<double, double> heard(Risk k, std::uint32_t site, double cutoff,
                                  double memory_days) const;

  //! What every site of every kind holds as heard by a reader at `cutoff`: its
  //! faded exposures and events (out[kind][site]), waiting stories older than
  //! `cutoff` included, without folding anything in. An observer's read (the
  //! belief series): it leaves what choosers hear unchanged, and sums the waiting
  //! stories in time order, so it does not depend on the order they were told.
  using Heard = std::array<std::vector<std::pair<double, double>>, kRisks>;
  void survey(double cutoff, double memory_days, Heard& out) const;

  std::size_t waiting() const noexcept { return queue_.size(); }

private:
  struct Story
  {
    double t;
    std::uint64_t entity;
    std::uint32_t site;
    Risk kind;
    double exposures;
    double events;
  };
  struct Cell
  {
    double exposures = 0.0; //!< sum of x exp((t - ref_) / memory_)
    double events = 0.0;
  };
  void rebase(double to);
  static bool later(const Story& a, const Story& b) noexcept;
  std::vector<Story> queue_; //!< a heap: the earliest on top
  std::array<std::vector<Cell>, kRisks> cells_;
  double ref_ = -std::numeric_limits<double>::infinity(); //!< the cells' reference time
  double memory_ = std::numeric_limits<double>::quiet_NaN();
  double cutoff_ = std::numeric_limits<double>::quiet_NaN(); //!< of the last catch_up
  double scale_ = 1.0;                                       //!< exp(-(cutoff_ - ref_) / memory_)
};

//! The true probabilities of a way's parts (what full information knows), in
//! epoch e. `factor`: a vehicle's expected effect on the attack hazard.
double true_attack(const Epoch& e, const Segment& s, double factor);
double true_death(const Epoch& e, const Segment& s, double factor);
//! Held hostage on arrival at the segment's end (the segment's, then the place's takers).
double true_kidnapping(const Epoch& e, const Segment& last);
//! Intercepted at the first attempt at place `at` (0 if it is no crossing).
double true_interception(const Epoch& e, std::uint32_t at, ClassId docs, bool citizen);
//! The probability of being turned back south on arrival by `mode` at place `at`:
//! its arrest point checks that mode, does not tax him, arrests and deports him
//! (Malian capacity on the roads north, docs/behaviour.md; 0 where none deports).
double true_deportation(const Epoch& e, std::uint32_t at, std::uint32_t mode, ClassId docs,
                        bool citizen);

//! Where rumours stand when a migrant chooses: the state, the time it is read
//! at (his time less the delay), and the prior's epoch (day 0).
struct Hearsay
{
  const Knowledge* knowledge = nullptr;
  const Epoch* prior = nullptr;
  const Information* info = nullptr;
  double cutoff = 0.0;
  //! The true risks of day 0 on each segment of the way (before prior_scale),
  //! as way_prior computes them; empty: computed here.
  const struct WayPrior* way = nullptr;
};

//! The true attack and death risks of day 0 on each segment of a way, and the
//! kidnapping risk where it ends (the rumours' prior, before prior_scale).
struct WayPrior
{
  std::vector<double> attack;
  std::vector<double> death;
  double kidnapping = 0.0;
  std::vector<std::uint32_t> sites; //!< the way's segments, in order
  std::uint32_t end = 0;            //!< the place where it ends
};
WayPrior way_prior(const CorridorScenario& sc, const Option& way);

//! What does not change with what is heard of a way's end, for a chooser of
//! papers `docs` and nationality `citizen_of` in epoch e (computed once, cached).
struct WayEnd
{
  double deported = 0.0;            //!< true_deportation where the way ends
  double interception_prior = -1.0; //!< the prior's true_interception there; < 0: no crossing
};
WayEnd way_end(const CorridorScenario& sc, const Epoch& e, const Option& way, ClassId docs,
               const std::vector<char>& citizen_of);

//! The risks' part of the utility, sum_k w_k risk_k (w: the chooser's weights in
//! kRiskNames' order), of what the knowledge state believes of a way right after
//! catch_up(cutoff, info.memory_days): risk_cost(expect(..., rumours, true), ...)
//! bit for bit, without a look-up that does not change between choices.
double rumoured_risk_cost(const Knowledge& knowledge, const WayPrior& way, const WayEnd& end,
                          const Information& info, const std::array<double, kRisks>& w);

//! What a migrant of papers `docs` and nationality `citizen_of` (per country:
//! a citizen) expects of a way in epoch e: the true risks, or with `rumours`
//! what the knowledge state believes of each segment and place on it.
//! `risks_only`: leave money and days at 0 (they do not change with what is heard).
Expected expect(const CorridorScenario& sc, const Epoch& e, const Option& way, ClassId docs,
                const std::vector<char>& citizen_of, const Hearsay* rumours,
                bool risks_only = false);

//! One site of the belief series (issue 15 item 5c; docs/behaviour.md): a kind
//! of risk at a segment (attack, death) or place (kidnapping, interception) where
//! journeys tell stories of it in some epoch. Its series: the belief at each
//! period's end (`belief_<kind>_<id>`; for interception one per document class,
//! `belief_interception_<place>_<class>`) and the true risk realised in the
//! period (`risk_<kind>_<id>`: events / exposures of every story told, heard or
//! not; 0 where nobody was exposed).
struct BeliefSite
{
  Risk kind = Risk::Attack;
  std::uint32_t site = 0; //!< segment or place index
  std::string id;         //!< the segment's or place's id
  //! The prior's true risk of day 0 (before prior_scale) as a chooser of the
  //! first way through the site uses it (lines before lone segments); for
  //! interception one per document class (a foreigner's rule).
  std::vector<double> prior;
};

//! The belief series' sites, kinds in order (attack, death, kidnapping,
//! interception), sites in the scenario's order; empty without rumours. The one
//! declaration the series names and the worker's layout come from.
std::vector<BeliefSite> belief_sites(const CorridorScenario& sc);

//! The series names of a site: its beliefs (one, or one per class), then its realised risk.
std::vector<std::string> belief_series_names(const CorridorScenario& sc, const BeliefSite& b);

//! The fare a passenger of papers `docs` (nationality `citizen_of`) pays for line
//! `l` in epoch e: his class's fare (citizens: of the hub's country) and, if the
//! vehicle has a `premium`, the risk premium on the line's true risk of that kind
//! for him (markets.hpp premium_price, rounded to the CFA). Every read of a line's
//! fare (what he expects, what he saves for, what he pays) goes through here.
double line_fare(const CorridorScenario& sc, const Epoch& e, std::uint32_t l, ClassId docs,
                 const std::vector<char>& citizen_of);

//! The true risk of kind k of segment s of epoch e taken as a lone rider's way
//! (expect's risks of the one segment, no escort): what a checkpoint or toll
//! point on s prices with a `premium`. Interception: at the crossing where s ends.
double segment_risk(const CorridorScenario& sc, const Epoch& e, const Segment& s, Risk k,
                    ClassId docs, const std::vector<char>& citizen_of);

//! checkpoint_fee with the premium (cp.premium.prices()): out of line.
std::int64_t priced_checkpoint_fee(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                                   const Checkpoint& cp, ClassId docs,
                                   const std::vector<char>& citizen_of);
//! toll_range with the premium (tp.premium.prices()): out of line.
MoneyRange priced_toll_range(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                             const TollPoint& tp, ClassId docs,
                             const std::vector<char>& citizen_of);

//! The fee a migrant of papers `docs` (nationality `citizen_of`) pays at
//! checkpoint cp on segment s in epoch e: cp.fee and, with a `premium`, the risk
//! premium on segment_risk (markets.hpp premium_price, rounded to the CFA). What
//! he expects and what he pays both read it here.
//! (Inline: without a premium, the fee as it is, on the hot path.)
inline std::int64_t checkpoint_fee(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                                   const Checkpoint& cp, ClassId docs,
                                   const std::vector<char>& citizen_of)
{
  if (!cp.premium.prices()) [[likely]] {
    return cp.fee; // today's fee, bit for bit
  }
  return priced_checkpoint_fee(sc, e, s, cp, docs, citizen_of);
}

//! The range a toll at toll point tp on segment s in epoch e is drawn from for
//! such a migrant: tp.toll and, with a `premium`, each end times the premium on
//! segment_risk (rounded to the CFA). What he expects and what he pays both
//! read it here.
inline MoneyRange toll_range(const CorridorScenario& sc, const Epoch& e, const Segment& s,
                             const TollPoint& tp, ClassId docs, const std::vector<char>& citizen_of)
{
  if (!tp.premium.prices()) [[likely]] {
    return tp.toll; // today's range, bit for bit
  }
  return priced_toll_range(sc, e, s, tp, docs, citizen_of);
}

//! The true risk of kind k of the journey a passeur at hub place `place` sells a
//! migrant of papers `docs` (nationality `citizen_of`) heading for exit `exit`,
//! in epoch e: each way on from the place towards the exit (e.ways, a line or a
//! segment ridden alone) at its risk of kind k as a vehicle's premium prices its
//! line (expect, risks_only: interception at the way's end includes the
//! deportation risk of an arrest point there), weighted by the ways' base
//! probabilities; 0 where no way is open.
double hub_risk(const CorridorScenario& sc, const Epoch& e, std::uint32_t place, std::uint32_t exit,
                Risk k, ClassId docs, const std::vector<char>& citizen_of);

//! The passeur fee at hub h, placed at `place`, for such a migrant in epoch e:
//! h.passeur_fee and, with a `premium`, the risk premium on hub_risk (markets.hpp
//! premium_price, rounded to the CFA); before a `replacement` fee_factor (the
//! worker applies that to this fee). Out of line: the worker caches it.
std::int64_t hub_passeur_fee(const CorridorScenario& sc, const Epoch& e, const Hub& h,
                             std::uint32_t place, std::uint32_t exit, ClassId docs,
                             const std::vector<char>& citizen_of);

} // namespace passage::models::mali
