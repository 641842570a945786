# What the `cmake -P` scripts that build and run a consumer of objpool share
# (tests/consumers/run_consumer.cmake, ports/vcpkg/run_portfile.cmake,
# ports/conan/run_test_package.cmake): checked arguments, their defaults, and one way to run a step.
#
# Arguments of every such script: SOURCE_DIR (objpool's) and WORK_DIR (scratch, emptied) are
# required; GENERATOR (default "Unix Makefiles") and CXX_COMPILER are optional. After the
# include, `compiler_arguments` holds the -DCMAKE_CXX_COMPILER=... to pass to a configure step.
cmake_minimum_required(VERSION 3.21)

if(NOT SOURCE_DIR OR NOT WORK_DIR)
  get_filename_component(objpool_script "${CMAKE_SCRIPT_MODE_FILE}" NAME)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=... -DWORK_DIR=... -P ${objpool_script}")
endif()
if(NOT GENERATOR)
  set(GENERATOR "Unix Makefiles")
endif()
set(compiler_arguments "")
if(CXX_COMPILER)
  set(compiler_arguments -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()

# Runs a command; the script stops with the command line if it fails.
function(objpool_run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    list(JOIN ARGV " " command)
    message(FATAL_ERROR "failed (${result}): ${command}")
  endif()
endfunction()
