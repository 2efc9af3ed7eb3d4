"""matching weights: the search weights a Technocentrum's moderator chose for their region

A region without a row keeps searching with the documented defaults, so nothing is carried over.

Revision ID: b3f7d1e9a260
Revises: a9c4e2d71b05
Create Date: 2026-12-01 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b3f7d1e9a260'
down_revision = 'a9c4e2d71b05'
branch_labels = None
depends_on = None

# As in portal/matching/models.py at the time of writing (a migration does not follow the code).
_BOUNDS = ('region >= 0 AND region <= 100 AND distance >= 0 AND distance <= 100 AND '
           'sector >= 0 AND sector <= 100 AND level >= 0 AND level <= 100 AND '
           'period >= 0 AND period <= 100 AND text >= 0 AND text <= 100 AND '
           'fairness >= 0 AND fairness <= 50')


def upgrade():
    op.create_table('matching_weights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technocentrum_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.Integer(), nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.Column('sector', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('text', sa.Integer(), nullable=False),
    sa.Column('fairness', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(_BOUNDS, name=op.f('ck_matching_weights_bounds')),
    sa.ForeignKeyConstraint(['technocentrum_id'], ['organisations.id'], name=op.f('fk_matching_weights_technocentrum_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_matching_weights_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_weights')),
    sa.UniqueConstraint('technocentrum_id', name=op.f('uq_matching_weights_technocentrum_id'))
    )


def downgrade():
    op.drop_table('matching_weights')
