"""search changes: which offers changed, for the copy of the offers every process searches in
memory (portal/matching/store.py); the sector and level bits and the three covering indexes the
search read before are no longer read and go

Triggers on offers, slots, offer_sectors and offer_levels write the ids (portal.matching.changes).
Processes read every offer in full at their first search, so nothing needs filling.

Revision ID: c4d8a2f6b913
Revises: b3f7d1e9a260
Create Date: 2026-12-01 04:00:00

"""
import sqlalchemy as sa
from alembic import op

from portal.matching import changes

revision = 'c4d8a2f6b913'
down_revision = 'b3f7d1e9a260'
branch_labels = None
depends_on = None

_INDEXES = {
    'ix_offers_search_place': ['place_id', 'search_until', 'offer_type', 'location_mode',
                               'travel_km', 'sector_mask', 'level_mask', 'company_id'],
    'ix_offers_search': ['search_until', 'offer_type', 'sector_mask', 'level_mask',
                         'company_id', 'location_mode'],
    'ix_offers_search_mode': ['location_mode', 'travel_km', 'search_until', 'offer_type',
                              'sector_mask', 'level_mask', 'company_id'],
}


def upgrade():
    op.create_table(
        'search_changes',
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('xid', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True),
                  server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_search_changes')),
    )
    op.create_index(op.f('ix_search_changes_xid'), 'search_changes', ['xid'], unique=False)
    for statement in changes.statements(op.get_bind().dialect.name):
        op.execute(statement)
    for name in _INDEXES:
        op.drop_index(name, table_name='offers')
    # Plain ALTER TABLE (SQLite 3.35 and later): a rebuilt table would lose its triggers.
    op.execute('ALTER TABLE offers DROP COLUMN sector_mask')
    op.execute('ALTER TABLE offers DROP COLUMN level_mask')


def downgrade():
    op.add_column('offers', sa.Column('sector_mask', sa.BigInteger(), nullable=False,
                                      server_default='0'))
    op.add_column('offers', sa.Column('level_mask', sa.BigInteger(), nullable=False,
                                      server_default='0'))
    one = 'CAST(1 AS BIGINT)' if op.get_bind().dialect.name == 'postgresql' else '1'
    op.execute(f"""UPDATE offers SET
        sector_mask = COALESCE((SELECT sum({one} << (sector_id - 1)) FROM offer_sectors
                                WHERE offer_id = offers.id AND sector_id BETWEEN 1 AND 63), 0),
        level_mask = COALESCE((SELECT sum({one} << (education_level_id - 1)) FROM offer_levels
                               WHERE offer_id = offers.id
                                 AND education_level_id BETWEEN 1 AND 63), 0)""")
    for name, columns in _INDEXES.items():
        op.create_index(name, 'offers', columns, unique=False)
    for statement in changes.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index(op.f('ix_search_changes_xid'), table_name='search_changes')
    op.drop_table('search_changes')
