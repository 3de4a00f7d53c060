"""A plain Django project: the yardstick `make bench` measures Atom's API against.

What `django-admin startproject` gives (its default middleware, its apps),
plus one JSON view answering what `GET /api/v1/company` answers. The harness
starts it with gunicorn like Atom (same workers, same machine, same run), so
every report has Atom's API calls as a ratio of "the same JSON from a plain
Django view".
"""
