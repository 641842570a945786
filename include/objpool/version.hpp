/// @file
/// @brief The library's version: the one place it is written.
#pragma once

/// @brief Major version: changes break the API.
#define OBJPOOL_VERSION_MAJOR 0
/// @brief Minor version: additions that keep the API.
#define OBJPOOL_VERSION_MINOR 1
/// @brief Patch version: fixes only.
#define OBJPOOL_VERSION_PATCH 0
/// @brief The version as one number, MAJOR * 10000 + MINOR * 100 + PATCH.
#define OBJPOOL_VERSION \
    (OBJPOOL_VERSION_MAJOR * 10000 + OBJPOOL_VERSION_MINOR * 100 + OBJPOOL_VERSION_PATCH)
