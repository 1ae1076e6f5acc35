"""Country names and codes to ISO 3166 alpha-3 (see :mod:`alliancestats.io.countries`)."""

from .io.countries import NON_STATE, SCHEMES, to_alpha3

__all__ = ["to_alpha3", "SCHEMES", "NON_STATE"]
