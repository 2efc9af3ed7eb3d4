"""administration: the single places a Technocentrum covers besides its provinces, the nine
topsectors as a second lens on the sectors, and edited_at on the reference tables so that
loading the seeds again keeps what the administrator changed

Nothing is carried over: no place was covered by name and no sector had a topsector before.

Revision ID: 504e4d1909ca
Revises: 39aa474ecf02
Create Date: 2026-12-01 17:12:10.942181

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '504e4d1909ca'
down_revision = '39aa474ecf02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('topsectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topsectors')),
    sa.UniqueConstraint('code', name=op.f('uq_topsectors_code'))
    )
    op.create_table('sector_topsectors',
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('topsector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_sector_topsectors_sector_id_sectors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topsector_id'], ['topsectors.id'], name=op.f('fk_sector_topsectors_topsector_id_topsectors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sector_id', 'topsector_id', name=op.f('pk_sector_topsectors'))
    )
    with op.batch_alter_table('sector_topsectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sector_topsectors_topsector_id'), ['topsector_id'], unique=False)

    op.create_table('technocentrum_places',
    sa.Column('technocentrum_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_technocentrum_places_place_id_places')),
    sa.ForeignKeyConstraint(['technocentrum_id'], ['organisations.id'], name=op.f('fk_technocentrum_places_technocentrum_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technocentrum_id', 'place_id', name=op.f('pk_technocentrum_places'))
    )
    with op.batch_alter_table('technocentrum_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technocentrum_places_place_id'), ['place_id'], unique=False)

    with op.batch_alter_table('education_levels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('sectors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('sectors', schema=None) as batch_op:
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('education_levels', schema=None) as batch_op:
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('technocentrum_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technocentrum_places_place_id'))

    op.drop_table('technocentrum_places')
    with op.batch_alter_table('sector_topsectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sector_topsectors_topsector_id'))

    op.drop_table('sector_topsectors')
    op.drop_table('topsectors')
