# The tests that threads can break, for the ThreadSanitizer build: the tsan preset builds only the
# target objpool_threaded_tests and runs only the tests labelled "threads". A single-threaded test
# can show TSan nothing, and the single-threaded suites (the typed contract suites above all) are
# about half of the compile.
#
#   objpool_threaded_tests(TARGETS <targets...> [TESTS <test names...>])
#
# makes objpool_threaded_tests build TARGETS (the executables, and anything else the TESTS run) and
# labels TESTS "threads". Catch2 suites say THREADS to objpool_add_catch_test instead.
include_guard(GLOBAL)

if(NOT TARGET objpool_threaded_tests)
  add_custom_target(objpool_threaded_tests)
endif()

function(objpool_threaded_tests)
  cmake_parse_arguments(ARG "" "" "TARGETS;TESTS" ${ARGN})
  add_dependencies(objpool_threaded_tests ${ARG_TARGETS})
  if(ARG_TESTS)
    set_tests_properties(${ARG_TESTS} PROPERTIES LABELS threads)
  endif()
endfunction()
