#pragma once
//! Markets that respond (issue 15 item 3; the equations are in docs/behaviour.md,
//! "Markets that respond"): the functions a price, a smuggler's replacement and
//! the corrupt issuance of passports follow. Nothing here draws a random number
//! or keeps state: a caller gives the risk (the true risk of the epoch in force)
//! or what it read at a synchronisation point (fees, demand) and, for a waiting
//! time, the uniform of its own sub-stream, so
//! results stay bit-identical for any thread count and a policy's arms paired.
//!
//! Wired: a hub's `replacement:` (ArrestedNetworks, below), a passport market's
//! `issuance` (elasticity, crackdown: the worker's may_issue) and a vehicle's
//! `premium` (line_fare, choice.hpp, on the true risk), a checkpoint's and a toll
//! point's (checkpoint_fee, toll_range, on the true risk of their segment) and a
//! hub's on the passeur fee (hub_passeur_fee, on the true risk of the ways on from
//! the hub, hub_risk). Premiums follow the true risk, which the sellers see in
//! their own losses, not the migrants' rumours (docs/behaviour.md).

#include "mali/choice.hpp"

#include <cstdint>
#include <vector>

namespace passage::models::mali {

//! A risk premium on a price (a vehicle's fare, a checkpoint's toll, a passeur's
//! fee): the seller who loses the job (the truck seized, the passeur arrested)
//! with probability p a trip asks enough to break even, times `loading` of the
//! fair premium:
//!
//!   price = base * (1 + loading * p / (1 - p)),  p capped at `max_risk` < 1.
struct RiskPremium
{
  Risk per = Risk::Interception; //!< the risk priced
  double loading = 0.0;          //!< 0: today's price exactly; 1: actuarially fair
  double max_risk = 0.9;         //!< p is capped here (a finite price)
};

//! A part's `premium:` as the equation's terms.
inline RiskPremium risk_premium(const PricePremium& p) noexcept
{
  return { static_cast<Risk>(p.risk), p.loading, p.max_risk };
}

//! The price with the premium for risk p in [0, 1]; `base` when loading is 0; at
//! most kMaxAmount (a single amount's cap), so that any loading rounds to CFA.
double premium_price(double base, const RiskPremium& premium, double p);

//! Replacement of arrested smugglers: new passeurs enter at a rate that follows
//! the profit on offer,
//!
//!   rate = rate0 * max(0, profit_per_day) / reference_profit_per_day   (per day),
//!
//! so at the reference profit the mean wait is 1 / rate0 days (the old fixed
//! `replacement_days` is the case rate0 = 1 / replacement_days).
struct Replacement
{
  double rate0 = 0.0;            //!< per day, at the reference profit
  double reference_profit = 1.0; //!< CFA per day
};

//! The entry rate per day at this profit per day (0 when nothing is earned).
double replacement_rate(const Replacement& r, double profit_per_day);

//! The wait until the next passeur enters at a constant profit, drawn with the
//! uniform u in [0, 1): -log(1 - u) / rate (infinity when the rate is 0).
double replacement_wait(const Replacement& r, double profit_per_day, double u);

//! The passeur networks arrested at one hub place on one day, as the worker
//! keeps them in a replication: the passeur fees earned there before the
//! arrests (told as they are paid, in any order; whole CFA, so the sum does not
//! depend on the order, and only fees paid before `arrest_time` count) and,
//! once asked (by a reader at a synchronisation point at or after the arrests,
//! when every fee paid before them is in), when each network is back:
//!
//!   back_k = arrest_time + replacement_wait(r, fees / arrest_time, u_k),
//!
//! the profit on offer being the fees a day at the hub from the start of the
//! run to the arrests, u_k network k's uniform from the hub's own sub-stream.
class ArrestedNetworks
{
public:
  ArrestedNetworks(const Replacement& r, double arrest_time, std::size_t networks);

  //! A passeur fee paid at the hub at time t.
  void earned(double t, std::int64_t fee) noexcept
  {
    if (t < arrest_time_) {
      fees_ += fee;
    }
  }
  //! The fees a day before the arrests (CFA; 0 for arrests at time 0).
  double profit_per_day() const noexcept;
  //! When network k is back; u is its uniform, read on the first call only.
  double back(std::size_t k, double u);

private:
  Replacement r_;
  double arrest_time_;
  std::int64_t fees_ = 0;
  std::vector<double> back_; //!< NaN until asked
};

//! False passports from corrupt issuance: supply follows demand with an
//! elasticity and falls with the crackdown (a share of issuance stopped):
//!
//!   supply = base_per_day * (demand / reference_demand)^elasticity * (1 - crackdown).
struct Issuance
{
  double base_per_day = 0.0;
  double reference_demand = 1.0; //!< demand (passports sought a day) at which supply is the base
  double elasticity = 1.0;
};

//! Passports issued a day at this demand a day and crackdown share in [0, 1].
double issuance_per_day(const Issuance& s, double demand_per_day, double crackdown);

} // namespace passage::models::mali
