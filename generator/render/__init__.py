"""Render stage: plans and the model → file text through Jinja templates.

Nothing is imported here: ``generator.render.result`` (what a run produced) is read by runs that
render nothing (a check refused before rendering), which then do not import Jinja.
"""
