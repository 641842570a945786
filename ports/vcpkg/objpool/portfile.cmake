# Header-only: one release configuration is enough, and nothing lands in debug/.
set(VCPKG_BUILD_TYPE release)

vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO objpool/objpool
    REF "v${VERSION}"
    SHA512 0
    HEAD_REF main
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DOBJPOOL_BUILD_TESTS=OFF
        -DOBJPOOL_BUILD_EXAMPLES=OFF
        -DOBJPOOL_BUILD_BENCHMARKS=OFF
        -DOBJPOOL_BUILD_DOCS=OFF
        -DOBJPOOL_BUILD_FUZZERS=OFF
        -DOBJPOOL_INSTALL=ON
)
vcpkg_cmake_install()

# The project installs its CMake package to share/cmake/objpool; vcpkg wants share/objpool.
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/objpool)
# objpool.pc is installed to share/pkgconfig (architecture-independent) and is relocatable.
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE
    "${CURRENT_PACKAGES_DIR}/debug"
    # The project's own copy of the license; vcpkg's goes to share/objpool/copyright.
    "${CURRENT_PACKAGES_DIR}/share/licenses"
)

vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
