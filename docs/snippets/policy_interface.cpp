// The interface a policy meets (objpool/policy.hpp): a tag type with a nested FreeList over the
// slots 0 .. capacity-1. Declarations are enough for the compile-time check.
#include <cstddef>
#include <objpool/policy.hpp>

struct MyPolicy {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity);  // every slot free, ideally O(1)
        std::size_t acquire() noexcept;           // a free slot, now out; capacity() if none
        bool release(std::size_t slot) noexcept;  // frees it if out -> true; else false, no change
        bool is_allocated(std::size_t slot) const noexcept;
        std::size_t capacity() const noexcept;
        std::size_t available() const noexcept;
        std::size_t bookkeeping_bytes() const noexcept;
    };
};

static_assert(objpool::is_policy_v<MyPolicy>);

int main() {}
