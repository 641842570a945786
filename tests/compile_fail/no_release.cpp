// Must not compile: the policy's FreeList lacks release().
#include <cstddef>

#include <objpool/objpool.hpp>

struct NoRelease {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity) : capacity_(capacity) {}
        std::size_t acquire() noexcept { return capacity_; }
        [[nodiscard]] bool is_allocated(std::size_t) const noexcept { return false; }
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        [[nodiscard]] std::size_t available() const noexcept { return 0; }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return 0; }

    private:
        std::size_t capacity_;
    };
};

int main() {
    objpool::IdPool<NoRelease> pool(4);
    return static_cast<int>(pool.capacity());
}
