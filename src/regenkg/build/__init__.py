"""The build, as typed stages: plan → segment → embed → graph → components → manifest → publish.

:mod:`regenkg.pipeline` runs them for ``build``, ``add``, ``remove`` and ``unmerge``; each stage takes and
returns frozen values (:mod:`regenkg.build.stages`), so each can be run and tested alone.
"""
