"""mapk-filter: screen ALL/LBL variant files for HEM-iSMART sub-protocol B."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mapk-filter")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
