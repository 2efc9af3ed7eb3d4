"""search requests: a booking that becomes, or stops being, an open request writes its offer's
id into search_changes, so every process keeps the companies' open requests (the fairness rule)
in memory instead of counting them for every search (portal.matching.changes)

Revision ID: d5e9b3a7c024
Revises: c4d8a2f6b913
Create Date: 2026-12-01 09:00:00

"""
from alembic import op

from portal.matching import changes

revision = 'd5e9b3a7c024'
down_revision = 'c4d8a2f6b913'
branch_labels = None
depends_on = None


def upgrade():
    for statement in changes.request_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in changes.request_drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
