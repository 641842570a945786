# Fails when a port's version disagrees with include/objpool/version.hpp, the one place the
# version is written, or when CHANGELOG.md's newest section is neither "Unreleased" nor it:
#   cmake -DSOURCE_DIR=<objpool> -P ports/check_versions.cmake
cmake_minimum_required(VERSION 3.21)

file(STRINGS "${SOURCE_DIR}/include/objpool/version.hpp" lines
     REGEX "#define OBJPOOL_VERSION_(MAJOR|MINOR|PATCH) ")
foreach(line IN LISTS lines)
  string(REGEX MATCH "OBJPOOL_VERSION_(MAJOR|MINOR|PATCH) ([0-9]+)" _ "${line}")
  set(${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()
if(NOT DEFINED MAJOR OR NOT DEFINED MINOR OR NOT DEFINED PATCH)
  message(FATAL_ERROR "version.hpp: OBJPOOL_VERSION_MAJOR/MINOR/PATCH not found")
endif()
set(version "${MAJOR}.${MINOR}.${PATCH}")
set(failures "")

# vcpkg: the manifest's version (whichever version field it uses).
file(READ "${SOURCE_DIR}/ports/vcpkg/objpool/vcpkg.json" manifest)
set(vcpkg_version "")
foreach(field IN ITEMS version version-semver version-string version-date)
  string(JSON value ERROR_VARIABLE missing GET "${manifest}" ${field})
  if(NOT missing)
    set(vcpkg_version "${value}")
  endif()
endforeach()
if(NOT vcpkg_version STREQUAL version)
  list(APPEND failures "ports/vcpkg/objpool/vcpkg.json has version '${vcpkg_version}'")
endif()
string(JSON port_version ERROR_VARIABLE missing GET "${manifest}" port-version)
if(NOT missing AND NOT port_version EQUAL 0)
  message(STATUS "vcpkg.json: port-version ${port_version} (a packaging-only revision)")
endif()

# Conan: the recipe reads version.hpp in set_version(); a version written into it instead must
# agree (ports/conan/check_recipe.py runs set_version() itself when Python is available).
file(READ "${SOURCE_DIR}/ports/conan/conanfile.py" recipe)
if(recipe MATCHES "\n    version = \"([^\"]*)\"")
  if(NOT CMAKE_MATCH_1 STREQUAL version)
    list(APPEND failures "ports/conan/conanfile.py has version '${CMAKE_MATCH_1}'")
  endif()
elseif(NOT recipe MATCHES "def set_version\\(self\\)" OR NOT recipe MATCHES "version\\.hpp")
  list(APPEND failures "ports/conan/conanfile.py neither reads version.hpp nor states a version")
endif()

# CHANGELOG.md: the newest section is "Unreleased" or this version.
file(STRINGS "${SOURCE_DIR}/CHANGELOG.md" sections REGEX "^## ")
list(GET sections 0 newest)
string(REGEX REPLACE "^## +" "" newest "${newest}")
if(NOT newest MATCHES "^Unreleased" AND NOT newest MATCHES "^\\[?v?${MAJOR}\\.${MINOR}\\.${PATCH}\\]?([^0-9.]|$)")
  list(APPEND failures "CHANGELOG.md's newest section is '${newest}'")
endif()

if(failures)
  list(JOIN failures "\n  " failures)
  message(FATAL_ERROR "version.hpp says ${version}, but:\n  ${failures}")
endif()
message(STATUS "ports and changelog agree with version.hpp: ${version}")
