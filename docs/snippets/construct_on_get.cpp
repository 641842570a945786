// objpool::ConstructOnGet: get(args...) constructs, free destroys.
#include <cassert>
#include <objpool/objpool.hpp>
#include <string>

struct Message {
    Message(int id, std::string text) : id(id), text(std::move(text)) { ++alive; }
    ~Message() { --alive; }
    int id;
    std::string text;
    static inline int alive = 0;
};

int main() {
    {
        objpool::ObjectPool<Message, objpool::Fifo, objpool::ConstructOnGet> pool(16);
        Message* hello = pool.acquire(1, "hello");  // constructed from the arguments
        auto bye = pool.get(2, "bye");
        assert(hello->text == "hello" && bye->id == 2 && Message::alive == 2);

        pool.free(hello);  // destroyed now
        assert(Message::alive == 1);
        pool.free(bye);
        assert(Message::alive == 0);
    }
    assert(Message::alive == 0);
}
