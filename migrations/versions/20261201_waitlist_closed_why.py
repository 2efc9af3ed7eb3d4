"""waitlist closed why: why a waiting-list entry was closed (waitlist_entries.closed_why:
date_began, offer_withdrawn, offer_ended or nobody_at_school), written in the same conditional
UPDATE as the status, so a region's figures count only the entries whose date began before
room came free for them, whatever became of the offer later; and empty_searches.province_id
goes, as nothing read it (a search's region comes from its place).

Nothing is carried over: entries closed before say no reason and are not counted as closed
without room.

Revision ID: 634fc0369a24
Revises: 4a31ce59a72b
Create Date: 2026-12-01 17:55:46.377845

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '634fc0369a24'
down_revision = '4a31ce59a72b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('empty_searches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_empty_searches_province_id_provinces'),
                                 type_='foreignkey')
        batch_op.drop_column('province_id')

    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_why', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_column('closed_why')

    with op.batch_alter_table('empty_searches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.INTEGER(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_empty_searches_province_id_provinces'),
                                    'provinces', ['province_id'], ['id'])
