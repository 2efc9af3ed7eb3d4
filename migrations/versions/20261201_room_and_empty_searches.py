"""room and empty searches: why a declined or withdrawn request ended (bookings.end_reason,
"no_room" for lack of room, else empty) and the log of searches that found nothing
(empty_searches: the day, the place and province searched from, the filters as JSON; nothing of
who searched), both for a region's figures

Nothing is carried over: the requests that ended before say no reason (they count as "another
reason"), and no empty search was logged before.

Revision ID: 4a31ce59a72b
Revises: 504e4d1909ca
Create Date: 2026-12-01 17:16:24.871396

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '4a31ce59a72b'
down_revision = '504e4d1909ca'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('empty_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('filters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_empty_searches_place_id_places')),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name=op.f('fk_empty_searches_province_id_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_empty_searches'))
    )
    with op.batch_alter_table('empty_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_empty_searches_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_empty_searches_place_id'), ['place_id'], unique=False)

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_reason', sa.String(length=20), nullable=True))



def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('end_reason')

    with op.batch_alter_table('empty_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_empty_searches_place_id'))
        batch_op.drop_index(batch_op.f('ix_empty_searches_day'))

    op.drop_table('empty_searches')
