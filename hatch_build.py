"""Compiles three modules with Cython when a wheel is built, so that ``pip install .`` gives them:
the per-line loops of src/boilersift/_compiled.pyx (the tree walk, the word hashing, the scans of
the features), the HTML segmenter, src/boilersift/blocks/html.py itself (typed by html.pxd
beside it), and src/boilersift/blocks/_libxml2.pyx, which hands it libxml2's parse events.
Where they cannot be compiled (no C compiler) the install goes on with a warning and
predicting computes the same in numpy and plain Python, slower.

    python hatch_build.py    # build them next to their sources, for working from src/ (after editing either)
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULES = {
    "boilersift._compiled": "src/boilersift/_compiled.pyx",
    "boilersift.blocks.html": "src/boilersift/blocks/html.py",
}
# Built on its own, against the libxml2 headers that lxml ships: where it cannot be (no
# dlfcn.h, an lxml without headers), the modules above still are.
LIBXML2_MODULES = {"boilersift.blocks._libxml2": "src/boilersift/blocks/_libxml2.pyx"}


class CompiledModules(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        editable = version == "editable"  # imports from src/: build them there
        try:
            built = build(root, MODULES, in_place=editable)
        except Exception as exc:  # noqa: BLE001 - whatever stops the compiler: fall back to Python
            self.app.display_warning(f"boilersift: the compiled modules were not built ({exc}); "
                                     "predicting will compute the same in numpy and Python, slower")
            return
        try:
            built |= build(root, LIBXML2_MODULES, in_place=editable, libxml2=True)
        except Exception as exc:  # noqa: BLE001
            self.app.display_warning(f"boilersift: blocks/_libxml2.pyx was not built ({exc}); "
                                     "HTML pages will be parsed through lxml's parser target, slower")
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if not editable:
            for module, path in built.items():
                build_data["force_include"][str(path)] = "/".join(module.split(".")[:-1] + [path.name])


def build(root: Path, modules: dict[str, str], in_place: bool, libxml2: bool = False) -> dict[str, Path]:
    """Cythonize and compile `modules` (into build/, or next to their sources), with lxml's
    libxml2 headers if `libxml2`; their paths."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    include_dirs = __import__("lxml").get_include() if libxml2 else []
    extensions = [Extension(module, [str(root / source)], include_dirs=include_dirs, extra_compile_args=["-O2"])
                  for module, source in modules.items()]
    # annotation_typing off: html.py's annotations document, html.pxd types (lxml hands the
    # segmenter a mapping that is no dict, where html.py says dict).
    compiled = cythonize(extensions, quiet=True, build_dir=str(root / "build" / "cython"),
                         include_path=[str(root / "src")],  # _libxml2.pyx cimports blocks/html.pxd
                         compiler_directives={"language_level": 3, "annotation_typing": False})
    distribution = Distribution({"ext_modules": compiled, "package_dir": {"": "src"}})
    command = distribution.get_command_obj("build_ext")
    command.inplace = in_place
    command.build_lib = str(root / "build" / "lib")
    command.build_temp = str(root / "build" / "temp")
    command.ensure_finalized()
    command.run()
    return {extension.name: Path(command.get_ext_fullpath(extension.name)).resolve() for extension in extensions}


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    built = build(here, MODULES, in_place=True) | build(here, LIBXML2_MODULES, in_place=True, libxml2=True)
    for path in built.values():
        print(path)
