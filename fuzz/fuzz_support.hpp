// Shared by the fuzz targets: reading the input as a stream of small choices, and failing loud.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <objpool/policy/bitmap.hpp>
#include <objpool/policy/fifo.hpp>
#include <objpool/policy/lifo.hpp>

namespace objpool_fuzz {

/// The fuzzer's input as a stream of choices; reads zeros once it is used up.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    [[nodiscard]] bool empty() const { return position_ >= size_; }

    std::uint8_t byte() { return position_ < size_ ? data_[position_++] : 0; }

    std::uint16_t word() {
        const std::uint16_t low = byte();
        return static_cast<std::uint16_t>(low | (byte() << 8));
    }

    /// A number in 0 .. bound-1 (bound > 0).
    std::size_t below(std::size_t bound) { return word() % bound; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t position_ = 0;
};

/// Aborts (so libFuzzer saves the input) when the pool and the reference disagree.
inline void expect(bool condition, const char* what, int line) {
    if (!condition) {
        std::fprintf(stderr, "objpool fuzz: line %d: %s\n", line, what);
        std::abort();
    }
}

/// A type passed as a value, so that one generic lambda can be called with any of several types.
template <class T>
struct TypeTag {
    using type = T;
};

/// Calls `run(TypeTag<P>{})` with the policy P (Fifo, Lifo or Bitmap) that `choice` selects.
template <class Run>
void with_policy(std::uint8_t choice, Run&& run) {
    switch (choice % 3) {
        case 0:
            return run(TypeTag<objpool::Fifo>{});
        case 1:
            return run(TypeTag<objpool::Lifo>{});
        default:
            return run(TypeTag<objpool::Bitmap>{});
    }
}

}  // namespace objpool_fuzz

#define OBJPOOL_FUZZ_EXPECT(condition) ::objpool_fuzz::expect((condition), #condition, __LINE__)
