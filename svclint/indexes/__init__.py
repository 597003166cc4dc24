"""The cross-object indexes, one module each, built on first use through ``Project.index``.

An index is a function ``build(project) -> value`` that reads ``project.objects`` (and the scopes
of their files) once; ``project.index(build)`` builds it the first time a rule asks and keeps it
for the run. Every index is kept per scope (see ``scopes``), so lookups stay exact and every rule
linear. A new index is a new module here: neither ``Project`` nor the engine changes.
"""
