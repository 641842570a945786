# Runs ports/vcpkg/objpool/portfile.cmake without vcpkg, to test the CMake steps it relies on:
#   cmake -DSOURCE_DIR=<objpool> -DWORK_DIR=<scratch> [-DCXX_COMPILER=...] [-DGENERATOR=...]
#         -P ports/vcpkg/run_portfile.cmake
#
# vcpkg itself cannot be installed here, so its helper functions are replaced by small stand-ins
# that do what vcpkg's do for this port (release-only configure and install into the package
# directory, moving share/cmake/objpool to share/objpool and fixing the import prefix, the
# pkg-config prefix, the copyright file), and the portfile is then run as vcpkg would run it.
# Not covered: the download (vcpkg_from_github uses this source tree; its SHA512 is not
# checked) and vcpkg's own post-build checks, of which the ones that matter for a header-only
# port are repeated below. Afterwards the package is copied elsewhere (as vcpkg copies it into
# installed/<triplet>) and a consumer is built against the copy through find_package and
# through pkg-config.
cmake_minimum_required(VERSION 3.21)

include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/ObjpoolScriptSteps.cmake")

function(check condition_text)
  if(${ARGN})
    return()
  endif()
  message(SEND_ERROR "vcpkg port check failed: ${condition_text}")
  set_property(GLOBAL PROPERTY objpool_port_failed TRUE)
endfunction()

set(port_dir "${CMAKE_CURRENT_LIST_DIR}/objpool")
file(READ "${port_dir}/vcpkg.json" manifest)
string(JSON PORT GET "${manifest}" name)
string(JSON VERSION GET "${manifest}" version)

file(REMOVE_RECURSE "${WORK_DIR}")
set(TARGET_TRIPLET x64-linux)
set(CURRENT_PACKAGES_DIR "${WORK_DIR}/packages/${PORT}_${TARGET_TRIPLET}")
set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/buildtrees/${PORT}")
file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}")

# --- Stand-ins for the vcpkg helpers the portfile calls ------------------------------------

function(vcpkg_from_github)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_SOURCE_PATH;REPO;REF;SHA512;HEAD_REF" "PATCHES")
  check("vcpkg_from_github: REPO is owner/name" arg_REPO MATCHES "^[^/]+/[^/]+$")
  check("vcpkg_from_github: REF is v\${VERSION} (v${VERSION})" arg_REF STREQUAL "v${VERSION}")
  check("vcpkg_from_github: SHA512 given" DEFINED arg_SHA512)
  if(arg_SHA512 STREQUAL "0")
    message(STATUS "vcpkg_from_github: SHA512 is the placeholder 0; fill it in when tag "
                   "v${VERSION} is published (see ports/README.md)")
  endif()
  message(STATUS "vcpkg_from_github: ${arg_REPO}@${arg_REF} -> this source tree (not downloaded)")
  set(${arg_OUT_SOURCE_PATH} "${SOURCE_DIR}" PARENT_SCOPE)
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;OPTIONS_RELEASE;OPTIONS_DEBUG")
  check("vcpkg_cmake_configure: VCPKG_BUILD_TYPE release (header-only)"
        VCPKG_BUILD_TYPE STREQUAL "release")
  # What vcpkg passes besides the port's options (the parts that matter here).
  objpool_run("${CMAKE_COMMAND}" -G "${GENERATOR}" -S "${arg_SOURCE_PATH}"
      -B "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel" ${compiler_arguments}
      -DCMAKE_BUILD_TYPE=Release "-DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR}"
      -DCMAKE_INSTALL_LIBDIR:STRING=lib -DCMAKE_INSTALL_BINDIR:STRING=bin
      -DFETCHCONTENT_FULLY_DISCONNECTED=ON
      ${arg_OPTIONS} ${arg_OPTIONS_RELEASE})
endfunction()

function(vcpkg_cmake_install)
  objpool_run("${CMAKE_COMMAND}" --build "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel" --target install)
endfunction()

function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "CONFIG_PATH;PACKAGE_NAME" "")
  if(NOT arg_PACKAGE_NAME)
    set(arg_PACKAGE_NAME "${PORT}")
  endif()
  set(from "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}")
  set(to "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  if(NOT IS_DIRECTORY "${from}")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: '${from}' does not exist")
  endif()
  if(NOT from STREQUAL to)
    file(MAKE_DIRECTORY "${to}")
    file(GLOB files "${from}/*")
    foreach(file IN LISTS files)
      get_filename_component(name "${file}" NAME)
      file(RENAME "${file}" "${to}/${name}")
    endforeach()
    # Remove the emptied folders (share/cmake/objpool, then share/cmake).
    set(folder "${from}")
    while(NOT folder STREQUAL CURRENT_PACKAGES_DIR)
      file(GLOB left "${folder}/*")
      if(left)
        break()
      endif()
      file(REMOVE_RECURSE "${folder}")
      get_filename_component(folder "${folder}" DIRECTORY)
    endwhile()
  endif()
  # The config files now sit two levels below the prefix: point the computed prefixes there.
  file(GLOB config_files "${to}/*.cmake")
  foreach(file IN LISTS config_files)
    file(READ "${file}" text)
    set(fixed "${text}")
    string(REGEX REPLACE
      "get_filename_component\\(_IMPORT_PREFIX \"\\\${CMAKE_CURRENT_LIST_FILE}\" PATH\\)(\nget_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\))*"
      "get_filename_component(_IMPORT_PREFIX \"\${CMAKE_CURRENT_LIST_FILE}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)"
      fixed "${fixed}")
    string(REGEX REPLACE "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/[./]*\" ABSOLUTE\\)"
      "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)"
      fixed "${fixed}")
    if(NOT fixed STREQUAL text)
      file(WRITE "${file}" "${fixed}")
      get_filename_component(name "${file}" NAME)
      message(STATUS "vcpkg_cmake_config_fixup: import prefix fixed in ${name}")
    endif()
  endforeach()
