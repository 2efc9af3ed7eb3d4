"""search index: the words of every offer (title, description, company, place, sectors) in two
plain tables both databases index alike, so a text search reads an index instead of every offer;
and on offers until when each can be found (kept by triggers), its sectors and levels as bits,
and two indexes the search reads alone

The index is filled for the offers that exist; from then on portal.matching.index and the
triggers (portal.offers.findable) keep it.

Revision ID: a9c4e2d71b05
Revises: 5c1e9a7b3f20
Create Date: 2026-12-01 00:10:00

"""
import sqlalchemy as sa
from alembic import op

from portal.matching.words import words_of
from portal.offers import findable

revision = 'a9c4e2d71b05'
down_revision = '5c1e9a7b3f20'
branch_labels = None
depends_on = None


def upgrade():
    words = op.create_table(
        'search_words',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_words')),
        sa.UniqueConstraint('word', name=op.f('uq_search_words_word')),
    )
    offer_words = op.create_table(
        'offer_words',
        sa.Column('word_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name=op.f('fk_offer_words_offer_id_offers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['word_id'], ['search_words.id'],
                                name=op.f('fk_offer_words_word_id_search_words')),
        sa.PrimaryKeyConstraint('word_id', 'offer_id', name=op.f('pk_offer_words')),
    )
    op.create_index(op.f('ix_offer_words_offer_id'), 'offer_words', ['offer_id'], unique=False)
    with op.batch_alter_table('offers') as batch_op:
        batch_op.add_column(sa.Column('search_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('sector_mask', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('level_mask', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.create_index('ix_offers_search_place', [
            'place_id', 'search_until', 'offer_type', 'location_mode', 'travel_km',
            'sector_mask', 'level_mask', 'company_id'], unique=False)
        batch_op.create_index('ix_offers_search', [
            'search_until', 'offer_type', 'sector_mask', 'level_mask', 'company_id',
            'location_mode'], unique=False)
        batch_op.create_index('ix_offers_search_mode', [
            'location_mode', 'travel_km', 'search_until', 'offer_type', 'sector_mask',
            'level_mask', 'company_id'], unique=False)
    _fill(words, offer_words)
    connection = op.get_bind()
    for statement in findable.statements(connection.dialect.name):
        op.execute(statement)
    op.execute(findable.refresh_statement(connection.dialect.name,
                                 "true" if connection.dialect.name == "postgresql" else "1"))


def _fill(words, offer_words):
    connection = op.get_bind()
    texts = {}
    for offer_id, title, description, company, place in connection.execute(sa.text(
            "SELECT o.id, o.title, o.description, c.name, p.name FROM offers o "
            "JOIN organisations c ON c.id = o.company_id JOIN places p ON p.id = o.place_id")):
        texts[offer_id] = [title, description, company, place]
    masks = {offer_id: [0, 0] for offer_id in texts}
    for offer_id, sector_id, name, name_en in connection.execute(sa.text(
            "SELECT os.offer_id, s.id, s.name, s.name_en FROM offer_sectors os "
            "JOIN sectors s ON s.id = os.sector_id")):
        texts[offer_id] += [name, name_en]
        if 1 <= sector_id <= 63:
            masks[offer_id][0] |= 1 << (sector_id - 1)
    for offer_id, level_id in connection.execute(sa.text(
            "SELECT offer_id, education_level_id FROM offer_levels")):
        if 1 <= level_id <= 63 and offer_id in masks:
            masks[offer_id][1] |= 1 << (level_id - 1)
    for offer_id, (sector_mask, level_mask) in masks.items():
        connection.execute(sa.text(
            "UPDATE offers SET sector_mask = :s, level_mask = :l WHERE id = :id"),
            {"s": sector_mask, "l": level_mask, "id": offer_id})
    found = {offer_id: words_of(*parts) for offer_id, parts in texts.items()}
    vocabulary = sorted({word for offer in found.values() for word in offer})
    ids = {word: number for number, word in enumerate(vocabulary, start=1)}
    if vocabulary:
        op.bulk_insert(words, [{"id": ids[word], "word": word} for word in vocabulary])
        op.bulk_insert(offer_words, [{"word_id": ids[word], "offer_id": offer_id}
                                     for offer_id, offer in found.items() for word in offer])
    if connection.dialect.name == "postgresql" and vocabulary:
        connection.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('search_words', 'id'), :n)"), {"n": len(ids)})


def downgrade():
    for statement in findable.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('offers') as batch_op:
        batch_op.drop_index('ix_offers_search_mode')
        batch_op.drop_index('ix_offers_search')
        batch_op.drop_index('ix_offers_search_place')
        batch_op.drop_column('level_mask')
        batch_op.drop_column('sector_mask')
        batch_op.drop_column('search_until')
    op.drop_index(op.f('ix_offer_words_offer_id'), table_name='offer_words')
    op.drop_table('offer_words')
    op.drop_table('search_words')
