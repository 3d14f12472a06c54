"""mapk-filter: screen ALL/LBL variant files for HEM-iSMART sub-protocol B."""

# The one place the version is written: pyproject.toml reads it from here (hatch), and
# importing it costs nothing, unlike importlib.metadata (about 50 ms at every start).
__version__ = "0.1.0"
