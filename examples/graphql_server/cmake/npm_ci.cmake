# Installs a test's npm dependencies, pinned by the package-lock.json in DIR, into DIR/node_modules
# with `npm ci --ignore-scripts`, unless the installed tree already matches the lock file (a stamp
# holds the lock file's SHA-256). MARKER is a package the tree must contain to count as installed.
#   cmake -DNPM=/usr/bin/npm -DDIR=<folder with package-lock.json> -DMARKER=graphql -P npm_ci.cmake
# The lock files record no install scripts and no download addresses; nothing else is fetched.
foreach(required NPM DIR MARKER)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "npm_ci.cmake: -D${required}=... is required")
  endif()
endforeach()
file(SHA256 "${DIR}/package-lock.json" lock_hash)
set(stamp "${DIR}/node_modules/.objpool-package-lock.sha256")
if(EXISTS "${stamp}")
  file(READ "${stamp}" installed_hash)
  if(installed_hash STREQUAL lock_hash AND EXISTS "${DIR}/node_modules/${MARKER}/package.json")
    message(STATUS "npm dependencies in ${DIR} are up to date")
    return()
  endif()
endif()
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --ignore-scripts
                WORKING_DIRECTORY "${DIR}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DIR} failed (${result})")
endif()
file(WRITE "${stamp}" "${lock_hash}")
