"""The load and fault test, `make loadtest` (`python -m tests.load`): the main journeys (search,
request, accept or decline, cancel) driven by Locust at 32 users against gunicorn, on a
throwaway PostgreSQL server that is restarted in the middle of the load, and then on the
embedded SQLite default; afterwards the databases are checked for overbooked dates and for
writes the clients saw acknowledged but that are missing. See __main__.py for the steps.
"""
