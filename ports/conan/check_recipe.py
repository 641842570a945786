#!/usr/bin/env python3
"""Runs the methods of ports/conan/conanfile.py against a stub of the Conan 2 API.

Conan is not installed here, so `conan create ports/conan` cannot run. This loads the recipe
with small stand-ins for the few `conan` functions it imports, calls its methods in the order
Conan would (set_version, export_sources, layout, validate, package_id, package, package_info)
and checks what they do:

- the version is the one in include/objpool/version.hpp;
- the attributes a header-only recipe needs (package_type "header-library", no_copy_source);
- package_id() clears the settings (one package for every configuration);
- validate() requires C++17;
- export_sources() + package() give include/objpool/*.hpp (no detail header missing) and
  licenses/LICENSE, and nothing else;
- package_info() names the CMake file objpool, the target objpool::objpool, the pkg-config
  module objpool, and has no bin or lib folders.

Usage: check_recipe.py --work-dir DIR
"""
import argparse
import fnmatch
import importlib.util
import os
import re
import shutil
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def install_stub_conan_api(calls):
    """Registers a fake `conan` package with what conanfile.py imports."""

    class ConanFile:
        def __init__(self):
            self.info = types.SimpleNamespace(clear=lambda: calls.append("info.clear"))
            self.cpp_info = types.SimpleNamespace(properties={}, bindirs=["bin"], libdirs=["lib"])
            self.cpp_info.set_property = lambda name, value: self.cpp_info.properties.__setitem__(name, value)

    def copy(conanfile, pattern, src, dst, **kwargs):
        copied = []
        for folder, _, files in os.walk(src):
            for name in files:
                relative = os.path.relpath(os.path.join(folder, name), src)
                if fnmatch.fnmatch(relative, pattern):  # as Conan: the path below src
                    target = os.path.join(dst, relative)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    shutil.copy2(os.path.join(folder, name), target)
                    copied.append(target)
        return copied

    def load(conanfile, path, **kwargs):
        with open(path, encoding="utf-8") as file:
            return file.read()

    def check_min_cppstd(conanfile, cppstd, gnu_extensions=False):
        calls.append("check_min_cppstd(%s)" % cppstd)

    def basic_layout(conanfile, src_folder="."):
        calls.append("basic_layout(src_folder=%r)" % src_folder)

    modules = {
        "conan": types.ModuleType("conan"),
        "conan.tools": types.ModuleType("conan.tools"),
        "conan.tools.build": types.ModuleType("conan.tools.build"),
        "conan.tools.files": types.ModuleType("conan.tools.files"),
        "conan.tools.layout": types.ModuleType("conan.tools.layout"),
    }
    modules["conan"].ConanFile = ConanFile
    modules["conan.tools.build"].check_min_cppstd = check_min_cppstd
    modules["conan.tools.files"].copy = copy
    modules["conan.tools.files"].load = load
    modules["conan.tools.layout"].basic_layout = basic_layout
    sys.modules.update(modules)


def header_version():
    with open(os.path.join(ROOT, "include", "objpool", "version.hpp"), encoding="utf-8") as file:
        text = file.read()
    return ".".join(re.search(r"#define OBJPOOL_VERSION_%s (\d+)" % part, text).group(1)
                    for part in ("MAJOR", "MINOR", "PATCH"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work-dir", required=True)
    work = parser.parse_args().work_dir
    shutil.rmtree(work, ignore_errors=True)

    calls = []
    install_stub_conan_api(calls)
    spec = importlib.util.spec_from_file_location("objpool_conanfile", os.path.join(HERE, "conanfile.py"))
    recipe_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe_module)
    recipe = recipe_module.ObjpoolConan()

    failures = []

    def check(condition, what):
        if not condition:
            failures.append(what)

    check(recipe_module.required_conan_version.startswith(">=2"), "required_conan_version >=2")
    check(recipe.name == "objpool", "name is objpool")
    check(recipe.package_type == "header-library", 'package_type is "header-library"')
    check(recipe.no_copy_source is True, "no_copy_source is True")
    check(recipe.license == "MIT", "license is MIT")

    recipe.recipe_folder = HERE
    recipe.set_version()
    check(recipe.version == header_version(),
          "set_version() gives %r, version.hpp says %r" % (recipe.version, header_version()))

    recipe.export_sources_folder = os.path.join(work, "export_source")
    recipe.export_sources()
    recipe.layout()
    recipe.validate()
    check("check_min_cppstd(17)" in calls, "validate() requires C++17")
    recipe.package_id()
    check("info.clear" in calls, "package_id() calls self.info.clear()")

    recipe.source_folder = recipe.export_sources_folder
    recipe.package_folder = os.path.join(work, "package")
    recipe.package()
    packaged = sorted(os.path.relpath(os.path.join(folder, name), recipe.package_folder)
                      for folder, _, files in os.walk(recipe.package_folder) for name in files)
    expected = sorted(["licenses/LICENSE"] + [
        os.path.relpath(os.path.join(folder, name), ROOT)
        for folder, _, files in os.walk(os.path.join(ROOT, "include")) for name in files
        if name.endswith(".hpp")])
    check(packaged == expected,
          "package() gives exactly include/**/*.hpp and licenses/LICENSE; extra: %s, missing: %s"
          % (sorted(set(packaged) - set(expected)), sorted(set(expected) - set(packaged))))

    recipe.package_info()
    properties = recipe.cpp_info.properties
    check(properties.get("cmake_file_name") == "objpool", "cmake_file_name objpool")
    check(properties.get("cmake_target_name") == "objpool::objpool", "cmake_target_name objpool::objpool")
    check(properties.get("pkg_config_name") == "objpool", "pkg_config_name objpool")
    check(recipe.cpp_info.bindirs == [] and recipe.cpp_info.libdirs == [], "no bindirs or libdirs")

    if failures:
        print("ports/conan/conanfile.py:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("ports/conan/conanfile.py: objpool %s, %d files packaged; every check passed"
          % (recipe.version, len(packaged)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
