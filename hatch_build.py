"""Compiles two modules with Cython when a wheel is built, so that ``pip install .`` gives them:
the per-line loops of src/boilersift/_compiled.pyx (the tree walk, the word hashing, the scans of
the features) and the HTML segmenter, src/boilersift/blocks/html.py itself (typed by html.pxd
beside it). Where they cannot be compiled (no C compiler) the install goes on with a warning and
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


class CompiledModules(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        editable = version == "editable"  # imports from src/: build them there
        try:
            built = build(root, in_place=editable)
        except Exception as exc:  # noqa: BLE001 - whatever stops the compiler: fall back to Python
            self.app.display_warning(f"boilersift: the compiled modules were not built ({exc}); "
                                     "predicting will compute the same in numpy and Python, slower")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if not editable:
            for module, path in built.items():
                build_data["force_include"][str(path)] = "/".join(module.split(".")[:-1] + [path.name])


def build(root: Path, in_place: bool) -> dict[str, Path]:
    """Cythonize and compile the modules (into build/, or next to their sources); their paths."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    extensions = [Extension(module, [str(root / source)], extra_compile_args=["-O2"])
                  for module, source in MODULES.items()]
    # annotation_typing off: html.py's annotations document, html.pxd types (lxml hands the
    # segmenter a mapping that is no dict, where html.py says dict).
    modules = cythonize(extensions, quiet=True, build_dir=str(root / "build" / "cython"),
                        compiler_directives={"language_level": 3, "annotation_typing": False})
    distribution = Distribution({"ext_modules": modules, "package_dir": {"": "src"}})
    command = distribution.get_command_obj("build_ext")
    command.inplace = in_place
    command.build_lib = str(root / "build" / "lib")
    command.build_temp = str(root / "build" / "temp")
    command.ensure_finalized()
    command.run()
    return {extension.name: Path(command.get_ext_fullpath(extension.name)).resolve() for extension in extensions}


if __name__ == "__main__":
    for path in build(Path(__file__).resolve().parent, in_place=True).values():
        print(path)
