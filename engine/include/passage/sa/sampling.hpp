#pragma once
//! Points in the unit cube for sweeps and sensitivity analysis. Every sampler
//! is deterministic for a given seed and returns rows x dims, row-major.
//!
//! - grid: every combination of `levels` equally spaced levels in [0, 1];
//! - Latin hypercube: one point in each of n equal strata of every dimension;
//! - Sobol': Joe-Kuo direction numbers (boost::random::sobol, the zero point put
//!   back at the start) with Owen's nested uniform scrambling, hashed from the
//!   seed (Owen 1995; the hash-tree construction of Burley 2020). A scrambled
//!   net keeps its stratification (each of the 2^m elementary intervals of a
//!   dimension holds one of the first 2^m points) and every point is uniform on
//!   the cube, so estimates are unbiased and replicable with another seed;
//! - Saltelli: matrices A, B and A_B^(i) (and B_A^(i) for second order) from one
//!   2d-dimensional scrambled Sobol' sequence (Saltelli et al. 2010);
//! - Morris: r trajectories of d + 1 points on a p-level grid, each step moving
//!   one parameter by Delta = p / (2 (p - 1)) (Morris 1991).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace passage::engine::sa {

//! levels^dims points, the first dimension varying slowest; `levels` may differ
//! per dimension (a choice parameter has as many levels as choices).
std::vector<double> grid(const std::vector<std::size_t>& levels);

//! n points in [0, 1)^dims with one point in each stratum [k/n, (k+1)/n) of
//! every dimension, placed uniformly within it.
std::vector<double> latin_hypercube(std::size_t n, std::size_t dims, std::uint64_t seed);

//! Owen-scramble one coordinate: x holds binary digits from the top bit down;
//! `key` selects the random permutation tree (one per dimension). Returns a
//! value in (0, 1) with 53 scrambled digits.
double owen_scramble(std::uint64_t x, std::uint64_t key) noexcept;

//! The first n points of the scrambled Sobol' sequence in `dims` dimensions
//! (dims <= 3667).
std::vector<double> sobol_points(std::size_t n, std::size_t dims, std::uint64_t seed);

//! The blocks of a Saltelli design, each n rows of d columns, stored one block
//! after another: A, B, A_B^(1..d) and, with second order, B_A^(1..d).
struct SaltelliDesign
{
  std::size_t n = 0;
  std::size_t d = 0;
  bool second_order = false;
  std::vector<double> unit; //!< (blocks * n) x d

  std::size_t blocks() const noexcept { return second_order ? 2 + 2 * d : 2 + d; }
  std::size_t points() const noexcept { return blocks() * n; }
  //! The row of base sample j in a block.
  static constexpr std::size_t kA = 0;
  static constexpr std::size_t kB = 1;
  std::size_t ab(std::size_t i) const noexcept { return 2 + i; }
  std::size_t ba(std::size_t i) const noexcept { return 2 + d + i; }
  std::size_t point(std::size_t block, std::size_t j) const noexcept { return block * n + j; }
};

SaltelliDesign saltelli(std::size_t n, std::size_t d, bool second_order, std::uint64_t seed);

//! r trajectories of d + 1 points each, stored trajectory after trajectory.
struct MorrisDesign
{
  std::size_t r = 0;
  std::size_t d = 0;
  unsigned levels = 4;
  double delta = 0.0;
  std::vector<double> unit;       //!< (r * (d + 1)) x d, each value a level k / (p - 1)
  std::vector<std::size_t> moved; //!< r * d: the parameter step s of trajectory t moves
  std::vector<int> direction;     //!< r * d: +1 or -1

  std::size_t points() const noexcept { return r * (d + 1); }
  std::size_t point(std::size_t t, std::size_t step) const noexcept { return t * (d + 1) + step; }
};

MorrisDesign morris(std::size_t r, std::size_t d, unsigned levels, std::uint64_t seed);

} // namespace passage::engine::sa
