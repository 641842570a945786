// IdPool under arbitrary get / free / try_free / try_claim / lease / free_all /
// for_each_allocated sequences, for every policy and two id types, with ids handed out, already
// freed, never handed out and out of range; every result and the pool's whole state are checked
// against the reference model after each step.
//
// Input: byte 0 picks the policy and the id type, byte 1 the capacity, then one step a byte
// (the low 3 bits the operation), each followed by the bytes its argument needs.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <objpool/id_pool.hpp>
#include <objpool/policy/bitmap.hpp>
#include <objpool/policy/fifo.hpp>
#include <objpool/policy/lifo.hpp>

#include "fuzz_support.hpp"
#include "reference_model.hpp"

namespace {

using objpool_fuzz::Input;
using objpool_reliability::order_of;
using objpool_reliability::ReferenceModel;

constexpr std::size_t capacities[] = {0, 1, 2, 3, 5, 8, 63, 64, 65, 127, 128, 129, 700, 4097};

template <class Policy, class Id>
void run(Input& input, std::size_t capacity) {
    // With the narrow id type the ids end at its maximum, so id arithmetic wraps around there.
    const Id first = std::is_same_v<Id, std::uint16_t>
                         ? static_cast<Id>(std::numeric_limits<Id>::max() - capacity + 1)
                         : static_cast<Id>(1 + input.byte());
    objpool::IdPool<Policy, Id> pool(capacity, first);
    ReferenceModel model(capacity, order_of<Policy>::value);
    std::vector<Id> handed_out;  // every id ever handed out, in order (some freed since)
    const auto id_of_slot = [&](std::size_t slot) { return static_cast<Id>(first + slot); };
    const auto slot_of_id = [&](Id id) {
        return static_cast<std::size_t>(static_cast<std::make_unsigned_t<Id>>(id - first));
    };
    const auto pick_id = [&]() -> Id {
        switch (input.byte() % 6) {
            case 0:  // one handed out before: out, or freed since
            case 1:
                return handed_out.empty() ? first : handed_out[input.below(handed_out.size())];
            case 2:  // just below the range
                return static_cast<Id>(first - 1 - input.byte());
            case 3:  // at or past its end
                return static_cast<Id>(first + capacity + input.byte());
            case 4:  // anywhere in the range, handed out or not
                return id_of_slot(capacity == 0 ? 0 : input.below(capacity));
            default:  // anything
                return static_cast<Id>(input.word());
        }
    };
    std::size_t steps = 0;
    while (!input.empty()) {
        switch (input.byte() % 8) {
            case 0: {
                const auto id = pool.get();
                const auto slot = model.get();
                OBJPOOL_FUZZ_EXPECT(id.has_value() == slot.has_value());
                if (id) {
                    OBJPOOL_FUZZ_EXPECT(*id == id_of_slot(*slot));  // the policy's exact order
                    handed_out.push_back(*id);
                }
                break;
            }
            case 1: {
                const Id id = pick_id();
                const std::size_t slot = slot_of_id(id);
                const bool out = model.is_allocated(slot);
                bool threw = false;
                try {
                    pool.free(id);
                } catch (const objpool::BadFree& error) {
                    threw = true;
                    OBJPOOL_FUZZ_EXPECT(error.reason() ==
                                        (slot < capacity ? objpool::BadFree::Reason::not_allocated
                                                         : objpool::BadFree::Reason::out_of_range));
                }
                OBJPOOL_FUZZ_EXPECT(threw == !out);
                if (out) {
                    model.free(slot);
                }
                break;
            }
            case 2: {
                const Id id = pick_id();
                OBJPOOL_FUZZ_EXPECT(pool.try_free(id) == model.free(slot_of_id(id)));
                break;
            }
            case 3: {
                const Id id = pick_id();
                OBJPOOL_FUZZ_EXPECT(pool.try_claim(id) == model.claim(slot_of_id(id)));
                handed_out.push_back(id);
                break;
            }
            case 4: {
                auto lease = pool.lease();
                const auto slot = model.get();
                OBJPOOL_FUZZ_EXPECT(static_cast<bool>(lease) == slot.has_value());
                if (lease) {
                    OBJPOOL_FUZZ_EXPECT(lease.id() == id_of_slot(*slot));
                    if (input.byte() % 2 == 0) {
                        handed_out.push_back(lease.release());  // stays out
                    } else {
                        model.free(*slot);  // the lease gives it back below
                    }
                }
                break;
            }
            case 5: {
                // Rarely: a whole-pool reset would hide the state the other steps build up.
                if (input.byte() % 8 == 0) {
                    pool.free_all();
                    model.reset();
                }
                break;
            }
            case 6: {
                std::vector<std::size_t> visited;
                pool.for_each_allocated([&](Id id) { visited.push_back(slot_of_id(id)); });
                OBJPOOL_FUZZ_EXPECT(visited == model.out_slots());
                break;
            }
            default: {
                const Id id = pick_id();
                OBJPOOL_FUZZ_EXPECT(pool.is_allocated(id) == model.is_allocated(slot_of_id(id)));
                break;
            }
        }
        // The whole state after every step while that is cheap, else every 64 steps.
        if (capacity <= 129 || ++steps % 64 == 0) {
            OBJPOOL_FUZZ_EXPECT(objpool_reliability::id_pool_mismatch(pool, model) == nullptr);
        }
    }
    OBJPOOL_FUZZ_EXPECT(objpool_reliability::id_pool_mismatch(pool, model) == nullptr);
}

template <class Id>
void run_policy(std::uint8_t choice, Input& input, std::size_t capacity) {
    objpool_fuzz::with_policy(
        choice, [&](auto policy) { run<typename decltype(policy)::type, Id>(input, capacity); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input input(data, size);
    const std::uint8_t choice = input.byte();
    const std::size_t capacity = capacities[input.byte() % std::size(capacities)];
    if ((choice / 3) % 2 == 0) {
        run_policy<std::uint32_t>(choice, input, capacity);
    } else {
        run_policy<std::uint16_t>(choice, input, capacity);
    }
    return 0;
}
