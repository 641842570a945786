// HandlePool under arbitrary get / free / try_free / is_valid sequences with handles that are
// out, stale (freed, possibly reused since), forged, out of range or carrying the retired
// marker, for every policy and a narrow generation (so slots retire within one input). Every
// result is checked against the reference model extended with generations.
//
// Input: byte 0 picks the policy and the generation width, byte 1 the capacity, then one step
// a byte, each followed by the bytes its argument needs.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <objpool/handle_pool.hpp>
#include <objpool/policy/bitmap.hpp>
#include <objpool/policy/fifo.hpp>
#include <objpool/policy/lifo.hpp>

#include "fuzz_support.hpp"
#include "reference_model.hpp"

namespace {

using objpool_fuzz::Input;
using objpool_reliability::order_of;
using objpool_reliability::ReferenceModel;

constexpr std::size_t capacities[] = {0, 1, 2, 3, 8, 64, 65, 130};

template <class Policy, unsigned Bits>
void run(Input& input, std::size_t capacity) {
    using Pool = objpool::HandlePool<Policy, std::uint8_t, Bits>;
    using Handle = typename Pool::handle_type;
    Pool pool(capacity);
    ReferenceModel model(capacity, order_of<Policy>::value);  // retired slots stay out in it
    std::vector<std::uint8_t> generations(capacity, 0);
    std::vector<bool> retired(capacity, false);
    std::size_t retired_count = 0;
    std::vector<Handle> seen;  // every handle handed out (out, or stale since)
    const auto valid = [&](Handle handle) {
        return handle.slot < capacity && !retired[handle.slot] &&
               generations[handle.slot] == handle.generation && model.is_allocated(handle.slot);
    };
    const auto pick = [&]() -> Handle {
        switch (input.byte() % 5) {
            case 0:
            case 1:
                return seen.empty() ? Handle{} : seen[input.below(seen.size())];
            case 2:  // a slot at its current generation, out or not
                return capacity == 0 ? Handle{} : [&] {
                    const auto slot = static_cast<std::uint32_t>(input.below(capacity));
                    return Handle{slot, generations[slot]};
                }();
            case 3:  // out of range
                return Handle{static_cast<std::uint32_t>(capacity + input.byte()), 0};
            default:  // anything, the retired marker included
                return Handle{static_cast<std::uint32_t>(input.byte()), input.byte()};
        }
    };
    const auto freed = [&](Handle handle) {
        if (++generations[handle.slot] == Pool::retired_generation) {
            retired[handle.slot] = true;
            ++retired_count;
        } else {
            model.free(handle.slot);
        }
    };
    while (!input.empty()) {
        switch (input.byte() % 4) {
            case 0: {
                const auto handle = pool.get();
                const auto slot = model.get();
                OBJPOOL_FUZZ_EXPECT(handle.has_value() == slot.has_value());
                if (handle) {
                    OBJPOOL_FUZZ_EXPECT(handle->slot == *slot);
                    OBJPOOL_FUZZ_EXPECT(handle->generation == generations[*slot]);
                    OBJPOOL_FUZZ_EXPECT(!retired[*slot]);  // a retired slot never comes back
                    seen.push_back(*handle);
                }
                break;
            }
            case 1: {
                const Handle handle = pick();
                const bool expected = valid(handle);
                bool threw = false;
                try {
                    pool.free(handle);
                } catch (const objpool::BadFree& error) {
                    threw = true;
                    OBJPOOL_FUZZ_EXPECT(
                        (error.reason() == objpool::BadFree::Reason::out_of_range) ==
                        (handle.slot >= capacity));
                }
                OBJPOOL_FUZZ_EXPECT(threw == !expected);
                if (expected) {
                    freed(handle);
                }
                break;
            }
            case 2: {
                const Handle handle = pick();
                const bool expected = valid(handle);
                OBJPOOL_FUZZ_EXPECT(pool.try_free(handle) == expected);
                if (expected) {
                    freed(handle);
                }
                break;
            }
            default: {
                const Handle handle = pick();
                OBJPOOL_FUZZ_EXPECT(pool.is_valid(handle) == valid(handle));
                OBJPOOL_FUZZ_EXPECT(pool.find(handle).has_value() == valid(handle));
                break;
            }
        }
        OBJPOOL_FUZZ_EXPECT(pool.retired() == retired_count);
        OBJPOOL_FUZZ_EXPECT(pool.available() == model.available());
        OBJPOOL_FUZZ_EXPECT(pool.allocated() == model.allocated() - retired_count);
    }
}

template <unsigned Bits>
void run_policy(std::uint8_t choice, Input& input, std::size_t capacity) {
    objpool_fuzz::with_policy(
        choice, [&](auto policy) { run<typename decltype(policy)::type, Bits>(input, capacity); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input input(data, size);
    const std::uint8_t choice = input.byte();
    const std::size_t capacity = capacities[input.byte() % std::size(capacities)];
    switch ((choice / 3) % 3) {
        case 0:
            run_policy<1>(choice, input, capacity);
            break;
        case 1:
            run_policy<2>(choice, input, capacity);
            break;
        default:
            run_policy<8>(choice, input, capacity);
            break;
    }
    return 0;
}
