// libFuzzer target: a sensitivity design read against the mali-2016 baseline (entry.hpp)
#include "entry.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  passage::fuzz::design(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
