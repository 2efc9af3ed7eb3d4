"""taxonomy version: a stamp that changes with every change to the sectors or education levels
(triggers), so that processes keep them, and the search form's options, until they change
(portal.taxonomy.version)

Revision ID: e7a1c5d9f346
Revises: d5e9b3a7c024
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from portal.taxonomy import version

revision = 'e7a1c5d9f346'
down_revision = 'd5e9b3a7c024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'taxonomy_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_taxonomy_version')),
    )
    op.execute(version.FIRST_ROW)
    for statement in version.statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in version.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('taxonomy_version')
