"""The primaries' pathways, one module each: a profile (the primary's data) and a table of roads.

Registered in pathway/definition.py; nothing outside it imports these modules.
"""
