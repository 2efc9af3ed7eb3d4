"""No personal data of pupils anywhere: pupils are never users, and the portal keeps only counts
of them (how many took part, how many of them girls). Every column of every model and every
field of every form is scanned for names that would hold a pupil's personal data; a new one
fails here, named, until it is either renamed or, as an aggregate count, allowed below.
"""
import importlib
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import Integer
from wtforms.fields.core import UnboundField

import portal
from portal.db import Base

# Words that name a pupil (or a group of them) in English and Dutch.
PUPIL_WORDS = ("pupil", "leerling", "student", "scholier", "child", "kinder", "kid", "minor",
               "girl", "boy", "meisje", "jongen", "learner", "deelnemer", "cursist")
# What would identify a person, next to a pupil word ("pupil_name", "leerling_adres").
PERSONAL_WORDS = ("name", "naam", "birth", "born", "geboorte", "age", "leeftijd", "bsn",
                  "address", "adres", "street", "straat", "postcode", "zip", "phone", "telefoon",
                  "mobile", "mobiel", "email", "mail", "photo", "foto", "picture", "gender",
                  "geslacht", "nationality", "nationaliteit", "medical", "medisch", "allerg",
                  "diagnos", "parent", "ouder", "guardian", "voogd", "class", "klas", "note",
                  "notitie", "list", "lijst", "id", "number", "nummer")
# Names that identify anyone, pupil or not: the portal never asks for them.
NEVER = ("bsn", "burgerservice", "citizen_service", "social_security", "date_of_birth",
         "birth_date", "birthdate", "birthday", "geboortedatum", "dob")
# Tables of pupils themselves, whatever their columns.
PUPIL_TABLES = re.compile(r"^(pupil|leerling|student|scholier|child|kinder|learner)", re.I)

# The aggregate counts that mention pupils: numbers, never a person.
ALLOWED_COLUMNS = {
    "evaluations.pupils_reached": "pupils who took part, a count",
    "evaluations.girls": "of them girls, a count",
    "offers.pupils_per_day": "how many pupils a taster day takes, a count",
    "bus_rides.pupils": "how many pupils a Techniekbus ride carries, a count",
}
ALLOWED_FIELDS = {"pupils_reached", "girls", "pupils_per_day"}


def _words(name):
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def _mentions(name, words):
    """Whether a word of `words` starts a part of the snake_case `name` (so "pupils" counts as
    "pupil" and "girls" as "girl", but "page" is not "age")."""
    return any(part.startswith(word) for part in _words(name) for word in words)


def problem(name, allowed):
    """Why `name` may hold a pupil's personal data, or None."""
    lowered = name.lower()
    if any(word in lowered for word in NEVER) or "bsn" in _words(name):
        return "names personal data the portal never keeps"
    if _mentions(name, PUPIL_WORDS):
        if _mentions(name, PERSONAL_WORDS):
            return "holds personal data of a pupil"
        if name not in allowed:
            return "mentions pupils and is no allowed count"
    return None


def columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            yield table.name, column


def form_fields():
    """(form class, field name) of every form in the portal's modules."""
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)
    found = set()

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("portal."):
                for name in dir(sub):
                    if isinstance(getattr(sub, name, None), UnboundField):
                        found.add((f"{sub.__module__}.{sub.__qualname__}", name))
            walk(sub)

    walk(FlaskForm)
    return sorted(found)


def test_no_table_is_about_pupils_themselves():
    tables = [t.name for t in Base.metadata.sorted_tables if PUPIL_TABLES.match(t.name)]
    assert not tables, f"tables of pupils: {tables}"


def test_no_column_holds_a_pupils_personal_data():
    found = []
    for table, column in columns():
        qualified = f"{table}.{column.name}"
        why = problem(column.name, {c.split(".")[1] for c in ALLOWED_COLUMNS if c.startswith(
            f"{table}.")})
        if why:
            found.append(f"{qualified}: {why}")
    assert not found, "columns that could hold pupils' personal data:\n" + "\n".join(found)


def test_the_allowed_pupil_columns_are_counts():
    by_name = {f"{table}.{column.name}": column for table, column in columns()}
    for qualified in ALLOWED_COLUMNS:
        assert qualified in by_name, f"{qualified} is allowed but no longer exists"
        assert isinstance(by_name[qualified].type, Integer), f"{qualified} is not a count"


def test_no_form_asks_for_a_pupils_personal_data():
    fields = form_fields()
    assert len(fields) > 50  # the scan found the portal's forms
    found = [f"{form}.{name}: {why}" for form, name in fields
             if (why := problem(name, ALLOWED_FIELDS))]
    assert not found, "form fields that could ask for pupils' personal data:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ["pupil_name", "leerling_naam", "student_email",
                                  "child_birth_date", "bsn", "date_of_birth", "girls_names",
                                  "pupil_notes", "students", "leerlingen_lijst"])
def test_the_scan_would_catch(name):
    assert problem(name, ALLOWED_FIELDS) is not None


@pytest.mark.parametrize("name", ["pupils_reached", "girls", "pupils_per_day", "full_name",
                                  "email", "group_size", "message", "language", "page",
                                  "min_age", "kind", "address"])
def test_the_scan_lets_through(name):
    assert problem(name, ALLOWED_FIELDS) is None
