# Builds and runs one consumer of objpool: cmake -DKIND=... -DWORK_DIR=... [...] -P run_consumer.cmake
#   KIND=find_package    needs PREFIX (an install prefix)
#   KIND=add_subdirectory, fetch_content
#   KIND=pkg_config      needs PREFIX; compiles app/main.cpp with `pkg-config --cflags objpool`
#   KIND=include_dir     compiles app/main.cpp with -I <source>/include
# Common: SOURCE_DIR (objpool's), CXX_COMPILER, GENERATOR.
cmake_minimum_required(VERSION 3.21)
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/ObjpoolScriptSteps.cmake")

set(here "${CMAKE_CURRENT_LIST_DIR}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

if(KIND STREQUAL "pkg_config" OR KIND STREQUAL "include_dir")
  if(KIND STREQUAL "pkg_config")
    set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")
    execute_process(COMMAND pkg-config --cflags objpool
      OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE result)
    if(NOT result EQUAL 0 OR NOT flags MATCHES "-I.*include")
      message(FATAL_ERROR "pkg-config --cflags objpool gave '${flags}' (${result})")
    endif()
    execute_process(COMMAND pkg-config --modversion objpool OUTPUT_VARIABLE version)
    message(STATUS "pkg-config: objpool ${version} with ${flags}")
    separate_arguments(flags UNIX_COMMAND "${flags}")
  else()
    set(flags "-I${SOURCE_DIR}/include")
  endif()
  objpool_run("${CXX_COMPILER}" -std=c++17 ${flags} "${here}/app/main.cpp" -o "${WORK_DIR}/consumer")
  objpool_run("${WORK_DIR}/consumer")
  return()
endif()

set(arguments ${compiler_arguments} -DOBJPOOL_SOURCE_DIR=${SOURCE_DIR})
if(KIND STREQUAL "find_package")
  list(APPEND arguments -DCMAKE_PREFIX_PATH=${PREFIX})
endif()
objpool_run("${CMAKE_COMMAND}" -G "${GENERATOR}" -S "${here}/${KIND}" -B "${WORK_DIR}" ${arguments})
objpool_run("${CMAKE_COMMAND}" --build "${WORK_DIR}")
objpool_run("${WORK_DIR}/consumer")
