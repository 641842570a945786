// ObjectPool under arbitrary sequences of get (lease or raw) / free / try_free / discard /
// lease moves, release and adopt, for every policy and both lifecycles, with pointers that are out,
// freed, never handed out, interior, past the end, null or from another pool, and with
// constructors, factories and reset hooks that throw when the input says so. Every result and the
// whole state are checked against the reference model; ASan (with the pool's poisoning) catches any
// stray access.
//
// Input: byte 0 picks the policy and the lifecycle, byte 1 the capacity, then one step a byte
// (the low bits the operation), each followed by the bytes its argument needs.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include <objpool/object_pool.hpp>
#include <objpool/policy/bitmap.hpp>
#include <objpool/policy/fifo.hpp>
#include <objpool/policy/lifo.hpp>

#include "fuzz_support.hpp"
#include "reference_model.hpp"

namespace {

using objpool_fuzz::Input;
using objpool_reliability::order_of;
using objpool_reliability::ReferenceModel;

constexpr std::size_t capacities[] = {0, 1, 2, 3, 4, 7, 8, 31, 64, 65, 130};

struct Injected : std::runtime_error {
    Injected() : std::runtime_error("injected") {}
};

// Set by the input: the next constructor, factory or reset hook throws.
bool fail_next = false;
void maybe_fail() {
    if (fail_next) {
        fail_next = false;
        throw Injected();
    }
}

long live = 0;
constexpr std::uint64_t alive = 0xA11CE;

struct Object {
    std::uint64_t id = 0;
    std::uint64_t magic = alive;
    std::uint64_t dirty = 0;
    Object() {
        maybe_fail();
        ++live;
    }
    explicit Object(std::uint64_t id_) : id(id_) {
        maybe_fail();
        ++live;
    }
    Object(Object&& other) noexcept : id(other.id) { ++live; }
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;
    Object& operator=(Object&&) = delete;
    ~Object() {
        magic = 0;
        --live;
    }
};

template <class Policy, class Lifecycle>
void run(Input& input, std::size_t capacity, bool with_hooks) {
    constexpr bool reuses = std::is_same_v<Lifecycle, objpool::Reuse>;
    using Pool = objpool::ObjectPool<Object, Policy, Lifecycle>;
    live = 0;
    fail_next = false;
    {
        std::optional<Pool> storage;
        if constexpr (reuses) {
            if (with_hooks) {
                storage.emplace(
                    capacity,
                    [](std::size_t id) {
                        maybe_fail();
                        return Object(id);
                    },
                    [](Object& object) {
                        maybe_fail();
                        object.dirty = 0;
                    });
            }
        }
        if (!storage) {
            storage.emplace(capacity);
        }
        Pool& pool = *storage;
        Pool other(2);  // its objects are foreign to `pool`
        Object* foreign = [&]() -> Object* {
            if constexpr (reuses) {
                return other.acquire();
            } else {
                return other.acquire(std::uint64_t{99});
            }
        }();
        ReferenceModel model(capacity, order_of<Policy>::value);
        Object* base = nullptr;  // learnt from the first object handed out
        const auto address = [&base](std::size_t slot) -> Object* {
            return base == nullptr ? nullptr : base + slot;
        };
        std::vector<typename Pool::lease_type> leases;
        std::vector<Object*> handed_out;  // every object ever handed out (some freed since)
        std::vector<bool> built(capacity, false);  // Reuse: which slots have an object

        const auto get = [&](bool as_lease) -> Object* {
            fail_next = (input.byte() & 7) == 0;
            const bool failing = fail_next;
            Object* object = nullptr;
            try {
                typename Pool::lease_type lease;
                if constexpr (reuses) {
                    if (as_lease) {
                        lease = pool.get();
                    } else {
                        object = pool.acquire();
                    }
                } else {
                    if (as_lease) {
                        lease = pool.get(std::uint64_t{7});
                    } else {
                        object = pool.acquire(std::uint64_t{7});
                    }
                }
                if (lease) {
                    object = lease.get();
                    leases.push_back(std::move(lease));
                }
            } catch (const Injected&) {
                // Only a construction may throw here, and then nothing changed.
                OBJPOOL_FUZZ_EXPECT(failing);
                return nullptr;
            }
            fail_next = false;  // nothing was built (a reused object), so nothing failed
            const auto slot = model.get();
            OBJPOOL_FUZZ_EXPECT(slot.has_value() == (object != nullptr));
            if (object != nullptr) {
                base = base != nullptr ? base : object - *slot;
                OBJPOOL_FUZZ_EXPECT(object == base + *slot);  // the policy's exact order
                OBJPOOL_FUZZ_EXPECT(object->magic == alive);
                if (reuses && with_hooks) {
                    OBJPOOL_FUZZ_EXPECT(object->id == *slot + 1);
                    OBJPOOL_FUZZ_EXPECT(object->dirty == 0);
                }
                if (!reuses) {
                    OBJPOOL_FUZZ_EXPECT(object->id == 7);
                }
                object->dirty = 1;
                handed_out.push_back(object);
                built[*slot] = true;
            }
            return object;
        };

        const auto pick_pointer = [&]() -> Object* {
            switch (input.byte() % 8) {
                case 0:
                case 1:
                case 2:  // one handed out before: out, or freed since
                    return handed_out.empty() ? nullptr
                                              : handed_out[input.below(handed_out.size())];
                case 3:  // any slot, handed out or not
                    return base == nullptr || capacity == 0 ? foreign
                                                            : base + input.below(capacity);
                case 4:  // inside an object, not at its start
                    return handed_out.empty()
                               ? nullptr
                               : reinterpret_cast<Object*>(reinterpret_cast<char*>(handed_out[0]) +
                                                           1 + input.below(23));
                case 5:  // past the end
                    return base == nullptr ? nullptr : base + capacity;
                case 6:
                    return foreign;
                default:
                    return nullptr;
            }
        };

        const auto held_by_lease = [&](const Object* object) {
            bool leased = false;
            for (const auto& lease : leases) {
                leased = leased || lease.get() == object;
            }
            return leased;
        };

        // Frees `object` through free(T*), try_free(T*) or discard(T*), as `how` says; a
        // lease's object is refused (BadFree, reason leased) and stays out.
        const auto give_back = [&](Object* object, std::uint8_t how) {
            const std::size_t slot = pool.id_of(object) - 1;  // huge when foreign
            const bool leased = object != nullptr && held_by_lease(object);
            const bool out = model.is_allocated(slot) && !leased;
            const bool discarding = (how & 1) == 0 && (how & 2) != 0;
            OBJPOOL_FUZZ_EXPECT(model.is_allocated(slot) ==
                                (object != nullptr && pool.find(slot + 1) == object));
            fail_next = reuses && with_hooks && out && !discarding && (how & 8) != 0;
            const bool failing = fail_next;
            bool threw_bad_free = false;
            bool freed = false;
            try {
                if ((how & 1) != 0) {
                    freed = pool.try_free(object);
                } else if (discarding) {
                    pool.discard(object);
                    freed = true;
                } else {
                    pool.free(object);
                    freed = true;
                }
            } catch (const objpool::BadFree& error) {
                threw_bad_free = true;
                OBJPOOL_FUZZ_EXPECT((error.reason() == objpool::BadFree::Reason::out_of_range) ==
                                    (pool.id_of(object) == 0));
                OBJPOOL_FUZZ_EXPECT((error.reason() == objpool::BadFree::Reason::leased) == leased);
            } catch (const Injected&) {
                OBJPOOL_FUZZ_EXPECT(failing);  // the reset hook threw: the object stays out
                OBJPOOL_FUZZ_EXPECT(pool.find(slot + 1) == object);
                return;
            }
            fail_next = false;
            OBJPOOL_FUZZ_EXPECT(!failing);
            OBJPOOL_FUZZ_EXPECT(freed == out);
            OBJPOOL_FUZZ_EXPECT(threw_bad_free == ((how & 1) == 0 && !out));
            if (out) {
                model.free(slot);
                if (discarding) {
                    built[slot] = false;
                }
            }
        };

        std::size_t steps = 0;
        while (!input.empty()) {
            const std::uint8_t step = input.byte();
            switch (step % 8) {
                case 0:
                case 1:
                    get(step % 8 == 0);
                    break;
                case 2:
                case 3:  // a pointer of any kind, a lease's included
                    give_back(pick_pointer(), static_cast<std::uint8_t>(step >> 3));
                    break;
                case 4: {  // free(lease), possibly with the reset hook failing
                    if (leases.empty()) {
                        typename Pool::lease_type empty;
                        bool threw = false;
                        try {
                            pool.free(empty);
                        } catch (const objpool::BadFree& error) {
                            threw = error.reason() == objpool::BadFree::Reason::not_allocated;
                        }
                        OBJPOOL_FUZZ_EXPECT(threw);
                        break;
                    }
                    const std::size_t index = input.below(leases.size());
                    Object* object = leases[index].get();
                    fail_next = reuses && with_hooks && (step & 8) != 0;
                    const bool failing = fail_next;
                    try {
                        pool.free(leases[index]);
                    } catch (const Injected&) {
                        OBJPOOL_FUZZ_EXPECT(failing && leases[index].get() == object);
                        break;
                    }
                    fail_next = false;
                    OBJPOOL_FUZZ_EXPECT(!failing && !leases[index]);
                    model.free(static_cast<std::size_t>(object - base));
                    leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(index));
                    break;
                }
                case 5: {  // a lease of another pool is refused
                    auto lease = [&]() {
                        if constexpr (reuses) {
                            return other.get();
                        } else {
                            return other.get(std::uint64_t{1});
                        }
                    }();
                    bool threw = false;
                    try {
                        pool.free(lease);
                    } catch (const objpool::BadFree& error) {
                        threw = error.reason() == objpool::BadFree::Reason::out_of_range;
                    }
                    OBJPOOL_FUZZ_EXPECT(threw == static_cast<bool>(lease));
                    break;
                }
                case 6: {  // a lease ends (moved first), is discarded, or released and adopted
                    if (leases.empty()) {
                        break;
                    }
                    const std::size_t index = input.below(leases.size());
                    Object* object = leases[index].get();
                    const auto slot = static_cast<std::size_t>(object - base);
                    bool given_back = true;
                    switch ((step >> 3) % 4) {
                        case 0: {
                            auto moved = std::move(leases[index]);
                            leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(index));
                            OBJPOOL_FUZZ_EXPECT(moved.get() == object);
                            break;
                        }
                        case 1:
                            pool.discard(leases[index]);
                            OBJPOOL_FUZZ_EXPECT(!leases[index]);
                            leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(index));
                            built[slot] = false;
                            break;
                        case 2:  // released: a raw object out, freed later through pick_pointer
                            OBJPOOL_FUZZ_EXPECT(leases[index].release() == object);
                            leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(index));
                            given_back = false;
                            break;
                        default: {  // released and adopted again; a second adopt is refused
                            Object* const raw = leases[index].release();
                            leases[index] = pool.adopt(raw);
                            OBJPOOL_FUZZ_EXPECT(leases[index].get() == object);
                            bool refused = false;
                            try {
                                static_cast<void>(pool.adopt(raw));
                            } catch (const objpool::BadFree& error) {
                                refused = error.reason() == objpool::BadFree::Reason::leased;
                            }
                            OBJPOOL_FUZZ_EXPECT(refused);
                            given_back = false;
                            break;
                        }
                    }
                    if (given_back) {
                        model.free(slot);
                    }
                    break;
                }
                default: {  // queries
                    const std::size_t id = input.below(capacity + 3);
                    OBJPOOL_FUZZ_EXPECT(pool.is_allocated(id) ==
                                        (id != 0 && model.is_allocated(id - 1)));
                    break;
                }
            }
            if (capacity <= 65 || ++steps % 32 == 0) {
                OBJPOOL_FUZZ_EXPECT(
                    objpool_reliability::object_pool_mismatch(pool, model, address) == nullptr);
                // Every object built and not destroyed, in both pools: none leaked or lost.
                const auto objects = static_cast<std::size_t>(
                    reuses ? std::count(built.begin(), built.end(), true) : 0);
                OBJPOOL_FUZZ_EXPECT(
                    live == static_cast<long>(reuses ? objects + other.high_water_mark()
                                                     : pool.allocated() + other.allocated()));
            }
        }
        OBJPOOL_FUZZ_EXPECT(objpool_reliability::object_pool_mismatch(pool, model, address) ==
                            nullptr);
        for (const auto& lease : leases) {
            model.free(static_cast<std::size_t>(lease.get() - base));
        }
        leases.clear();
        for (std::size_t slot = 0; slot < capacity; ++slot) {
            if (model.is_allocated(slot)) {
                pool.free(base + slot);
            }
        }
        other.free(foreign);
    }
    OBJPOOL_FUZZ_EXPECT(live == 0);  // every object built was destroyed, once
}

template <class Lifecycle>
void run_policy(std::uint8_t choice, Input& input, std::size_t capacity, bool with_hooks) {
    objpool_fuzz::with_policy(choice, [&](auto policy) {
        run<typename decltype(policy)::type, Lifecycle>(input, capacity, with_hooks);
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input input(data, size);
    const std::uint8_t choice = input.byte();
    const std::size_t capacity = capacities[input.byte() % std::size(capacities)];
    switch ((choice / 3) % 3) {
        case 0:
            run_policy<objpool::Reuse>(choice, input, capacity, false);
            break;
        case 1:
            run_policy<objpool::Reuse>(choice, input, capacity, true);
            break;
        default:
            run_policy<objpool::ConstructOnGet>(choice, input, capacity, false);
            break;
    }
    return 0;
}
