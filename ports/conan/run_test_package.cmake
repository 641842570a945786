# Builds and runs ports/conan/test_package's CMake project against an installed objpool:
#   cmake -DSOURCE_DIR=<objpool> -DWORK_DIR=<scratch> [-DCXX_COMPILER=...] [-DGENERATOR=...]
#         -P ports/conan/run_test_package.cmake
#
# Conan is not installed here, so `conan create` is not run. What it would do around this
# project is replaced by objpool's own install (configured as a package manager would: tests,
# examples and docs off) into a staging prefix, found through CMAKE_PREFIX_PATH; CMakeDeps
# would generate a config with the same file name (objpool) and target (objpool::objpool),
# set in conanfile.py's package_info.
cmake_minimum_required(VERSION 3.21)

include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/ObjpoolScriptSteps.cmake")

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
objpool_run("${CMAKE_COMMAND}" -G "${GENERATOR}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/objpool"
    ${compiler_arguments} -DCMAKE_BUILD_TYPE=Release -DOBJPOOL_BUILD_TESTS=OFF
    -DOBJPOOL_BUILD_EXAMPLES=OFF -DOBJPOOL_BUILD_DOCS=OFF -DOBJPOOL_INSTALL=ON)
objpool_run("${CMAKE_COMMAND}" --install "${WORK_DIR}/objpool" --prefix "${prefix}")

foreach(file IN ITEMS include/objpool/objpool.hpp share/cmake/objpool/objpoolConfig.cmake
                      share/cmake/objpool/objpoolConfigVersion.cmake share/pkgconfig/objpool.pc
                      share/licenses/objpool/LICENSE)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "the install prefix lacks ${file}")
  endif()
endforeach()

set(test_package "${SOURCE_DIR}/ports/conan/test_package")
objpool_run("${CMAKE_COMMAND}" -G "${GENERATOR}" -S "${test_package}" -B "${WORK_DIR}/test_package"
    ${compiler_arguments} "-DCMAKE_PREFIX_PATH=${prefix}")
objpool_run("${CMAKE_COMMAND}" --build "${WORK_DIR}/test_package")
execute_process(COMMAND "${WORK_DIR}/test_package/test_package" OUTPUT_VARIABLE output
                RESULT_VARIABLE result)
message(STATUS "test_package: ${output}")
file(STRINGS "${SOURCE_DIR}/include/objpool/version.hpp" lines
     REGEX "#define OBJPOOL_VERSION_(MAJOR|MINOR|PATCH) ")
set(version "")
foreach(line IN LISTS lines)
  string(REGEX MATCH "[0-9]+$" number "${line}")
  list(APPEND version ${number})
endforeach()
list(JOIN version "." version)
if(NOT result EQUAL 0 OR NOT output STREQUAL "objpool ${version}: ok\n")
  message(FATAL_ERROR "test_package failed (${result}) or did not report version ${version}")
endif()