endfunction()

function(vcpkg_fixup_pkgconfig)
  # vcpkg sets each .pc file's prefix to ${pcfiledir}/<path up to the package root> and refuses
  # absolute paths into the package: objpool.pc must need no change but that.
  file(GLOB pc_files "${CURRENT_PACKAGES_DIR}/share/pkgconfig/*.pc"
       "${CURRENT_PACKAGES_DIR}/lib/pkgconfig/*.pc")
  check("vcpkg_fixup_pkgconfig: a .pc file is installed" pc_files)
  foreach(file IN LISTS pc_files)
    file(READ "${file}" text)
    string(FIND "${text}" "${CURRENT_PACKAGES_DIR}" absolute)
    check("vcpkg_fixup_pkgconfig: ${file} has no absolute path into the package" absolute EQUAL -1)
    string(FIND "${text}" "prefix=\${pcfiledir}/../..\n" relative)
    check("vcpkg_fixup_pkgconfig: ${file} has prefix=\${pcfiledir}/../.." relative GREATER -1)
  endforeach()
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
  check("vcpkg_install_copyright: FILE_LIST given" arg_FILE_LIST)
  set(text "")
  foreach(file IN LISTS arg_FILE_LIST)
    file(READ "${file}" content)
    string(APPEND text "${content}")
  endforeach()
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${text}")
endfunction()

# --- The portfile, as vcpkg runs it ---------------------------------------------------------

message(STATUS "running ports/vcpkg/objpool/portfile.cmake for ${PORT} ${VERSION}")
include("${port_dir}/portfile.cmake")

# --- Post-build checks (the ones of vcpkg's that matter for a header-only port) -------------

set(p "${CURRENT_PACKAGES_DIR}")
check("include/objpool/objpool.hpp installed" EXISTS "${p}/include/objpool/objpool.hpp")
check("include/objpool/version.hpp installed" EXISTS "${p}/include/objpool/version.hpp")
foreach(file IN ITEMS objpoolConfig.cmake objpoolConfigVersion.cmake objpoolTargets.cmake copyright usage)
  check("share/objpool/${file} installed" EXISTS "${p}/share/objpool/${file}")
endforeach()
check("share/pkgconfig/objpool.pc installed" EXISTS "${p}/share/pkgconfig/objpool.pc")
foreach(folder IN ITEMS debug share/cmake share/licenses lib bin)
  check("no ${folder}/ in the package" NOT EXISTS "${p}/${folder}")
endforeach()
file(GLOB_RECURSE installed_files LIST_DIRECTORIES FALSE "${p}/share/*")
foreach(file IN LISTS installed_files)
  file(READ "${file}" text)
  string(FIND "${text}" "${WORK_DIR}" absolute)
  file(RELATIVE_PATH name "${p}" "${file}")
  check("${name} has no absolute path into the build" absolute EQUAL -1)
endforeach()
get_property(failed GLOBAL PROPERTY objpool_port_failed)
if(failed)
  message(FATAL_ERROR "the vcpkg port's package does not have the expected layout")
endif()

# --- A consumer against a copy of the package (vcpkg's installed/<triplet>) -----------------

set(installed "${WORK_DIR}/installed/${TARGET_TRIPLET}")
file(MAKE_DIRECTORY "${installed}")
file(COPY "${p}/" DESTINATION "${installed}")
file(REMOVE_RECURSE "${p}")  # nothing may still point into the package directory

set(consumer_source "${SOURCE_DIR}/ports/conan/test_package")
objpool_run("${CMAKE_COMMAND}" -G "${GENERATOR}" -S "${consumer_source}" -B "${WORK_DIR}/consumer"
    ${compiler_arguments} "-DCMAKE_PREFIX_PATH=${installed}")
objpool_run("${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer")
objpool_run("${WORK_DIR}/consumer/test_package")

set(ENV{PKG_CONFIG_PATH} "${installed}/share/pkgconfig")
execute_process(COMMAND pkg-config --cflags objpool OUTPUT_VARIABLE flags
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags objpool failed (${result})")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
if(NOT CXX_COMPILER)
  set(CXX_COMPILER c++)
endif()
objpool_run("${CXX_COMPILER}" -std=c++17 ${flags} "${consumer_source}/test_package.cpp"
    -o "${WORK_DIR}/pkg_config_consumer")
objpool_run("${WORK_DIR}/pkg_config_consumer")
message(STATUS "vcpkg port: package layout as expected; find_package and pkg-config consumers "
               "built and ran against ${installed}")
