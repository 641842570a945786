// Includes Catch2 whichever major version is installed (v2 ships one header, v3 many).
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
