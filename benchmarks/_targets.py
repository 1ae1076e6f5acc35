from typing import NamedTuple

class Target(NamedTuple):
    label: str
    measured: str
    target: str
    holds: bool
