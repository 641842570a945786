# Conan 2 recipe for objpool, a header-only library.
#
# It packages the objpool sources this file sits in (ports/conan/ of the repository): the version
# is read from include/objpool/version.hpp, the one place it is written, and the headers and the
# license are exported from the repository root. `conan create ports/conan` from a checkout
# builds the package and runs test_package. A conan-center-index recipe would instead download a
# release archive listed in conandata.yml; everything else would stay as it is.
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class ObjpoolConan(ConanFile):
    name = "objpool"
    description = ("Header-only C++17 object and id pools with pluggable free-list policies "
                   "(FIFO ring, LIFO stack, lowest-first bitmap) and an always-on double-free check")
    license = "MIT"
    url = "https://github.com/objpool/objpool"
    homepage = "https://github.com/objpool/objpool"
    topics = ("object-pool", "id-pool", "free-list", "allocator", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    no_copy_source = True

    @property
    def _repository_root(self):
        return os.path.join(self.recipe_folder, "..", "..")

    def set_version(self):
        header = load(self, os.path.join(self._repository_root, "include", "objpool", "version.hpp"))
        parts = [re.search(r"#define OBJPOOL_VERSION_%s (\d+)" % part, header).group(1)
                 for part in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def export_sources(self):
        root = self._repository_root
        copy(self, "LICENSE", src=root, dst=self.export_sources_folder)
        copy(self, "*.hpp", src=os.path.join(root, "include"),
             dst=os.path.join(self.export_sources_folder, "include"))

    def layout(self):
        basic_layout(self, src_folder=".")

    def package_id(self):
        # Headers only: one package for every setting.
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", src=os.path.join(self.source_folder, "include"),
             dst=os.path.join(self.package_folder, "include"))

    def package_info(self):
        # The same names as objpool's own CMake package and pkg-config file.
        self.cpp_info.set_property("cmake_file_name", "objpool")
        self.cpp_info.set_property("cmake_target_name", "objpool::objpool")
        self.cpp_info.set_property("pkg_config_name", "objpool")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
