"""Docstring text shared by the readers of event tables (see ``_docstrings.fill``)."""

READING_PARAMETERS = """\
preset : Preset, optional
    A published layout (``EventTable.ICEWS``, ...): column names, date format,
    code system and country scheme.
columns : mapping, optional
    ``date``, ``source``, ``target``, ``code`` (and ``mode`` for PLOVER) to the
    input's column names; overrides the preset's. Default: the same names.
countries : str or mapping, optional
    The scheme of the country columns: ``"name"``, ``"iso3"``, ``"iso2"``,
    ``"fips"``, ``"cameo"``, ``"cow"`` or ``"iso-numeric"``, or a mapping with
    keys ``source`` and ``target``. Default: the preset's; without a preset
    each value is read in every scheme it fits, and a value two schemes read
    differently (``CH``: Switzerland or China) is an error.
code_system : {"cameo", "plover", "labels"}, optional
    Default: the preset's, else ``"cameo"``.
unknown : {"raise", "missing"}
    What to do with a country value no table knows: raise listing the values
    and rows (default), or keep it as missing and list it in
    ``unknown_countries``.
date_format : str, optional
    ``strftime`` format of the dates (e.g. ``"%Y%m%d"``); default: the preset's,
    else ISO dates.
"""
