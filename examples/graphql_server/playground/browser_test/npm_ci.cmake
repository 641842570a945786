# Installs the browser test's npm dependencies (playwright-core, pinned by package-lock.json) into
# node_modules/ next to this file, unless the installed tree already matches the lock file.
# playwright-core downloads no browser; the test drives Debian's chromium.
#   cmake -DNPM=/usr/bin/npm -P npm_ci.cmake
set(dir "${CMAKE_CURRENT_LIST_DIR}")
file(SHA256 "${dir}/package-lock.json" lock_hash)
set(stamp "${dir}/node_modules/.objpool-package-lock.sha256")
if(EXISTS "${stamp}")
  file(READ "${stamp}" installed_hash)
  if(installed_hash STREQUAL lock_hash AND EXISTS "${dir}/node_modules/playwright-core/package.json")
    message(STATUS "playground browser test npm dependencies are up to date")
    return()
  endif()
endif()
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --ignore-scripts
                WORKING_DIRECTORY "${dir}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${result})")
endif()
file(WRITE "${stamp}" "${lock_hash}")
