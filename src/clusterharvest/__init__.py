"""clusterharvest: harvest the BMBF cluster internationalisation programme into versioned JSON.

A plain library (no Prefect import): ``fetch`` and ``store`` get bytes, ``parse`` turns
bytes into entries, ``normalize`` turns values into codes, ``publish`` writes versions.
"""

__version__ = "0.1.0"
