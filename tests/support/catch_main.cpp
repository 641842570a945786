// The single Catch2 main of every test executable (Catch2 v3 brings its own).
#ifdef OBJPOOL_CATCH_V2_MAIN
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
