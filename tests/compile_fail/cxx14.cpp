// Compiled as C++14: the umbrella header must stop at config.hpp's one clear error.
#include <objpool/objpool.hpp>

int main() { return 0; }
