"""SQL analysis: the one module that parses SQL text (pglast, cached per text and mode) and walks
its trees.

==================  ==============================================================================
:mod:`.parse`       the parse cache: statements, PL/pgSQL, wrapped expressions and type names
:mod:`.nodes`       small node readers shared by every walk (name lists, searches, normal forms)
:mod:`.refs`        what SQL refers to and what it may be (located errors), which columns it uses,
                    whether two texts are the same after a column rename
:mod:`.select`      a view's select list as a comparable key; the FROM relations; index predicates;
                    the name Postgres gives an unnamed output column (FigureColname)
:mod:`.shape`       the shape of a policy expression (per-row calls, filters, sub-selects) for lint
:mod:`.types`       :class:`TypeRef`: a column type read once with Postgres's TypeName grammar, and
                    the rules on types (narrowing, rewriting, spelling, resolution by search path)
==================  ==============================================================================

It imports nothing of the ir or later stages, so every stage may use it.
"""
