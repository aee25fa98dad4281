#pragma once
//! 128-bit integers (a GCC/Clang extension) for exact sums and Lemire's method.

namespace passage::engine {
__extension__ typedef __int128 int128_t;
__extension__ typedef unsigned __int128 uint128_t;
} // namespace passage::engine
