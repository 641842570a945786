# Catch2 support shared by every test folder: works with Catch2 v2 (Debian 12) and v3.
#
#   objpool_add_catch_test(<name> [THREADS] SOURCES <files...> [LIBRARIES <targets...>])
#
# builds one executable linked with a Catch2 main compiled once, and registers each
# TEST_CASE with ctest through catch_discover_tests. Include <objpool_catch.hpp> in tests.
# THREADS: the suite runs threads, so the ThreadSanitizer build builds and runs it
# (cmake/ObjpoolThreadedTests.cmake).
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/ObjpoolThreadedTests.cmake")

find_package(Catch2 REQUIRED)
include(Catch)

if(NOT TARGET objpool_catch_main)
  add_library(objpool_catch_main STATIC "${CMAKE_CURRENT_LIST_DIR}/../tests/support/catch_main.cpp")
  target_include_directories(objpool_catch_main PUBLIC "${CMAKE_CURRENT_LIST_DIR}/../tests/support")
  if(TARGET Catch2::Catch2WithMain)
    # v3: the library ships its own main; catch_main.cpp compiles to nothing.
    target_link_libraries(objpool_catch_main PUBLIC Catch2::Catch2WithMain)
  else()
    target_link_libraries(objpool_catch_main PUBLIC Catch2::Catch2)
    target_compile_definitions(objpool_catch_main PRIVATE OBJPOOL_CATCH_V2_MAIN)
  endif()
endif()

function(objpool_add_catch_test name)
  cmake_parse_arguments(ARG "THREADS" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE objpool_catch_main ${ARG_LIBRARIES})
  if(ARG_THREADS)
    objpool_threaded_tests(TARGETS ${name})
    catch_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES LABELS threads)
  else()
    catch_discover_tests(${name} TEST_PREFIX "${name}: ")
  endif()
endfunction()
