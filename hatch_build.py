"""Compiles the per-line loops of src/boilersift/_compiled.pyx (the tree walk, the word hashing,
the content words, the line shapes) when a wheel is built, so that ``pip install .`` gives them;
where they cannot be compiled (no C compiler) the install goes on with a warning and predicting
computes the same in numpy and Python, slower.

    python hatch_build.py    # build it next to its source, for working from src/ without installing
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULE = "boilersift._compiled"
SOURCE = "src/boilersift/_compiled.pyx"


class CompiledLoops(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        editable = version == "editable"  # imports from src/: build it there
        try:
            built = build(root, in_place=editable)
        except Exception as exc:  # noqa: BLE001 - whatever stops the compiler: fall back to numpy
            self.app.display_warning(f"boilersift: the compiled loops were not built ({exc}); "
                                     "predicting will compute the same in numpy, slower")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if not editable:
            build_data["force_include"][str(built)] = "/".join(MODULE.split(".")[:-1] + [built.name])


def build(root: Path, in_place: bool) -> Path:
    """Cythonize and compile the module (into build/, or next to its source); its path."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    extension = Extension(MODULE, [str(root / SOURCE)], extra_compile_args=["-O2"])
    modules = cythonize([extension], quiet=True, build_dir=str(root / "build" / "cython"))
    distribution = Distribution({"ext_modules": modules, "package_dir": {"": "src"}})
    command = distribution.get_command_obj("build_ext")
    command.inplace = in_place
    command.build_lib = str(root / "build" / "lib")
    command.build_temp = str(root / "build" / "temp")
    command.ensure_finalized()
    command.run()
    return Path(command.get_ext_fullpath(extension.name)).resolve()


if __name__ == "__main__":
    print(build(Path(__file__).resolve().parent, in_place=True))
