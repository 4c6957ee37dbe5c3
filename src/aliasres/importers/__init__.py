"""Importers that build registry groups from public lists.

Each importer reads files the caller points it to (nothing here knows where a data snapshot
lives) and returns a :class:`~aliasres.registry.Registry` that can be merged into the
hand-curated registry:

* :mod:`aliasres.importers.ofac`: organisations designated SDGT or FTO on the U.S. Treasury's
  OFAC SDN list (legacy CSV files ``sdn.csv``, ``alt.csv``, ``add.csv``, ``sdn_comments.csv``).
"""
