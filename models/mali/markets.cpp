#include "mali/markets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace passage::models::mali {

double premium_price(double base, const RiskPremium& premium, double p)
{
  if (premium.loading == 0.0) {
    return base; // today's price, bit for bit
  }
  const double q = std::clamp(p, 0.0, premium.max_risk);
  // At most a single amount's cap: a loading of 1e16 would otherwise overflow
  // the whole CFA the price is rounded to.
  return std::min(base * (1.0 + premium.loading * q / (1.0 - q)), std::max(base, kMaxAmount));
}

double replacement_rate(const Replacement& r, double profit_per_day)
{
  return r.rate0 * std::max(0.0, profit_per_day) / r.reference_profit;
}

double replacement_wait(const Replacement& r, double profit_per_day, double u)
{
  const double rate = replacement_rate(r, profit_per_day);
  if (!(rate > 0.0)) {
    return std::numeric_limits<double>::infinity();
  }
  return -std::log1p(-u) / rate;
}

ArrestedNetworks::ArrestedNetworks(const Replacement& r, double arrest_time, std::size_t networks)
  : r_(r), arrest_time_(arrest_time), back_(networks, std::numeric_limits<double>::quiet_NaN())
{
}

double ArrestedNetworks::profit_per_day() const noexcept
{
  return arrest_time_ > 0.0 ? static_cast<double>(fees_) / arrest_time_ : 0.0;
}

double ArrestedNetworks::back(std::size_t k, double u)
{
  if (std::isnan(back_[k])) {
    back_[k] = arrest_time_ + replacement_wait(r_, profit_per_day(), u);
  }
  return back_[k];
}

double issuance_per_day(const Issuance& s, double demand_per_day, double crackdown)
{
  const double c = std::clamp(crackdown, 0.0, 1.0);
  const double d = std::max(0.0, demand_per_day) / s.reference_demand;
  return s.base_per_day * std::pow(d, s.elasticity) * (1.0 - c);
}

} // namespace passage::models::mali
